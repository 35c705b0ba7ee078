#!/usr/bin/env python3
"""Blindsight reference panoptic segmentation server.

Speaks the Blindsight panoptic protocol:

    POST /v1/panoptic            body: the image bytes, Content-Type: image/jpeg or image/png
    200 {"width", "height",
         "segments": [{"id", "category_id", "label", "isthing", "score", "area", "bbox": [x, y, w, h]}],
         "png": "<base64 COCO panoptic PNG: id = R + 256*G + 65536*B, 0 = unlabelled>"}
    4xx/5xx {"error": "..."}
    GET /healthz                 200 {"status": "ok", "model": "...", "device": "..."}

It runs a transformers Mask2Former (default facebook/mask2former-swin-large-coco-panoptic) with
post_process_panoptic_segmentation and maps the model's labels to COCO panoptic category ids.
Only the Python standard library HTTP server is used; see README.md for install and run notes.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_MODEL = "facebook/mask2former-swin-large-coco-panoptic"
DEFAULT_PORT = 22344
MAX_BODY_BYTES = 64 * 1024 * 1024
ACCEPTED_TYPES = ("image/jpeg", "image/png")
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CATEGORIES = os.path.join(HERE, "..", "..", "data", "coco-panoptic-categories.json")


class RequestError(Exception):
    """A problem with the client's request or our processing, answered as {"error": ...} with a status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def load_categories(path: str) -> list[dict]:
    """The category list (id, name, isthing, supercategory) in contiguous index order."""
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    categories = document["categories"] if isinstance(document, dict) else document
    return [{"id": int(c["id"]), "name": str(c["name"]), "isthing": bool(c["isthing"])} for c in categories]


class CategoryMapper:
    """Maps a model's label ids to COCO panoptic categories: by name first, else by contiguous index."""

    def __init__(self, id2label: dict, categories: list[dict]):
        by_name = {c["name"]: c for c in categories}
        self.by_label_id = {}
        for raw_id, name in id2label.items():
            label_id = int(raw_id)
            category = by_name.get(name)
            if category is None and len(id2label) == len(categories) and 0 <= label_id < len(categories):
                category = categories[label_id]
            self.by_label_id[label_id] = category or {"id": label_id, "name": name, "isthing": True}

    def category(self, label_id: int) -> dict:
        return self.by_label_id.get(label_id, {"id": label_id, "name": f"label {label_id}", "isthing": True})

    def stuff_label_ids(self) -> set[int]:
        """Label ids of stuff categories: their segments are fused into one region per class."""
        return {label_id for label_id, category in self.by_label_id.items() if not category["isthing"]}


class Segmenter:
    """Runs a Mask2Former model and answers in the Blindsight protocol's form."""

    def __init__(self, model, processor, categories: list[dict], device: str = "cpu", threshold: float = 0.8,
                 overlap_threshold: float = 0.8, mask_threshold: float = 0.5, max_mask_side: int = 1024):
        import torch

        self.torch = torch
        self.model = model.to(device).eval()
        self.processor = processor
        self.device = device
        self.threshold = threshold
        self.overlap_threshold = overlap_threshold
        self.mask_threshold = mask_threshold
        self.max_mask_side = max_mask_side
        self.mapper = CategoryMapper(model.config.id2label, categories)
        self.lock = threading.Lock()

    def segment(self, image) -> dict:
        """The protocol's JSON object for a PIL image."""
        import numpy as np

        image = image.convert("RGB")
        width, height = image.size
        # Masks are resolved at most max_mask_side pixels across (every query's mask at full size would
        # need gigabytes for a 12 MP photo), then the id map is scaled up nearest-neighbour.
        scale = min(1.0, self.max_mask_side / max(width, height))
        mask_size = (max(1, round(height * scale)), max(1, round(width * scale)))
        inputs = self.processor(images=image, return_tensors="pt").to(self.device)
        with self.lock, self.torch.no_grad():
            outputs = self.model(**inputs)
            result = self.processor.post_process_panoptic_segmentation(
                outputs, threshold=self.threshold, mask_threshold=self.mask_threshold,
                overlap_mask_area_threshold=self.overlap_threshold,
                label_ids_to_fuse=self.mapper.stuff_label_ids(), target_sizes=[mask_size])[0]
        ids = result["segmentation"].cpu().numpy().astype(np.int32)
        ids[ids < 0] = 0
        if mask_size != (height, width):
            from PIL import Image

            ids = np.asarray(Image.fromarray(ids).resize((width, height), Image.NEAREST))
        ids = ids.astype(np.int64)
        segments = []
        for info in result["segments_info"]:
            segment_id = int(info["id"])
            ys, xs = np.nonzero(ids == segment_id)
            if xs.size == 0:
                continue
            category = self.mapper.category(int(info["label_id"]))
            x0, y0 = int(xs.min()), int(ys.min())
            segments.append({
                "id": segment_id,
                "category_id": category["id"],
                "label": category["name"],
                "isthing": category["isthing"],
                "score": round(float(info.get("score", 0.0)), 4),
                "area": int(xs.size),
                "bbox": [x0, y0, int(xs.max()) - x0 + 1, int(ys.max()) - y0 + 1],
            })
        listed = np.array([s["id"] for s in segments], dtype=np.int64)
        ids[~np.isin(ids, listed)] = 0
        return {"width": width, "height": height, "segments": segments, "png": encode_coco_png(ids)}


