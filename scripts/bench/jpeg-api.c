// Decodes one JPEG to RGB with the TurboJPEG API and with the classic libjpeg API, best of N runs
// each, to choose between them (scripts/bench-imaging.sh). Usage: jpeg-api FILE [RUNS]
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <turbojpeg.h>
#include <jpeglib.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void decode_libjpeg(const unsigned char *data, unsigned long size, unsigned char *out, int scale) {
    struct jpeg_decompress_struct info;
    struct jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, size);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = JCS_RGB;
    info.scale_num = scale;
    info.scale_denom = 8;
    jpeg_start_decompress(&info);
    size_t stride = (size_t)info.output_width * 3;
    JSAMPROW *rows = malloc(sizeof(JSAMPROW) * info.output_height);
    for (JDIMENSION y = 0; y < info.output_height; y++) rows[y] = out + y * stride;
    while (info.output_scanline < info.output_height) {
        jpeg_read_scanlines(&info, rows + info.output_scanline, info.output_height - info.output_scanline);
    }
    free(rows);
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
}

static void decode_turbojpeg(const unsigned char *data, unsigned long size, unsigned char *out, int scale) {
    tjhandle handle = tjInitDecompress();
    int width, height, subsampling, colorspace;
    tjDecompressHeader3(handle, data, size, &width, &height, &subsampling, &colorspace);
    int w = (width * scale + 7) / 8, h = (height * scale + 7) / 8;
    if (tjDecompress2(handle, data, size, out, w, w * 3, h, TJPF_RGB, 0) != 0) fprintf(stderr, "%s\n", tjGetErrorStr2(handle));
    tjDestroy(handle);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FILE [RUNS]\n", argv[0]); return 2; }
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 1; }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *data = malloc(size);
    if (fread(data, 1, size, file) != (size_t)size) return 1;
    fclose(file);
    unsigned char *out = malloc(64u << 20);
    for (int scale = 8; scale >= 2; scale -= 6) {
        double best_tj = 1e9, best_lj = 1e9;
        for (int i = 0; i < runs; i++) {
            double start = now();
            decode_turbojpeg(data, size, out, scale);
            double middle = now();
            decode_libjpeg(data, size, out, scale);
            double end = now();
            if (middle - start < best_tj) best_tj = middle - start;
            if (end - middle < best_lj) best_lj = end - middle;
        }
        printf("decode at scale %d/8: TurboJPEG API %.1f ms, libjpeg API %.1f ms (libjpeg/TurboJPEG %.2f)\n",
               scale, best_tj * 1000, best_lj * 1000, best_lj / best_tj);
    }
    return 0;
}
