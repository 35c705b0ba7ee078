import Foundation
import Imaging
import Panoptic

/// A deterministic, photo-like test scene and its exact panoptic segmentation, made by the project:
/// a park with sky, grass and a tree (stuff) behind a dog and a person (things), optionally with a
/// crowd of small people in the distance. Every team's tests, the examples and the README demo use it.
///
/// Ids follow the COCO panoptic convention (7-digit ids, COCO category ids). The picture has smooth
/// shading and seeded noise so codecs and compositors meet realistic pixels, and the id map is the
/// ground truth of which object painted each pixel (no void, unless ``voidOutline`` is set).
public struct SyntheticScene: Sendable {
    /// COCO panoptic category ids used by the scene.
    public enum Category {
        public static let person = 1
        public static let dog = 18
        public static let tree = 184
        public static let sky = 187
        public static let grass = 193
    }

    /// The segment ids (as panopticapi makes them: a colour read as R + 256·G + 65536·B).
    public static let skyID = 11_829_830
    public static let grassID = 10_025_880
    public static let treeID = 2_330_219
    public static let dogID = 16_573_184
    public static let personID = 3_937_500
    /// Ids of the distant crowd's people: `crowdFirstID`, `crowdFirstID + 1`, ….
    public static let crowdFirstID = 3_937_600

    /// The RGB picture.
    public let image: Image
    /// Its segmentation, with areas and boxes computed from the id map.
    public let segmentation: PanopticSegmentation

