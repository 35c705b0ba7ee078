import Dialogue
import Foundation
import TestSupport
import Testing
@testable import Transcripts

/// The example transcripts shipped in `transcripts/`: made by the project with the real `run` command
/// against a loopback fake Ollama server playing a scripted QwQ-like reasoner and Qwen-VL-like seer,
/// over the synthetic images in `examples/`. `scripts/make-transcripts.sh` regenerates them
/// (`BLINDSIGHT_WRITE_TRANSCRIPTS=1`); the other tests check that they replay offline.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct ShippedTranscriptTests {
    static let folder = TestData.packageRoot.appendingPathComponent("transcripts")

    struct Example: Sendable {
        var name: String
        var image: String
        var arguments: [String]
        var replies: [ScriptedResponse]
    }

    /// Reasoning in the style of QwQ: long, hedged, ending before the JSON.
    static func think(_ text: String) -> String { "Okay, let me look at the table. " + text + " So my answer is:" }

    static let examples: [Example] = [
        Example(
            name: "park-dog", image: "park.jpg", arguments: ["--instruction", "keep the dog"],
            replies: [
                .ollamaStream(
                    content: #"{"action": "ask", "question": "Is segment 4 one whole dog, or does it also cover the person's legs or a leash?"}"#,
                    thinking: think("The user wants the dog. Segment 4 is labelled dog, lower left, 6.6 %. Segment 5 is a person in the centre. I should check that 4 is really the whole dog and nothing else.")),
                .ollamaStream(content: "Segment 4 is a single brown dog standing on the grass, seen from the side. It does not include the person (segment 5), and I see no leash."),
                .ollamaStream(
                    content: #"{"action": "decide", "foreground": [4], "reason": "segment 4 is the whole dog and nothing else"}"#,
                    thinking: think("The seer confirms segment 4 is just the dog.")),
            ]),
        Example(
            name: "park-crowd-main-subjects", image: "park-crowd.jpg",
            arguments: ["--instruction", "the main subjects, not the people in the background"],
            replies: [
                .ollamaStream(content: "I think I should first ask about the people.", thinking: think("There are many person segments, 5 to 18.")),
                .ollamaStream(
                    content: #"{"action": "ask", "question": "Which person is the main subject in front, and is anyone with them?"}"#,
                    thinking: think("Fine, one JSON object. Person 5 is large and central; 6 to 18 are tiny.")),
                .ollamaStream(content: "Segment 5 is the large person in the centre, walking the dog (segment 4). Segments 6 to 18 are small figures far away in the background."),
                .ollamaStream(
                    content: #"{"action": "ask", "question": "Which person is the main subject in front and is anyone with them?"}"#,
                    thinking: think("Let me make sure about the person in front.")),
                .ollamaStream(
                    content: #"{"action": "decide", "foreground": [4, 5], "reason": "the person in front and their dog; the crowd is background"}"#,
                    thinking: think("Right, I already asked that. The answer was clear: 5 and the dog 4.")),
            ]),
        Example(
            name: "park-no-instruction-fallback", image: "park.jpg", arguments: ["--max-rounds", "2"],
            replies: [
                .ollamaStream(
                    content: #"{"action": "ask", "question": "What is the photo mainly about?"}"#,
                    thinking: think("No instruction. I need to know what matters in the photo.")),
                .ollamaStream(content: "A person standing on a lawn in a park with a dog in front of them; a tree on the right and sky above."),
                .ollamaStream(
                    content: #"{"action": "ask", "question": "Is the dog on a leash held by the person?"}"#,
                    thinking: think("Maybe I should ask one more thing.")),
                .ollamaStream(
                    content: #"{"action": "ask", "question": "Is the person facing the camera?"}"#,
                    thinking: think("Hmm, one more question.")),
            ]),
    ]

    static var shipped: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["BLINDSIGHT_WRITE_TRANSCRIPTS"] == "1",
                   "set BLINDSIGHT_WRITE_TRANSCRIPTS=1 (scripts/make-transcripts.sh) to regenerate the shipped transcripts"))
    func writeShippedTranscripts() async throws {
        for example in Self.examples {
            let server = try await FakeModelServer()
            for reply in example.replies { server.enqueue(reply) }
            let target = Self.folder.appendingPathComponent(example.name + ".jsonl").path
            try? FileManager.default.removeItem(atPath: target)
            let status = try ProcessRunner.blindsight(
                ["run", "../examples/\(example.image)"] + example.arguments
                    + ["--prompts", "../prompts/default", "--transcript", example.name + ".jsonl",
                       "--transcript-generator", TranscriptHeader.projectGeneratorNote,
                       "--out", example.name + ".cutout.png", "--mask", example.name + ".mask.png"],
                in: Self.folder, environment: ["OLLAMA_HOST": server.baseURL]).status
            for output in [".cutout.png", ".mask.png"] {
                try? FileManager.default.removeItem(at: Self.folder.appendingPathComponent(example.name + output))
            }
            await server.stop()
            #expect(status == 0, "\(example.name)")
            #expect(server.pendingResponses == 0, "\(example.name): unused scripted replies")
        }
    }

    @Test func shippedTranscriptsSayHowTheyWereMadeAndFollowTheSchema() throws {
        #expect(Self.shipped.count >= 2)
        for name in Self.shipped {
            let transcript = try TranscriptReader.read(path: Self.folder.appendingPathComponent(name).path)
            #expect(transcript.header.generator == TranscriptHeader.projectGeneratorNote, "\(name)")
            #expect(transcript.header.image.path.hasPrefix("../examples/"), "\(name)")
            #expect(transcript.notes.isEmpty && transcript.decision != nil, "\(name)")
            _ = try TranscriptImage(for: transcript)
        }
        if SchemaValidator.available {
            #expect(SchemaValidator.problems(in: Self.shipped.map { Self.folder.appendingPathComponent($0).path }) == nil)
        }
    }

    @Test func shippedTranscriptsReplayOfflineFromTheRepositoryRoot() async throws {
        let scratch = try TestData.temporaryFolder("replay-shipped")
        for name in Self.shipped {
            let cutout = scratch.appendingPathComponent(name + ".png").path
            let replay = try ProcessRunner.blindsight(["replay", "transcripts/\(name)", "--out", cutout], in: TestData.packageRoot)
            #expect(replay.status == 0, "\(name): \(replay.stderr)")
            #expect(FileManager.default.fileExists(atPath: cutout), "\(name)")
        }
    }

    @Test func transcriptsListShowsTheShippedExamples() throws {
        let list = try ProcessRunner.blindsight(["transcripts", "list", "--dir", Self.folder.path])
        #expect(list.status == 0, "\(list.stderr)")
        let rows = list.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == Self.shipped.count)
        #expect(rows.contains { $0.contains("park-dog.jsonl") && $0.contains("4 dog") && $0.contains("decided") })
        #expect(rows.contains { $0.contains("park-no-instruction-fallback.jsonl") && $0.contains("(fallback)") })
    }
}
