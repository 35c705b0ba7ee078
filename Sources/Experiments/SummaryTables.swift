import CSV
import Foundation

/// The summary as `summary.csv` (written with a CSV library, so quoting is right) and `summary.md`.
public enum SummaryTables {
    /// A column: its header and how a summary fills it.
    struct Column {
        var header: String
        var value: (ConfigurationSummary) -> String
    }

    static func number(_ value: Double?, digits: Int = 4) -> String {
        value.map { String(format: "%.\(digits)f", $0) } ?? ""
    }

    static func estimateColumns(_ name: String, digits: Int = 4, _ pick: @escaping (ConfigurationSummary) -> Estimate?) -> [Column] {
        [
            Column(header: name) { number(pick($0)?.mean, digits: digits) },
            Column(header: "\(name)_low") { number(pick($0)?.low, digits: digits) },
            Column(header: "\(name)_high") { number(pick($0)?.high, digits: digits) },
        ]
    }

    static var columns: [Column] {
        [
            Column(header: "configuration") { $0.configuration.key },
            Column(header: "prompts") { $0.configuration.prompts },
            Column(header: "reasoner") { $0.configuration.reasoner },
            Column(header: "seer") { $0.configuration.seer },
            Column(header: "max_rounds") { String($0.configuration.maxRounds) },
            Column(header: "runs") { String($0.runs) },
            Column(header: "decided") { String($0.decided) },
            Column(header: "fallback") { String($0.fallback) },
            Column(header: "failed") { String($0.failed) },
            Column(header: "scored") { String($0.scored) },
        ]
            + estimateColumns("giou", \.meanIoU)
            + [Column(header: "ciou") { number($0.cumulativeIoU) }]
            + estimateColumns("oracle_iou", \.oracleIoU) + estimateColumns("regret", \.regret)
            + estimateColumns("exact_selection", \.exactSelection) + estimateColumns("rounds", digits: 2, \.rounds)
            + estimateColumns("questions", digits: 2, \.questions) + estimateColumns("tokens", digits: 1, \.tokens)
            + [
                Column(header: "latency_p50_s") { number($0.latencyP50, digits: 3) },
                Column(header: "latency_p95_s") { number($0.latencyP95, digits: 3) },
                Column(header: "cached_answers") { String($0.cachedAnswers) },
            ]
    }

    /// The CSV text: a header row, then one row per configuration.
    public static func csv(_ summaries: [ConfigurationSummary]) throws -> String {
        let stream = OutputStream(toMemory: ())
        stream.open()
        let writer = try CSVWriter(stream: stream)
        let columns = Self.columns
        try writer.write(row: columns.map(\.header))
        for summary in summaries { try writer.write(row: columns.map { $0.value(summary) }) }
        stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The Markdown table: each mean with its 95 % interval.
    public static func markdown(_ summaries: [ConfigurationSummary], title: String) -> String {
        func cell(_ estimate: Estimate?, digits: Int = 3) -> String {
            guard let estimate else { return "–" }
            return "\(number(estimate.mean, digits: digits)) [\(number(estimate.low, digits: digits)), \(number(estimate.high, digits: digits))]"
        }
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        var lines = [
            "# \(escaped(title))", "",
            "Means with bootstrap 95 % intervals (\(Bootstrap.resamples) resamples). gIoU: mean IoU; cIoU: Σ intersections / Σ unions.",
            "",
            "| configuration | runs | decided / fallback / failed | gIoU | cIoU | oracle IoU | regret | exact selection | rounds | questions | tokens | latency p50 / p95 (s) |",
            "| --- | ---: | ---: | --- | ---: | --- | --- | --- | --- | --- | --- | ---: |",
        ]
        for summary in summaries {
            lines.append(
                "| \(escaped(summary.configuration.key)) | \(summary.runs) | \(summary.decided) / \(summary.fallback) / \(summary.failed) | "
                    + "\(cell(summary.meanIoU)) | \(summary.cumulativeIoU.map { number($0, digits: 3) } ?? "–") | \(cell(summary.oracleIoU)) | "
                    + "\(cell(summary.regret)) | \(cell(summary.exactSelection)) | \(cell(summary.rounds, digits: 2)) | "
                    + "\(cell(summary.questions, digits: 2)) | \(cell(summary.tokens, digits: 0)) | "
                    + "\(number(summary.latencyP50, digits: 2)) / \(number(summary.latencyP95, digits: 2)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
