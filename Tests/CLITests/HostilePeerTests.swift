import Foundation
import Imaging
import Panoptic
import Testing
import TestSupport

/// Hostile and faulty servers against the built binary (`ask`, `run`, `segments --panoptic http://…`):
/// every limit ends the command with exit 4 and a message naming the limit and its configuration key,
/// with the process's peak memory measured (wait4's `ru_maxrss`); transient faults are retried.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct HostilePeerTests {
    /// Far above a working process (about 40 MiB here), far below what the unbounded reads reached
    /// (18–24 GB, and 2.7 GB for a 2 GB Content-Length).
    static let peakBoundMiB = 100.0

    /// A folder with a synthetic photo, its sidecar segmentation and a configuration file holding `yaml`.
    struct Setup {
        let folder: URL
        let photo: String
        let dog: Int
        let configPath: String

        init(config yaml: String) throws {
            folder = try TestData.temporaryFolder("hostile")
            let scene = SyntheticScene(width: 160, height: 120)
            photo = folder.appendingPathComponent("photo.png").path
            try ImageFile.writePNG(scene.image, toPath: photo)
            try ImageFile.writePNG(
                scene.segmentation.idMap.cocoPanopticImage(), toPath: folder.appendingPathComponent("photo.panoptic.png").path)
            try scene.cocoSegmentsJSON(fileName: "photo.panoptic.png")
                .write(to: folder.appendingPathComponent("photo.panoptic.json"))
            dog = try #require(AreaTable(segmentation: scene.segmentation).rows.first { $0.label == "dog" }?.number)
            let configFolder = folder.appendingPathComponent("config/blindsight")
            try FileManager.default.createDirectory(at: configFolder, withIntermediateDirectories: true)
            configPath = configFolder.appendingPathComponent("config.yaml").path
            try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        }

        func environment(_ server: FakeModelServer) -> [String: String] {
            ["OLLAMA_HOST": server.baseURL, "OPENAI_BASE_URL": server.baseURL + "/v1",
             "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path, "NO_COLOR": "1"]
        }

        func run(_ arguments: [String], server: FakeModelServer) async throws -> BlindsightProcess.Result {
            try await BlindsightProcess.runMeasured(
                ["run", photo] + arguments + [
                    "--prompts", TestData.packageRoot.appendingPathComponent("prompts/default").path,
                    "--out", folder.appendingPathComponent("cutout.png").path,
                    "--mask", folder.appendingPathComponent("mask.png").path,
                    "--transcript", folder.appendingPathComponent("run.jsonl").path,
                ], environment: environment(server))
        }

        var transcriptKinds: [String] {
            let text = (try? String(contentsOf: folder.appendingPathComponent("run.jsonl"), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["kind"] as? String
            }
        }
    }

    static func expectBounded(_ result: BlindsightProcess.Result, _ comment: String) {
        let peak = result.peakResidentMiB ?? .infinity
        #expect(peak < peakBoundMiB, "\(comment): peak RSS \(peak) MiB")
        print("peak RSS \(comment): \(String(format: "%.1f", peak)) MiB, \(String(format: "%.1f", result.seconds)) s")
    }

    // MARK: - ask

    @Test("ask: an endless reply stream is cut at limits.reply_max_bytes (exit 4), memory bounded")
    func askEndlessStream() async throws {
        let setup = try Setup(config: "limits: {reply_max_bytes: 1048576}\n")
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.endlessOllamaStream())
        let result = try await BlindsightProcess.runMeasured(
            ["ask", setup.photo, "What is this?"], environment: setup.environment(server))
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains(
            "is larger than allowed (more than 1 MiB; to change it, set limits.reply_max_bytes in \(setup.configPath))"))
        #expect(server.requests(to: "/api/chat").count == 1, "a reply too large is not asked for again")
        Self.expectBounded(result, "ask, endless stream")
    }

    @Test("ask: a stream of keep-alive comments (SSE) or blank lines (Ollama) only ends after timeouts.idle (exit 4)",
          arguments: ["openai:gpt-4o", "ollama:qwen2.5vl:7b"])
    func askKeepAliveOnly(seer: String) async throws {
        let setup = try Setup(config: "timeouts: {idle: 2}\nretry: {max_attempts: 1}\n")
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let blank = ScriptedResponse(
            headers: [("Content-Type", "application/x-ndjson")], pieces: [.forever(Data("\n".utf8), pause: 0.1)])
        server.enqueue(seer.hasPrefix("openai") ? .keepAliveOnly(every: 0.1) : blank)
        let result = try await BlindsightProcess.runMeasured(
            ["ask", setup.photo, "What is this?", "--seer", seer], environment: setup.environment(server))
        #expect(result.status == 4, "\(result.stderr)")
        // Normally "no reply event for 2 s, only keep-alive comments or blank lines"; when the loaded test
        // process starves its own fake server for 2 s, the transport's silence limit says it instead.
        // Were keep-alives progress, the command would run on until the runner's timeout kills it (status 9).
        #expect(result.stderr.contains("for 2 s"))
        #expect(result.stderr.contains("; to change it, set timeouts.idle in \(setup.configPath))"))
        Self.expectBounded(result, "ask, keep-alive only (\(seer))")
    }

    @Test("ask: a 2 GB Content-Length is refused at the header (exit 4), memory bounded")
    func askHugeContentLength() async throws {
        let setup = try Setup(config: "")
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.hugeDeclaredLength(contentType: "application/x-ndjson"))
        let result = try await BlindsightProcess.runMeasured(
            ["ask", setup.photo, "What is this?"], environment: setup.environment(server))
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("is larger than allowed (more than 16 MiB; to change it, set limits.reply_max_bytes in"))
        Self.expectBounded(result, "ask, 2 GB Content-Length")
    }

    @Test("ask: a hostile wait in a 429 never traps; a wait past retry.max_retry_after ends the retries (exit 4)",
          arguments: [("Retry-After", "1e19"), ("Retry-After", "inf"), ("retry-after-ms", "1e30"),
                      ("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")])
    func askHostileRetryAfter(header: String, value: String) async throws {
        let setup = try Setup(config: "")
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.json(
            #"{"error":"slow down"}"#, status: 429, headers: [(header, value)]), .ollamaStream(content: "never asked for"))
        let result = try await BlindsightProcess.runMeasured(
            ["ask", setup.photo, "What is this?"], environment: setup.environment(server))
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains(
            "gave up: the server asked to wait 1000000000 s, more than the 120 s allowed (retry.max_retry_after); last error:"))
        #expect(server.requests(to: "/api/chat").count == 1)
    }

    @Test("ask: an unreadable or negative wait in a 429 is ignored or 0, and the retry succeeds",
          arguments: [("Retry-After", "nan"), ("Retry-After", "-1"), ("retry-after-ms", "-1e30")])
    func askHarmlessRetryAfter(header: String, value: String) async throws {
        let setup = try Setup(config: "")
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.json(#"{"error":"slow down"}"#, status: 429, headers: [(header, value)]),
                       .ollamaStream(content: "A dog."))
        let result = try await BlindsightProcess.runMeasured(
            ["ask", setup.photo, "What is this?"], environment: setup.environment(server))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "A dog.\n")
    }

    // MARK: - run

    @Test("run: an endless seer stream is cut at the size limit (exit 4), memory bounded")
    func runEndlessSeer() async throws {
        let setup = try Setup(config: "limits: {reply_max_bytes: 1048576}\n")
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.ollamaStream(content: #"{"action": "ask", "question": "Which segment is the dog?"}"#))
        server.enqueue(.endlessOllamaStream())
        let result = try await setup.run([], server: server)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("more than 1 MiB; to change it, set limits.reply_max_bytes in \(setup.configPath)"))
        Self.expectBounded(result, "run, endless seer stream")
    }

    @Test("run: a reasoner stream cut after text, then a seer error mid-stream, are each retried; the dialogue decides",
          arguments: [false, true])
    func runRetriesTransientFaults(midStreamError: Bool) async throws {
        let setup = try Setup(config: "")
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let ask = ScriptedResponse.ollamaStream(content: #"{"action": "ask", "question": "Which segment is the dog?"}"#)
        let answer = "Segment \(setup.dog) is the dog."
        server.enqueue(ask.cut(afterBytes: ask.bodyBytes.count / 2), ask)
        server.enqueue(midStreamError
            ? .ollamaStreamFailing(after: "Segment", error: "model runner has unexpectedly stopped")
            : .error(status: 500, message: "overloaded"))
        server.enqueue(.ollamaStream(content: answer))
        server.enqueue(.ollamaStream(content: #"{"action": "decide", "foreground": [\#(setup.dog)], "reason": "the dog"}"#))
        let result = try await setup.run(["--stream"], server: server)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("decision: keep \(setup.dog) (dog)"))
        #expect(result.stdout.contains("reasoner request failed; asking again, attempt 2 (any partial reply above is discarded)"))
        #expect(result.stdout.contains("seer request failed; asking again, attempt 2"))
        #expect(setup.transcriptKinds.filter { $0 == "retry" }.count == 2)
        #expect(server.pendingResponses == 0)
    }

    // MARK: - segments --panoptic http://…

    func segments(_ server: FakePanopticServer, _ setup: Setup) async throws -> BlindsightProcess.Result {
        try await BlindsightProcess.runMeasured(
            ["segments", setup.photo, "--panoptic", server.baseURL],
            environment: ["XDG_CONFIG_HOME": setup.folder.appendingPathComponent("config").path])
    }

    @Test("segments: an endless panoptic answer is cut at the bound from the image size (exit 4), memory bounded")
    func segmentsEndlessBody() async throws {
        let setup = try Setup(config: "limits: {panoptic_extra_bytes: 1048576}\n")
        let server = try await FakePanopticServer(answer: .scripted(.endlessJSONBody()))
        defer { Task { await server.stop() } }
        let result = try await segments(server, setup)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("is larger than allowed (more than "))
        #expect(result.stderr.contains("to change it, set limits.panoptic_extra_bytes in \(setup.configPath))"))
        #expect(server.requests.count == 1)
        Self.expectBounded(result, "segments, endless panoptic body")
    }

    @Test("segments: a panoptic 500 is retried and the second answer used (exit 0)")
    func segmentsRetries500() async throws {
        let setup = try Setup(config: "")
        let scene = SyntheticScene(width: 160, height: 120)
        let server = try await FakePanopticServer(answer: .segmentation(scene.segmentation))
        defer { Task { await server.stop() } }
        server.enqueue(.error(status: 500, message: "CUDA error"))
        let result = try await segments(server, setup)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("dog"))
        #expect(server.requests.count == 2)
    }

    @Test("segments: a slow-loris panoptic service is cut by the minimum rate (exit 4), not held for minutes")
    func segmentsSlowLoris() async throws {
        let setup = try Setup(config: "limits: {panoptic_min_rate: 100, panoptic_min_rate_seconds: 2}\n")
        let server = try await FakePanopticServer(answer: .scripted(.trickle(every: 0.3)))
        defer { Task { await server.stop() } }
        let result = try await segments(server, setup)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("sent its response too slowly (less than 100 bytes/s for 2 s; to change it, set "
            + "limits.panoptic_min_rate (lower) or limits.panoptic_min_rate_seconds (higher) in \(setup.configPath))"))
        // At most one request: on a loaded machine the cut can come before the fake server has read the
        // whole upload (it records a request only then); a retry would make it two.
        #expect(server.requests.count <= 1, "a too-slow service is not asked again")
        Self.expectBounded(result, "segments, slow loris")
    }
}
