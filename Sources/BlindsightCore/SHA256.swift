import CCrypto

/// SHA-256, for recording what was sent or written (images, templates, output files) without keeping
/// the bytes. Computed by the system's libcrypto (OpenSSL), which libcurl already loads.
public enum SHA256 {
    /// The lowercase hex digest of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        digest(bytes).map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }

    /// The lowercase hex digest of the UTF-8 bytes of `text`.
    public static func hex(of text: String) -> String { hex(text.utf8) }

    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        if let digest = bytes.withContiguousStorageIfAvailable({ digest(of: UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { digest(of: $0) }
    }

    private static func digest(of buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        let status = digest.withUnsafeMutableBufferPointer { output in
            ccrypto_sha256(buffer.baseAddress, buffer.count, output.baseAddress)
        }
        // EVP_Digest fails only when libcrypto cannot allocate its context: no input can cause it.
        precondition(status == 1, "libcrypto's SHA-256 failed (out of memory)")
        return digest
    }
}
