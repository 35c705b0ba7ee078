import BlindsightCore
import Foundation
import HTTPTransport
import ModelClients
import Testing
import TestSupport

@Suite("Secrets from the configuration, redacted from what servers send")
struct SecretRedactionTests {
    func config(_ yaml: String, environment: [String: String] = [:]) throws -> BlindsightConfig {
        let folder = try TestData.temporaryFolder("config")
        let path = folder.appendingPathComponent("config.yaml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        return try BlindsightConfig.load(environment: environment, path: path)
    }

    @Test("Every source is collected once: env keys under any name, headers, URL user info and query values, key commands")
    func collectsEverySource() throws {
        var loaded = try config("""
            providers:
              lab:
                kind: openai
                base_url: http://robot-user:url-PASSWORD-1@127.0.0.1:9/v1?api_key=query-VALUE-2
                api_key_env: MY_THING
                headers: {X-Api-Token: header-VALUE-3, Authorization: Basic header-VALUE-4}
              other:
                kind: openai
                base_url: http://127.0.0.1:9/v1
                api_key_cmd: printf command-VALUE-5
            """, environment: ["MY_THING": "env-VALUE-0", "UNRELATED": "not-a-secret"])
        let expected = ["env-VALUE-0", "robot-user", "url-PASSWORD-1", "query-VALUE-2", "header-VALUE-3", "Basic header-VALUE-4"]
        #expect(loaded.secrets.values.isSuperset(of: expected))
        #expect(!loaded.secrets.values.contains("not-a-secret"))
        #expect(!loaded.secrets.values.contains("command-VALUE-5"), "key commands run only when a model needs them")
        try loaded.resolveKeys(for: [ModelSpec(parsing: "other:m"), ModelSpec(parsing: "baseline")])
        #expect(loaded.secrets.values.contains("command-VALUE-5"))
        let report = loaded.report()
        for value in expected + ["command-VALUE-5"] { #expect(!report.contains(value), "\(value) in config show") }
        #expect(report.contains("base_url: http://127.0.0.1:9/v1 (credentials and query hidden)  (config file)"))
    }

    @Test("A key the server echoes in a streamed reply, split across events, reaches no delta and no completion")
    func streamedEchoIsRedacted() async throws {
        let key = "sk-echo-KEY-0123456789"
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.openAIStream(content: "your key is \(key), right?", reasoning: "they sent \(key)", deltaSize: 2))
        let backend = OpenAICompatibleBackend(
            model: "m", connection: BackendConnection(baseURL: server.baseURL + "/v1", apiKey: key))
        let reply = try await collect(backend, question)
        #expect(reply.streamedContent == "your key is [REDACTED], right?")
        #expect(reply.streamedReasoning == "they sent [REDACTED]")
        #expect(reply.completion.content == "your key is [REDACTED], right?")
        #expect(!reply.deltas.contains { $0.content.contains("KEY") || $0.reasoning.contains("KEY") })
    }

    @Test("A query in the base URL stays at the end of every request URL, and is recorded nowhere")
    func baseURLQuery() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.openAIStream(content: "ok"))
        let connection = BackendConnection(baseURL: server.baseURL + "/v1?api-version=2024-10&key=query-SECRET-9")
        let backend = OpenAICompatibleBackend(model: "m", connection: connection)
        _ = try await collect(backend, question)
        #expect(server.requests.first?.path == "/v1/chat/completions")
        #expect(backend.descriptor.baseURL == server.baseURL + "/v1")
        #expect(connection.secrets.values.contains("query-SECRET-9"))
    }
}
