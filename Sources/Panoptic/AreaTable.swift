/// The panoptic area table the referee shows the reasoner: one row per segment, largest first,
/// each with a small display number (1, 2, 3 …) used in the table, the marks and the dialogue.
public struct AreaTable: Sendable, Equatable, Codable {
    /// One segment as the dialogue sees it.
    public struct Row: Sendable, Equatable, Codable {
        /// The display number (1-based, by decreasing area).
        public var number: Int
        /// The source's segment id (the value in the id map).
        public var sourceID: Int
        public var label: String
        public var isThing: Bool
        public var isCrowd: Bool
        /// Share of the image, in percent.
        public var areaPercent: Double
        /// Where the segment's centroid lies, as a phrase ("centre", "lower left").
        public var location: String
        public var bbox: BoundingBox

        public init(
            number: Int, sourceID: Int, label: String, isThing: Bool, isCrowd: Bool, areaPercent: Double,
            location: String, bbox: BoundingBox
        ) {
            self.number = number
            self.sourceID = sourceID
            self.label = label
            self.isThing = isThing
            self.isCrowd = isCrowd
            self.areaPercent = areaPercent
            self.location = location
            self.bbox = bbox
        }
    }

    /// Width of the id map the table was computed from.
    public var width: Int
    /// Height of the id map the table was computed from.
    public var height: Int
    /// Every segment, numbered 1…n by decreasing area.
    public var rows: [Row]

    public init(width: Int, height: Int, rows: [Row]) {
        self.width = width
        self.height = height
        self.rows = rows
    }

    /// The row with display number `number`, or nil.
    public func row(number: Int) -> Row? {
        rows.first { $0.number == number }
    }

    /// The row of the segment whose source id is `sourceID`, or nil.
    public func row(sourceID: Int) -> Row? {
        rows.first { $0.sourceID == sourceID }
    }
}
