import BlindsightCore
import Foundation
import HTTPTransport
import ModelClients
import Testing
import TestSupport

@Suite("Retries, errors and broken streams")
struct FailureHandlingTests {
    @Test("429 with Retry-After waits what the server asked, then succeeds")
    func rateLimitThenSuccess() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.error(status: 429, message: "Rate limit reached for requests", retryAfter: "2"), .openAIStream(content: "ok"))
        let waits = RecordedWaits()
        let reply = try await collect(openAI(server, policy: waits.policy()), question)
        #expect(reply.completion.content == "ok")
        #expect(reply.completion.attempts == 2)
        #expect(waits.values == [2])
        #expect(server.requests(to: "/v1/chat/completions").count == 2)
    }

    @Test("a real Retry-After: 1 is honoured")
    func realRetryAfter() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.error(status: 503, message: "busy", retryAfter: "1"), .openAIStream(content: "ok"))
        let started = ContinuousClock.now
        let reply = try await collect(openAI(server), question)
        #expect(reply.completion.attempts == 2)
        #expect(ContinuousClock.now - started >= .seconds(1))
    }

    @Test("retry-after-ms wins over Retry-After")
    func retryAfterMilliseconds() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.error(status: 429, message: "slow down", retryAfter: "30", retryAfterMilliseconds: "250"), .openAIStream(content: "ok"))
        let waits = RecordedWaits()
        _ = try await collect(openAI(server, policy: waits.policy()), question)
        #expect(waits.values == [0.25])
    }

    @Test("500 then success backs off exponentially")
    func serverErrorThenSuccess() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(
            .ollamaError(status: 500, message: "boom"), .ollamaError(status: 502, message: "bad gateway"),
            .ollamaStream(content: "fine"))
        let waits = RecordedWaits()
        let reply = try await collect(ollama(server, policy: waits.policy()), question)
        #expect(reply.completion.content == "fine")
        #expect(reply.completion.attempts == 3)
        #expect(waits.values == [0.5, 1.0])
    }

    @Test("400 with a JSON error body fails at once with the server's message")
    func badRequestNoRetry() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.error(status: 400, message: "max_tokens is too large: 99999999"))
        let waits = RecordedWaits()
        let error = try #require(await failure(openAI(server, policy: waits.policy()), question))
        #expect(error.message == "openai model test-model at \(server.baseURL)/v1 answered HTTP 400: max_tokens is too large: 99999999")
        #expect(error.exitStatus == .serviceFailure)
        #expect(waits.values.isEmpty)
        #expect(server.requests.count == 1)
    }

    @Test("Ollama's 404 for a missing model is shown as the server says it")
    func ollamaModelMissing() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.ollamaError(status: 404, message: "model \"qwq\" not found, try pulling it first"))
        let error = try #require(await failure(ollama(server, model: "qwq"), question))
        #expect(error.message == "ollama model qwq at \(server.baseURL) answered HTTP 404: model \"qwq\" not found, try pulling it first")
    }

    @Test("retries stop after the last attempt, naming the count")
    func exhaustedAttempts() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        for _ in 0..<3 { server.enqueue(.error(status: 503, message: "The server is overloaded")) }
        let waits = RecordedWaits()
        let error = try #require(await failure(openAI(server, policy: waits.policy(maxAttempts: 3)), question))
        #expect(error.message.hasSuffix("answered HTTP 503 after 3 attempts: The server is overloaded"))
        #expect(error.attempts == 3)
        #expect(waits.values.count == 2)
    }

    @Test("a server asking to wait longer than allowed ends the retries")
    func retryAfterTooLong() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.error(status: 429, message: "quota", retryAfter: "300"))
        let waits = RecordedWaits()
        let error = try #require(await failure(openAI(server, policy: waits.policy()), question))
        #expect(error.message.contains("gave up: the server asked to wait 300 s, more than the 120 s allowed"))
        #expect(waits.values.isEmpty)
    }

    @Test("a stream cut after some text is an error, never a complete answer")
    func cutMidStream() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let full = ScriptedResponse.openAIStream(content: "This answer is long enough to be cut", deltaSize: 4)
        server.enqueue(full.cut(afterBytes: full.bodyBytes.count / 2))
        let error = try #require(await failure(openAI(server, policy: RetryPolicy(maxAttempts: 1)), question))
        #expect(error.kind == .streamCut)
        #expect(error.message.contains("ended the reply before it was complete"))
        #expect(server.requests.count == 1)
    }

    @Test("a stream cut after some text is sent again from the start; the partial text is announced as discarded")
    func cutMidStreamThenRetry() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let full = ScriptedResponse.openAIStream(content: "This answer is long enough to be cut", deltaSize: 4)
        server.enqueue(full.cut(afterBytes: full.bodyBytes.count / 2), full)
        let waits = RecordedWaits()
        let reply = try await collect(openAI(server, policy: waits.policy()), question)
        #expect(reply.restarts == [2])
        #expect(reply.streamedContent == "This answer is long enough to be cut", "deltas after the restart only")
        #expect(reply.completion.content == "This answer is long enough to be cut")
        #expect(reply.completion.attempts == 2)
        #expect(server.requests.count == 2)
    }

    @Test("an error reported mid-stream is retried from the start (OpenAI error event, Ollama error line)")
    func midStreamErrorThenRetry() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.openAIStreamFailing(after: "Half an ans", error: "CUDA out of memory"), .openAIStream(content: "Whole answer"))
        let waits = RecordedWaits()
        let reply = try await collect(openAI(server, policy: waits.policy()), question)
        #expect(reply.restarts == [2])
        #expect(reply.completion.content == "Whole answer")
        server.enqueue(.ollamaStreamFailing(after: "Half", error: "model runner has unexpectedly stopped"), .ollamaStream(content: "Whole"))
        let ollamaReply = try await collect(ollama(server, policy: waits.policy()), question)
        #expect(ollamaReply.restarts == [2])
        #expect(ollamaReply.streamedContent == "Whole")
        #expect(ollamaReply.completion.attempts == 2)
    }

    @Test("an NDJSON stream that ends without done:true is cut; before any text it is retried")
    func ollamaCutBeforeText() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.ndjson([]), .ollamaStream(content: "second try"))
        let waits = RecordedWaits()
        let reply = try await collect(ollama(server, policy: waits.policy()), question)
        #expect(reply.completion.content == "second try")
        #expect(reply.completion.attempts == 2)
    }

    @Test("a stalled server trips the idle timeout and the request is retried")
    func stallThenRetry() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.openAIStream(content: "late").delayed(by: 30), .openAIStream(content: "on time"))
        let waits = RecordedWaits()
        let reply = try await collect(openAI(server, policy: waits.policy(), idle: 4), question)
        #expect(reply.completion.content == "on time")
        #expect(reply.completion.attempts == 2)
    }

    @Test("a stall after text has streamed is a cut stream (retried within the budget; here none is left)")
    func stallMidStream() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let full = ScriptedResponse.openAIStream(content: "partial answer here")
        server.enqueue(full.stalling(afterBytes: full.bodyBytes.count - 40, for: 30))
        // The idle limit leaves a loaded machine time to deliver the text before the stall.
        let error = try #require(await failure(openAI(server, policy: RetryPolicy(maxAttempts: 1), idle: 4), question))
        #expect(error.kind == .streamCut)
        #expect(error.message.contains("stopped sending data"))
    }

    @Test("keep-alive comments alone are not progress: the request ends after the idle time")
    func keepAliveOnly() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.keepAliveOnly(every: 0.05))
        let started = ContinuousClock.now
        let error = try #require(await failure(openAI(server, policy: RetryPolicy(maxAttempts: 1), idle: 2), question))
        #expect(error.kind == .transport(.idleStall))
        #expect(ContinuousClock.now - started >= .seconds(2))
        // The reply-event watch names the keep-alives; on a starved machine a gap of 2 s between two
        // keep-alives lets the transport's own silence limit end it first, which is the same verdict.
        #expect(
            error.message.hasSuffix("stopped sending data (no reply event for 2 s, only keep-alive comments or blank lines)")
                || error.message.hasSuffix("stopped sending data (nothing received for 2 s)"))
    }

    @Test("a web page where a chat stream was expected points at the base URL, without retrying")
    func htmlInsteadOfStream() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse(headers: [("Content-Type", "text/html; charset=utf-8")], pieces: [.bytes(Data("<html>Open WebUI</html>".utf8))]))
        let error = try #require(await failure(openAI(server), question))
        #expect(error.kind == .badResponse)
        #expect(error.message.hasSuffix("sent a reply that cannot be read: it answered with a web page instead of a chat stream; check the base URL (OpenAI-compatible APIs usually end in /v1, Ollama's does not)"))
        #expect(server.requests.count == 1)
    }

    @Test("an error object after HTTP 200 is reported with the server's message")
    func midStreamError() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.sse([
            #"{"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"#,
            #"{"error":{"message":"CUDA out of memory","type":"internal_error","code":500}}"#,
        ], done: false))
        let error = try #require(await failure(openAI(server, policy: RetryPolicy(maxAttempts: 1)), question))
        #expect(error.kind == .streamError)
        #expect(error.message == "openai model test-model at \(server.baseURL)/v1 reported an error mid-reply: CUDA out of memory")
    }

    @Test("Ollama's mid-stream error line")
    func ollamaMidStreamError() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.ndjson([#"{"message":{"role":"assistant","content":"a"},"done":false}"#, #"{"error":"model runner has unexpectedly stopped"}"#]))
        let error = try #require(await failure(ollama(server, policy: RetryPolicy(maxAttempts: 1)), question))
        #expect(error.message.hasSuffix("reported an error mid-reply: model runner has unexpectedly stopped"))
    }

    @Test("response_format falls back json_schema → json_object → none, and the server is remembered")
    func structuredOutputFallback() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(
            .error(status: 400, message: "response_format of type json_schema is not supported"),
            .error(status: 400, message: "'response_format.type' must be 'text'"),
            .openAIStream(content: "{\"a\":1}"), .openAIStream(content: "{\"a\":2}"))
        let memory = StructuredOutputMemory()
        let backend = openAI(server, memory: memory)
        let request = ChatRequest(messages: question.messages, responseSchema: .object(["type": .string("object")]))
        let first = try await collect(backend, request)
        #expect(first.completion.content == "{\"a\":1}")
        #expect(first.completion.attempts == 3)
        let second = try await collect(backend, request)
        #expect(second.completion.attempts == 1)
        let formats = server.requests.map { $0.json?["response_format"]?["type"]?.stringValue ?? "none" }
        #expect(formats == ["json_schema", "json_object", "none", "none"])
        #expect(memory.mode(baseURL: server.baseURL + "/v1", model: "test-model") == StructuredOutputMode.none)
    }

    @Test("cancelling the consumer stops the transfer promptly")
    func cancellation() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.openAIStream(content: "never").delayed(by: 30))
        let backend = openAI(server, idle: 60)
        let task = Task { try await collect(backend, question) }
        try await Task.sleep(for: .milliseconds(200))
        let cancelled = ContinuousClock.now
        task.cancel()
        let error = await #expect(throws: (any Error).self) { try await task.value }
        // The consumer's stream simply ends (CancellationError from the helper) or reports the cancellation.
        #expect(error is CancellationError || (error as? ModelServiceError)?.exitStatus == .interrupted)
        // The server waits 30 s: ending well before that means the cancel stopped the transfer.
        #expect(ContinuousClock.now - cancelled < .seconds(10))
    }

    @Test("an API key never appears in error messages, even when the server echoes it")
    func keyNeverShown() async throws {
        let key = "sk-test-SECRET-123"
        let server = try await FakeModelServer()
        server.enqueue(.error(status: 401, message: "Incorrect API key provided: \(key)", code: "invalid_api_key"))
        let unauthorized = try #require(await failure(openAI(server, key: key), question))
        #expect(unauthorized.message.contains("answered HTTP 401: Incorrect API key provided: [REDACTED]"))
        await server.stop()
        let closed = try RefusingPort()
        let waits = RecordedWaits()
        let unreachable = try #require(await failure(openAI(closed, key: key, policy: waits.policy()), question))
        #expect(unreachable.attempts == 3, "connection failures are retried")
        #expect(waits.values == [0.5, 1.0])
        for message in [unauthorized.message, unreachable.message, "\(unauthorized)", "\(unreachable)"] {
            #expect(!message.contains("SECRET"))
        }
        #expect(unreachable.message.contains("cannot connect to \(closed.baseURL)/v1/chat/completions"))
    }
}
