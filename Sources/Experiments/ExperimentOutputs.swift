import BlindsightCore
import Foundation

/// Writes an experiment's summaries and report from its `results.jsonl` (no model is called).
public enum ExperimentOutputs {
    /// What was written.
    public struct Written: Sendable {
        public var rows: Int
        public var summaries: [ConfigurationSummary]
        public var notes: [String]
    }

    /// Reads the rows of `folder` (re-scored against `scorer`'s truth when `rescore` is set, and written
    /// back), then writes `summary.csv`, `summary.md` and `report.html`.
    @discardableResult
    public static func write(
        folder: ExperimentFolder, plan: ResolvedPlan, scorer: RunScorer? = nil, report: Bool = true
    ) async throws -> Written {
        var (rows, notes) = ResultsFile.read(path: folder.resultsPath)
        if let scorer {
            rows = await scorer.rescore(rows, panoptic: plan.panoptic)
            try ResultsFile.write(rows, to: folder.resultsPath)
        }
        let summaries = Summarizer.summarize(rows, seed: plan.seed)
        try AtomicFile.write(Array(try SummaryTables.csv(summaries).utf8), to: folder.summaryCSVPath)
        let title = "Experiment \((folder.path as NSString).lastPathComponent)"
        try AtomicFile.write(Array(SummaryTables.markdown(summaries, title: title).utf8), to: folder.summaryMarkdownPath)
        if report {
            notes += try await ReportBuilder(folder: folder, plan: plan, rows: rows, summaries: summaries).write()
        }
        return Written(rows: rows.count, summaries: summaries, notes: notes)
    }
}
