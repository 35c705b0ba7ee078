import Imaging
import Panoptic

/// Small hand-made scenes for compositor tests: an id map drawn by a closure, its segments, a table.
enum Scene {
    static func map(width: Int, height: Int, _ id: (Int, Int) -> UInt32) -> SegmentIDMap {
        var ids = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width { ids[y * width + x] = id(x, y) }
        }
        return SegmentIDMap(width: width, height: height, ids: ids)
    }

    /// The segmentation of `map`, labelled by `labels` (ids without a label become "thing <id>").
    static func segmentation(_ map: SegmentIDMap, labels: [UInt32: String] = [:]) -> PanopticSegmentation {
        var counts: [UInt32: Int] = [:]
        for id in map.ids where id != 0 { counts[id, default: 0] += 1 }
        let segments = counts.keys.sorted().map { id in
            Segment(
                id: Int(id), categoryID: nil, label: labels[id] ?? "thing \(id)", isThing: true,
                area: counts[id] ?? 0, bbox: BoundingBox(x: 0, y: 0, width: map.width, height: map.height))
        }
        return PanopticSegmentation(idMap: map, segments: segments)
    }

    /// An RGB image whose every pixel is `color(x, y)`.
    static func image(width: Int, height: Int, _ color: (Int, Int) -> (UInt8, UInt8, UInt8)) -> Image {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = color(x, y)
                pixels += [r, g, b]
            }
        }
        return Image(width: width, height: height, format: .rgb8, pixels: pixels)
    }

    /// A map of 12×9-pixel blocks with ids 1…k cycling, plus a void column; many boundaries.
    static func blocks(width: Int = 60, height: Int = 45, kinds: UInt32 = 7) -> SegmentIDMap {
        map(width: width, height: height) { x, y in
            x == width / 2 ? 0 : UInt32((x / 12 + 3 * (y / 9)) % Int(kinds)) + 1
        }
    }
}
