import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Session
import Synchronization
import Testing
import TestSupport
import Transcripts

/// The dialogue driver as a library: no printing, events to injected observers, a result value.
@Suite("DialogueRun")
struct DialogueRunTests {
    /// Collects what an observer and the notice handler receive.
    final class Collector: DialogueObserver {
        let events = Mutex<[DialogueEvent]>([])
        let transcripts = Mutex<[String]>([])
        func record(_ event: DialogueEvent) async { events.withLock { $0.append(event) } }
        func notice(_ notice: SessionNotice) {
            if case .transcript(let path) = notice { transcripts.withLock { $0.append(path) } }
        }
    }

    static func config(_ environment: [String: String] = [:]) throws -> BlindsightConfig {
        try BlindsightConfig.load(environment: ["HOME": try TestData.temporaryFolder("home").path].merging(environment) { $1 })
    }

    @Test("a panoptic service URL with credentials is recorded without them, and they never reach the transcript")
    func serviceCredentialsAreNotRecorded() async throws {
        let photo = try GoldenOutputTests().writeScene()
        let folder = (photo as NSString).deletingLastPathComponent
        let server = try await FakePanopticServer(answer: .segmentation(try await Scene.load(imagePath: photo).segmentation))
        defer { Task { await server.stop() } }
        let withCredentials = server.baseURL.replacingOccurrences(of: "http://", with: "http://lab:s3cretpassword@")
        let scene = try await Scene.load(imagePath: photo, choice: SegmentationChoice(panoptic: withCredentials))
        let run = DialogueRun(
            config: try Self.config(), models: ModelChoice(reasoner: "baseline"),
            transcript: TranscriptTarget(path: folder + "/t.jsonl"), outputs: OutputRequest(), notify: { _ in })
        try await run.start(DialogueStart(scene: scene, prompts: try SessionPrompts.load(nil))).check()
        let text = try String(contentsOfFile: folder + "/t.jsonl", encoding: .utf8)
        #expect(!text.contains("s3cretpassword"))
        #expect(try TranscriptReader.read(path: folder + "/t.jsonl").header.panoptic.source == server.baseURL)
        #expect(KnownSecrets.current.redact("pw: s3cretpassword") == "pw: [REDACTED]")
    }

    @Test("a baseline dialogue decides, writes the outputs and its transcript, and reports them in the result")
    func baselineRun() async throws {
        let photo = try GoldenOutputTests().writeScene()
        let folder = (photo as NSString).deletingLastPathComponent
        let collector = Collector()
        let run = DialogueRun(
            config: try Self.config(), models: ModelChoice(reasoner: "baseline"),
            transcript: TranscriptTarget(path: folder + "/t.jsonl"), outputs: OutputRequest(mask: folder + "/m.png"),
            observers: [collector], notify: { collector.notice($0) })
        let result = try await run.start(DialogueStart(scene: try await Scene.load(imagePath: photo), prompts: try SessionPrompts.load(nil)))
        try result.check()
        #expect(result.decision != nil)
        #expect(result.outputs?.files.map(\.purpose) == ["cutout", "mask"])
        #expect(result.outputs?.files.first?.path == folder + "/tiny.cutout.png")
        #expect(result.transcriptPath == folder + "/t.jsonl")
        #expect(collector.transcripts.withLock { $0 } == [folder + "/t.jsonl"])
        #expect(collector.events.withLock { $0 }.contains { $0.kind == .outputWritten })
        let recorded = try TranscriptReader.read(path: folder + "/t.jsonl")
        #expect(recorded.outputs.map(\.path) == [folder + "/tiny.cutout.png", folder + "/m.png"])
        let cutout = try Data(contentsOf: URL(fileURLWithPath: folder + "/tiny.cutout.png"))
        #expect(recorded.outputs.first?.sha256 == SHA256.hex([UInt8](cutout)))
    }

    @Test("an output onto an input is refused before any model is asked")
    func refusedBeforeModels() async throws {
        let photo = try GoldenOutputTests().writeScene()
        let refusing = try RefusingPort()
        let run = DialogueRun(
            config: try Self.config(["OLLAMA_HOST": "http://127.0.0.1:\(refusing.port)"]),
            transcript: TranscriptTarget(disabled: true), outputs: OutputRequest(cutout: photo))
        let scene = try await Scene.load(imagePath: photo)
        await #expect(throws: OutputRefused.self) {
            try await run.start(DialogueStart(scene: scene, prompts: try SessionPrompts.load(nil)))
        }
    }

    @Test("a fork from a K that is not a fork point is refused with the choices")
    func forkRefused() async throws {
        let parent = try ForkPointTests.shipped()
        let scene = try await Scene.load(recordedIn: parent)
        let run = DialogueRun(config: try Self.config(), transcript: TranscriptTarget(disabled: true))
        await #expect(throws: ForkRefused.self) { try await run.fork(parent, through: 200, scene: scene) }
    }
}
