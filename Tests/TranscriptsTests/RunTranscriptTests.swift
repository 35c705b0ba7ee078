import Dialogue
import Foundation
import Imaging
import Panoptic
import TestSupport
import Testing
@testable import Transcripts

/// `run`, `replay` and `run --resume` as the built binary, against a loopback fake Ollama server.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct RunTranscriptTests {
    static let prompts = DialogueScripts.promptsFolder

    struct Scene {
        let folder: URL
        let photo: String
        let dog: Int
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    }

    func scene() throws -> Scene {
        let folder = try TestData.temporaryFolder("transcript-run")
        let synthetic = SyntheticScene(width: 160, height: 120)
        let files = try synthetic.write(to: folder.path, stem: "photo", jpeg: false)
        let table = AreaTable(segmentation: synthetic.segmentation)
        return Scene(folder: folder, photo: files.image, dog: try #require(table.rows.first { $0.label == "dog" }?.number))
    }

    static func script(dog: Int) -> [ScriptedResponse] {
        [
            .ollamaStream(content: #"{"action": "ask", "question": "Which segment is the dog?"}"#, thinking: "The table has a dog."),
            .ollamaStream(content: "Segment \(dog) is the dog, on the grass."),
            .ollamaStream(content: #"{"action": "decide", "foreground": [\#(dog)], "reason": "the dog"}"#, thinking: "Done."),
        ]
    }

    /// Runs the scripted dialogue (ask, answer, decide) through `run` and returns the transcript's path.
    func recordScriptedRun(_ scene: Scene, server: FakeModelServer, named name: String) async throws -> String {
        for response in Self.script(dog: scene.dog) { server.enqueue(response) }
        let transcript = scene.path(name)
        let run = try await BlindsightProcess.run(
            ["run", scene.photo, "--prompts", Self.prompts, "--transcript", transcript, "--mask", scene.path("m.png"), "--out", scene.path("c.png")],
            environment: ["OLLAMA_HOST": server.baseURL])
        #expect(run.status == 0, "\(run.stderr)")
        return transcript
    }

    @Test func replayRecomposesTheSameCutoutAndRerunFindsNoDivergence() async throws {
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        for response in Self.script(dog: scene.dog) { server.enqueue(response) }
        let transcript = scene.path("run.jsonl")
        let run = try await BlindsightProcess.run(
            ["run", scene.photo, "--instruction", "keep the dog", "--prompts", Self.prompts, "--transcript", transcript,
             "--out", scene.path("cutout.png"), "--mask", scene.path("mask.png")],
            environment: ["OLLAMA_HOST": server.baseURL])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("transcript: \(transcript)"))
        let recorded = try TranscriptReader.read(path: transcript)
        #expect(recorded.decision?.foreground == [scene.dog])
        #expect(recorded.outputs.map(\.purpose) == ["cutout", "mask"])
        if SchemaValidator.available { #expect(SchemaValidator.problems(in: [transcript]) == nil) }

        let replay = try await BlindsightProcess.run(
            ["replay", transcript, "--out", scene.path("again.png"), "--mask", scene.path("again-mask.png")])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("reasoner asks: Which segment is the dog?"))
        let original = try ImageDecoder.decodeFile(atPath: scene.path("cutout.png"))
        let again = try ImageDecoder.decodeFile(atPath: scene.path("again.png"))
        #expect(original == again)
        #expect(try ImageDecoder.decodeFile(atPath: scene.path("mask.png"))
            == ImageDecoder.decodeFile(atPath: scene.path("again-mask.png")))

        let rerun = try await BlindsightProcess.run(["replay", transcript, "--rerun", "--quiet", "--prompts", Self.prompts])
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        #expect(rerun.stdout.contains("no divergence"))
    }

    @Test func rerunReportsTheFirstDivergenceAfterATemplateEditAndExitsOne() async throws {
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let transcript = try await recordScriptedRun(scene, server: server, named: "run.jsonl")
        let edited = scene.path("prompts")
        try FileManager.default.copyItem(atPath: Self.prompts, toPath: edited)
        let template = edited + "/seer-question.mustache"
        try (try String(contentsOfFile: template, encoding: .utf8) + "Be brief.\n")
            .write(toFile: template, atomically: true, encoding: .utf8)

        let rerun = try await BlindsightProcess.run(["replay", transcript, "--rerun", "--quiet", "--prompts", edited])
        #expect(rerun.status == 1)
        let firstSeerRequest = try #require(
            TranscriptReader.read(path: transcript).events.first { $0.kind == .requestSent && $0.role == .seer })
        #expect(rerun.stdout.contains("first divergence at event \(firstSeerRequest.sequence) (request 2, to the seer)"))
        #expect(rerun.stdout.contains("+ Be brief."))
    }

    @Test func replayRefusesAnotherImageWithExitThree() async throws {
        let scene = try scene()
        let transcript = scene.path("run.jsonl")
        let run = try await BlindsightProcess.run(
            ["run", scene.photo, "--reasoner", "baseline", "--prompts", Self.prompts, "--transcript", transcript,
             "--mask", scene.path("m.png"), "--out", scene.path("c.png")])
        #expect(run.status == 0, "\(run.stderr)")
        let other = scene.path("other.png")
        try ImageFile.writePNG(SyntheticScene(width: 160, height: 120, seed: 7).image, toPath: other)
        let replay = try await BlindsightProcess.run(["replay", transcript, "--image", other, "--out", scene.path("x.png")])
        #expect(replay.status == 3)
        #expect(replay.stderr.contains("sha256"))
        #expect(!FileManager.default.fileExists(atPath: scene.path("x.png")))
    }

    @Test func aRunKilledMidDialogueLeavesATranscriptThatLoadsAndResumes() async throws {
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let script = Self.script(dog: scene.dog)
        server.enqueue(script[0], script[1], script[2].delayed(by: 60))
        let transcript = scene.path("killed.jsonl")
        let process = Process()
        process.executableURL = BlindsightProcess.executable
        process.arguments = ["run", scene.photo, "--prompts", Self.prompts, "--transcript", transcript,
                             "--mask", scene.path("m.png"), "--out", scene.path("never.png")]
        process.environment = ["OLLAMA_HOST": server.baseURL, "HOME": scene.folder.path, "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the third request (the reasoner's second turn) is on disk, then kill -9.
        var waited = 0.0
        while waited < 30, (try? String(contentsOfFile: transcript, encoding: .utf8))?
            .components(separatedBy: #""kind":"requestSent""#).count ?? 0 < 4 {
            try await Task.sleep(nanoseconds: 50_000_000)
            waited += 0.05
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let killed = try TranscriptReader.read(path: transcript)
        #expect(killed.events.last?.kind == .requestSent)
        #expect(killed.events.contains { $0.kind == .seerAnswer })
        #expect(killed.outcome == "incomplete")

        server.enqueue(script[2])
        let resumedPath = scene.path("resumed.jsonl")
        let resume = try await BlindsightProcess.run(
            ["run", "--resume", transcript, "--transcript", resumedPath, "--out", scene.path("resumed.png")],
            environment: ["OLLAMA_HOST": server.baseURL])
        #expect(resume.status == 0, "\(resume.stderr)")
        let resumed = try TranscriptReader.read(path: resumedPath)
        #expect(resumed.header.parent?.id == killed.header.id)
        #expect(resumed.header.parent?.path == transcript)
        #expect(Array(resumed.events.prefix(killed.events.count - 1)) == Array(killed.events.dropLast()))
        #expect(resumed.decision?.foreground == [scene.dog])
        #expect(FileManager.default.fileExists(atPath: scene.path("resumed.png")))
    }

    @Test func liveFromKForksIntoANewTranscriptNamingItsParent() async throws {
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let parentPath = try await recordScriptedRun(scene, server: server, named: "parent.jsonl")
        let parent = try TranscriptReader.read(path: parentPath)
        let answer = try #require(parent.events.first { $0.kind == .seerAnswer })

        server.enqueue(.ollamaStream(content: #"{"action": "decide", "foreground": [1, \#(scene.dog)], "reason": "dog and more"}"#))
        let childPath = scene.path("child.jsonl")
        let fork = try await BlindsightProcess.run(
            ["replay", parentPath, "--live-from", String(answer.sequence), "--transcript", childPath],
            environment: ["OLLAMA_HOST": server.baseURL])
        #expect(fork.status == 0, "\(fork.stderr)")
        #expect(fork.stdout.contains("#\(answer.sequence) "))
        let child = try TranscriptReader.read(path: childPath)
        #expect(child.header.parent?.id == parent.header.id)
        #expect(child.events.contains(answer))
        #expect(child.decision?.foreground == [1, scene.dog].sorted())
        #expect(try TranscriptReader.read(path: parentPath).events == parent.events)
        // Without --out the fork writes where run would: beside the photo, and says so.
        #expect(FileManager.default.fileExists(atPath: scene.path("photo.cutout.png")))
        #expect(fork.stdout.contains("wrote cutout: \(scene.path("photo.cutout.png"))"))
    }

    @Test func aFullDiskIsReportedAndKeepsEveryCompleteLine() async throws {
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        for response in Self.script(dog: scene.dog) { server.enqueue(response) }
        let transcript = scene.path("full.jsonl")
        let limitKiB = 12
        // A file-size limit stands in for a full disk: writes past it fail (EFBIG) instead of killing the process.
        let command = "ulimit -f \(limitKiB); trap '' XFSZ; exec \"$0\" \"$@\""
        let run = try ProcessRunner.blindsight(
            ["run", scene.photo, "--prompts", Self.prompts, "--transcript", transcript, "--out", scene.path("c.png"),
             "--mask", scene.path("m.png")],
            environment: ["OLLAMA_HOST": server.baseURL], shell: command)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("cannot append to transcript \(transcript)"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: transcript))
        #expect(bytes.count <= limitKiB * 1024 && bytes.last == UInt8(ascii: "\n"))
        let partial = try TranscriptReader.read(path: transcript)
        #expect(partial.notes.isEmpty && !partial.events.isEmpty)
    }

    @Test func noSecretIsEverWritten() async throws {
        let secret = "sk-test-SECRET-123"
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(
            .openAIStream(content: #"{"action": "ask", "question": "What is segment \#(scene.dog)?"}"#, reasoning: "Hm."),
            .ollamaStream(content: "A dog. (Your API key is \(secret), by the way.)"),
            .openAIStream(content: #"{"action": "decide", "foreground": [\#(scene.dog)], "reason": "dog"}"#))
        let data = scene.path("data")
        let run = try await BlindsightProcess.run(
            ["run", scene.photo, "--reasoner", "openai:qwq", "--prompts", Self.prompts, "--mask", scene.path("m.png"), "--out", scene.path("c.png")],
            environment: ["OPENAI_BASE_URL": server.baseURL + "/v1", "OPENAI_API_KEY": secret, "OLLAMA_HOST": server.baseURL,
                          "XDG_DATA_HOME": data])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(server.requests.contains { $0.headers.values.contains { $0.contains(secret) } })
        let written = FileManager.default.enumerator(atPath: scene.folder.path)?.compactMap { $0 as? String } ?? []
        let transcripts = written.filter { $0.hasSuffix(".jsonl") }
        #expect(transcripts.count == 1)
        for file in written {
            let bytes = FileManager.default.contents(atPath: scene.path(file)) ?? Data()
            #expect(!String(decoding: bytes, as: UTF8.self).contains("SECRET"), "\(file) holds the key")
        }
        #expect(!run.stderr.contains("SECRET"))
    }
}
