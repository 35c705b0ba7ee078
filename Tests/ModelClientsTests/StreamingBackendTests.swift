import BlindsightCore
import Foundation
import ModelClients
import Testing
import TestSupport

@Suite("Streaming replies from OpenAI-compatible and Ollama servers")
struct StreamingBackendTests {
    let chineseAnswer = "图片中央是一只棕色的狗，背景是草地。"
    let reasoning = "用户问图片内容；先看面积表 segment 1 is a dog."

    @Test("OpenAI SSE split at every awkward byte boundary reconstructs content, reasoning and usage", arguments: [1, 2, 5, 7])
    func openAISplits(size: Int) async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.openAIStream(content: chineseAnswer, reasoning: reasoning).rechunked(every: size, pause: 0))
        let reply = try await collect(openAI(server), question)
        #expect(reply.completion.content == chineseAnswer)
        #expect(reply.completion.reasoning == reasoning)
        #expect(reply.streamedContent == chineseAnswer)
        #expect(reply.streamedReasoning == reasoning)
        #expect(reply.completion.usage == TokenUsage(promptTokens: 12, completionTokens: 34))
        #expect(reply.completion.finishReason == "stop")
        #expect(reply.completion.attempts == 1)
        #expect(reply.completion.timeToFirstDelta != nil)
    }

    @Test("timings: the first delta comes after the server's delay, the end after the first delta")
    func timings() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.ollamaStream(content: "ok").delayed(by: 0.2))
        let reply = try await collect(ollama(server), question)
        let first = try #require(reply.completion.timeToFirstDelta)
        #expect(first >= 0.2)
        #expect(reply.completion.totalSeconds >= first)
    }

    @Test("reasoning in the `reasoning` field (vLLM, Ollama's /v1)")
    func reasoningField() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.openAIStream(content: "A dog.", reasoning: "Look first.", style: .reasoning))
        let reply = try await collect(openAI(server), question)
        #expect(reply.completion.content == "A dog.")
        #expect(reply.completion.reasoning == "Look first.")
    }

    @Test("reasoning in think tags inside the content")
    func thinkTags() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.openAIStream(content: "{\"keep\":[1,2]}", reasoning: "思考一下", style: .thinkTags).rechunked(every: 3, pause: 0))
        let reply = try await collect(openAI(server), question)
        #expect(reply.completion.content == "{\"keep\":[1,2]}")
        #expect(reply.completion.reasoning == "思考一下")
        #expect(reply.completion.rawContent == "<think>思考一下</think>\n\n{\"keep\":[1,2]}")
        #expect(reply.streamedContent == "{\"keep\":[1,2]}")
        #expect(reply.streamedReasoning == "思考一下")
    }

    @Test("a lone closing think tag (QwQ) puts everything before it into reasoning")
    func loneClosingTag() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.openAIStream(content: "Segment 1.", reasoning: "The dog is largest.", style: .closingTagOnly))
        let reply = try await collect(openAI(server, model: "qwq-32b"), question)
        #expect(reply.completion.content == "Segment 1.")
        #expect(reply.completion.reasoning == "The dog is largest.")
        #expect(reply.streamedReasoning == "The dog is largest.")
        #expect(reply.streamedContent == "Segment 1.")
    }

    @Test("a long think that hits the token limit ends with finish_reason length and no answer")
    func lengthDuringReasoning() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.openAIStream(content: "", reasoning: "Still weighing segment 3 against", finishReason: "length"))
        let reply = try await collect(openAI(server), question)
        #expect(reply.completion.content == "")
        #expect(reply.completion.reasoning == "Still weighing segment 3 against")
        #expect(reply.completion.finishReason == "length")
    }

    @Test("SSE comments, `data:` without a space and a usage-only final chunk")
    func sseVariants() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let body = ": keep-alive\n\ndata:{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\r\n\r\n"
            + ": keep-alive\n\ndata:{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
            + "data:{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\ndata:[DONE]\n\n"
        server.enqueue(ScriptedResponse(pieces: [.bytes(Data(body.utf8))]).rechunked(every: 4, pause: 0))
        let reply = try await collect(openAI(server), question)
        #expect(reply.completion.content == "Hi")
        #expect(reply.completion.finishReason == "length")
        #expect(reply.completion.usage == TokenUsage(promptTokens: 3, completionTokens: 1))
    }

    @Test("fields of an unexpected type are ignored, not fatal")
    func oddFields() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.sse([
            #"{"choices":[{"index":0,"delta":{"content":"Hi","reasoning":{"summary":[]}},"finish_reason":null}],"usage":"n/a"}"#,
            #"{"choices":[{"index":0,"delta":{"content":[{"type":"text"}]},"finish_reason":7}]}"#,
            #"{"choices":[],"usage":{"prompt_tokens":3.0,"completion_tokens":2}}"#,
        ]))
        let reply = try await collect(openAI(server), question)
        #expect(reply.completion.content == "Hi")
        #expect(reply.completion.reasoning == "")
        #expect(reply.completion.usage == TokenUsage(promptTokens: 3, completionTokens: 2))
    }

    @Test("Ollama NDJSON split anywhere, with thinking, done_reason and counts", arguments: [1, 3, 8])
    func ollamaSplits(size: Int) async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(
            ScriptedResponse.ollamaStream(content: chineseAnswer, thinking: reasoning, promptEvalCount: 26, evalCount: 282)
                .rechunked(every: size, pause: 0))
        let reply = try await collect(ollama(server), question)
        #expect(reply.completion.content == chineseAnswer)
        #expect(reply.completion.reasoning == reasoning)
        #expect(reply.streamedContent == chineseAnswer)
        #expect(reply.completion.usage == TokenUsage(promptTokens: 26, completionTokens: 282))
        #expect(reply.completion.finishReason == "stop")
    }

    @Test("OpenAI request: image data URL, schema, include_usage, key as bearer token")
    func openAIRequestBody() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.openAIStream(content: "{}"))
        let schema: JSONValue = .object(["type": .string("object")])
        let image = ImageAttachment(mimeType: "image/jpeg", data: Data([0xFF, 0xD8, 0xFF]))
        let request = ChatRequest(
            messages: [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Look", images: [image])],
            temperature: 0, seed: 7, maxTokens: 64, responseSchema: schema, responseSchemaName: "seer answer")
        _ = try await collect(openAI(server, key: "sk-test-SECRET-123"), request)
        let received = try #require(server.requests(to: "/v1/chat/completions").first)
        #expect(received.headers["authorization"] == "Bearer sk-test-SECRET-123")
        let body = try #require(received.json)
        #expect(body["model"] == .string("test-model"))
        #expect(body["stream"] == .bool(true))
        #expect(body["stream_options"]?["include_usage"] == .bool(true))
        #expect(body["temperature"] == .number(0))
        #expect(body["seed"] == .number(7))
        #expect(body["max_tokens"] == .number(64))
        #expect(body["response_format"]?["type"] == .string("json_schema"))
        #expect(body["response_format"]?["json_schema"]?["name"] == .string("seer_answer"), "made valid for OpenAI")
        #expect(body["response_format"]?["json_schema"]?["schema"] == schema)
        guard case .array(let messages) = body["messages"], messages.count == 2,
              case .array(let parts) = messages[1]["content"], parts.count == 2 else {
            Issue.record("unexpected messages: \(String(describing: body["messages"]))")
            return
        }
        #expect(messages[0]["content"] == .string("Be brief."))
        #expect(parts[0]["text"] == .string("Look"))
        #expect(parts[1]["image_url"]?["url"] == .string("data:image/jpeg;base64,/9j/"))
    }

    @Test("Ollama request: base64 images on the message, format schema, options, keep_alive")
    func ollamaRequestBody() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.ollamaStream(content: "{}"))
        let schema: JSONValue = .object(["type": .string("object")])
        let image = ImageAttachment(mimeType: "image/jpeg", data: Data([0xFF, 0xD8, 0xFF]))
        let request = ChatRequest(
            messages: [ChatMessage(role: .user, content: "Look", images: [image])], temperature: 0.2, seed: 42,
            responseSchema: schema)
        let settings = ModelSettings(numCtx: 8192, keepAlive: "10m", think: false, extraBody: ["stream": .bool(true), "raw": .bool(false)])
        _ = try await collect(ollama(server, settings: settings), request)
        let body = try #require(server.requests(to: "/api/chat").first?.json)
        #expect(body["format"] == schema)
        #expect(body["keep_alive"] == .string("10m"))
        #expect(body["think"] == .bool(false))
        #expect(body["raw"] == .bool(false))
        #expect(body["options"]?["num_ctx"] == .number(8192))
        #expect(body["options"]?["temperature"] == .number(0.2))
        #expect(body["options"]?["seed"] == .number(42))
        guard case .array(let messages) = body["messages"], case .array(let images) = messages.first?["images"] else {
            Issue.record("no images on the message")
            return
        }
        #expect(images == [.string("/9j/")])
    }
}

@Suite("Servers that ignore stream: true")
struct NonStreamingReplyTests {
    @Test("a plain JSON completion is accepted as the whole reply")
    func plainCompletion() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.openAICompletion(content: "<think>hmm</think>A cat.", usage: TokenUsage(promptTokens: 5, completionTokens: 6)))
        let reply = try await collect(openAI(server), question)
        #expect(reply.completion.content == "A cat.")
        #expect(reply.completion.reasoning == "hmm")
        #expect(reply.completion.usage == TokenUsage(promptTokens: 5, completionTokens: 6))
        #expect(reply.completion.finishReason == "stop")
    }
}
