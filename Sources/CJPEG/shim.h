#ifndef BLINDSIGHT_CJPEG_SHIM_H
#define BLINDSIGHT_CJPEG_SHIM_H
// TurboJPEG 2.1 (tjInitCompress / tjDecompress2 / tjGetErrorStr2). stddef/stdio first: jpeg headers need them.
#include <stddef.h>
#include <stdio.h>
#include <turbojpeg.h>

#endif