def encode_coco_png(ids) -> str:
    """Base64 of the COCO panoptic PNG of an id array (id = R + 256*G + 65536*B)."""
    import numpy as np
    from PIL import Image

    rgb = np.stack([ids & 0xFF, (ids >> 8) & 0xFF, (ids >> 16) & 0xFF], axis=-1).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def decode_image(body: bytes, content_type: str):
    """The PIL image in the request body, upright (EXIF orientation applied, as Blindsight does)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if content_type not in ACCEPTED_TYPES:
        raise RequestError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                           f"Content-Type must be image/jpeg or image/png, not {content_type or 'missing'}")
    if not body:
        raise RequestError(HTTPStatus.BAD_REQUEST, "the request body is empty; send the image bytes")
    try:
        image = Image.open(io.BytesIO(body))
        image.load()
    except (UnidentifiedImageError, OSError) as error:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"cannot decode the image: {error}") from error
    return ImageOps.exif_transpose(image)


def make_handler(segmenter: Segmenter, model_name: str):
    """The request handler class bound to one segmenter."""

    class PanopticHandler(BaseHTTPRequestHandler):
        server_version = "BlindsightPanoptic/1.0"

        def do_GET(self):
            if self.path.rstrip("/") == "/healthz":
                self.send_json(HTTPStatus.OK, {"status": "ok", "model": model_name, "device": segmenter.device})
            else:
                self.send_json(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint {self.path}; POST /v1/panoptic"})

        def do_POST(self):
            try:
                if self.path.rstrip("/") != "/v1/panoptic":
                    raise RequestError(HTTPStatus.NOT_FOUND, f"no such endpoint {self.path}; POST /v1/panoptic")
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                       f"the image is {length} bytes; the limit is {MAX_BODY_BYTES}")
                body = self.rfile.read(length)
                content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                image = decode_image(body, content_type)
                try:
                    answer = segmenter.segment(image)
                except Exception as error:  # the model failed: report it, keep serving
                    raise RequestError(HTTPStatus.INTERNAL_SERVER_ERROR, f"segmentation failed: {error}") from error
                self.send_json(HTTPStatus.OK, answer)
            except RequestError as error:
                self.send_json(error.status, {"error": error.message})

        def send_json(self, status: int, payload: dict):
            data = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            sys.stderr.write("panoptic-server: " + (format % args) + "\n")

    return PanopticHandler


def make_server(segmenter: Segmenter, host: str, port: int, model_name: str) -> ThreadingHTTPServer:
    """An HTTP server (not yet serving) bound to host:port (port 0 picks a free port)."""
    return ThreadingHTTPServer((host, port), make_handler(segmenter, model_name))


def pick_device(requested: str) -> str:
    import torch

    if requested != "auto":
        return requested
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Blindsight reference panoptic segmentation server (Mask2Former).")
    parser.add_argument("--model", default=os.environ.get("BLINDSIGHT_PANOPTIC_MODEL", DEFAULT_MODEL),
                        help=f"Hugging Face model id or local folder (default {DEFAULT_MODEL})")
    parser.add_argument("--device", default="auto", help="auto (cuda, then mps, then cpu), cpu, cuda, cuda:1, mps")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--threshold", type=float, default=0.8, help="minimum segment score (default 0.8)")
    parser.add_argument("--max-mask-side", type=int, default=1024,
                        help="resolve masks at most this many pixels across, then scale the id map up (default 1024)")
    parser.add_argument("--categories", default=DEFAULT_CATEGORIES,
                        help="category file mapping model labels to COCO ids (default: Blindsight's COCO panoptic set)")
    args = parser.parse_args(argv)

    from transformers import AutoImageProcessor, Mask2FormerForUniversalSegmentation

    device = pick_device(args.device)
    print(f"panoptic-server: loading {args.model} on {device}", file=sys.stderr)
    processor = AutoImageProcessor.from_pretrained(args.model)
    model = Mask2FormerForUniversalSegmentation.from_pretrained(args.model)
    segmenter = Segmenter(model, processor, load_categories(args.categories), device=device, threshold=args.threshold,
                          max_mask_side=args.max_mask_side)
    server = make_server(segmenter, args.host, args.port, args.model)
    print(f"panoptic-server: listening on http://{args.host}:{server.server_address[1]}", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
