import Foundation
import ModelClients
import Testing
import TestSupport

@Suite("models check")
struct ModelCheckTests {
    func config(ollamaAt server: some LoopbackEndpoint) throws -> BlindsightConfig {
        try BlindsightConfig.load(environment: ["OLLAMA_HOST": server.baseURL, "HOME": "/nonexistent-home"])
    }

    @Test("a present seer that answers with an image passes, and reports the structured-output mode")
    func seerPasses() async throws {
        let server = try await FakeModelServer(models: ["qwen2.5vl:7b", "qwq:latest"])
        defer { Task { await server.stop() } }
        server.enqueue(.ollamaStream(content: "{\"ok\":true}"))
        let result = await ModelCheck.run(role: "seer", spec: try ModelSpec(parsing: "ollama:qwen2.5vl:7b"), config: try config(ollamaAt: server))
        #expect(result.passed, "\(result.line)")
        #expect(result.reachable && result.modelPresent == true && result.acceptsImages == true)
        #expect(result.structuredOutput == .jsonSchema)
        #expect(result.line.hasPrefix("seer ollama:qwen2.5vl:7b  \(server.baseURL)  reachable yes  model yes  images yes  structured json_schema  latency "))
        #expect(result.line.hasSuffix("OK"))
        let sent = try #require(server.requests(to: "/api/chat").first?.json)
        guard case .array(let messages) = sent["messages"], case .array(let images) = messages.first?["images"] else {
            Issue.record("the probe carried no image")
            return
        }
        #expect(images.count == 1)
    }

    @Test("a model the server lacks fails with the pull hint, without a chat request")
    func missingModel() async throws {
        let server = try await FakeModelServer(models: ["llama3.2:latest"])
        defer { Task { await server.stop() } }
        let result = await ModelCheck.run(role: "reasoner", spec: try ModelSpec(parsing: "ollama:qwq"), config: try config(ollamaAt: server))
        #expect(!result.passed)
        #expect(result.problem == "the server does not have qwq (run: ollama pull qwq)")
        #expect(server.requests(to: "/api/chat").isEmpty)
    }

    @Test("an unreachable server fails with the connection error")
    func unreachable() async throws {
        let server = try RefusingPort()
        let configuration = try config(ollamaAt: server)
        let result = await ModelCheck.run(role: "reasoner", spec: try ModelSpec(parsing: "ollama:qwq"), config: configuration)
        #expect(!result.reachable)
        #expect(result.problem?.contains("cannot connect to \(server.baseURL)/api/tags") == true)
        #expect(result.line.contains("reachable no"))
    }

    @Test("a seer that rejects images is reported as not accepting them")
    func imagesRejected() async throws {
        let server = try await FakeModelServer(models: ["text-only"])
        defer { Task { await server.stop() } }
        server.enqueue(.error(status: 400, message: "this model does not support image input"))
        let configuration = try BlindsightConfig.load(
            environment: ["OPENAI_BASE_URL": server.baseURL + "/v1", "HOME": "/nonexistent-home"])
        let result = await ModelCheck.run(role: "seer", spec: try ModelSpec(parsing: "openai:text-only"), config: configuration)
        #expect(result.acceptsImages == false)
        #expect(result.problem?.hasSuffix("answered HTTP 400: this model does not support image input") == true)
    }
}
