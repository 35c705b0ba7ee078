#ifndef BLINDSIGHT_CPNG_SHIM_H
#define BLINDSIGHT_CPNG_SHIM_H
// libpng, plus constants for compound macros Swift cannot import. Symbols prefixed cpng_/CPNG_.
#include <png.h>

static const png_uint_32 CPNG_FORMAT_GRAY = PNG_FORMAT_GRAY;
static const png_uint_32 CPNG_FORMAT_RGB = PNG_FORMAT_RGB;
static const png_uint_32 CPNG_FORMAT_RGBA = PNG_FORMAT_RGBA;

#endif
