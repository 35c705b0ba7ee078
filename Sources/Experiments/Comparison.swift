import Foundation

/// Paired comparison of two configurations over the images both scored: per image the mean IoU over
/// repeats in each, ΔIoU = B − A, its mean with a bootstrap 95 % interval, and wins / ties / losses.
public struct ComparisonPair: Sendable, Equatable {
    /// One image's change.
    public struct Change: Sendable, Equatable {
        public var image: String
        public var iouA: Double
        public var iouB: Double
        public var delta: Double { iouB - iouA }
    }

    /// |ΔIoU| at most this counts as a tie.
    public static let tieTolerance = 0.001

    public var a: Configuration
    public var b: Configuration
    public var images: Int
    public var delta: Estimate?
    public var wins: Int
    public var ties: Int
    public var losses: Int
    /// The images whose IoU changed most, largest |Δ| first.
    public var mostChanged: [Change]

    /// B is worse with the whole interval below zero.
    public var isRegression: Bool { (delta?.high ?? 0) < 0 }

    /// Compares rows of configuration A with rows of configuration B.
    public init(a: Configuration, rowsA: [ResultRow], b: Configuration, rowsB: [ResultRow], seed: UInt64, top: Int = 5) {
        func perImage(_ rows: [ResultRow]) -> [String: Double] {
            Dictionary(grouping: rows.filter { $0.iou != nil }, by: \.imageSHA256).mapValues { group in
                group.compactMap(\.iou).reduce(0, +) / Double(group.count)
            }
        }
        let meansA = perImage(rowsA)
        let meansB = perImage(rowsB)
        let names = Dictionary((rowsA + rowsB).map { ($0.imageSHA256, $0.image) }) { first, _ in first }
        let changes = meansA.keys.filter { meansB[$0] != nil }.sorted().compactMap { key -> Change? in
            guard let iouA = meansA[key], let iouB = meansB[key] else { return nil }
            return Change(image: names[key] ?? key, iouA: iouA, iouB: iouB)
        }
        self.a = a
        self.b = b
        images = changes.count
        delta = Bootstrap.mean(changes.map(\.delta), seed: Bootstrap.seed(seed, "compare/\(a.key)/\(b.key)"))
        wins = changes.count { $0.delta > Self.tieTolerance }
        losses = changes.count { $0.delta < -Self.tieTolerance }
        ties = changes.count - wins - losses
        mostChanged = Array(changes.sorted { abs($0.delta) != abs($1.delta) ? abs($0.delta) > abs($1.delta) : $0.image < $1.image }.prefix(top))
    }
}

/// Which configurations of two result sets to compare.
public enum ComparisonPlanner {
    /// Pairs of two folders: configurations with the same key; when exactly one non-baseline configuration is
    /// left unpaired on each side (say, two template sets), those two as well.
    public static func pairs(a: [ResultRow], b: [ResultRow]) -> [(Configuration, Configuration)] {
        let configsA = Set(a.map(\.configuration))
        let configsB = Set(b.map(\.configuration))
        var pairs = configsA.intersection(configsB).sorted().map { ($0, $0) }
        let leftA = configsA.subtracting(configsB).filter { !$0.isBaseline }
        let leftB = configsB.subtracting(configsA).filter { !$0.isBaseline }
        if leftA.count == 1, leftB.count == 1, let onlyA = leftA.first, let onlyB = leftB.first { pairs.append((onlyA, onlyB)) }
        return pairs
    }

    /// The one configuration of `rows` whose key equals `name`, or contains it when none equals it.
    /// - Throws: ``ExperimentError`` (exit 2) when none or several match, listing the configurations.
    public static func configuration(named name: String, in rows: [ResultRow]) throws -> Configuration {
        let all = Set(rows.map(\.configuration)).sorted()
        if let exact = all.first(where: { $0.key == name }) { return exact }
        let matches = all.filter { $0.key.localizedCaseInsensitiveContains(name) }
        guard matches.count == 1, let match = matches.first else {
            let known = all.map { "'\($0.key)'" }.joined(separator: ", ")
            throw ExperimentError(
                "\(matches.isEmpty ? "no" : "more than one") configuration matches '\(name)'; the configurations are \(known)",
                status: .usage)
        }
        return match
    }
}
