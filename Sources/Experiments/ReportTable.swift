/// The columns of the report's summary table: each cell has its text, an interval, and a sort value.
enum ReportTable {
    struct Column {
        var name: String
        var numeric: Bool
        var cell: (ConfigurationSummary) -> [String: Any]
    }

    static func text(_ name: String, _ value: @escaping (ConfigurationSummary) -> String) -> Column {
        Column(name: name, numeric: false) { summary in
            let text = value(summary)
            return ["text": text, "sort": text]
        }
    }

    static func number(_ name: String, digits: Int = 3, _ value: @escaping (ConfigurationSummary) -> Double?) -> Column {
        Column(name: name, numeric: true) { summary in
            guard let number = value(summary) else { return ["text": "–", "sort": ""] }
            return ["text": SummaryTables.number(number, digits: digits), "sort": String(number)]
        }
    }

    static func estimate(_ name: String, digits: Int = 3, _ value: @escaping (ConfigurationSummary) -> Estimate?) -> Column {
        Column(name: name, numeric: true) { summary in
            guard let estimate = value(summary) else { return ["text": "–", "sort": ""] }
            return [
                "text": SummaryTables.number(estimate.mean, digits: digits), "sort": String(estimate.mean),
                "interval": "[\(SummaryTables.number(estimate.low, digits: digits)), \(SummaryTables.number(estimate.high, digits: digits))]",
            ]
        }
    }

    static var columns: [Column] {
        [
            text("configuration") { $0.configuration.key },
            number("runs", digits: 0) { Double($0.runs) },
            number("decided", digits: 0) { Double($0.decided) },
            number("fallback", digits: 0) { Double($0.fallback) },
            number("failed", digits: 0) { Double($0.failed) },
            estimate("gIoU", \.meanIoU),
            number("cIoU") { $0.cumulativeIoU },
            estimate("oracle IoU", \.oracleIoU),
            estimate("regret", \.regret),
            estimate("exact selection", \.exactSelection),
            estimate("rounds", digits: 2, \.rounds),
            estimate("questions", digits: 2, \.questions),
            estimate("tokens", digits: 0, \.tokens),
            number("latency p50 (s)", digits: 2) { $0.latencyP50 },
            number("latency p95 (s)", digits: 2) { $0.latencyP95 },
        ]
    }
}
