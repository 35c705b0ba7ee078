// PNG decoding with libpng's classic API. Every function that calls libpng sets its own
// setjmp point, so libpng's longjmp on error lands in a frame that is still live.
#include "bsimg.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bsimg_png_reader {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t position;
    char error[200];
    bsimg_png_header header;
};

static void copy_message(char *message, size_t message_size, const char *text) {
    if (message && message_size > 0) snprintf(message, message_size, "%s", text);
}

static void on_error(png_structp png, png_const_charp text) {
    char *buffer = (char *)png_get_error_ptr(png);
    if (buffer) snprintf(buffer, 200, "%s", text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void read_from_memory(png_structp png, png_bytep out, size_t length) {
    bsimg_png_reader *reader = (bsimg_png_reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->position) png_error(png, "unexpected end of data (file truncated)");
    memcpy(out, reader->data + reader->position, length);
    reader->position += length;
}

bsimg_status bsimg_png_open(const uint8_t *data, size_t size, bsimg_png_reader **result,
                            bsimg_png_header *header, char *message, size_t message_size) {
    *result = NULL;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        copy_message(message, message_size, "not a PNG signature");
        return BSIMG_ERR_SIGNATURE;
    }
    bsimg_png_reader *reader = calloc(1, sizeof *reader);
    if (!reader) return BSIMG_ERR_MEMORY;
    reader->data = data;
    reader->size = size;
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader->error, on_error, on_warning);
    if (!reader->png) { free(reader); return BSIMG_ERR_MEMORY; }
    reader->info = png_create_info_struct(reader->png);
    if (!reader->info) { bsimg_png_close(reader); return BSIMG_ERR_MEMORY; }
    if (setjmp(png_jmpbuf(reader->png))) {
        copy_message(message, message_size, reader->error);
        bsimg_png_close(reader);
        return BSIMG_ERR_HEADER;
    }
    png_set_read_fn(reader->png, reader, read_from_memory);
    png_read_info(reader->png, reader->info);

    bsimg_png_header *h = &reader->header;
    h->width = png_get_image_width(reader->png, reader->info);
    h->height = png_get_image_height(reader->png, reader->info);
    h->color_type = png_get_color_type(reader->png, reader->info);
    h->bit_depth = png_get_bit_depth(reader->png, reader->info);
    h->interlaced = png_get_interlace_type(reader->png, reader->info) != PNG_INTERLACE_NONE;
    h->has_trns = png_get_valid(reader->png, reader->info, PNG_INFO_tRNS) != 0;
    h->has_iccp = png_get_valid(reader->png, reader->info, PNG_INFO_iCCP) != 0;
    int alpha = (h->color_type & PNG_COLOR_MASK_ALPHA) || h->has_trns;
    int color = h->color_type & PNG_COLOR_MASK_COLOR;
    h->out_channels = alpha ? 4 : (color ? 3 : 1);
    *header = *h;
    *result = reader;
    return BSIMG_OK;
}

/// Sets up the transforms that turn any PNG into 8- or 16-bit gray, rgb or rgba samples.
static void configure_transforms(bsimg_png_reader *reader) {
    png_structp png = reader->png;
    const bsimg_png_header *h = &reader->header;
    if (h->color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (h->color_type == PNG_COLOR_TYPE_GRAY && h->bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (h->has_trns) png_set_tRNS_to_alpha(png);
    if (h->out_channels == 4 && !(h->color_type & PNG_COLOR_MASK_COLOR)) png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, reader->info);
}

static inline uint8_t reduce16(const uint8_t *big_endian) {
    uint32_t value = ((uint32_t)big_endian[0] << 8) | big_endian[1];
    return (uint8_t)((value * 255u + 32767u) / 65535u);
}

bsimg_status bsimg_png_read(bsimg_png_reader *reader, uint8_t *out, size_t out_size,
                            char *message, size_t message_size) {
    const bsimg_png_header *h = &reader->header;
    size_t row_samples = (size_t)h->width * (size_t)h->out_channels;
    if (out_size < row_samples * h->height) {
        copy_message(message, message_size, "output buffer too small");
        return BSIMG_ERR_USAGE;
    }
    int sixteen = h->bit_depth == 16;
    uint8_t *wide = NULL;
    png_bytep *rows = malloc(sizeof(png_bytep) * (h->height ? h->height : 1));
    if (!rows) return BSIMG_ERR_MEMORY;
    if (sixteen) {
        wide = malloc(row_samples * 2 * (h->height ? h->height : 1));
        if (!wide) { free(rows); return BSIMG_ERR_MEMORY; }
    }
    // volatile: these locals are read after a longjmp.
    png_bytep *volatile rows_v = rows;
    uint8_t *volatile wide_v = wide;
    if (setjmp(png_jmpbuf(reader->png))) {
        copy_message(message, message_size, reader->error);
        free(rows_v);
        free(wide_v);
        return BSIMG_ERR_DATA;
    }
    configure_transforms(reader);
    size_t row_bytes = png_get_rowbytes(reader->png, reader->info);
    if (row_bytes != row_samples * (sixteen ? 2 : 1)) png_error(reader->png, "unexpected row layout");
    for (uint32_t y = 0; y < h->height; y++) {
        rows[y] = sixteen ? wide + (size_t)y * row_bytes : out + (size_t)y * row_bytes;
    }
    png_read_image(reader->png, rows);
    png_read_end(reader->png, NULL);
    if (sixteen) {
        size_t count = row_samples * h->height;
        for (size_t i = 0; i < count; i++) out[i] = reduce16(wide + 2 * i);
    }
    free(rows);
    free(wide);
    return BSIMG_OK;
}

bsimg_status bsimg_png_read_words(bsimg_png_reader *reader, uint32_t *out, size_t out_count,
                                  char *message, size_t message_size) {
    const bsimg_png_header *h = &reader->header;
    if (h->interlaced || h->bit_depth > 8) {
        copy_message(message, message_size, "only 8-bit non-interlaced PNGs are read row by row");
        return BSIMG_ERR_USAGE;
    }
    size_t width = h->width;
    if (out_count < width * h->height) {
        copy_message(message, message_size, "output buffer too small");
        return BSIMG_ERR_USAGE;
    }
    size_t channels = h->out_channels;
    uint8_t *row = malloc(width * channels ? width * channels : 1);
    if (!row) return BSIMG_ERR_MEMORY;
    uint8_t *volatile row_v = row;  // read after a longjmp
    if (setjmp(png_jmpbuf(reader->png))) {
        copy_message(message, message_size, reader->error);
        free(row_v);
        return BSIMG_ERR_DATA;
    }
    configure_transforms(reader);
    if (png_get_rowbytes(reader->png, reader->info) != width * channels) png_error(reader->png, "unexpected row layout");
    for (uint32_t y = 0; y < h->height; y++) {
        png_read_row(reader->png, row, NULL);
        uint32_t *target = out + (size_t)y * width;
        if (channels == 1) {
            for (size_t x = 0; x < width; x++) target[x] = row[x];
        } else {
            for (size_t x = 0; x < width; x++) {
                const uint8_t *p = row + x * channels;
                target[x] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
            }
        }
    }
    png_read_end(reader->png, NULL);
    free(row);
    return BSIMG_OK;
}

void bsimg_png_close(bsimg_png_reader *reader) {
    if (!reader) return;
    png_destroy_read_struct(&reader->png, reader->info ? &reader->info : NULL, NULL);
    free(reader);
}
