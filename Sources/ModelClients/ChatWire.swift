import BlindsightCore
import Foundation
import HTTPTransport

/// What a reply decoder reports, whatever the wire format.
enum WireEvent: Sendable, Equatable {
    case content(String)
    case reasoning(String)
    case usage(TokenUsage)
    case finishReason(String)
    /// The end marker (`[DONE]`, `done: true`): the reply is complete.
    case end
    /// An error object inside a stream that started with HTTP 200.
    case error(String)
    /// Something that is not the expected format.
    case unreadable(String)
}

/// Turns a streamed response body into ``WireEvent``s; chunks may split anything anywhere.
protocol ChatReplyDecoder: Sendable {
    /// How many wire events (SSE events with data, NDJSON lines) have been read: keep-alive
    /// comments and blank lines do not count.
    var eventCount: Int { get }
    mutating func feed(_ chunk: Data) -> [WireEvent]
    mutating func finish() -> [WireEvent]
}

/// The parts of a chat exchange that differ between server kinds.
protocol ChatWire: Sendable {
    associatedtype Decoder: ChatReplyDecoder
    var timeouts: HTTPTimeouts { get }
    var limits: HTTPLimits { get }
    /// The HTTP request for `request`, asking for structured output with `mode`.
    func httpRequest(for request: ChatRequest, mode: StructuredOutputMode) -> HTTPRequest
    func makeDecoder() -> Decoder
    /// Whether an error message says the structured-output parameter was refused.
    func rejectsStructuredOutput(_ message: String) -> Bool
}

/// Reading JSON replies and error bodies, shared by both wires.
enum WireJSON {
    private static let decoder = JSONDecoder()

    static func parse(_ data: Data) -> JSONValue? { decode(JSONValue.self, data) }

    /// `data` decoded as `type`, or nil. Stream events are decoded into small typed structs: several
    /// times faster than going through ``JSONValue``, which matters at thousands of events per reply.
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) -> T? { try? decoder.decode(type, from: data) }

    static func encode(_ value: JSONValue) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    /// The message of an error object in any of the shapes servers use: `{"error":"text"}`
    /// (Ollama), `{"error":{"message":…}}` (OpenAI, vLLM, llama.cpp), `{"message":…}` (older vLLM),
    /// or nil when `value` holds no error.
    static func errorMessage(in value: JSONValue) -> String? {
        if let text = value["error"]?.stringValue { return text }
        if let object = value["error"], case .object = object {
            return object["message"]?.stringValue ?? "\(object)"
        }
        if value["object"]?.stringValue == "error" { return value["message"]?.stringValue ?? "unknown error" }
        return nil
    }

    /// The server's explanation in an error response body, or the start of the body as text.
    static func errorMessage(body: Data) -> String {
        if let value = parse(body), let message = errorMessage(in: value) ?? value["message"]?.stringValue {
            return message
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "no explanation given" : text.replacingOccurrences(of: "\n", with: " ")
    }

    /// Token usage when both counts are there.
    static func usage(promptTokens: Int?, completionTokens: Int?) -> TokenUsage? {
        guard let promptTokens, let completionTokens else { return nil }
        return TokenUsage(promptTokens: promptTokens, completionTokens: completionTokens)
    }
}

/// A member that decodes to nil when its type is unexpected, so one odd field (a usage block of an
/// unknown shape, a non-string finish reason) does not make a whole stream event unreadable.
struct Lenient<Value: Decodable>: Decodable {
    let value: Value?

    init(from decoder: any Decoder) throws {
        value = try? Value(from: decoder)
    }
}

/// An `error` member in any shape servers use: a string (Ollama) or an object with a `message`
/// (OpenAI, vLLM, llama.cpp; its `code` may be a string or a number).
struct ServerErrorField: Decodable, Sendable {
    let message: String

    private struct Object: Decodable {
        var message: String?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            message = text
        } else {
            message = try container.decode(Object.self).message ?? "unknown error"
        }
    }
}
