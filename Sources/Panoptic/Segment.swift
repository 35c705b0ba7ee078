/// An axis-aligned box in image pixels, COCO style: top-left corner plus size.
public struct BoundingBox: Sendable, Hashable, Codable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The smallest box containing both boxes.
    public func union(_ other: BoundingBox) -> BoundingBox {
        let left = min(x, other.x)
        let top = min(y, other.y)
        let right = max(x + width, other.x + other.width)
        let bottom = max(y + height, other.y + other.height)
        return BoundingBox(x: left, y: top, width: right - left, height: bottom - top)
    }
}

/// One segment of a panoptic segmentation, as its source describes it.
public struct Segment: Sendable, Hashable, Codable {
    /// The source's id: the value this segment has in the id map (COCO ids are 7-digit numbers).
    public var id: Int
    /// The category id in the source's category set, when it has one.
    public var categoryID: Int?
    /// A natural label, for example "wall (other)" rather than "wall-other-merged".
    public var label: String
    /// True for countable objects ("things"), false for amorphous regions ("stuff").
    public var isThing: Bool
    /// True when the segment covers a crowd of instances rather than one.
    public var isCrowd: Bool
    /// The model's confidence, when the source reports one.
    public var score: Double?
    /// Area in pixels of the id map.
    public var area: Int
    /// Tight bounding box in pixels of the id map.
    public var bbox: BoundingBox

    public init(
        id: Int, categoryID: Int?, label: String, isThing: Bool, isCrowd: Bool = false, score: Double? = nil,
        area: Int, bbox: BoundingBox
    ) {
        self.id = id
        self.categoryID = categoryID
        self.label = label
        self.isThing = isThing
        self.isCrowd = isCrowd
        self.score = score
        self.area = area
        self.bbox = bbox
    }
}

/// Per-pixel segment ids, row-major; 0 means void (no segment).
public struct SegmentIDMap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height` ids.
    public var ids: [UInt32]

    public init(width: Int, height: Int, ids: [UInt32]) {
        precondition(ids.count == width * height, "SegmentIDMap: id count does not match \(width)x\(height)")
        self.width = width
        self.height = height
        self.ids = ids
    }
}

/// A panoptic segmentation: the id map and the segments it contains.
public struct PanopticSegmentation: Sendable, Equatable {
    public var idMap: SegmentIDMap
    public var segments: [Segment]
    /// Things the reader or source noticed and fixed up (a rescaled map, unlisted ids treated as void);
    /// the CLI prints them on standard error.
    public var warnings: [String]

    public init(idMap: SegmentIDMap, segments: [Segment], warnings: [String] = []) {
        self.idMap = idMap
        self.segments = segments
        self.warnings = warnings
    }

    /// The segment whose source id is `id`, or nil.
    public func segment(id: Int) -> Segment? {
        segments.first { $0.id == id }
    }
}
