import BlindsightCore
import Foundation
import HTTPTransport

/// A model behind Ollama's native API: `POST {base}/api/chat` streamed as NDJSON, images as base64
/// on the message, structured output through `format`, `options` and `keep_alive` from settings,
/// reasoning from `message.thinking`.
public struct OllamaBackend: ChatBackend {
    public let descriptor: ModelDescriptor
    public let connection: BackendConnection
    public let settings: ModelSettings

    public init(provider: String = "ollama", model: String, connection: BackendConnection, settings: ModelSettings = ModelSettings()) {
        self.descriptor = ModelDescriptor(provider: provider, model: model, baseURL: connection.displayURL)
        self.connection = connection
        self.settings = settings
    }

    public func chat(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let wire = OllamaWire(
            url: connection.url("/api/chat"), model: descriptor.model, headers: connection.requestHeaders(),
            timeouts: connection.timeouts, limits: connection.limits, settings: settings)
        return connection.exchange(wire, descriptor: descriptor, settings: settings).stream(request)
    }

    /// The model names `GET {base}/api/tags` lists.
    public func listModels() async throws(ModelServiceError) -> [String] {
        try await ModelListing.names(path: "/api/tags", list: "models", field: "name", connection: connection, descriptor: descriptor)
    }
}

/// The Ollama `/api/chat` wire format.
struct OllamaWire: ChatWire {
    let url: String
    let model: String
    let headers: HTTPHeaders
    let timeouts: HTTPTimeouts
    let limits: HTTPLimits
    let settings: ModelSettings

    func httpRequest(for request: ChatRequest, mode: StructuredOutputMode) -> HTTPRequest {
        var body: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array(request.messages.map(message)),
            "stream": .bool(true),
        ]
        var options: [String: JSONValue] = [:]
        if let temperature = request.temperature ?? settings.temperature { options["temperature"] = .number(temperature) }
        if let seed = request.seed { options["seed"] = .number(Double(seed)) }
        if let maxTokens = request.maxTokens ?? settings.maxTokens { options["num_predict"] = .number(Double(maxTokens)) }
        if let numCtx = settings.numCtx { options["num_ctx"] = .number(Double(numCtx)) }
        if !options.isEmpty { body["options"] = .object(options) }
        if let keepAlive = settings.keepAlive { body["keep_alive"] = .string(keepAlive) }
        if let think = settings.think { body["think"] = .bool(think) }
        if let schema = request.responseSchema {
            switch mode {
            case .jsonSchema: body["format"] = schema
            case .jsonObject: body["format"] = .string("json")
            case .none: break
            }
        }
        return .postJSON(url: url, body: WireJSON.encode(settings.merged(into: body)), headers: headers, timeouts: timeouts, limits: limits)
    }

    private func message(_ message: ChatMessage) -> JSONValue {
        var members: [String: JSONValue] = ["role": .string(message.role.rawValue), "content": .string(message.content)]
        if !message.images.isEmpty {
            members["images"] = .array(message.images.map { .string($0.data.base64EncodedString()) })
        }
        return .object(members)
    }

    func makeDecoder() -> OllamaStreamDecoder { OllamaStreamDecoder() }

    func rejectsStructuredOutput(_ message: String) -> Bool { message.lowercased().contains("format") }
}

/// Decodes Ollama's NDJSON chat stream.
struct OllamaStreamDecoder: ChatReplyDecoder {
    private var parser = NDJSONLineParser()
    private(set) var eventCount = 0

    mutating func feed(_ chunk: Data) -> [WireEvent] { read(parser.feed(chunk)) }

    mutating func finish() -> [WireEvent] { read(parser.finish()) }

    private mutating func read(_ lines: [String]) -> [WireEvent] {
        eventCount += lines.count
        return lines.flatMap(events)
    }

    private func events(_ line: String) -> [WireEvent] {
        guard let reply = WireJSON.decode(OllamaChatLine.self, Data(line.utf8)) else {
            return [.unreadable("not an Ollama chat line: \(line.prefix(120))")]
        }
        if let error = reply.error { return [.error(error.message)] }
        var result: [WireEvent] = []
        if let text = reply.message?.thinking, !text.isEmpty { result.append(.reasoning(text)) }
        if let text = reply.message?.content, !text.isEmpty { result.append(.content(text)) }
        if reply.done == true {
            if let reason = reply.doneReason { result.append(.finishReason(reason)) }
            if let usage = WireJSON.usage(promptTokens: reply.promptEvalCount?.value, completionTokens: reply.evalCount?.value) {
                result.append(.usage(usage))
            }
            result.append(.end)
        }
        return result
    }
}

/// The members of an Ollama `/api/chat` stream line that Blindsight reads.
struct OllamaChatLine: Decodable {
    struct Message: Decodable {
        var content: String?
        var thinking: String?
    }

    var message: Message?
    var done: Bool?
    var doneReason: String?
    /// Counts that do not fit an `Int` (a hostile `1e30`) are dropped, not fatal.
    var promptEvalCount: Lenient<Int>?
    var evalCount: Lenient<Int>?
    var error: ServerErrorField?

    enum CodingKeys: String, CodingKey {
        case message, done, doneReason = "done_reason", promptEvalCount = "prompt_eval_count", evalCount = "eval_count"
        case error
    }
}
