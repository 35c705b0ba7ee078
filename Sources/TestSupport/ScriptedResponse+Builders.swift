import BlindsightCore
import Foundation
import ModelClients

typealias JSONValue = BlindsightCore.JSONValue

/// Where a scripted OpenAI-compatible stream puts the reasoning text.
public enum ScriptedReasoningStyle: Sendable {
    /// `delta.reasoning_content` (llama.cpp, DeepSeek, DashScope).
    case reasoningContent
    /// `delta.reasoning` (newer vLLM, Ollama's compatible API).
    case reasoning
    /// `<think>…</think>` inside the content.
    case thinkTags
    /// Only the closing `</think>` inside the content (QwQ/Qwen3 templates pre-fill the opening tag).
    case closingTagOnly
}

extension ScriptedResponse {
    /// A plain JSON reply with a Content-Length.
    public static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> ScriptedResponse {
        ScriptedResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers,
            pieces: [.bytes(Data(text.utf8))], chunked: false)
    }

    /// An OpenAI-style error: `{"error":{"message":…,"type":…,"param":null,"code":…}}`, with
    /// optional `Retry-After` (seconds or an HTTP date) and `retry-after-ms` headers.
    public static func error(
        status: Int, message: String, type: String = "error", code: String? = nil, retryAfter: String? = nil,
        retryAfterMilliseconds: String? = nil
    ) -> ScriptedResponse {
        var headers: [(String, String)] = []
        if let retryAfter { headers.append(("Retry-After", retryAfter)) }
        if let retryAfterMilliseconds { headers.append(("retry-after-ms", retryAfterMilliseconds)) }
        let error: JSONValue = .object([
            "message": .string(message), "type": .string(type), "param": .null, "code": code.map { .string($0) } ?? .null,
        ])
        return json(jsonText(.object(["error": error])), status: status, headers: headers)
    }

    /// An Ollama-style error: `{"error":"…"}`.
    public static func ollamaError(status: Int, message: String) -> ScriptedResponse {
        json(jsonText(.object(["error": .string(message)])), status: status)
    }

    /// An SSE stream of the given `data:` payloads (each followed by a blank line), then `data: [DONE]`
    /// when `done` is true. `dataPrefix` lets a test drop the optional space (`"data:"`).
    public static func sse(_ payloads: [String], done: Bool = true, dataPrefix: String = "data: ") -> ScriptedResponse {
        var text = payloads.map { "\(dataPrefix)\($0)\n\n" }.joined()
        if done { text += "\(dataPrefix)[DONE]\n\n" }
        return ScriptedResponse(
            headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")],
            pieces: [.bytes(Data(text.utf8))])
    }

    /// A streamed OpenAI chat completion: a role chunk, reasoning deltas (placed per `style`),
    /// content deltas of `deltaSize` characters, a finish chunk, a usage chunk with empty `choices`
    /// (when `usage` is given) and `[DONE]`.
    public static func openAIStream(
        content: String, reasoning: String = "", style: ScriptedReasoningStyle = .reasoningContent,
        usage: TokenUsage? = TokenUsage(promptTokens: 12, completionTokens: 34), finishReason: String = "stop",
        deltaSize: Int = 3, model: String = "test-model"
    ) -> ScriptedResponse {
        func chunk(_ delta: [String: JSONValue], finish: String? = nil) -> String {
            let choice: JSONValue = .object([
                "index": .number(0), "delta": .object(delta), "finish_reason": finish.map { .string($0) } ?? .null,
            ])
            return jsonText(.object([
                "id": .string("chatcmpl-test"), "object": .string("chat.completion.chunk"), "created": .number(1_694_268_190),
                "model": .string(model), "choices": .array([choice]), "usage": .null,
            ]))
        }
        var payloads = [chunk(["role": .string("assistant"), "content": .string("")])]
        var contentText = content
        switch style {
        case .reasoningContent, .reasoning:
            let field = style == .reasoning ? "reasoning" : "reasoning_content"
            payloads += pieces(of: reasoning, size: deltaSize).map { chunk([field: .string($0)]) }
        case .thinkTags: contentText = "<think>\(reasoning)</think>\n\n\(content)"
        case .closingTagOnly: contentText = "\(reasoning)</think>\n\n\(content)"
        }
        payloads += pieces(of: contentText, size: deltaSize).map { chunk(["content": .string($0)]) }
        payloads.append(chunk([:], finish: finishReason))
        if let usage {
            payloads.append(jsonText(.object([
                "id": .string("chatcmpl-test"), "object": .string("chat.completion.chunk"), "model": .string(model), "choices": .array([]),
                "usage": .object([
                    "prompt_tokens": .number(Double(usage.promptTokens)),
                    "completion_tokens": .number(Double(usage.completionTokens)),
                    "total_tokens": .number(Double(usage.promptTokens + usage.completionTokens)),
                ]),
            ])))
        }
        return sse(payloads)
    }

    /// A non-streamed OpenAI chat completion.
    public static func openAICompletion(
        content: String, usage: TokenUsage = TokenUsage(promptTokens: 12, completionTokens: 34)
    ) -> ScriptedResponse {
        json(jsonText(.object([
            "id": .string("chatcmpl-test"), "object": .string("chat.completion"),
            "choices": .array([.object([
                "index": .number(0), "message": .object(["role": .string("assistant"), "content": .string(content)]),
                "finish_reason": .string("stop"),
            ])]),
            "usage": .object([
                "prompt_tokens": .number(Double(usage.promptTokens)),
                "completion_tokens": .number(Double(usage.completionTokens)),
            ]),
        ])))
    }

    /// A streamed Ollama `/api/chat` reply: NDJSON lines with `message.thinking` then
    /// `message.content` pieces, then a final `done: true` line with counts and durations.
    public static func ollamaStream(
        content: String, thinking: String = "", doneReason: String = "stop", promptEvalCount: Int = 12,
        evalCount: Int = 34, deltaSize: Int = 3, model: String = "test-model"
    ) -> ScriptedResponse {
        func line(_ message: [String: JSONValue], done: Bool, extra: [String: JSONValue] = [:]) -> String {
            var members: [String: JSONValue] = [
                "model": .string(model), "created_at": .string("2025-01-01T00:00:00Z"),
                "message": .object(["role": .string("assistant")].merging(message) { $1 }), "done": .bool(done),
            ]
            members.merge(extra) { $1 }
            return jsonText(.object(members)) + "\n"
        }
        var lines = pieces(of: thinking, size: deltaSize).map { line(["content": .string(""), "thinking": .string($0)], done: false) }
        lines += pieces(of: content, size: deltaSize).map { line(["content": .string($0)], done: false) }
        lines.append(line(["content": .string("")], done: true, extra: [
            "done_reason": .string(doneReason), "total_duration": .number(4_883_583_458),
            "load_duration": .number(1_334_875), "prompt_eval_count": .number(Double(promptEvalCount)),
            "prompt_eval_duration": .number(342_546_000), "eval_count": .number(Double(evalCount)),
            "eval_duration": .number(4_535_599_000),
        ]))
        return ScriptedResponse(headers: [("Content-Type", "application/x-ndjson")], pieces: [.bytes(Data(lines.joined().utf8))])
    }

    /// NDJSON lines as given (each gets a newline).
    public static func ndjson(_ lines: [String]) -> ScriptedResponse {
        ScriptedResponse(
            headers: [("Content-Type", "application/x-ndjson")],
            pieces: [.bytes(Data(lines.map { $0 + "\n" }.joined().utf8))])
    }

    /// `GET /v1/models`.
    public static func openAIModelList(_ models: [String]) -> ScriptedResponse {
        json(jsonText(.object([
            "object": .string("list"),
            "data": .array(models.map { .object(["id": .string($0), "object": .string("model"), "owned_by": .string("test")]) }),
        ])))
    }

    /// `GET /api/tags`.
    public static func ollamaModelList(_ models: [String]) -> ScriptedResponse {
        json(jsonText(.object([
            "models": .array(models.map { .object(["name": .string($0), "model": .string($0), "size": .number(1)]) })
        ])))
    }

    /// `text` cut into pieces of `size` characters (never inside a character).
    static func pieces(of text: String, size: Int) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            result.append(String(rest.prefix(max(1, size))))
            rest = rest.dropFirst(max(1, size))
        }
        return result
    }
}

/// Compact JSON text with sorted keys.
public func jsonText(_ value: BlindsightCore.JSONValue) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
}
