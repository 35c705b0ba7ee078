#!/usr/bin/env python3
"""Pillow + numpy peer of `blindsight-bench compositor`: the same work, timed from inside.

Usage: bench-compositor-peer.py IMAGE.jpg PANOPTIC.png OUT_DIR ID,ID,... LEVEL
Decodes the photo and the COCO panoptic PNG, decodes ids (R + 256*G + 65536*B), keeps the listed
ids with np.isin, builds the straight-alpha RGBA cutout (RGB 0 where transparent) and the Gray8
mask, and saves both as PNG at zlib level LEVEL. Prints one JSON line: seconds and peak RSS (KiB).
"""
import json
import resource
import sys
import time

import numpy as np
from PIL import Image


def main() -> None:
    image_path, panoptic_path, out_dir, ids, level = sys.argv[1:6]
    keep = np.array([int(i) for i in ids.split(",")], dtype=np.uint32)
    start = time.perf_counter()
    rgb = np.asarray(Image.open(image_path).convert("RGB"))
    panoptic = np.asarray(Image.open(panoptic_path).convert("RGB")).astype(np.uint32)
    segment_ids = panoptic[..., 0] + 256 * panoptic[..., 1] + 65536 * panoptic[..., 2]
    del panoptic
    kept = np.isin(segment_ids, keep)
    del segment_ids
    alpha = kept.astype(np.uint8) * 255
    cutout = np.dstack([rgb * kept[..., None], alpha])
    del rgb
    Image.fromarray(cutout, "RGBA").save(f"{out_dir}/peer.cutout.png", compress_level=int(level))
    Image.fromarray(alpha, "L").save(f"{out_dir}/peer.mask.png", compress_level=int(level))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_kib": peak}))


if __name__ == "__main__":
    main()
