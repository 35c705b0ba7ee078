#ifndef BLINDSIGHT_CCRYPTO_SHIM_H
#define BLINDSIGHT_CCRYPTO_SHIM_H
// The system's libcrypto (OpenSSL 3, already loaded by libcurl), for SHA-256 digests. Every symbol is
// prefixed ccrypto_.
#include <stddef.h>
#include <openssl/evp.h>

/// Writes the 32-byte SHA-256 digest of `count` bytes at `data` to `digest`; returns 1 on success.
static inline int ccrypto_sha256(const void *data, size_t count, unsigned char digest[32]) {
    unsigned int length = 0;
    return EVP_Digest(data, count, digest, &length, EVP_sha256(), NULL) == 1 && length == 32;
}

#endif
