#ifndef BLINDSIGHT_BSIMG_H
#define BLINDSIGHT_BSIMG_H
// libpng's and libjpeg's classic APIs behind setjmp, wrapped in C because Swift cannot use setjmp/longjmp.
// Every entry point catches libpng's errors itself and reports them as a status code plus a message.
#include <stddef.h>
#include <stdint.h>

/// Status codes returned by every bsimg_ function.
typedef enum {
    BSIMG_OK = 0,
    BSIMG_ERR_SIGNATURE = 1, ///< not a PNG signature
    BSIMG_ERR_HEADER = 2,    ///< libpng refused the header chunks (IHDR, bad CRC, bad colour type/depth)
    BSIMG_ERR_DATA = 3,      ///< corrupt or truncated image data
    BSIMG_ERR_MEMORY = 4,    ///< allocation failed
    BSIMG_ERR_ENCODE = 5,    ///< encoding failed
    BSIMG_ERR_USAGE = 6,     ///< wrong call (buffer too small, bad arguments)
    BSIMG_ERR_TRUNCATED = 7, ///< the data ends before the image does
    BSIMG_ERR_UNSUPPORTED = 8///< a valid file using a feature the library does not decode
} bsimg_status;

/// What the PNG header says, and the layout bsimg_png_read will produce.
typedef struct {
    uint32_t width;
    uint32_t height;
    int color_type;   ///< PNG colour type: 0 gray, 2 rgb, 3 palette, 4 gray+alpha, 6 rgba
    int bit_depth;    ///< 1, 2, 4, 8 or 16
    int interlaced;   ///< 1 when Adam7
    int has_trns;     ///< 1 when a tRNS chunk is present
    int has_iccp;     ///< 1 when an iCCP chunk (ICC profile) is present
    int out_channels; ///< 1 (gray8), 3 (rgb8) or 4 (rgba8)
} bsimg_png_header;

typedef struct bsimg_png_reader bsimg_png_reader;

/// Parses the signature and the chunks up to the first IDAT. On success *reader must be closed.
/// `message` receives a NUL-terminated explanation on failure.
bsimg_status bsimg_png_open(const uint8_t *data, size_t size, bsimg_png_reader **reader,
                            bsimg_png_header *header, char *message, size_t message_size);

/// Decodes all pixels into `out` (width * height * out_channels bytes), 8 bits per sample, exact
/// stored samples (no gamma), palette and tRNS expanded, 16-bit reduced with rounding.
bsimg_status bsimg_png_read(bsimg_png_reader *reader, uint8_t *out, size_t out_size,
                            char *message, size_t message_size);

/// Decodes an 8-bit, non-interlaced PNG row by row into one 32-bit word per pixel: R | G << 8 | B << 16
/// for colour (alpha ignored, palette expanded), the sample itself for gray. Only one row of samples is
/// held besides `out` (`out_count` must be width * height). Interlaced or 16-bit files are refused
/// with BSIMG_ERR_USAGE (decode those whole).
bsimg_status bsimg_png_read_words(bsimg_png_reader *reader, uint32_t *out, size_t out_count,
                                  char *message, size_t message_size);

/// Frees the reader (NULL is allowed).
void bsimg_png_close(bsimg_png_reader *reader);

/// Fills `row_count` rows starting at `first_row` (each width * channels bytes) into `rows`, top to
/// bottom: every row is asked for once, in order. Returns 0, or non-zero to abort the encoding.
typedef int (*bsimg_row_source)(void *context, uint32_t first_row, uint32_t row_count, uint8_t *rows);

/// Takes the next `count` bytes of the PNG file. Returns 0, or non-zero to abort the encoding.
typedef int (*bsimg_byte_sink)(void *context, const uint8_t *bytes, size_t count);

/// Encodes 8-bit interleaved samples (channels 1, 3 or 4) to PNG with zlib at `zlib_level` (0-9),
/// pulling rows from `source` and pushing the file's bytes to `sink`, a few 1 MiB bands at a time:
/// memory stays at a few bands per core whatever the image's size. adaptive = 0: every row uses the
/// Up filter (fast); adaptive = 1: each row takes the filter with the smallest sum of absolute values
/// (as libpng does). The bands are filtered and deflated on all cores, each primed with the previous
/// 32 KiB, so the result is one ordinary zlib stream. BSIMG_ERR_ENCODE when the source or sink aborts.
bsimg_status bsimg_png_encode_stream(uint32_t width, uint32_t height, int channels, int zlib_level, int adaptive,
                                     bsimg_row_source source, void *source_context, bsimg_byte_sink sink,
                                     void *sink_context, char *message, size_t message_size);

/// What a JPEG header says (libjpeg's classic API).
typedef struct {
    uint32_t width;
    uint32_t height;
    int components;     ///< 1, 3 or 4
    int saw_adobe;      ///< 1 when an Adobe APP14 marker is present (CMYK is then stored inverted)
    int output_channels;///< 1 (gray), 3 (rgb) or 4 (cmyk, converted by the caller)
} bsimg_jpeg_header;

typedef struct bsimg_jpeg_reader bsimg_jpeg_reader;

/// Reads the JPEG header. On success *reader must be closed. The data must stay alive until close.
bsimg_status bsimg_jpeg_open(const uint8_t *data, size_t size, bsimg_jpeg_reader **reader,
                             bsimg_jpeg_header *header, char *message, size_t message_size);

/// Starts decompression scaled by scale_eighths/8 (1-8; libjpeg's DCT scaling) and reports the output size.
bsimg_status bsimg_jpeg_start(bsimg_jpeg_reader *reader, int scale_eighths, uint32_t *width, uint32_t *height,
                              char *message, size_t message_size);

/// Decodes all scanlines into `out` (width * height * output_channels bytes). A premature end of the
/// data is an error (BSIMG_ERR_TRUNCATED); other libjpeg warnings (junk between markers) are tolerated.
bsimg_status bsimg_jpeg_read(bsimg_jpeg_reader *reader, uint8_t *out, size_t out_size,
                             char *message, size_t message_size);

/// Decodes the next scanlines, up to `max_rows`, into `out` (rows of width * output_channels bytes);
/// *rows_read says how many. Call until the output height is reached; the last call finishes the
/// decompression. A premature end of the data is BSIMG_ERR_TRUNCATED.
bsimg_status bsimg_jpeg_read_rows(bsimg_jpeg_reader *reader, uint8_t *out, size_t out_size, uint32_t max_rows,
                                  uint32_t *rows_read, char *message, size_t message_size);

/// Frees the reader (NULL is allowed).
void bsimg_jpeg_close(bsimg_jpeg_reader *reader);

#endif
