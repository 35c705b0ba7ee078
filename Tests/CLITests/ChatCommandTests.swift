import Foundation
import Imaging
import Panoptic
import Testing
import TestSupport

/// `blindsight chat`, as the built binary, against a loopback fake Ollama: through a pipe (a scripted
/// session) and through a pseudo-terminal (pictures, live streaming, Ctrl-C), driven by
/// `scripts/pty-drive.py` with Debian's python3.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct ChatCommandTests {
    static let prompts = TestData.packageRoot.appendingPathComponent("prompts/default").path
    static let hostileAnswer = "The dog is alone. \u{1B}]52;c;ZXZpbA==\u{07} \u{1B}[2J"

    struct Scene {
        let folder: URL
        let photo: String
        let dog: Int
        let person: Int
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    }

    func scene() throws -> Scene {
        let folder = try TestData.temporaryFolder("chat")
        let synthetic = SyntheticScene(width: 160, height: 120)
        let files = try synthetic.write(to: folder.path, stem: "photo", jpeg: false)
        let table = AreaTable(segmentation: synthetic.segmentation)
        return Scene(
            folder: folder, photo: files.image, dog: try #require(table.rows.first { $0.label == "dog" }?.number),
            person: try #require(table.rows.first { $0.label == "person" }?.number))
    }

    func arguments(_ scene: Scene, transcript: String) -> [String] {
        [
            "chat", scene.photo, "--instruction", "keep the dog", "--reasoner", "ollama:qwen3", "--seer", "ollama:gemma3",
            "--prompts", Self.prompts, "--transcript", transcript,
            "--out", scene.path("cutout.png"), "--mask", scene.path("mask.png"),
        ]
    }

    static func decide(_ numbers: [Int], _ reason: String) -> ScriptedResponse {
        .ollamaStream(content: #"{"action": "decide", "foreground": [\#(numbers.map(String.init).joined(separator: ", "))], "reason": "\#(reason)"}"#)
    }

    /// Kinds of the events recorded in a transcript, in order.
    func kinds(_ transcript: String) throws -> [String] {
        try String(contentsOfFile: transcript, encoding: .utf8).split(separator: "\n").compactMap { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["kind"] as? String
        }
    }

    @Test("a piped session: note, /ask, an unknown command, decision, /drop, /undo, a refinement; replay gives the same cutout")
    func scriptedSessionThroughAPipe() async throws {
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.ollamaStream(content: #"{"action": "ask", "question": "Is the dog alone?"}"#, thinking: "Check."))
        server.enqueue(.ollamaStream(content: Self.hostileAnswer))
        server.enqueue(.ollamaStream(content: "The frisbee is red."))
        server.enqueue(Self.decide([scene.dog], "the dog"))
        server.enqueue(Self.decide([scene.dog, scene.person], "the dog and its owner"))
        let transcript = scene.path("chat.jsonl")
        let input = "Only the dog\n/ask what is red?\n/frob 3\n\n/drop \(scene.dog)\n/undo\nalso the person please\n"
        let result = try await BlindsightProcess.run(
            arguments(scene, transcript: transcript), environment: ["OLLAMA_HOST": server.baseURL], input: input)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("error: unknown command /frob"))
        #expect(result.stdout.contains("/keep N…"), "the command list follows the error")
        #expect(result.stdout.contains("seer: The frisbee is red."))
        #expect(result.stdout.contains("decision: keep \(scene.dog) (dog), \(scene.person) (person)"))
        #expect(!result.stdout.contains("\u{1B}"), "a pipe gets no escape codes and no pictures")
        #expect(result.stdout.contains("␛]52;c;ZXZpbA==␇ ␛[2J"), "the seer's escape sequences are shown, not obeyed")
        let bodies = server.requests(to: "/api/chat").map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies.count == 5)
        #expect(!bodies.contains { $0.contains("frob") }, "an unknown command never reaches a model")
        #expect(bodies[3].contains("Only the dog") && bodies[3].contains("The frisbee is red."))
        #expect(bodies[4].contains("also the person please"))

        let recorded = try kinds(transcript).filter {
            ["userNote", "userQuestion", "decision", "decisionEdited", "refinement", "outputWritten"].contains($0)
        }
        #expect(recorded == [
            "userNote", "userQuestion", "decision", "decisionEdited", "decisionEdited", "refinement", "decision",
            "outputWritten", "outputWritten",
        ])
        let replayed = try await BlindsightProcess.run(["replay", transcript, "--quiet", "--out", scene.path("replayed.png")])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(FileManager.default.contents(atPath: scene.path("replayed.png")) == FileManager.default.contents(atPath: scene.path("cutout.png")))
    }

    @Test("edits after the decision are what gets written and what replay reproduces")
    func editedDecisionIsWrittenAndReplayed() async throws {
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(Self.decide([scene.dog], "the dog"))
        let transcript = scene.path("edited.jsonl")
        let result = try await BlindsightProcess.run(
            arguments(scene, transcript: transcript), environment: ["OLLAMA_HOST": server.baseURL],
            input: "\n/save \(scene.photo)\n/save \(scene.path("saved.png"))\n/keep \(scene.person)\n/keep 99\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("error: 99 not in the table"))
        #expect(result.stdout.contains("error: refusing to write the cutout to \(scene.photo): that is the photo"))
        #expect(try ImageDecoder.decodeFile(atPath: scene.photo).format == .rgb8, "the photo is untouched")
        #expect(result.stdout.contains("wrote cutout: \(scene.path("saved.png"))"))
        let mask = try ImageDecoder.decodeFile(atPath: scene.path("mask.png"))
        let ids = SyntheticScene(width: 160, height: 120).segmentation.idMap.ids
        let kept = ids.filter { $0 == UInt32(SyntheticScene.dogID) || $0 == UInt32(SyntheticScene.personID) }.count
        #expect(mask.pixels.filter { $0 == 255 }.count == kept)
        let replayed = try await BlindsightProcess.run(["replay", transcript, "--quiet", "--out", scene.path("replayed.png")])
        #expect(replayed.status == 0)
        #expect(FileManager.default.contents(atPath: scene.path("replayed.png")) == FileManager.default.contents(atPath: scene.path("cutout.png")))
    }

    @Test("segments --show draws the numbered overlay and composite --show the cutout, in the protocol asked for")
    func segmentsAndCompositeShowPictures() async throws {
        let scene = try scene()
        let segments = try await BlindsightProcess.run(["segments", scene.photo, "--show", "--images", "blocks"])
        #expect(segments.status == 0, "\(segments.stderr)")
        #expect(segments.stdout.contains("▀") && segments.stdout.contains("dog"))
        let composite = try await BlindsightProcess.run([
            "composite", scene.photo, "--keep", String(scene.dog), "--show", "--images", "kitty",
            "--out", scene.path("c.png"), "--mask", scene.path("m.png"), "--preview", scene.path("p.png"),
        ])
        #expect(composite.status == 0, "\(composite.stderr)")
        #expect(composite.stdout.contains("\u{1B}_Gf=100,a=T,q=2,"))
        let plain = try await BlindsightProcess.run(["segments", scene.photo, "--show"])
        #expect(!plain.stdout.contains("\u{1B}"), "auto draws nothing into a pipe")
    }

    // MARK: - A pseudo-terminal

    /// Runs the chat in a pseudo-terminal with `environment`, answering `steps` (text to wait for, keys
    /// to send); returns everything the terminal received and the exit status.
    func runInTerminal(
        _ scene: Scene, transcript: String, server: FakeModelServer, environment: [String: String],
        steps: [(wait: String, send: String)]
    ) async throws -> (screen: String, status: Int32?) {
        let executable = try #require(BlindsightProcess.executable).path
        let plan: [String: Any] = [
            "argv": [executable] + arguments(scene, transcript: transcript),
            "env": [
                "PATH": "/usr/bin:/bin", "HOME": scene.folder.path, "LANG": "C.UTF-8", "OLLAMA_HOST": server.baseURL,
            ].merging(environment) { $1 },
            "columns": 80, "rows": 24, "timeout": 20,
            "steps": steps.map { ["wait": $0.wait, "send": $0.send] },
        ]
        let planPath = scene.path("plan.json")
        try JSONSerialization.data(withJSONObject: plan).write(to: URL(fileURLWithPath: planPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [TestData.packageRoot.appendingPathComponent("scripts/pty-drive.py").path, planPath]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // The blocking read and wait happen off the cooperative pool, which serves the fake server.
        let text = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
        let status = text.split(separator: "\n").last.flatMap { line in
            line.hasPrefix("PTY-EXIT ") ? Int32(line.dropFirst("PTY-EXIT ".count)) : nil
        }
        return (text, status)
    }

    @Test(
        "in a terminal the overlay is drawn with the protocol the terminal speaks",
        arguments: [
            ("xterm-kitty", "", "\u{1B}_Gf=100,a=T,q=2,"), ("xterm-256color", "iTerm.app", "\u{1B}]1337;File=inline=1;"),
            ("xterm-256color", "", "▀"),
        ])
    func picturesInATerminal(term: String, program: String, marker: String) async throws {
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(Self.decide([scene.dog], "the dog"))
        let (screen, status) = try await runInTerminal(
            scene, transcript: scene.path("t.jsonl"), server: server,
            environment: ["TERM": term, "TERM_PROGRAM": program], steps: [("you> ", "\r"), ("you> ", "\r")])
        #expect(status == 0, "\(screen.suffix(600))")
        let pictures = screen.components(separatedBy: marker).count - 1
        #expect(pictures >= 2, "the overlay at the opening and the cutout at the decision (\(pictures) found)")
    }

    @Test("Ctrl-C cuts the streaming reply, the dialogue goes on, /quit leaves with exit 130 and the resume command")
    func ctrlCCutsTheReplyAndQuitLeaves() async throws {
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let slow = ScriptedResponse.ollamaStream(
            content: #"{"action": "ask", "question": "Is the dog alone on the grass?"}"#, deltaSize: 2
        ).rechunked(every: 40, pause: 0.25)
        server.enqueue(slow)
        server.enqueue(.ollamaStream(content: #"{"action": "ask", "question": "Is the dog alone?"}"#))
        server.enqueue(.ollamaStream(content: Self.hostileAnswer))
        let transcript = scene.path("cut.jsonl")
        let (screen, status) = try await runInTerminal(
            scene, transcript: transcript, server: server, environment: ["TERM": "xterm-256color"],
            steps: [
                ("you> ", "\r"), (#"{"action": "as"#, "\u{03}"), ("you> ", "Only the dog\r"), ("you> ", "/quit\r"),
            ])
        #expect(status == 130, "\(screen.suffix(800))")
        #expect(screen.contains("(cut short)"))
        #expect(screen.contains("to continue: blindsight chat --resume \(transcript) --out \(scene.path("cutout.png")) --mask \(scene.path("mask.png"))"))
        #expect(screen.contains("␛]52;c;ZXZpbA==␇") && !screen.contains("\u{1B}]52"), "the seer's sequences are neutralised")
        #expect(!screen.contains("\u{1B}[2J"))
        let recorded = try kinds(transcript)
        #expect(recorded.contains("replyCut") && recorded.contains("userNote") && recorded.contains("seerAnswer"))
        #expect(recorded.suffix(2) == ["interrupted", "stopped"])
        #expect(server.requests(to: "/api/chat").count == 3)
    }

    @Test("Tab completes commands, the history is kept in XDG_STATE_HOME, Ctrl-D leaves")
    func tabCompletionHistoryAndCtrlD() async throws {
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let state = scene.path("state")
        let (screen, status) = try await runInTerminal(
            scene, transcript: scene.path("t.jsonl"), server: server,
            environment: ["TERM": "xterm-256color", "XDG_STATE_HOME": state],
            steps: [("you> ", "/he\t\r"), ("/quit ", ""), ("you> ", "\u{04}")])
        #expect(status == 130, "\(screen.suffix(600))")
        #expect(screen.contains("/help "), "Tab completed /he")
        #expect(screen.contains("to continue: blindsight chat --resume"))
        let history = try String(contentsOfFile: state + "/blindsight/history", encoding: .utf8)
        #expect(history.contains("/help"))
        #expect(server.requests(to: "/api/chat").isEmpty, "no model was asked anything")
    }

    @Test("in a terminal: a reply cut by Ctrl-C, the turn asked again, an edited decision accepted; replay gives the same cutout")
    func cutThenDecideInATerminal() async throws {
        let scene = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.ollamaStream(
            content: #"{"action": "decide", "foreground": [\#(scene.dog)], "reason": "the dog and nothing else"}"#, deltaSize: 2
        ).rechunked(every: 40, pause: 0.25))
        server.enqueue(Self.decide([scene.dog], "the dog"))
        let transcript = scene.path("cut-decide.jsonl")
        let (screen, status) = try await runInTerminal(
            scene, transcript: transcript, server: server, environment: ["TERM": "xterm-256color"],
            steps: [
                ("you> ", "\r"), (#"{"action": "de"#, "\u{03}"), ("you> ", "\r"), ("you> ", "/keep \(scene.person)\r"),
                ("you> ", "\r"),
            ])
        #expect(status == 0, "\(screen.suffix(800))")
        let recorded = try kinds(transcript).filter { ["replyCut", "decision", "decisionEdited", "outputWritten"].contains($0) }
        #expect(recorded == ["replyCut", "decision", "decisionEdited", "outputWritten", "outputWritten"])
        let replayed = try await BlindsightProcess.run(["replay", transcript, "--quiet", "--out", scene.path("replayed.png")])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(FileManager.default.contents(atPath: scene.path("replayed.png")) == FileManager.default.contents(atPath: scene.path("cutout.png")))
    }
}
