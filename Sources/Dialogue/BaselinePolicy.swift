import Panoptic

/// The decision Blindsight makes with no model at all: used by `--reasoner baseline` and as the
/// fallback when a dialogue ends without a valid decision. Deterministic; documented in the README.
///
/// 1. If the instruction asks for nothing to be kept (``InstructionIntent/asksForNothing(_:)``), keep nothing.
/// 2. If the instruction names labels present in the table (whole words, singular or plural, for
///    example "the dogs" names "dog"), keep every segment with those labels.
/// 3. Otherwise score every 'thing' segment: `score = areaPercent × (1 − d)`, where `d` is the
///    distance from its bounding-box centre to the image centre divided by half the image diagonal
///    (0 at the centre, 1 in a corner). The pool is the people and animals (``priorityLabels``) of at
///    least ``minimumPriorityArea`` percent when there are any, else all things.
///    Keep the pool's best-scoring segment and every other pool segment scoring at least
///    ``companionShare`` of the best.
/// 4. With no 'thing' segments, keep the single best-scoring segment of all (stuff included) by the
///    same score; with an empty table, keep nothing.
public enum BaselinePolicy {
    /// Labels treated as people and animals (COCO categories).
    public static let priorityLabels: Set<String> = [
        "person", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe",
    ]
    /// Smallest area (percent of the image) for a person or animal to claim priority.
    public static let minimumPriorityArea = 0.5
    /// A pool segment is kept too when its score reaches this share of the best score.
    public static let companionShare = 0.5

    /// The display numbers to keep (ascending) and a one-line explanation.
    public static func decide(table: AreaTable, instruction: String?) -> (numbers: [Int], explanation: String) {
        if InstructionIntent.asksForNothing(instruction) {
            return ([], "baseline: the instruction asks for nothing to be kept")
        }
        let named = InstructionIntent.namedLabels(instruction, in: table)
        if !named.isEmpty {
            let numbers = table.rows.filter { named.contains($0.label.lowercased()) }.map(\.number).sorted()
            return (numbers, "baseline: kept the segments the instruction names (\(named.sorted().joined(separator: ", ")))")
        }
        let things = table.rows.filter(\.isThing)
        guard !things.isEmpty else {
            guard let best = table.rows.max(by: { score($0, table) < score($1, table) }) else {
                return ([], "baseline: the table has no segments")
            }
            return ([best.number], "baseline: no things; kept the largest central segment (\(best.label))")
        }
        let priority = things.filter { priorityLabels.contains($0.label.lowercased()) && $0.areaPercent >= minimumPriorityArea }
        let pool = priority.isEmpty ? things : priority
        let best = pool.map { score($0, table) }.max() ?? 0
        let kept = pool.filter { score($0, table) >= best * companionShare }.map(\.number).sorted()
        let kind = priority.isEmpty ? "things" : "people and animals"
        return (kept, "baseline: kept the largest \(kind) near the centre")
    }

    /// `areaPercent × (1 − normalised distance of the bbox centre from the image centre)`.
    static func score(_ row: AreaTable.Row, _ table: AreaTable) -> Double {
        let halfWidth = Double(table.width) / 2
        let halfHeight = Double(table.height) / 2
        let halfDiagonal = (halfWidth * halfWidth + halfHeight * halfHeight).squareRoot()
        guard halfDiagonal > 0 else { return row.areaPercent }
        let dx = Double(row.bbox.x) + Double(row.bbox.width) / 2 - halfWidth
        let dy = Double(row.bbox.y) + Double(row.bbox.height) / 2 - halfHeight
        let distance = min(1, (dx * dx + dy * dy).squareRoot() / halfDiagonal)
        return row.areaPercent * (1 - distance)
    }
}

/// What a user's instruction says, as far as the referee and the baseline need to know.
public enum InstructionIntent {
    /// True when the instruction asks for an empty foreground: it contains (case-insensitive) one of
    /// ``emptyForegroundPhrases``.
    public static func asksForNothing(_ instruction: String?) -> Bool {
        guard let text = instruction?.lowercased() else { return false }
        return emptyForegroundPhrases.contains { text.contains($0) }
    }

    /// Phrases that ask for nothing to be kept.
    public static let emptyForegroundPhrases = [
        "keep nothing", "nothing to keep", "nothing should be kept", "keep none", "no foreground",
        "remove everything", "empty mask", "empty cutout",
    ]

    /// Lowercased table labels the instruction names as whole words (singular or with a plural "s"/"es").
    public static func namedLabels(_ instruction: String?, in table: AreaTable) -> Set<String> {
        guard let instruction else { return [] }
        let words = " " + String(instruction.lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " }) + " "
        var named: Set<String> = []
        for label in Set(table.rows.map { $0.label.lowercased() }) {
            let plain = String(label.map { $0.isLetter || $0.isNumber ? $0 : " " }).split(separator: " ").joined(separator: " ")
            guard !plain.isEmpty else { continue }
            if [" \(plain) ", " \(plain)s ", " \(plain)es "].contains(where: { words.contains($0) }) { named.insert(label) }
        }
        return named
    }
}
