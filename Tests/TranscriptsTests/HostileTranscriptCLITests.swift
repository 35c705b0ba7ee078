import Foundation
import TestSupport
import Testing
@testable import Transcripts

/// The hostile transcripts of the hostile-inputs issue through the built binary: a reasoner reply of
/// 100,000 unclosed braces (which overflowed the stack, exit 139, in `--rerun`, `--live-from` and
/// `--resume`), an event sequence number at Int64.max and a template named `../…` (which made
/// `run --resume` write outside its temporary folder).
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct HostileTranscriptCLITests {
    let runs = RunTranscriptTests()

    /// The recorded run's lines with `edit` applied to the parsed objects, written to `name`.
    func rewrite(_ path: String, to name: String, in scene: RunTranscriptTests.Scene,
                 _ edit: (inout [[String: Any]]) throws -> Void) throws -> String {
        var objects = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        try edit(&objects)
        let text = try objects.map {
            String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        let target = scene.path(name)
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }

    /// The index of the first reasoner turn line.
    static func firstTurn(_ objects: [[String: Any]]) throws -> Int {
        try #require(objects.firstIndex { $0["kind"] as? String == "reasonerTurn" })
    }

    @Test func aBraceBombReplyNeitherCrashesRerunNorLiveFromNorResume() async throws {
        let scene = try runs.scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let recorded = try await runs.recordScriptedRun(scene, server: server, named: "run.jsonl")
        let bomb = String(repeating: "{", count: 100_000)
        var bombSequence = 0
        let hostile = try rewrite(recorded, to: "bomb.jsonl", in: scene) { objects in
            let turn = try Self.firstTurn(objects)
            objects[turn]["content"] = bomb
            objects[turn]["rawReply"] = bomb
            bombSequence = objects[turn]["sequence"] as? Int ?? -1
        }

        let rerun = try await BlindsightProcess.run(["replay", hostile, "--rerun", "--quiet", "--prompts", RunTranscriptTests.prompts])
        #expect(rerun.status == 1, "\(rerun.stdout)\(rerun.stderr)")
        #expect(rerun.stdout.contains("first divergence"), "\(rerun.stdout)")

        let decide = ScriptedResponse.ollamaStream(content: #"{"action": "decide", "foreground": [\#(scene.dog)], "reason": "the dog"}"#)
        server.enqueue(decide)
        let fork = try await BlindsightProcess.run(
            ["replay", hostile, "--live-from", String(bombSequence), "--transcript", scene.path("fork.jsonl"),
             "--out", scene.path("fork.png")],
            environment: ["OLLAMA_HOST": server.baseURL])
        #expect(fork.status == 0, "\(fork.stderr)")
        #expect(try TranscriptReader.read(path: scene.path("fork.jsonl")).decision?.foreground == [scene.dog])

        let cut = try rewrite(hostile, to: "cut.jsonl", in: scene) { objects in
            objects = Array(objects.prefix(through: try Self.firstTurn(objects)))
        }
        server.enqueue(decide)
        let resume = try await BlindsightProcess.run(
            ["run", "--resume", cut, "--transcript", scene.path("resumed.jsonl"), "--out", scene.path("resumed.png")],
            environment: ["OLLAMA_HOST": server.baseURL])
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(try TranscriptReader.read(path: scene.path("resumed.jsonl")).decision?.foreground == [scene.dog])
    }

    @Test func aSequenceAtInt64MaxOrAPathLikeTemplateNameIsExitThreeAndWritesNothing() async throws {
        let scene = try runs.scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let recorded = try await runs.recordScriptedRun(scene, server: server, named: "run.jsonl")
        let huge = try rewrite(recorded, to: "huge.jsonl", in: scene) { objects in
            objects = Array(objects.prefix(through: try Self.firstTurn(objects)))
            objects[objects.count - 1]["sequence"] = Int64.max
        }
        for arguments in [["replay", huge, "--live-from", "2"], ["run", "--resume", huge]] {
            let result = try await BlindsightProcess.run(
                arguments + ["--out", scene.path("never.png")], environment: ["OLLAMA_HOST": server.baseURL])
            #expect(result.status == 3, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("event sequence 9223372036854775807 is outside"), "\(result.stderr)")
        }

        let escape = "../../../../../../../../\(scene.folder.lastPathComponent)/pwned_area-table"
        let named = try rewrite(recorded, to: "named.jsonl", in: scene) { objects in
            objects = Array(objects.prefix(through: try Self.firstTurn(objects)))
            var prompts = objects[0]["prompts"] as? [[String: Any]] ?? []
            prompts.append(["name": escape, "sha256": String(repeating: "0", count: 64), "text": "{{% CONTENT_TYPE: TEXT}}\nowned"])
            objects[0]["prompts"] = prompts
        }
        let resume = try await BlindsightProcess.run(
            ["run", "--resume", named, "--out", scene.path("never.png")], environment: ["OLLAMA_HOST": server.baseURL])
        #expect(resume.status == 3, "\(resume.stderr)")
        #expect(resume.stderr.contains("has a \".\" or \"..\" part"), "\(resume.stderr)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scene.folder.path)
        #expect(!leftovers.contains { $0.contains("pwned") })
        #expect(!FileManager.default.fileExists(atPath: scene.path("never.png")))
    }
}
