/// The summary of one configuration over its runs.
public struct ConfigurationSummary: Sendable, Codable, Equatable {
    public var configuration: Configuration
    public var runs: Int
    public var decided: Int
    public var fallback: Int
    public var failed: Int
    /// Runs with a score (truth present and a decision).
    public var scored: Int
    /// Mean IoU over scored runs (gIoU).
    public var meanIoU: Estimate?
    /// Σ intersections / Σ unions over scored runs (cIoU).
    public var cumulativeIoU: Double?
    public var oracleIoU: Estimate?
    public var regret: Estimate?
    /// Share of runs (with truth ids) whose kept ids are exactly the truth's.
    public var exactSelection: Estimate?
    public var rounds: Estimate?
    public var questions: Estimate?
    /// Mean tokens per run, all roles.
    public var tokens: Estimate?
    public var latencyP50: Double
    public var latencyP95: Double
    public var cachedAnswers: Int
}

/// Summaries per configuration, computed from result rows only (no model calls, no files).
public enum Summarizer {
    /// One summary per configuration in `rows`, the baseline first, then by configuration; rows are taken in
    /// matrix order (by `index`), so the same rows give the same intervals however they were gathered.
    public static func summarize(_ rows: [ResultRow], seed: UInt64) -> [ConfigurationSummary] {
        let ordered = rows.sorted { $0.index < $1.index }
        let groups = Dictionary(grouping: ordered, by: \.configuration)
        return groups.keys.sorted().compactMap { configuration in
            groups[configuration].map { summarize(configuration, $0, seed: seed) }
        }
    }

    static func summarize(_ configuration: Configuration, _ rows: [ResultRow], seed: UInt64) -> ConfigurationSummary {
        let scored = rows.filter { $0.iou != nil }
        func estimate(_ name: String, _ values: [Double]) -> Estimate? {
            Bootstrap.mean(values, seed: Bootstrap.seed(seed, "\(configuration.key)/\(name)"))
        }
        let overlaps = scored.compactMap(\.overlap)
        let unions = overlaps.reduce(0) { $0 + $1.union }
        let latencies = rows.map(\.latencySeconds).sorted()
        return ConfigurationSummary(
            configuration: configuration, runs: rows.count,
            decided: rows.count { $0.status == .decided }, fallback: rows.count { $0.status == .fallback },
            failed: rows.count { $0.status == .failed }, scored: scored.count,
            meanIoU: estimate("iou", scored.compactMap(\.iou)),
            cumulativeIoU: overlaps.isEmpty ? nil : unions == 0 ? 1 : Double(overlaps.reduce(0) { $0 + $1.intersection }) / Double(unions),
            oracleIoU: estimate("oracle", scored.compactMap(\.oracleIoU)),
            regret: estimate("regret", scored.compactMap(\.regret)),
            exactSelection: estimate("exact", rows.compactMap { $0.selection.map { $0.exact ? 1 : 0 } }),
            rounds: estimate("rounds", rows.map { Double($0.rounds) }),
            questions: estimate("questions", rows.map { Double($0.questions) }),
            tokens: estimate("tokens", rows.map { Double($0.totalTokens) }),
            latencyP50: Bootstrap.percentile(latencies, 0.5), latencyP95: Bootstrap.percentile(latencies, 0.95),
            cachedAnswers: rows.reduce(0) { $0 + $1.cachedAnswers })
    }
}
