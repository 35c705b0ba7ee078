import Foundation
import Imaging
import Testing
import TestSupport

/// `blindsight ask`, `models check` and `config show`, run as the built binary against a loopback
/// fake model server.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct ModelCommandsTests {
    let secret = "sk-test-SECRET-123"

    func photo() throws -> String {
        let folder = try TestData.temporaryFolder("ask")
        let path = folder.appendingPathComponent("photo.png").path
        var pixels: [UInt8] = []
        for y in 0..<300 {
            for x in 0..<400 { pixels += [UInt8(x % 256), UInt8(y % 256), 90] }
        }
        try ImageFile.writePNG(Image(width: 400, height: 300, format: .rgb8, pixels: pixels), toPath: path)
        return path
    }

    @Test("ask streams the answer to stdout and the reasoning to stderr, sending the downscaled image")
    func askStreams() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.ollamaStream(content: "一只狗。", thinking: "Looking at the centre."))
        let result = try await BlindsightProcess.run(
            ["ask", try photo(), "What is this?", "--max-side", "200"],
            environment: ["OLLAMA_HOST": server.baseURL, "OPENAI_API_KEY": secret, "NO_COLOR": "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "一只狗。\n")
        #expect(result.stderr.hasPrefix("Looking at the centre.\n(ollama:qwen2.5vl:7b, "))
        let body = try #require(server.requests(to: "/api/chat").first?.json)
        #expect(body["model"]?.stringValue == "qwen2.5vl:7b")
        guard case .array(let messages) = body["messages"], case .array(let images) = messages.first?["images"],
              let encoded = images.first?.stringValue, let jpeg = Data(base64Encoded: encoded) else {
            Issue.record("no image sent")
            return
        }
        let sent = try ImageDecoder.decode([UInt8](jpeg), name: "sent.jpg")
        #expect(sent.width == 200 && sent.height == 150)
    }

    @Test("a server error exits 4 with one line that names the server and hides the key")
    func askServerErrorHidesKey() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.error(status: 401, message: "Incorrect API key provided: \(secret)"))
        let result = try await BlindsightProcess.run(
            ["ask", try photo(), "What?", "--seer", "openai:gpt-4o"],
            environment: ["OPENAI_BASE_URL": server.baseURL + "/v1", "OPENAI_API_KEY": secret])
        #expect(result.status == 4)
        #expect(result.stderr == "blindsight: openai model gpt-4o at \(server.baseURL)/v1 answered HTTP 401: Incorrect API key provided: [REDACTED]\n")
        #expect(!(result.stdout + result.stderr).contains("SECRET"))
        #expect(server.requests.first?.headers["authorization"] == "Bearer \(secret)")
    }

    @Test("escape codes in a model's reply and in a server's error body reach the terminal as visible text")
    func askNeutralisesEscapes() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let hostile = "dog \u{1B}]52;c;ZXZpbA==\u{07} \u{1B}]0;title\u{07} \u{1B}[2J end\r\n"
        server.enqueue(.ollamaStream(content: hostile, thinking: "hmm \u{1B}[2J", deltaSize: 2))
        server.enqueue(.ollamaError(status: 400, message: "bad \u{1B}]0;pwned\u{07}\u{1B}[2J request"))
        let answered = try await BlindsightProcess.run(
            ["ask", try photo(), "What?"], environment: ["OLLAMA_HOST": server.baseURL, "NO_COLOR": "1"])
        #expect(answered.status == 0, "\(answered.stderr)")
        #expect(answered.stdout == "dog ␛]52;c;ZXZpbA==␇ ␛]0;title␇ ␛[2J end\n")
        #expect(answered.stderr.hasPrefix("hmm ␛[2J\n"))
        let refused = try await BlindsightProcess.run(
            ["ask", try photo(), "What?"], environment: ["OLLAMA_HOST": server.baseURL, "NO_COLOR": "1"])
        #expect(refused.status == 4)
        #expect(refused.stderr.hasSuffix("answered HTTP 400: bad ␛]0;pwned␇␛[2J request\n"), "\(refused.stderr)")
        for output in [answered.stdout, answered.stderr, refused.stdout, refused.stderr] {
            #expect(!output.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(output)")
        }
    }

    @Test("Ctrl-C during ask stops the request and exits 130")
    func askInterrupted() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.ollamaStream(content: "too late").delayed(by: 30))
        let result = try await BlindsightProcess.run(
            ["ask", try photo(), "What?"], environment: ["OLLAMA_HOST": server.baseURL],
            interruptWhen: { !server.requests(to: "/api/chat").isEmpty })
        #expect(result.status == 130)
        #expect(result.stderr == "blindsight: interrupted\n")
        #expect(result.seconds < 20, "the server waits 30 s; ending before that means Ctrl-C stopped the request")
    }

    @Test("models check prints one line per model and exits 4 when one fails")
    func modelsCheck() async throws {
        let server = try await FakeModelServer(models: ["qwen2.5vl:7b"])
        defer { Task { await server.stop() } }
        server.enqueue(.ollamaStream(content: "{\"ok\":true}"))
        let result = try await BlindsightProcess.run(["models", "check"], environment: ["OLLAMA_HOST": server.baseURL])
        #expect(result.status == 4)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("reasoner ollama:qwq  \(server.baseURL)  reachable yes  model no") == true)
        #expect(lines.first?.hasSuffix("FAILED: the server does not have qwq (run: ollama pull qwq)") == true)
        #expect(lines.last?.hasPrefix("seer ollama:qwen2.5vl:7b  \(server.baseURL)  reachable yes  model yes  images yes") == true)
        #expect(result.stderr == "blindsight: 1 of 2 model checks failed\n")
    }

    @Test("config show masks keys from the environment and the file")
    func configShowMasks() async throws {
        let folder = try TestData.temporaryFolder("xdg")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("blindsight"), withIntermediateDirectories: true)
        try Data("""
            providers:
              dashscope:
                kind: openai
                base_url: https://dashscope.aliyuncs.com/compatible-mode/v1
                api_key_env: DASHSCOPE_API_KEY
                headers: {X-Extra: \(secret)}
            """.utf8).write(to: folder.appendingPathComponent("blindsight/config.yaml"))
        let result = try await BlindsightProcess.run(
            ["config", "show", "--seer", "dashscope:qwen-vl-max"],
            environment: ["XDG_CONFIG_HOME": folder.path, "OPENAI_API_KEY": secret, "DASHSCOPE_API_KEY": secret])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("SECRET"))
        #expect(result.stdout.contains("seer: dashscope:qwen-vl-max  (flag --seer)"))
        #expect(result.stdout.contains("api_key: sk-**** (18 characters)  (environment DASHSCOPE_API_KEY)"))
        #expect(result.stdout.contains("header X-Extra: (hidden)"))
    }

    @Test("a malformed model spec is a usage error")
    func badSpec() async throws {
        let result = try await BlindsightProcess.run(["config", "show", "--seer", "qwen"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("model spec 'qwen' has no provider"))
    }
}
