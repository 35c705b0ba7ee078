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
        /// Share of the image, in percent, rounded to one decimal so that all rows plus
        /// ``AreaTable/voidPercent`` sum to exactly 100.
        public var areaPercent: Double
        /// Where the segment's centroid lies, as a phrase ("centre", "lower left").
        public var location: String
        public var bbox: BoundingBox
        /// The category id in the source's category set, when known.
        public var categoryID: Int?
        /// The model's confidence, when the source reports one.
        public var score: Double?

        public init(
            number: Int, sourceID: Int, label: String, isThing: Bool, isCrowd: Bool, areaPercent: Double,
            location: String, bbox: BoundingBox, categoryID: Int? = nil, score: Double? = nil
        ) {
            self.number = number
            self.sourceID = sourceID
            self.label = label
            self.isThing = isThing
            self.isCrowd = isCrowd
            self.areaPercent = areaPercent
            self.location = location
            self.bbox = bbox
            self.categoryID = categoryID
            self.score = score
        }
    }

    /// Width of the id map the table was computed from.
    public var width: Int
    /// Height of the id map the table was computed from.
    public var height: Int
    /// Every segment, numbered 1…n by decreasing area.
    public var rows: [Row]
    /// Share of unlabelled (void) pixels, in percent (one decimal).
    public var voidPercent: Double
    /// Number of unlabelled (void) pixels.
    public var unlabelledPixels: Int

    public init(width: Int, height: Int, rows: [Row], voidPercent: Double = 0, unlabelledPixels: Int = 0) {
        self.width = width
        self.height = height
        self.rows = rows
        self.voidPercent = voidPercent
        self.unlabelledPixels = unlabelledPixels
    }

    /// "3 (dog), 5 (ball)" for display numbers (a number the table lacks stands alone), "nothing" for
    /// none; `label` prepares each label for where it goes (a terminal makes it safe).
    public func describe(numbers: [Int], label: (String) -> String = { $0 }) -> String {
        guard !numbers.isEmpty else { return "nothing" }
        return numbers.map { number in row(number: number).map { "\(number) (\(label($0.label)))" } ?? String(number) }
            .joined(separator: ", ")
    }

    /// The row with display number `number`, or nil.
    public func row(number: Int) -> Row? {
        rows.first { $0.number == number }
    }

    /// The row of the segment whose source id is `sourceID`, or nil.
    public func row(sourceID: Int) -> Row? {
        rows.first { $0.sourceID == sourceID }
    }

    /// Display number → source id, for recording which segment each number meant.
    public var sourceIDsByNumber: [Int: Int] {
        Dictionary(uniqueKeysWithValues: rows.map { ($0.number, $0.sourceID) })
    }

    // MARK: Codable (the JSON also carries the number → source id mapping)

    private enum CodingKeys: String, CodingKey {
        case width, height, rows, voidPercent, unlabelledPixels, sourceIDsByNumber
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        width = try container.decode(Int.self, forKey: .width)
        height = try container.decode(Int.self, forKey: .height)
        rows = try container.decode([Row].self, forKey: .rows)
        voidPercent = try container.decodeIfPresent(Double.self, forKey: .voidPercent) ?? 0
        unlabelledPixels = try container.decodeIfPresent(Int.self, forKey: .unlabelledPixels) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encode(rows, forKey: .rows)
        try container.encode(voidPercent, forKey: .voidPercent)
        try container.encode(unlabelledPixels, forKey: .unlabelledPixels)
        let mapping = Dictionary(uniqueKeysWithValues: rows.map { (String($0.number), $0.sourceID) })
        try container.encode(mapping, forKey: .sourceIDsByNumber)
    }
}
