import Experiments
import Foundation
import Imaging
import ModelClients
import Panoptic
import TestSupport

/// Two synthetic park scenes with sidecar segmentations, a truth.json (scene A: the dog by id; scene B:
/// a mask of the person), and loopback model servers answering as ``ScriptedDialogueModels``.
struct ExperimentFixture {
    let folder: URL
    let imagesFolder: String
    let truthPath: String
    let scenes: [String: SyntheticScene]
    static let prompts = TestData.packageRoot.appendingPathComponent("prompts/default").path

    init() throws {
        folder = try TestData.temporaryFolder("experiment")
        imagesFolder = folder.appendingPathComponent("images").path
        try FileManager.default.createDirectory(atPath: imagesFolder, withIntermediateDirectories: true)
        let a = SyntheticScene(seed: 1)
        let b = SyntheticScene(seed: 2)
        _ = try a.write(to: imagesFolder, stem: "a")
        _ = try b.write(to: imagesFolder, stem: "b")
        scenes = ["a.jpg": a, "b.jpg": b]
        let personMask = Image(
            width: b.image.width, height: b.image.height, format: .gray8,
            pixels: b.segmentation.idMap.ids.map { $0 == UInt32(SyntheticScene.personID) ? 255 : 0 })
        _ = try ImageFile.writePNG(personMask, toPath: folder.appendingPathComponent("b.truth.png").path)
        truthPath = folder.appendingPathComponent("truth.json").path
        let truth = #"{"images": {"a.jpg": {"foreground_ids": [\#(SyntheticScene.dogID)]}, "b.jpg": {"mask": "b.truth.png"}}}"#
        try Data(truth.utf8).write(to: URL(fileURLWithPath: truthPath))
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Pixels of segment `id` in scene `name`, counted from its id map.
    func pixels(_ name: String, _ id: Int) -> Int {
        scenes[name]?.segmentation.idMap.ids.count { $0 == UInt32(id) } ?? 0
    }

    /// A plan over both scenes with the given reasoners (Ollama models on `server`).
    func plan(reasoners: [String], repeats: Int = 1, baseline: Bool = true) -> ExperimentPlan {
        ExperimentPlan(
            images: [imagesFolder], truth: truthPath, prompts: [Self.prompts], reasoners: reasoners.map { "ollama:\($0)" },
            seers: ["ollama:seer"], maxRounds: [3], repeats: repeats, baseline: baseline, seed: 11)
    }

    /// The configuration with Ollama at `server`, reading no personal configuration file.
    func config(_ server: FakeModelServer) throws -> BlindsightConfig {
        try BlindsightConfig.load(environment: ["OLLAMA_HOST": server.baseURL], path: path("no-config.yaml"))
    }

    /// Resolves `plan`, prepares `out` and runs it in-process, with summaries and report written.
    @discardableResult
    func run(
        _ plan: ExperimentPlan, server: FakeModelServer, out: String, shard: Shard? = nil, cache: Bool = false,
        concurrency: Int = 3
    ) async throws -> [ResultRow] {
        let config = try config(server)
        var resolved = try PlanResolver.resolve(plan, config: config)
        resolved.execution = .init(concurrency: concurrency, cache: cache, shard: shard?.description)
        let folder = ExperimentFolder(path: out)
        try folder.prepare(for: resolved)
        let executor = try DialogueRunExecutor(
            plan: resolved, config: config, cache: cache ? try SeerAnswerCache(path: folder.cachePath) : nil)
        let runner = ExperimentRunner(
            plan: resolved, folder: folder, executor: executor,
            scorer: RunScorer(truth: try resolved.truth.map { try Truth(path: $0.path) }), concurrency: concurrency,
            shard: shard)
        try await runner.run()
        try await ExperimentOutputs.write(folder: folder, plan: resolved)
        return ResultsFile.read(path: folder.resultsPath).rows
    }
}

/// Starts a fake Ollama server playing `models`.
func scriptedServer(_ models: ScriptedDialogueModels) async throws -> FakeModelServer {
    let server = try await FakeModelServer()
    server.respond { models.reply(to: $0) }
    return server
}
