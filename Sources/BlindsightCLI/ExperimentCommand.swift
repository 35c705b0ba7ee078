import ArgumentParser
import BlindsightCore
import Experiments
import Foundation
import ModelClients

/// `blindsight experiment run|compare|report|merge`: scored matrices of dialogues.
struct ExperimentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run, compare and report scored experiments over images, prompt sets and models.",
        subcommands: [ExperimentRunCommand.self, ExperimentCompareCommand.self, ExperimentReportCommand.self,
                      ExperimentMergeCommand.self])
}

/// `blindsight experiment run`: the matrix, resumable and shardable.
struct ExperimentRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every dialogue of the matrix (images × prompt sets × reasoners × seers × max rounds × repeats).",
        discussion: """
            Flags override the plan file. Comma-separated lists are accepted wherever a flag may repeat. Running \
            the same command on the same --out folder resumes it. Exit codes: 0 done (failed runs are counted in \
            the summary), 2 usage or a changed plan, 3 bad input, 130 interrupted (finished runs are kept).
            """)

    @Option(help: "A plan file (YAML); flags override it.")
    var plan: String?

    @Option(help: "Images: a folder, a text file listing paths one a line, or an image (repeatable).")
    var images: [String] = []

    @Option(help: "The truth: a folder of masks named like the images, or a truth.json.")
    var truth: String?

    @Option(help: "Prompt template sets: shipped set names or folders (comma-separated or repeated).")
    var prompts: [String] = []

    @Option(help: "Reasoners as provider:model (comma-separated or repeated).")
    var reasoner: [String] = []

    @Option(help: "Seers as provider:model (comma-separated or repeated).")
    var seer: [String] = []

    @Option(help: "Round limits (comma-separated or repeated).")
    var maxRounds: [String] = []

    @Option(name: .customLong("repeat"), help: "Runs per image and configuration.")
    var repeats: Int?

    @Flag(help: "Leave out the baseline reference configuration.")
    var noBaseline = false

    @Option(help: "The instruction given to every run.")
    var instruction: String?

    @Flag(inversion: .prefixedNo, help: "Show the seer the Set-of-Mark overlay (default on).")
    var marks: Bool?

    @Option(help: "Seed of the runs' sampling seeds and of the bootstrap intervals (default 0).")
    var seed: UInt64?

    @Option(help: "A panoptic service URL (default: each image's sidecar segmentation files).")
    var panoptic: String?

    @Option(help: "Dialogues in flight at once.")
    var concurrency: Int = 4

    @Flag(help: "Reuse seer answers to identical questions about the same image (kept in OUT/seer-cache.jsonl).")
    var cache = false

    @Option(help: "Run only shard K of N (K from 0), or auto/N to take K from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID.")
    var shard: String?

    @Option(help: "The experiment folder.")
    var out: String

    func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
    }

    func run() async throws {
        var requested = try plan.map(ExperimentPlan.load(path:)) ?? ExperimentPlan()
        requested = requested.overriding(with: try flagPlan())
        let config = try BlindsightConfig.load()
        var resolved = try PlanResolver.resolve(requested, config: config)
        let shard = try self.shard.map { try Shard(parsing: $0) }
        resolved.execution = .init(concurrency: concurrency, cache: cache, shard: shard?.description)
        let folder = ExperimentFolder(path: out)
        let lock = try folder.lock()
        defer { withExtendedLifetime(lock) {} }
        try folder.prepare(for: resolved)
        let truth = try resolved.truth.map { try Truth(path: $0.path) }
        let executor = try DialogueRunExecutor(
            plan: resolved, config: config, cache: cache ? try SeerAnswerCache(path: folder.cachePath) : nil)
        let runner = ExperimentRunner(
            plan: resolved, folder: folder, executor: executor, scorer: RunScorer(truth: truth), concurrency: concurrency,
            shard: shard)
        let display = ProgressDisplay()
        let outcome = try await display.showing {
            try await Interrupts.cancellingOnInterrupt { try await runner.run { display.show($0) } }
        }
        display.finish(outcome)
        let written = try await ExperimentOutputs.write(folder: folder, plan: resolved)
        for note in written.notes { StandardError.write("blindsight: \(TerminalText.safe(note, keepNewlines: false))") }
        ExperimentPrinting.printOutputs(folder: folder, summaries: written.summaries)
    }

    /// The plan the flags describe (fields left nil where no flag was given).
    private func flagPlan() throws -> ExperimentPlan {
        func list(_ values: [String]) -> [String]? {
            let items = values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                .filter { !$0.isEmpty }
            return items.isEmpty ? nil : items
        }
        let rounds = try list(maxRounds)?.map { text -> Int in
            guard let value = Int(text) else { throw ValidationError("--max-rounds takes whole numbers, not '\(text)'") }
            return value
        }
        return ExperimentPlan(
            images: images.isEmpty ? nil : images, truth: truth, prompts: list(prompts), reasoners: list(reasoner),
            seers: list(seer), maxRounds: rounds, repeats: repeats, baseline: noBaseline ? false : nil,
            instruction: instruction, marks: marks, seed: seed, panoptic: panoptic)
    }
}

/// `blindsight experiment report DIR`: summaries and report again from results.jsonl, no model called.
struct ExperimentReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild summary.csv, summary.md and report.html from results.jsonl (re-scored against the truth).")

    @Argument(help: "The experiment folder.")
    var folder: String

    func run() async throws {
        let folder = ExperimentFolder(path: folder)
        guard let plan = try folder.recordedPlan() else {
            throw ExperimentError("\(folder.path) holds no plan.yaml: not an experiment folder")
        }
        let scorer = try plan.truth.map { RunScorer(truth: try Truth(path: $0.path)) }
        let written = try await ExperimentOutputs.write(folder: folder, plan: plan, scorer: scorer)
        for note in written.notes { StandardError.write("blindsight: \(TerminalText.safe(note, keepNewlines: false))") }
        ExperimentPrinting.printOutputs(folder: folder, summaries: written.summaries)
    }
}

/// `blindsight experiment merge DIR… --out DIR`: shard folders into one.
struct ExperimentMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Combine the shard folders of one experiment into one folder, with its summaries and report.")

    @Argument(help: "The shard folders.")
    var folders: [String]

    @Option(help: "The combined folder.")
    var out: String

    func run() async throws {
        let target = ExperimentFolder(path: out)
        let lock = try target.lock()
        defer { withExtendedLifetime(lock) {} }
        let outcome = try ExperimentMerge.merge(folders.map(ExperimentFolder.init(path:)), into: target)
        if outcome.missing > 0 {
            StandardError.write("blindsight: \(outcome.missing) runs of the matrix are in none of the folders (run the missing shards)")
        }
        let written = try await ExperimentOutputs.write(folder: target, plan: outcome.plan)
        ExperimentPrinting.printOutputs(folder: target, summaries: written.summaries)
    }
}
