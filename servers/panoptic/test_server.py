"""Tests of the reference panoptic server on a tiny randomly initialised Mask2Former (no download).

Run with `python -m pytest servers/panoptic`. Skipped, with the reason, when torch, transformers,
numpy, Pillow or scipy are not installed.
"""

import base64
import importlib.util
import io
import json
import threading
import urllib.error
import urllib.request

import pytest

import server

# Each test is collected and reported skipped, with the reason, when a package is missing
# (a module-level skip would collect nothing, which pytest reports as a failure, exit code 5).
REQUIRED = {
    "torch": "torch is not installed (see servers/panoptic/README.md)",
    "transformers": "transformers is not installed",
    "numpy": "numpy is not installed",
    "PIL": "Pillow is not installed",
    "scipy": "scipy is not installed (transformers' Mask2Former needs it)",
}
MISSING = [reason for module, reason in REQUIRED.items() if importlib.util.find_spec(module) is None]
pytestmark = pytest.mark.skipif(bool(MISSING), reason="; ".join(MISSING))

if not MISSING:
    import numpy as np
    import torch
    from PIL import Image as PIL_Image


def tiny_segmenter() -> "server.Segmenter":
    """A Mask2Former with a one-block-per-stage Swin backbone, 32-channel heads, COCO panoptic labels, random weights."""
    from transformers import Mask2FormerConfig, Mask2FormerForUniversalSegmentation, Mask2FormerImageProcessor, SwinConfig

    categories = server.load_categories(server.DEFAULT_CATEGORIES)
    torch.manual_seed(0)
    backbone = SwinConfig(image_size=64, patch_size=4, embed_dim=16, depths=[1, 1, 1, 1], num_heads=[1, 1, 1, 1],
                          window_size=4, out_features=["stage1", "stage2", "stage3", "stage4"])
    config = Mask2FormerConfig(
        backbone_config=backbone, feature_size=32, mask_feature_size=32, hidden_dim=32, encoder_feedforward_dim=32,
        dim_feedforward=32, encoder_layers=1, decoder_layers=2, num_attention_heads=2, num_queries=8,
        id2label={i: c["name"] for i, c in enumerate(categories)},
        label2id={c["name"]: i for i, c in enumerate(categories)})
    model = Mask2FormerForUniversalSegmentation(config)
    processor = Mask2FormerImageProcessor(size={"shortest_edge": 64, "longest_edge": 96}, size_divisor=32)
    return server.Segmenter(model, processor, categories, device="cpu", threshold=0.0, overlap_threshold=0.0,
                            mask_threshold=0.0,  # random weights score about 1/134: keep every query that wins pixels
                            max_mask_side=48)  # below the test images' size, so the id map is scaled up


@pytest.fixture(scope="module")
def base_url():
    segmenter = tiny_segmenter()
    httpd = server.make_server(segmenter, "127.0.0.1", 0, "tiny-random")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def post(url, body, content_type):
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def image_bytes(fmt: str, size=(80, 60)) -> bytes:
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 255, size=(size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    PIL_Image.fromarray(pixels).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt,content_type", [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_answer_follows_the_protocol(base_url, fmt, content_type):
    status, answer = post(base_url + "/v1/panoptic", image_bytes(fmt), content_type)
    assert status == 200
    assert (answer["width"], answer["height"]) == (80, 60)
    ids_image = PIL_Image.open(io.BytesIO(base64.b64decode(answer["png"])))
    assert ids_image.size == (80, 60) and ids_image.mode == "RGB"
    rgb = np.asarray(ids_image).astype(np.int64)
    ids = rgb[..., 0] + 256 * rgb[..., 1] + 65536 * rgb[..., 2]
    listed = {segment["id"] for segment in answer["segments"]}
    assert listed, "the tiny model finds at least one segment, so the checks below run"
    assert set(np.unique(ids)) - {0} == listed, "every id in the PNG is listed and every listed id is present"
    categories = {c["id"]: c for c in server.load_categories(server.DEFAULT_CATEGORIES)}
    for segment in answer["segments"]:
        ys, xs = np.nonzero(ids == segment["id"])
        assert segment["area"] == xs.size
        assert segment["bbox"] == [xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1]
        assert categories[segment["category_id"]]["name"] == segment["label"]
        assert categories[segment["category_id"]]["isthing"] == segment["isthing"]
        assert 0.0 <= segment["score"] <= 1.0


def test_errors_are_json_with_a_status(base_url):
    status, answer = post(base_url + "/v1/panoptic", b"not an image", "image/png")
    assert status == 400 and "cannot decode" in answer["error"]
    status, answer = post(base_url + "/v1/panoptic", image_bytes("PNG"), "text/plain")
    assert status == 415 and "Content-Type" in answer["error"]
    status, answer = post(base_url + "/v1/other", image_bytes("PNG"), "image/png")
    assert status == 404 and "/v1/panoptic" in answer["error"]


def test_labels_map_to_coco_ids_by_name_then_by_index():
    categories = [{"id": 1, "name": "person", "isthing": True}, {"id": 184, "name": "tree-merged", "isthing": False}]
    mapper = server.CategoryMapper({0: "tree-merged", 1: "person"}, categories)
    assert mapper.category(0)["id"] == 184 and mapper.category(1)["id"] == 1
    assert mapper.stuff_label_ids() == {0}
    by_index = server.CategoryMapper({0: "human", 1: "plant"}, categories)
    assert by_index.category(0)["id"] == 1 and by_index.category(1)["id"] == 184
