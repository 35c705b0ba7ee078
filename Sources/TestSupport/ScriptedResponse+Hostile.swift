import Foundation

/// Responses of servers that misbehave, on purpose or by accident: bodies without end, streams of
/// keep-alive comments only, lies about the size, trickles, errors and cuts in mid-reply.
extension ScriptedResponse {
    /// An OpenAI-compatible stream of content deltas that never ends (about 10 KB per write).
    public static func endlessOpenAIStream() -> ScriptedResponse {
        let event = "data: " + jsonText(.object([
            "choices": .array([.object(["index": .number(0), "delta": .object(["content": .string("la la la ")])])]),
        ])) + "\n\n"
        return ScriptedResponse(
            headers: [("Content-Type", "text/event-stream")],
            pieces: [.forever(Data(String(repeating: event, count: 100).utf8), pause: 0)])
    }

    /// An Ollama stream of content lines that never ends (about 10 KB per write).
    public static func endlessOllamaStream() -> ScriptedResponse {
        let line = jsonText(.object([
            "model": .string("test-model"), "message": .object(["role": .string("assistant"), "content": .string("la la ")]),
            "done": .bool(false),
        ])) + "\n"
        return ScriptedResponse(
            headers: [("Content-Type", "application/x-ndjson")],
            pieces: [.forever(Data(String(repeating: line, count: 100).utf8), pause: 0)])
    }

    /// An SSE stream whose only traffic is `: keep-alive` comments, one every `every` seconds, for ever.
    public static func keepAliveOnly(every: Double = 0.1) -> ScriptedResponse {
        ScriptedResponse(
            headers: [("Content-Type", "text/event-stream")], pieces: [.forever(Data(": keep-alive\n\n".utf8), pause: every)])
    }

    /// A response announcing `Content-Length: declared` (2 GB by default) and then sending bytes for ever.
    public static func hugeDeclaredLength(_ declared: Int = 2_000_000_000, contentType: String = "application/json")
        -> ScriptedResponse
    {
        ScriptedResponse(
            headers: [("Content-Type", contentType)], pieces: [.forever(Data(repeating: UInt8(ascii: " "), count: 8192), pause: 0)],
            chunked: false, declaredLength: declared)
    }

    /// A JSON response whose body never ends (about 64 KB per write).
    public static func endlessJSONBody() -> ScriptedResponse {
        ScriptedResponse(
            headers: [("Content-Type", "application/json")],
            pieces: [.bytes(Data(#"{"segments": ["#.utf8)), .forever(Data(String(repeating: "[1,2,3],", count: 8192).utf8), pause: 0)])
    }

    /// A JSON response that sends one byte every `every` seconds, for ever (a slow loris).
    public static func trickle(every: Double = 0.5) -> ScriptedResponse {
        ScriptedResponse(headers: [("Content-Type", "application/json")], pieces: [.forever(Data(" ".utf8), pause: every)])
    }

    /// An OpenAI-compatible stream that sends `content` and then an error event instead of its end.
    public static func openAIStreamFailing(after content: String, error message: String) -> ScriptedResponse {
        var response = openAIStream(content: content, usage: nil)
        let text = String(decoding: response.bodyBytes, as: UTF8.self)
        let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty && !$0.contains("[DONE]") && !$0.contains("finish_reason\":\"") }
        let error = "data: " + jsonText(.object(["error": .object(["message": .string(message), "type": .string("server_error")])]))
        response.pieces = [.bytes(Data((events + [error]).map { $0 + "\n\n" }.joined().utf8))]
        return response
    }

    /// An Ollama stream that sends `content` and then a final `{"error": …}` line (status stays 200).
    public static func ollamaStreamFailing(after content: String, error message: String) -> ScriptedResponse {
        let lines = pieces(of: content, size: 3).map { piece in
            jsonText(.object([
                "model": .string("test-model"), "message": .object(["role": .string("assistant"), "content": .string(piece)]),
                "done": .bool(false),
            ]))
        }
        return ndjson(lines + [jsonText(.object(["error": .string(message)]))])
    }
}