    /// Draws the scene.
    /// - Parameters:
    ///   - width: pixels across (at least 16).
    ///   - height: pixels down (at least 16).
    ///   - seed: varies the noise, not the layout.
    ///   - crowd: number of small distant people along the horizon (each its own "person" segment).
    ///   - voidOutline: leave a one-pixel unlabelled (id 0) ring around the person, as COCO does at boundaries.
    public init(width: Int = 160, height: Int = 120, seed: UInt64 = 1, crowd: Int = 0, voidOutline: Bool = false) {
        let width = max(16, width)
        let height = max(16, height)
        var ids = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let u = (Double(x) + 0.5) / Double(width)
                let v = (Double(y) + 0.5) / Double(height)
                ids[y * width + x] = UInt32(
                    SyntheticScene.segmentID(u: u, v: v, aspect: Double(width) / Double(height), crowd: crowd))
            }
        }
        if voidOutline {
            SyntheticScene.clearOutline(of: UInt32(SyntheticScene.personID), in: &ids, width: width, height: height)
        }
        let map = SegmentIDMap(width: width, height: height, ids: ids)
        image = SyntheticScene.paint(map, seed: seed)
        var segments: [Segment] = []
        let statistics = map.statistics()
        for (id, categoryID) in SyntheticScene.catalogue(crowd: crowd) {
            guard let stats = statistics[UInt32(id)], let category = CategorySet.cocoPanoptic.category(id: categoryID)
            else { continue }
            segments.append(
                Segment(
                    id: id, categoryID: categoryID, label: category.label, isThing: category.isThing, area: stats.area,
                    bbox: stats.bbox))
        }
        segmentation = PanopticSegmentation(idMap: map, segments: segments)
    }

    /// The segments as a COCO panoptic annotation object (`file_name`, `segments_info` with `id`,
    /// `category_id`, `iscrowd`, `area`, `bbox`), pretty-printed.
    public func cocoSegmentsJSON(fileName: String) -> Data {
        let entries = segmentation.segments.map { segment -> [String: Any] in
            [
                "id": segment.id, "category_id": segment.categoryID ?? 0, "iscrowd": segment.isCrowd ? 1 : 0,
                "area": segment.area,
                "bbox": [segment.bbox.x, segment.bbox.y, segment.bbox.width, segment.bbox.height],
            ]
        }
        let document: [String: Any] = ["file_name": fileName, "segments_info": entries]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    // MARK: Layout

    /// Segment id → COCO category id.
    private static func catalogue(crowd: Int) -> [(Int, Int)] {
        [
            (skyID, Category.sky), (grassID, Category.grass), (treeID, Category.tree), (dogID, Category.dog),
            (personID, Category.person),
        ] + (0..<crowd).map { (crowdFirstID + $0, Category.person) }
    }

    /// Horizon height (fraction of the frame) at `u`.
    private static func horizon(_ u: Double) -> Double { 0.45 + 0.03 * sin(2 * Double.pi * 1.5 * u) }

    /// Which segment paints the point (u, v) (fractions of the frame); later shapes lie in front.
    private static func segmentID(u: Double, v: Double, aspect: Double, crowd: Int) -> Int {
        func ellipse(_ cu: Double, _ cv: Double, _ ru: Double, _ rv: Double) -> Bool {
            let du = (u - cu) / ru
            let dv = (v - cv) / rv
            return du * du + dv * dv <= 1
        }
        func circle(_ cu: Double, _ cv: Double, _ r: Double) -> Bool { ellipse(cu, cv, r / aspect, r) }
        func box(_ u0: Double, _ u1: Double, _ v0: Double, _ v1: Double) -> Bool {
            u >= u0 && u <= u1 && v >= v0 && v <= v1
        }

        let person =
            circle(0.60, 0.31, 0.055) || box(0.555, 0.645, 0.36, 0.62) || box(0.525, 0.555, 0.38, 0.56)
            || box(0.645, 0.675, 0.38, 0.56) || box(0.562, 0.594, 0.62, 0.88) || box(0.606, 0.638, 0.62, 0.88)
        if person { return personID }
        let dog =
            ellipse(0.33, 0.72, 0.15, 0.085) || circle(0.19, 0.63, 0.075) || ellipse(0.14, 0.66, 0.04, 0.03)
            || box(0.22, 0.245, 0.74, 0.86) || box(0.27, 0.295, 0.74, 0.86) || box(0.37, 0.395, 0.74, 0.86)
            || box(0.42, 0.445, 0.74, 0.86) || ellipse(0.49, 0.66, 0.03, 0.06)
        if dog { return dogID }
        for index in 0..<crowd {
            let cu = 0.05 + 0.9 * (Double(index) + 0.5) / Double(max(crowd, 1))
            let cv = horizon(cu) - 0.01
            if circle(cu, cv - 0.075, 0.018) || box(cu - 0.011, cu + 0.011, cv - 0.06, cv + 0.03) {
                return crowdFirstID + index
            }
        }
        if ellipse(0.82, 0.28, 0.13, 0.2) || box(0.805, 0.835, 0.4, 0.56) { return treeID }
        return v < horizon(u) ? skyID : grassID
    }

    private static func clearOutline(of id: UInt32, in ids: inout [UInt32], width: Int, height: Int) {
        let original = ids
        for y in 0..<height {
            for x in 0..<width where original[y * width + x] != id {
                let neighbours = [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
                if neighbours.contains(where: {
                    $0 >= 0 && $0 < width && $1 >= 0 && $1 < height && original[$1 * width + $0] == id
                }) {
                    ids[y * width + x] = 0
                }
            }
        }
    }

    // MARK: Painting

    /// Base colour of each segment (void is painted like grass).
    private static func baseColour(_ id: UInt32) -> (Double, Double, Double) {
        switch Int(id) {
        case skyID: (110, 160, 225)
        case treeID: (45, 100, 40)
        case dogID: (150, 95, 50)
        case personID: (200, 60, 70)
        case crowdFirstID..<(crowdFirstID + 1000): (70, 70, 120)
        default: (95, 165, 70)
        }
    }

    private static func paint(_ map: SegmentIDMap, seed: UInt64) -> Image {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var pixels = [UInt8](repeating: 0, count: map.width * map.height * 3)
        for y in 0..<map.height {
            let v = Double(y) / Double(map.height)
            for x in 0..<map.width {
                let id = map.ids[y * map.width + x]
                let (r, g, b) = baseColour(id)
                // xorshift64 noise in ±12, plus light from the upper left.
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                let noise = Double(Int(state % 25) - 12)
                let shade = Int(id) == skyID ? 1.1 - 0.4 * v : 1.05 - 0.15 * (Double(x) / Double(map.width)) - 0.1 * v
                let base = (y * map.width + x) * 3
                pixels[base] = clampToByte(r * shade + noise)
                pixels[base + 1] = clampToByte(g * shade + noise)
                pixels[base + 2] = clampToByte(b * shade + noise)
            }
        }
        return Image(width: map.width, height: map.height, format: .rgb8, pixels: pixels)
    }

    private static func clampToByte(_ value: Double) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }
}
