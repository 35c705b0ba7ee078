import BlindsightCore
import Foundation
import Imaging
import Panoptic

extension SyntheticScene {
    /// The files of a scene written with the sidecar convention.
    public struct Files: Sendable {
        /// The photo (`stem.jpg` or `stem.png`).
        public var image: String
        /// The id map, `stem.panoptic.png` (COCO panoptic RGB).
        public var map: String
        /// The segments, `stem.panoptic.json` (a COCO annotation object).
        public var segments: String
    }

    /// Writes the photo and its sidecar segmentation into `folder` (atomically).
    /// - Parameter jpeg: write the photo as JPEG (quality 92) rather than PNG.
    @discardableResult
    public func write(to folder: String, stem: String, jpeg: Bool = true) throws -> Files {
        let base = (folder as NSString).appendingPathComponent(stem)
        let files = Files(
            image: base + (jpeg ? ".jpg" : ".png"), map: base + ".panoptic.png", segments: base + ".panoptic.json")
        let photo = jpeg ? try JPEGEncoder.encode(image, quality: 92) : try PNGEncoder.encode(image, effort: .small)
        try AtomicFile.write(photo, to: files.image)
        try AtomicFile.write(
            try PNGEncoder.encode(segmentation.idMap.cocoPanopticImage(), effort: .small), to: files.map)
        var json = cocoSegmentsJSON(fileName: stem + ".panoptic.png")
        json.append(0x0A)
        try AtomicFile.write(json, to: files.segments)
        return files
    }
}

extension SyntheticScene {
    /// The example scenes shipped in `examples/` (see `scripts/make-examples.sh`): stem, scene, JPEG or PNG.
    public static var shippedExamples: [(stem: String, scene: SyntheticScene, jpeg: Bool)] {
        [
            ("park", SyntheticScene(width: 480, height: 360, seed: 7), true),
            ("park-crowd", SyntheticScene(width: 480, height: 320, seed: 11, crowd: 14), true),
            ("park-outlined", SyntheticScene(width: 240, height: 180, seed: 3, voidOutline: true), false),
        ]
    }
}
