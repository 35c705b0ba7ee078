import ArgumentParser
import Dialogue
import Foundation
import Imaging
import ModelClients
import Panoptic
import Session
import TestSupport

/// `blindsight-bench referee`: the referee's own cost per round (state machine, reply parsing,
/// template rendering; no model), against a loopback round trip through the real backends as peer,
/// and the peak memory of `blindsight run` on a 12 MP image (baseline reasoner, then a scripted dialogue).
struct RefereeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referee",
        abstract: "Referee overhead per round vs a loopback model round; peak memory of a run on a 12 MP image.")

    @Option(help: "Dialogues for the overhead measurement (each: 3 questions, then a decision).")
    var dialogues = 2000

    @Option(help: "Loopback dialogues for the peer measurement.")
    var loopbackDialogues = 20

    @Option(help: "Width of the synthetic image for the memory measurement (height is 3/4 of it).")
    var width = 4000

    func run() async throws {
        let prompts = try SessionPrompts.load(nil)
        let scene = SyntheticScene(width: 640, height: 480, crowd: 25)
        let task = DialogueTask(
            instruction: "keep the dog", imageName: "park.png", imageWidth: 640, imageHeight: 480,
            table: AreaTable(segmentation: scene.segmentation))
        let rounds = 4

        var opening = Duration.zero
        var turns = Duration.zero
        for _ in 0..<dialogues {
            let (start, rest) = Self.scriptedDialogue(task: task, prompts: prompts)
            opening += start
            turns += rest
        }
        let perRound = Self.seconds(opening + turns) / Double(dialogues * rounds)
        let perOpening = Self.seconds(opening) / Double(dialogues)
        let perTurn = Self.seconds(turns) / Double(dialogues * rounds)

        let loopback = try await loopbackRound(task: task, prompts: prompts) / Double(rounds)
        print("referee benchmark (\(task.table.rows.count)-row area table, \(rounds) rounds per dialogue)")
        print(String(format: "  referee per round (parse + validate + render, no model): %.1f µs over %d dialogues", perRound * 1e6, dialogues))
        print(String(format: "    of which the opening (system prompt + area table, once per dialogue): %.1f µs; each later turn: %.1f µs",
                     perOpening * 1e6, perTurn * 1e6))
        print(String(format: "  peer: one round through the real backends and loopback fake servers: %.2f ms", loopback * 1000))
        print(String(format: "  ratio referee/loopback round: %.4f (real model rounds take seconds, so far less)", perRound / loopback))

        try await memory()
    }

    /// One dialogue through the referee alone: three questions, then a decision. Returns the time of
    /// the opening and of everything after it.
    private static func scriptedDialogue(task: DialogueTask, prompts: PromptTemplates) -> (Duration, Duration) {
        let clock = ContinuousClock()
        let started = clock.now
        var referee = Referee(task: task, rules: RefereeRules(maxRounds: 4), prompts: prompts)
        _ = referee.start()
        let opened = clock.now
        for question in ["Which segment is the dog?", "Is the person holding a leash?", "Is anything in front of the dog?"] {
            _ = referee.reasonerReplied(ModelReply(
                content: "```json\n{\"action\": \"ask\", \"question\": \"\(question)\"}\n```", reasoning: "Let me think."))
            _ = referee.seerAnswered(ModelReply(content: "Segment 4 is a brown dog lying on the grass, facing left."))
        }
        let end = referee.reasonerReplied(ModelReply(content: #"{"action": "decide", "foreground": [4], "reason": "dog"}"#))
        guard case .finish(let outcome) = end.action, outcome.stopReason == .decided else {
            preconditionFailure("the scripted dialogue did not end with a decision")
        }
        return (opened - started, clock.now - opened)
    }

    /// Seconds per dialogue through the engine with real backends on loopback fake servers.
    private func loopbackRound(task: DialogueTask, prompts: PromptTemplates) async throws -> Double {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let connection = BackendConnection(baseURL: server.baseURL)
        let engine = DialogueEngine(
            reasoner: OllamaBackend(model: "qwq", connection: connection),
            seer: OllamaBackend(model: "qwen2.5vl", connection: connection),
            seerImages: [.init(ImageAttachment(mimeType: "image/jpeg", data: Data(count: 100_000)), purpose: "image")])
        var total = 0.0
        for index in 0...loopbackDialogues {
            for question in ["Which segment is the dog?", "Is the person holding a leash?", "Is anything in front?"] {
                server.enqueue(.ollamaStream(content: #"{"action": "ask", "question": "\#(question)"}"#))
                server.enqueue(.ollamaStream(content: "Segment 4 is a brown dog lying on the grass."))
            }
            server.enqueue(.ollamaStream(content: #"{"action": "decide", "foreground": [4], "reason": "dog"}"#))
            let started = ContinuousClock.now
            _ = try await engine.run(Referee(task: task, rules: RefereeRules(maxRounds: 4), prompts: prompts))
            if index > 0 { total += Self.seconds(.now - started) }  // The first is warm-up.
        }
        return total / Double(loopbackDialogues)
    }

    /// Peak resident memory of `blindsight run` on a synthetic 12 MP photo with sidecar segmentation.
    private func memory() async throws {
        let height = width * 3 / 4
        let folder = try TestData.temporaryFolder("referee-bench")
        defer { try? FileManager.default.removeItem(at: folder) }
        let scene = SyntheticScene(width: width, height: height)
        let photo = folder.appendingPathComponent("photo.png").path
        try ImageFile.writePNG(scene.image, toPath: photo)
        try ImageFile.writePNG(scene.segmentation.idMap.cocoPanopticImage(), toPath: folder.appendingPathComponent("photo.panoptic.png").path)
        try scene.cocoSegmentsJSON(fileName: "photo.panoptic.png").write(to: folder.appendingPathComponent("photo.panoptic.json"))
        let decodedBytes = Double(width * height * 3)
        let outputs = ["--out", folder.appendingPathComponent("c.png").path, "--mask", folder.appendingPathComponent("m.png").path]
        print(String(format: "memory: blindsight run on a %d x %d (%.1f MP) PNG; peer = the decoded RGB image, %.1f MB",
                     width, height, Double(width * height) / 1e6, decodedBytes / 1e6))

        let baseline = try Self.runBlindsight([photo, "--reasoner", "baseline"] + outputs, environment: [:])
        print(String(format: "  baseline reasoner: %.2f s, peak RSS %.1f MB, ratio to decoded image %.2f",
                     baseline.seconds, baseline.peakMB, baseline.peakMB * 1e6 / decodedBytes))

        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.ollamaStream(content: #"{"action": "ask", "question": "Which segment is the dog?"}"#))
        server.enqueue(.ollamaStream(content: "Segment 4."))
        server.enqueue(.ollamaStream(content: #"{"action": "decide", "foreground": [4], "reason": "dog"}"#))
        let dialogue = try Self.runBlindsight([photo] + outputs, environment: ["OLLAMA_HOST": server.baseURL])
        print(String(format: "  scripted dialogue (loopback models, marks overlay, seer JPEGs): %.2f s, peak RSS %.1f MB, ratio %.2f",
                     dialogue.seconds, dialogue.peakMB, dialogue.peakMB * 1e6 / decodedBytes))
    }

    /// Runs `blindsight run arguments…`; returns wall time and its own peak RSS.
    private static func runBlindsight(_ arguments: [String], environment: [String: String]) throws -> (seconds: Double, peakMB: Double) {
        let measured = try ChildProcess.measure([ChildProcess.blindsight, "run"] + arguments, environment: environment)
        return (measured.seconds, measured.peakMB)
    }

    private static func seconds(_ duration: Duration) -> Double {
        duration / .seconds(1)
    }
}
