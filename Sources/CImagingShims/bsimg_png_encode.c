// PNG encoding: our own filtering and chunk writing, zlib deflate in parallel bands (like pigz), so a
// large image compresses on all cores. The output is a standard PNG (one zlib stream over all IDATs).
#include "bsimg.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

enum { DICTIONARY = 32768, IDAT_CHUNK = 1 << 20, MIN_BAND_BYTES = 1 << 20, MAX_BANDS = 8 };

static inline uint8_t paeth(int a, int b, int c) {
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return (uint8_t)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/// Writes `row` filtered with `type` (0-4) into out[0] = type, out[1...] = filtered bytes. The first
/// `bpp` bytes have no left neighbour and the first row no prior row (zeros), as PNG defines.
static void filter_row(int type, const uint8_t *row, const uint8_t *prior, size_t length, int bpp, uint8_t *out) {
    out[0] = (uint8_t)type;
    uint8_t *f = out + 1;
    size_t lead = (size_t)bpp < length ? (size_t)bpp : length;
    switch (type) {
    case 0:
        memcpy(f, row, length);
        break;
    case 1:
        memcpy(f, row, lead);
        for (size_t i = lead; i < length; i++) f[i] = (uint8_t)(row[i] - row[i - bpp]);
        break;
    case 2:
        if (!prior) { memcpy(f, row, length); break; }
        for (size_t i = 0; i < length; i++) f[i] = (uint8_t)(row[i] - prior[i]);
        break;
    case 3:
        for (size_t i = 0; i < length; i++) {
            int a = i >= lead ? row[i - bpp] : 0, b = prior ? prior[i] : 0;
            f[i] = (uint8_t)(row[i] - ((a + b) >> 1));
        }
        break;
    default:
        for (size_t i = 0; i < length; i++) {
            int a = i >= lead ? row[i - bpp] : 0, b = prior ? prior[i] : 0;
            int c = (prior && i >= lead) ? prior[i - bpp] : 0;
            f[i] = (uint8_t)(row[i] - paeth(a, b, c));
        }
        break;
    }
}

static uint64_t filtered_cost(const uint8_t *filtered, size_t length) {
    uint64_t sum = 0;
    for (size_t i = 1; i <= length; i++) sum += (uint64_t)abs((int)(int8_t)filtered[i]);
    return sum;
}

/// Filters every row into `out` ((1 + stride) bytes per row). scratch holds 1 + stride bytes.
static void filter_image(const uint8_t *pixels, uint32_t height, size_t stride, int bpp, int adaptive,
                         uint8_t *out, uint8_t *scratch) {
    for (uint32_t y = 0; y < height; y++) {
        const uint8_t *row = pixels + (size_t)y * stride, *prior = y ? row - stride : NULL;
        uint8_t *target = out + (size_t)y * (stride + 1);
        if (!adaptive) { filter_row(2, row, prior, stride, bpp, target); continue; }
        filter_row(0, row, prior, stride, bpp, target);
        uint64_t best = filtered_cost(target, stride);
        for (int type = 1; type <= 4; type++) {
            filter_row(type, row, prior, stride, bpp, scratch);
            uint64_t cost = filtered_cost(scratch, stride);
            if (cost < best) { best = cost; memcpy(target, scratch, stride + 1); }
        }
    }
}

typedef struct {
    const uint8_t *data;  ///< the whole filtered image
    size_t start, length; ///< this band
    int level, last;
    uint8_t *out;
    size_t out_size;
    uLong adler;
    int failed;
} band_job;

static void *deflate_band(void *argument) {
    band_job *job = argument;
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (deflateInit2(&stream, job->level, Z_DEFLATED, -15, 8, Z_FILTERED) != Z_OK) { job->failed = 1; return NULL; }
    if (job->start > 0) {
        size_t dictionary = job->start < DICTIONARY ? job->start : DICTIONARY;
        deflateSetDictionary(&stream, job->data + job->start - dictionary, (uInt)dictionary);
    }
    size_t capacity = deflateBound(&stream, (uLong)job->length) + 64;
    job->out = malloc(capacity);
    if (!job->out) { deflateEnd(&stream); job->failed = 1; return NULL; }
    stream.next_in = (Bytef *)(job->data + job->start);
    stream.avail_in = (uInt)job->length;
    stream.next_out = job->out;
    stream.avail_out = (uInt)capacity;
    int status = deflate(&stream, job->last ? Z_FINISH : Z_SYNC_FLUSH);
    int expected = job->last ? Z_STREAM_END : Z_OK;
    if (status != expected || stream.avail_in != 0) job->failed = 1;
    job->out_size = capacity - stream.avail_out;
    deflateEnd(&stream);
    job->adler = adler32(1L, job->data + job->start, (uInt)job->length);
    return NULL;
}

typedef struct {
    uint8_t *bytes;
    size_t count;
} byte_writer;

static void put32(byte_writer *w, uint32_t v) {
    uint8_t *p = w->bytes + w->count;
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
    w->count += 4;
}

/// Appends one chunk: length, type, data, CRC over type and data.
static void put_chunk(byte_writer *w, const char *type, const uint8_t *data, size_t length) {
    put32(w, (uint32_t)length);
    uint8_t *start = w->bytes + w->count;
    memcpy(start, type, 4);
    if (length) memcpy(start + 4, data, length);
    w->count += 4 + length;
    put32(w, (uint32_t)crc32(0L, start, (uInt)(4 + length)));
}

bsimg_status bsimg_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                              int zlib_level, int adaptive, uint8_t **out, size_t *out_size,
                              char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    if ((channels != 1 && channels != 3 && channels != 4) || width == 0 || height == 0 || width > 0x7FFFFFFF ||
        height > 0x7FFFFFFF) {
        snprintf(message, message_size, "unsupported image layout for PNG");
        return BSIMG_ERR_USAGE;
    }
    size_t stride = (size_t)width * (size_t)channels, filtered_size = (stride + 1) * height;
    if (filtered_size > 0x7FFFFFFF) {  // zlib's lengths are 32-bit
        snprintf(message, message_size, "image too large for PNG encoding (over 2 GiB of samples)");
        return BSIMG_ERR_USAGE;
    }
    uint8_t *filtered = malloc(filtered_size), *scratch = malloc(stride + 1);
    if (!filtered || !scratch) { free(filtered); free(scratch); return BSIMG_ERR_MEMORY; }
    filter_image(pixels, height, stride, channels, adaptive, filtered, scratch);
    free(scratch);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t bands = filtered_size / MIN_BAND_BYTES;
    if (bands > (size_t)(cores > 0 ? cores : 1)) bands = (size_t)(cores > 0 ? cores : 1);
    if (bands > MAX_BANDS) bands = MAX_BANDS;
    if (bands < 1) bands = 1;
    band_job jobs[MAX_BANDS];
    pthread_t threads[MAX_BANDS];
    int started[MAX_BANDS] = {0};
    for (size_t i = 0; i < bands; i++) {
        size_t first_row = height * i / bands, end_row = height * (i + 1) / bands;
        jobs[i] = (band_job){ .data = filtered, .start = first_row * (stride + 1),
                              .length = (end_row - first_row) * (stride + 1), .level = zlib_level,
                              .last = i == bands - 1 };
        if (i > 0) started[i] = pthread_create(&threads[i], NULL, deflate_band, &jobs[i]) == 0;
        if (i > 0 && !started[i]) deflate_band(&jobs[i]);
    }
    deflate_band(&jobs[0]);
    int failed = jobs[0].failed;
    size_t compressed = jobs[0].out_size;
    uLong adler = jobs[0].adler;
    for (size_t i = 1; i < bands; i++) {
        if (started[i]) pthread_join(threads[i], NULL);
        failed |= jobs[i].failed;
        compressed += jobs[i].out_size;
        adler = adler32_combine(adler, jobs[i].adler, (z_off_t)jobs[i].length);
    }
    free(filtered);

    // zlib stream = 2-byte header + deflate bands + Adler-32; split into IDAT chunks.
    size_t stream_size = 2 + compressed + 4, chunks = (stream_size + IDAT_CHUNK - 1) / IDAT_CHUNK;
    uint8_t *stream = failed ? NULL : malloc(stream_size);
    byte_writer writer = { malloc(8 + 25 + stream_size + 12 * chunks + 12), 0 };
    if (failed || !stream || !writer.bytes) {
        for (size_t i = 0; i < bands; i++) free(jobs[i].out);
        free(stream);
        free(writer.bytes);
        snprintf(message, message_size, failed ? "zlib failed" : "out of memory");
        return failed ? BSIMG_ERR_ENCODE : BSIMG_ERR_MEMORY;
    }
    stream[0] = 0x78;
    stream[1] = zlib_level <= 1 ? 0x01 : 0x9C;
    size_t offset = 2;
    for (size_t i = 0; i < bands; i++) {
        memcpy(stream + offset, jobs[i].out, jobs[i].out_size);
        offset += jobs[i].out_size;
        free(jobs[i].out);
    }
    byte_writer tail = { stream + offset, 0 };
    put32(&tail, (uint32_t)adler);

    static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
    memcpy(writer.bytes, signature, 8);
    writer.count = 8;
    uint8_t header[13];
    byte_writer ihdr = { header, 0 };
    put32(&ihdr, width);
    put32(&ihdr, height);
    header[8] = 8;
    header[9] = channels == 1 ? 0 : channels == 3 ? 2 : 6;
    header[10] = header[11] = header[12] = 0;
    put_chunk(&writer, "IHDR", header, 13);
    for (size_t at = 0; at < stream_size; at += IDAT_CHUNK) {
        size_t length = stream_size - at < IDAT_CHUNK ? stream_size - at : IDAT_CHUNK;
        put_chunk(&writer, "IDAT", stream + at, length);
    }
    put_chunk(&writer, "IEND", NULL, 0);
    free(stream);
    *out = writer.bytes;
    *out_size = writer.count;
    return BSIMG_OK;
}
