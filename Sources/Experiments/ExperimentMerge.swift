import BlindsightCore
import Foundation

/// Combines shard folders of one experiment into one folder whose rows, summaries and report equal an
/// unsharded run's.
public enum ExperimentMerge {
    /// What a merge found.
    public struct Outcome: Sendable {
        public var plan: ResolvedPlan
        public var rows: Int
        /// Runs of the matrix that no shard has finished.
        public var missing: Int
    }

    /// Copies every shard's run files into `out` (never over an existing file) and writes the combined
    /// `results.jsonl` and `plan.yaml`. Summaries and report are left to ``ExperimentOutputs``.
    /// - Throws: ``ExperimentError`` when a folder holds no plan or another experiment.
    public static func merge(_ folders: [ExperimentFolder], into out: ExperimentFolder) throws -> Outcome {
        guard let first = folders.first else { throw ExperimentError("give the shard folders to merge", status: .usage) }
        var plans: [ResolvedPlan] = []
        for folder in folders {
            guard let plan = try folder.recordedPlan() else {
                throw ExperimentError("\(folder.path) holds no plan.yaml: not an experiment folder")
            }
            if let reference = plans.first {
                let changes = plan.differences(from: reference)
                guard changes.isEmpty else {
                    throw ExperimentError(
                        "\(folder.path) holds another experiment than \(first.path); changed: \(changes.joined(separator: "; "))")
                }
            }
            plans.append(plan)
        }
        var plan = plans[0]
        plan.execution?.shard = nil
        try out.prepare(for: plan)
        var rows: [String: ResultRow] = [:]
        for row in ResultsFile.read(path: out.resultsPath).rows { rows[row.runID] = row }
        for folder in folders {
            for row in ResultsFile.read(path: folder.resultsPath).rows where rows[row.runID] == nil {
                for relative in [row.transcript, row.cutout, row.mask].compactMap({ $0 }) {
                    let target = out.file(relative)
                    guard !FileManager.default.fileExists(atPath: target) else { continue }
                    do {
                        try FileManager.default.copyItem(atPath: folder.file(relative), toPath: target)
                    } catch {
                        throw ExperimentError("cannot copy \(folder.file(relative)) to \(target): \(error.localizedDescription)")
                    }
                }
                rows[row.runID] = row
            }
        }
        let merged = rows.values.sorted { $0.index < $1.index }
        try ResultsFile.write(merged, to: out.resultsPath)
        return Outcome(plan: plan, rows: merged.count, missing: Matrix.cells(of: plan).count - merged.count)
    }
}
