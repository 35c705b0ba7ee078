#!/usr/bin/python3
"""Writes examples/truth/: the experiment truth for the example images, built from their panoptic segments.

park.jpg gets a mask (the dog and the walker: pixel 255 foreground, 0 background), park-crowd.jpg gets
segment ids (the same two) with the crowd's people as ignore_ids (not scored). Run from the repository root.
"""
import json

import numpy as np
from PIL import Image

DOG, PERSON = 16573184, 3937500


def ids(path):
    rgb = np.asarray(Image.open(path).convert("RGB")).astype(np.uint32)
    return rgb[..., 0] + 256 * rgb[..., 1] + 65536 * rgb[..., 2]


park = ids("examples/park.panoptic.png")
Image.fromarray(np.where(np.isin(park, [DOG, PERSON]), 255, 0).astype(np.uint8)).save("examples/truth/park.truth.png")
crowd = [s["id"] for s in json.load(open("examples/park-crowd.panoptic.json"))["segments_info"]
         if s["category_id"] == 1 and s["id"] != PERSON]
truth = {"images": {
    "park.jpg": {"mask": "park.truth.png"},
    "park-crowd.jpg": {"foreground_ids": [DOG, PERSON], "foreground_labels": [], "ignore_ids": crowd},
}}
with open("examples/truth/truth.json", "w") as out:
    json.dump(truth, out, indent=2)
    out.write("\n")
