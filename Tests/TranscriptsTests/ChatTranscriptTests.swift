import BlindsightCore
import Dialogue
import Foundation
import Testing
import TestSupport
import Transcripts

/// `blindsight chat`: the user's notes reach the reasoner and the transcript; /stop leaves a session
/// that `chat --resume` continues.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct ChatTranscriptTests {
    let transcripts = RunTranscriptTests()

    func chat(_ arguments: [String], _ scene: RunTranscriptTests.Scene, server: FakeModelServer, input: String) async throws
        -> BlindsightProcess.Result
    {
        try await BlindsightProcess.run(
            ["chat"] + arguments + ["--prompts", RunTranscriptTests.prompts, "--out", scene.path("c.png"), "--mask", scene.path("m.png")],
            environment: ["OLLAMA_HOST": server.baseURL], input: input)
    }

    /// The reasoner's request bodies, as text, in order.
    static func reasonerRequests(_ server: FakeModelServer) -> [String] {
        server.requests(to: "/api/chat").map { String(decoding: $0.body, as: UTF8.self) }.filter { !$0.contains("\"images\"") }
    }

    @Test func aNoteTypedBeforeATurnReachesTheReasonerAndTheTranscript() async throws {
        let scene = try transcripts.scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        for response in RunTranscriptTests.script(dog: scene.dog) { server.enqueue(response) }
        let transcript = scene.path("chat.jsonl")
        let result = try await chat(
            [scene.photo, "--transcript", transcript], scene, server: server, input: "Only the dog, not the person.\n\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("[round 1] you: Only the dog, not the person."))
        let requests = Self.reasonerRequests(server)
        #expect(requests.count == 2)
        #expect(requests.first?.contains("Only the dog, not the person.") == true)
        let recorded = try TranscriptReader.read(path: transcript)
        let notes = recorded.events.filter { $0.kind == .userNote }
        #expect(notes.map(\.content) == ["Only the dog, not the person."] && notes.first?.role == .user)
        #expect(recorded.events.contains { $0.kind == .decision })
        if SchemaValidator.available { #expect(SchemaValidator.problems(in: [transcript]) == nil) }
    }

    @Test func stopEndsAsInterruptedAndChatResumeContinuesWithTheNotesKept() async throws {
        let scene = try transcripts.scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let script = RunTranscriptTests.script(dog: scene.dog)
        server.enqueue(script[0])
        server.enqueue(script[1])
        let first = scene.path("first.jsonl")
        let stopped = try await chat([scene.photo, "--transcript", first], scene, server: server, input: "Keep the dog.\n/stop\n")
        #expect(stopped.status == 130, "\(stopped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scene.path("c.png")))
        let interrupted = try TranscriptReader.read(path: first)
        #expect(interrupted.events.contains { $0.kind == .interrupted })
        #expect(interrupted.events.filter { $0.kind == .userNote }.map(\.content) == ["Keep the dog."])

        server.enqueue(script[2])
        let second = scene.path("second.jsonl")
        let resumed = try await chat(["--resume", first, "--transcript", second], scene, server: server, input: "")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(FileManager.default.fileExists(atPath: scene.path("c.png")))
        let last = try #require(Self.reasonerRequests(server).last)
        #expect(last.contains("Keep the dog."), "the restored conversation still carries the note")
        let continued = try TranscriptReader.read(path: second)
        #expect(continued.header.parent != nil)
        #expect(continued.events.filter { $0.kind == .userNote }.map(\.content) == ["Keep the dog."])
        #expect(continued.events.contains { $0.kind == .decision })
    }

    @Test func editsAndRefinementsFollowTheSchemaAndAResumedChatReopensTheDecision() async throws {
        let scene = try transcripts.scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let script = RunTranscriptTests.script(dog: scene.dog)
        for response in script { server.enqueue(response) }
        server.enqueue(script[2])
        let first = scene.path("edited.jsonl")
        let other = scene.dog == 1 ? 2 : 1
        let edited = try await chat(
            [scene.photo, "--transcript", first], scene, server: server,
            input: "\n\n/keep \(other)\nthe dog only, please\n/keep \(other)\n/quit\n")
        #expect(edited.status == 130, "\(edited.stderr)")
        #expect(edited.stdout.contains("to continue: blindsight chat --resume \(first)"))
        let recorded = try TranscriptReader.read(path: first)
        #expect(recorded.decision?.foreground == [scene.dog, other].sorted() && recorded.decision?.outcome == .edited)
        #expect(recorded.events.filter { $0.kind == .decision }.count == 2)
        #expect(recorded.events.contains { $0.kind == .refinement && $0.content == "the dog only, please" })
        if SchemaValidator.available { #expect(SchemaValidator.problems(in: [first]) == nil) }

        let second = scene.path("reopened.jsonl")
        let reopened = try await chat(
            ["--resume", first, "--transcript", second], scene, server: server, input: "/undo\n\n")
        #expect(reopened.status == 0, "\(reopened.stderr)")
        let continued = try TranscriptReader.read(path: second)
        #expect(continued.decision?.foreground == [scene.dog], "the edit was undone at the reopened decision")
        #expect(FileManager.default.fileExists(atPath: scene.path("c.png")))
        if SchemaValidator.available { #expect(SchemaValidator.problems(in: [second]) == nil) }
    }
}
