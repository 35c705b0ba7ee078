import Panoptic

/// How each segment of a segmentation overlaps the truth, over the scored pixels: `inside` pixels in
/// the truth's foreground, `outside` pixels not in it. Every mask built from whole segments (a
/// decision's, or the best possible one) is scored from these counts alone.
public struct SegmentOverlap: Sendable, Hashable {
    public var id: UInt32
    public var inside: Int
    public var outside: Int

    public init(id: UInt32, inside: Int, outside: Int) {
        self.id = id
        self.inside = inside
        self.outside = outside
    }
}

/// The IoU of a mask made of whole segments against the truth, as counts.
public struct Overlap: Sendable, Hashable, Codable {
    public var intersection: Int
    public var union: Int

    public init(intersection: Int, union: Int) {
        self.intersection = intersection
        self.union = union
    }

    /// Intersection over union; 1 when both the truth and the mask are empty.
    public var iou: Double { union == 0 ? 1 : Double(intersection) / Double(union) }
}

/// Scores masks built from segments against one image's truth.
public struct MaskScorer: Sendable {
    /// Truth foreground pixels that are scored (|T|).
    public let truthPixels: Int
    /// Per segment id (void included, as id 0), its overlap with the truth.
    public let segments: [SegmentOverlap]

    /// Counts every scored pixel once.
    public init(truth: ScoredTruth, idMap: SegmentIDMap) {
        var inside: [UInt32: Int] = [:]
        var outside: [UInt32: Int] = [:]
        var truthPixels = 0
        for index in idMap.ids.indices where truth.scored[index] != 0 {
            let id = idMap.ids[index]
            if truth.foreground[index] != 0 {
                truthPixels += 1
                inside[id, default: 0] += 1
            } else {
                outside[id, default: 0] += 1
            }
        }
        self.truthPixels = truthPixels
        segments = Set(inside.keys).union(outside.keys).sorted().map {
            SegmentOverlap(id: $0, inside: inside[$0] ?? 0, outside: outside[$0] ?? 0)
        }
    }

    /// Builds a scorer straight from counts (for checks against brute force).
    public init(truthPixels: Int, segments: [SegmentOverlap]) {
        self.truthPixels = truthPixels
        self.segments = segments
    }

    /// The overlap of the mask that keeps exactly the segments `kept`.
    public func overlap(keeping kept: Set<UInt32>) -> Overlap {
        let chosen = segments.filter { kept.contains($0.id) }
        return Self.overlap(of: chosen, truthPixels: truthPixels)
    }

    /// The best overlap any set of this segmentation's segments (void excluded: it cannot be kept) reaches.
    ///
    /// Exact. Maximising `IoU(S) = A(S) / (T + B(S))` (A: kept pixels inside the truth, B: kept pixels
    /// outside it, T: truth pixels) is a fractional programme: if λ* is the optimum, the optimal set
    /// maximises `A(S) − λ*·(T + B(S)) = Σ_{i∈S}(aᵢ − λ*·bᵢ) − λ*·T`, which keeps exactly the segments
    /// with `aᵢ / bᵢ > λ*` (ties either way). So the optimum is a prefix of the segments sorted by
    /// `aᵢ / bᵢ` descending (those with `bᵢ = 0` first), and trying every prefix finds it. Compared as
    /// integer cross-products, so no rounding decides anything.
    public var oracle: (overlap: Overlap, kept: [UInt32]) {
        let useful = segments.filter { $0.id != 0 && $0.inside > 0 }.sorted { left, right in
            let lhs = left.inside * right.outside
            let rhs = right.inside * left.outside
            return lhs != rhs ? lhs > rhs : left.id < right.id
        }
        var best = Self.overlap(of: [], truthPixels: truthPixels)
        var bestCount = 0
        var inside = 0
        var outside = 0
        for (count, segment) in useful.enumerated() {
            inside += segment.inside
            outside += segment.outside
            let candidate = Overlap(intersection: inside, union: truthPixels + outside)
            if Self.isBetter(candidate, than: best) {
                best = candidate
                bestCount = count + 1
            }
        }
        return (best, useful.prefix(bestCount).map(\.id).sorted())
    }

    private static func overlap(of chosen: [SegmentOverlap], truthPixels: Int) -> Overlap {
        let inside = chosen.reduce(0) { $0 + $1.inside }
        let outside = chosen.reduce(0) { $0 + $1.outside }
        return Overlap(intersection: inside, union: truthPixels + outside)
    }

    /// Whether `a`'s IoU exceeds `b`'s, compared exactly (an empty union counts as IoU 1).
    static func isBetter(_ a: Overlap, than b: Overlap) -> Bool {
        if a.union == 0 || b.union == 0 { return a.iou > b.iou }
        return a.intersection * b.union > b.intersection * a.union
    }
}

/// Precision and recall of the kept segment ids against the truth's foreground ids.
public struct Selection: Sendable, Hashable, Codable {
    public var precision: Double
    public var recall: Double
    /// The kept ids are exactly the truth's.
    public var exact: Bool

    /// nil-free: an empty selection has precision 1 (nothing wrong kept); an empty truth has recall 1.
    public init(kept: Set<Int>, truth: Set<Int>) {
        let hits = kept.intersection(truth).count
        precision = kept.isEmpty ? 1 : Double(hits) / Double(kept.count)
        recall = truth.isEmpty ? 1 : Double(hits) / Double(truth.count)
        exact = kept == truth
    }
}
