import ArgumentParser
import Experiments
import Foundation
import ModelClients
import TestSupport

/// `blindsight-bench experiment`: the experiment runner's wall time against the ideal (the sum of the model
/// latencies divided by the concurrency), with a loopback fake Ollama server answering every request after
/// `--delay` seconds; and the process's peak RSS, to show memory stays flat as the number of runs grows.
struct ExperimentBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment", abstract: "Experiment runner: wall time vs ideal at a concurrency, and peak RSS.")

    @Option(help: "Runs in the matrix (spread over --images synthetic scenes as repeats).")
    var runs = 40

    @Option(help: "Dialogues in flight.")
    var concurrency = 8

    @Option(help: "Seconds the fake server waits before each reply.")
    var delay = 0.2

    @Option(help: "Synthetic scenes.")
    var images = 4

    @Flag(help: "Also write summaries and the report, and time them.")
    var report = false

    func run() async throws {
        let folder = try TestData.temporaryFolder("bench-experiment")
        defer { try? FileManager.default.removeItem(at: folder) }
        let imageFolder = folder.appendingPathComponent("images").path
        try FileManager.default.createDirectory(atPath: imageFolder, withIntermediateDirectories: true)
        for index in 0..<images { _ = try SyntheticScene(seed: UInt64(index + 1)).write(to: imageFolder, stem: "scene\(index)") }
        let server = try await FakeModelServer()
        let models = ScriptedDialogueModels(decisions: ["reasoner": ["dog"]], delay: delay)
        server.respond { models.reply(to: $0) }
        server.stopKeepingRequests()
        let config = try BlindsightConfig.load(
            environment: ["OLLAMA_HOST": server.baseURL], path: folder.appendingPathComponent("none.yaml").path)
        let plan = ExperimentPlan(
            images: [imageFolder], prompts: [TestData.packageRoot.appendingPathComponent("prompts/default").path],
            reasoners: ["ollama:reasoner"], seers: ["ollama:seer"], maxRounds: [3], repeats: max(1, runs / images),
            baseline: false)
        var resolved = try PlanResolver.resolve(plan, config: config)
        resolved.execution = .init(concurrency: concurrency, cache: false, shard: nil)
        let out = ExperimentFolder(path: folder.appendingPathComponent("out").path)
        try out.prepare(for: resolved)
        let runner = ExperimentRunner(
            plan: resolved, folder: out,
            executor: try DialogueRunExecutor(plan: resolved, config: config, cache: nil),
            scorer: RunScorer(truth: nil), concurrency: concurrency)
        let start = ContinuousClock.now
        let progress = try await runner.run()
        let wall = Self.seconds(ContinuousClock.now - start)
        let requests = server.requestCount
        let ideal = Double(requests) * delay / Double(concurrency)
        print("runs: \(progress.done) (\(progress.failures) failed), \(requests) model requests, concurrency \(concurrency), \(delay) s per reply")
        print(String(format: "wall: %.2f s; ideal (sum of model latencies / concurrency): %.2f s; ratio %.3f", wall, ideal, ideal > 0 ? wall / ideal : 0))
        if report {
            let reportStart = ContinuousClock.now
            try await ExperimentOutputs.write(folder: out, plan: resolved)
            print(String(format: "summaries and report: %.2f s", Self.seconds(ContinuousClock.now - reportStart)))
        }
        print("peak RSS (VmHWM): \(CompositorBenchmark.peakResidentKiB() / 1024) MiB")
        await server.stop()
    }

    static func seconds(_ duration: Duration) -> Double {
        duration / .seconds(1)
    }
}
