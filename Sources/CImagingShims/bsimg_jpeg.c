// JPEG decoding with libjpeg(-turbo)'s classic API. libjpeg reports fatal errors through error_exit,
// which must not return: it longjmps back to the setjmp of the entry point that is running.
#include "bsimg.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/// Progressive files with more scans than this are refused (a known decompression-time DoS).
enum { MAX_SCANS = 500 };

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    int premature_end;
} error_manager;

struct bsimg_jpeg_reader {
    struct jpeg_decompress_struct info;
    error_manager errors;
    struct jpeg_progress_mgr progress;
    bsimg_jpeg_header header;
    int started;
};

static void on_error_exit(j_common_ptr info) {
    error_manager *errors = (error_manager *)info->err;
    info->err->format_message(info, errors->message);
    longjmp(errors->jump, 1);
}

static void on_message(j_common_ptr info, int level) {
    error_manager *errors = (error_manager *)info->err;
    if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) {
        errors->premature_end = 1;
        info->err->format_message(info, errors->message);
    }
}

static void on_progress(j_common_ptr info) {
    j_decompress_ptr decompress = (j_decompress_ptr)info;
    if (decompress->progressive_mode && decompress->input_scan_number > MAX_SCANS) {
        snprintf(((error_manager *)info->err)->message, JMSG_LENGTH_MAX, "more than %d progressive scans", MAX_SCANS);
        longjmp(((error_manager *)info->err)->jump, 1);
    }
}

static bsimg_status report(bsimg_jpeg_reader *reader, bsimg_status status, char *message, size_t message_size) {
    if (message && message_size > 0) snprintf(message, message_size, "%s", reader->errors.message);
    return status;
}

bsimg_status bsimg_jpeg_open(const uint8_t *data, size_t size, bsimg_jpeg_reader **result,
                             bsimg_jpeg_header *header, char *message, size_t message_size) {
    *result = NULL;
    bsimg_jpeg_reader *reader = calloc(1, sizeof *reader);
    if (!reader) return BSIMG_ERR_MEMORY;
    reader->info.err = jpeg_std_error(&reader->errors.base);
    reader->errors.base.error_exit = on_error_exit;
    reader->errors.base.emit_message = on_message;
    if (setjmp(reader->errors.jump)) {
        bsimg_status status = report(reader, BSIMG_ERR_HEADER, message, message_size);
        bsimg_jpeg_close(reader);
        return status;
    }
    jpeg_create_decompress(&reader->info);
    reader->progress.progress_monitor = on_progress;
    reader->info.progress = &reader->progress;
    jpeg_mem_src(&reader->info, data, (unsigned long)size);
    jpeg_save_markers(&reader->info, JPEG_APP0 + 14, 0);
    if (jpeg_read_header(&reader->info, TRUE) != JPEG_HEADER_OK) {
        snprintf(reader->errors.message, JMSG_LENGTH_MAX, "no image in the JPEG data");
        bsimg_status status = report(reader, BSIMG_ERR_HEADER, message, message_size);
        bsimg_jpeg_close(reader);
        return status;
    }
    bsimg_jpeg_header *h = &reader->header;
    h->width = reader->info.image_width;
    h->height = reader->info.image_height;
    h->components = reader->info.num_components;
    h->saw_adobe = reader->info.saw_Adobe_marker;
    switch (reader->info.jpeg_color_space) {
    case JCS_GRAYSCALE: reader->info.out_color_space = JCS_GRAYSCALE; h->output_channels = 1; break;
    case JCS_CMYK:
    case JCS_YCCK: reader->info.out_color_space = JCS_CMYK; h->output_channels = 4; break;
    default: reader->info.out_color_space = JCS_RGB; h->output_channels = 3; break;
    }
    *header = *h;
    *result = reader;
    return BSIMG_OK;
}

bsimg_status bsimg_jpeg_start(bsimg_jpeg_reader *reader, int scale_eighths, uint32_t *width, uint32_t *height,
                              char *message, size_t message_size) {
    if (setjmp(reader->errors.jump)) return report(reader, BSIMG_ERR_DATA, message, message_size);
    reader->info.scale_num = (unsigned)(scale_eighths < 1 ? 1 : scale_eighths > 8 ? 8 : scale_eighths);
    reader->info.scale_denom = 8;
    jpeg_start_decompress(&reader->info);
    reader->started = 1;
    *width = reader->info.output_width;
    *height = reader->info.output_height;
    return BSIMG_OK;
}

bsimg_status bsimg_jpeg_read_rows(bsimg_jpeg_reader *reader, uint8_t *out, size_t out_size, uint32_t max_rows,
                                  uint32_t *rows_read, char *message, size_t message_size) {
    j_decompress_ptr info = &reader->info;
    *rows_read = 0;
    size_t stride = (size_t)info->output_width * (size_t)info->output_components;
    uint32_t remaining = reader->started ? info->output_height - info->output_scanline : 0;
    uint32_t wanted = max_rows < remaining ? max_rows : remaining;
    if (!reader->started || out_size < stride * wanted) {
        snprintf(reader->errors.message, JMSG_LENGTH_MAX, "decoder not started or buffer too small");
        return report(reader, BSIMG_ERR_USAGE, message, message_size);
    }
    JSAMPROW *rows = malloc(sizeof(JSAMPROW) * (wanted ? wanted : 1));
    if (!rows) return BSIMG_ERR_MEMORY;
    for (uint32_t y = 0; y < wanted; y++) rows[y] = out + (size_t)y * stride;
    JSAMPROW *volatile rows_v = rows;
    if (setjmp(reader->errors.jump)) {
        free(rows_v);
        return report(reader, BSIMG_ERR_DATA, message, message_size);
    }
    uint32_t done = 0;
    while (done < wanted && !reader->errors.premature_end) {
        done += jpeg_read_scanlines(info, rows + done, wanted - done);
    }
    if (!reader->errors.premature_end && info->output_scanline == info->output_height) {
        jpeg_finish_decompress(info);
        reader->started = 0;
    }
    free(rows);
    *rows_read = done;
    if (reader->errors.premature_end) return report(reader, BSIMG_ERR_TRUNCATED, message, message_size);
    return BSIMG_OK;
}

bsimg_status bsimg_jpeg_read(bsimg_jpeg_reader *reader, uint8_t *out, size_t out_size,
                             char *message, size_t message_size) {
    uint32_t rows = 0;
    bsimg_status status = bsimg_jpeg_read_rows(reader, out, out_size, reader->info.output_height, &rows,
                                               message, message_size);
    if (status == BSIMG_OK && reader->started) {
        snprintf(reader->errors.message, JMSG_LENGTH_MAX, "decoder not started or buffer too small");
        return report(reader, BSIMG_ERR_USAGE, message, message_size);
    }
    return status;
}

void bsimg_jpeg_close(bsimg_jpeg_reader *reader) {
    if (!reader) return;
    jpeg_destroy_decompress(&reader->info);
    free(reader);
}
