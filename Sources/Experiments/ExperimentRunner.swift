import Foundation

/// How far an experiment has got, for progress displays.
public struct ExperimentProgress: Sendable, Equatable {
    /// Runs finished in this invocation, and runs this invocation has to do.
    public var done: Int
    public var total: Int
    /// Runs already finished before (resumed), not counted in `total`.
    public var skipped: Int
    public var failures: Int
    /// Mean IoU of the scored runs finished so far.
    public var meanIoU: Double?
    public var elapsedSeconds: Double

    /// Estimated seconds left, from the pace so far.
    public var etaSeconds: Double? {
        guard done > 0, total > done else { return total == done ? 0 : nil }
        return elapsedSeconds / Double(done) * Double(total - done)
    }
}

/// Runs the pending cells of an experiment with at most `concurrency` dialogues in flight (structured
/// tasks, each preferring a thread of its own: see ``DialogueThreads``), scores each, and appends its row
/// to `results.jsonl` as it finishes.
public struct ExperimentRunner: Sendable {
    public let plan: ResolvedPlan
    public let folder: ExperimentFolder
    public let executor: any RunExecutor
    public let scorer: RunScorer
    public let concurrency: Int
    public let shard: Shard?

    public init(
        plan: ResolvedPlan, folder: ExperimentFolder, executor: any RunExecutor, scorer: RunScorer, concurrency: Int,
        shard: Shard? = nil
    ) {
        self.plan = plan
        self.folder = folder
        self.executor = executor
        self.scorer = scorer
        self.concurrency = max(1, concurrency)
        self.shard = shard
    }

    /// The cells this folder (or shard) holds.
    public var cells: [RunCell] {
        Matrix.cells(of: plan).filter { shard?.contains($0.index) ?? true }
    }

    /// Runs every cell without a row; calls `progress` after each run. Returns the final progress.
    /// - Throws: ``ExperimentError`` when a row cannot be written; `CancellationError` when cancelled
    ///   (finished runs keep their rows; interrupted ones are run again by the next invocation).
    @discardableResult
    public func run(progress: @escaping @Sendable (ExperimentProgress) -> Void = { _ in }) async throws -> ExperimentProgress {
        let finished = Set(ResultsFile.read(path: folder.resultsPath).rows.map(\.runID))
        let all = cells
        let pending = all.filter { !finished.contains($0.runID) }
        for cell in pending { try folder.setAsideIncomplete(runID: cell.runID) }
        let results = try ResultsFile(path: folder.resultsPath)
        let start = ContinuousClock.now
        var state = ExperimentProgress(
            done: 0, total: pending.count, skipped: all.count - pending.count, failures: 0, meanIoU: nil, elapsedSeconds: 0)
        var iouSum = 0.0
        var iouCount = 0
        progress(state)
        let threads = DialogueThreads(count: concurrency)
        defer { threads.shutDown() }
        try await withThrowingTaskGroup(of: ResultRow?.self) { group in
            var queue = pending.makeIterator()
            func startNext() {
                guard let cell = queue.next() else { return }
                group.addTask(executorPreference: threads) { try await runOne(cell) }
            }
            for _ in 0..<concurrency { startNext() }
            while let finishedRow = try await group.next() {
                if let row = finishedRow {
                    try results.append(row)
                    state.done += 1
                    if row.status == .failed { state.failures += 1 }
                    if let iou = row.iou {
                        iouSum += iou
                        iouCount += 1
                        state.meanIoU = iouSum / Double(iouCount)
                    }
                }
                let elapsed = ContinuousClock.now - start
                state.elapsedSeconds = elapsed / .seconds(1)
                progress(state)
                if !Task.isCancelled { startNext() }
            }
        }
        try Task.checkCancellation()
        return state
    }

    /// One run, scored; nil when it was interrupted (it has no row and runs again next time).
    private func runOne(_ cell: RunCell) async throws -> ResultRow? {
        let start = ContinuousClock.now
        let transcript = ExperimentFolder.transcript(cell.runID)
        let cutout = ExperimentFolder.cutout(cell.runID)
        let mask = ExperimentFolder.mask(cell.runID)
        let executed = await executor.execute(
            cell, files: RunFiles(transcript: folder.file(transcript), cutout: folder.file(cutout), mask: folder.file(mask)))
        if executed.wasInterrupted || Task.isCancelled { return nil }
        let elapsed = ContinuousClock.now - start
        var row = RowBuilder.row(
            cell: cell, executed: executed,
            latency: elapsed / .seconds(1),
            transcript: executed.wroteTranscript ? transcript : nil, cutout: executed.wroteCutout ? cutout : nil,
            mask: executed.wroteMask ? mask : nil)
        if let segmentation = executed.segmentation { scorer.score(&row, segmentation: segmentation) }
        return row
    }
}

extension ExperimentProgress {
    /// `[#####-----] 12/40 · 1 failed · mean IoU 0.734 · 00:42 elapsed · ETA 01:38` (the bar only when
    /// `barWidth` > 0; resumed runs are mentioned when there are any).
    public func text(barWidth: Int = 0) -> String {
        var parts: [String] = []
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let bar: String
        if barWidth > 0 {
            let filled = min(barWidth, Int((fraction * Double(barWidth)).rounded(.down)))
            bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "] "
        } else {
            bar = ""
        }
        parts.append("\(bar)\(done)/\(total) runs")
        if skipped > 0 { parts.append("\(skipped) done before") }
        parts.append("\(failures) failed")
        parts.append("mean IoU " + (meanIoU.map { String(format: "%.3f", $0) } ?? "–"))
        parts.append("\(Self.clock(elapsedSeconds)) elapsed")
        parts.append("ETA " + (etaSeconds.map(Self.clock) ?? "–"))
        return parts.joined(separator: " · ")
    }

    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600
            ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
            : String(format: "%02d:%02d", whole / 60, whole % 60)
    }
}
