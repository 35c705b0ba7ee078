import BlindsightCore
import Foundation
import HTTPTransport

/// A model behind an OpenAI-compatible Chat Completions API (OpenAI, vLLM, llama.cpp's server,
/// DashScope compatible mode, Ollama's `/v1`): `POST {base}/chat/completions` streamed as SSE,
/// images as `image_url` data URLs, structured output through `response_format`.
public struct OpenAICompatibleBackend: ChatBackend {
    public let descriptor: ModelDescriptor
    public let connection: BackendConnection
    public let settings: ModelSettings

    public init(provider: String = "openai", model: String, connection: BackendConnection, settings: ModelSettings = ModelSettings()) {
        self.descriptor = ModelDescriptor(provider: provider, model: model, baseURL: connection.displayURL)
        self.connection = connection
        self.settings = settings
    }

    public func chat(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        connection.exchange(wire, descriptor: descriptor, settings: settings).stream(request)
    }

    /// The model names `GET {base}/models` lists.
    public func listModels() async throws(ModelServiceError) -> [String] {
        try await ModelListing.names(path: "/models", list: "data", field: "id", connection: connection, descriptor: descriptor)
    }

    private var wire: OpenAIWire {
        OpenAIWire(url: connection.url("/chat/completions"), model: descriptor.model, headers: connection.requestHeaders(),
                   timeouts: connection.timeouts, limits: connection.limits, settings: settings)
    }
}

/// The OpenAI Chat Completions wire format.
struct OpenAIWire: ChatWire {
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
            "stream_options": .object(["include_usage": .bool(true)]),
        ]
        if let temperature = request.temperature ?? settings.temperature { body["temperature"] = .number(temperature) }
        if let seed = request.seed { body["seed"] = .number(Double(seed)) }
        if let maxTokens = request.maxTokens ?? settings.maxTokens { body["max_tokens"] = .number(Double(maxTokens)) }
        if let schema = request.responseSchema {
            switch mode {
            case .jsonSchema:
                body["response_format"] = .object([
                    "type": .string("json_schema"),
                    "json_schema": .object(["name": .string(Self.schemaName(request.responseSchemaName)), "schema": schema]),
                ])
            case .jsonObject: body["response_format"] = .object(["type": .string("json_object")])
            case .none: break
            }
        }
        return .postJSON(url: url, body: WireJSON.encode(settings.merged(into: body)), headers: headers, timeouts: timeouts, limits: limits)
    }

    /// `name` made valid for OpenAI (`[a-zA-Z0-9_-]{1,64}`).
    static func schemaName(_ name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        let cleaned = String(name.map { allowed.contains($0) ? $0 : "_" }.prefix(64))
        return cleaned.isEmpty ? "reply" : cleaned
    }

    private func message(_ message: ChatMessage) -> JSONValue {
        guard !message.images.isEmpty else {
            return .object(["role": .string(message.role.rawValue), "content": .string(message.content)])
        }
        let images: [JSONValue] = message.images.map { image in
            .object([
                "type": .string("image_url"),
                "image_url": .object(["url": .string("data:\(image.mimeType);base64,\(image.data.base64EncodedString())")]),
            ])
        }
        let text: JSONValue = .object(["type": .string("text"), "text": .string(message.content)])
        return .object(["role": .string(message.role.rawValue), "content": .array([text] + images)])
    }

    func makeDecoder() -> OpenAIStreamDecoder { OpenAIStreamDecoder() }

    func rejectsStructuredOutput(_ message: String) -> Bool {
        let lowered = message.lowercased()
        return ["response_format", "json_schema", "json_object", "response format"].contains { lowered.contains($0) }
    }
}

/// Decodes an SSE chat completion stream, or a plain JSON completion from a server that ignored
/// `stream: true`.
struct OpenAIStreamDecoder: ChatReplyDecoder {
    private var parser = SSEParser()
    /// The body so far when it turned out to be one JSON object rather than SSE.
    private var plainBody: Data?
    private var sawBytes = false
    private(set) var eventCount = 0

    mutating func feed(_ chunk: Data) -> [WireEvent] {
        if !sawBytes, let first = chunk.first(where: { !Character(UnicodeScalar($0)).isWhitespace }) {
            sawBytes = true
            if first == UInt8(ascii: "{") { plainBody = Data() }
        }
        if plainBody != nil {
            // A plain completion arrives as one JSON object: each of its pieces is progress.
            eventCount += 1
            plainBody?.append(chunk)
            return []
        }
        return read(parser.feed(chunk))
    }

    mutating func finish() -> [WireEvent] {
        if let plainBody {
            let events = events(String(decoding: plainBody, as: UTF8.self), streamed: false)
            return events.contains { if case .content = $0 { true } else { false } } ? events + [.end] : events
        }
        return read(parser.finish())
    }

    private mutating func read(_ sse: [SSEEvent]) -> [WireEvent] {
        eventCount += sse.count
        return sse.flatMap { events($0.data, streamed: true) }
    }

    private func events(_ text: String, streamed: Bool) -> [WireEvent] {
        let data = text.hasPrefix(" ") || text.hasSuffix(" ") ? text.trimmingCharacters(in: .whitespaces) : text
        if streamed, data == "[DONE]" { return [.end] }
        guard let chunk = WireJSON.decode(OpenAIChunk.self, Data(data.utf8)) else {
            return [.unreadable("not a chat completion chunk: \(data.prefix(120))")]
        }
        if let error = chunk.error?.message ?? (chunk.object == "error" ? chunk.message ?? "unknown error" : nil) {
            return [.error(error)]
        }
        var result: [WireEvent] = []
        if let choice = chunk.choices?.first {
            let delta = choice.delta ?? choice.message
            for text in [delta?.reasoningContent?.value, delta?.reasoning?.value] {
                if let text, !text.isEmpty { result.append(.reasoning(text)) }
            }
            if let text = delta?.content?.value, !text.isEmpty { result.append(.content(text)) }
            if let reason = choice.finishReason?.value { result.append(.finishReason(reason)) }
        }
        let usage = chunk.usage?.value
        if let tokens = WireJSON.usage(promptTokens: usage?.promptTokens?.value, completionTokens: usage?.completionTokens?.value) {
            result.append(.usage(tokens))
        }
        return result
    }
}

/// The members of a chat completion (chunk) that Blindsight reads; others are ignored.
struct OpenAIChunk: Decodable {
    struct Choice: Decodable {
        var delta: Message?
        var message: Message?
        var finishReason: Lenient<String>?

        enum CodingKeys: String, CodingKey {
            case delta, message, finishReason = "finish_reason"
        }
    }

    struct Message: Decodable {
        var content: Lenient<String>?
        var reasoning: Lenient<String>?
        var reasoningContent: Lenient<String>?

        enum CodingKeys: String, CodingKey {
            case content, reasoning, reasoningContent = "reasoning_content"
        }
    }

    struct Usage: Decodable {
        var promptTokens: Lenient<Int>?
        var completionTokens: Lenient<Int>?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        }
    }

    var choices: [Choice]?
    var usage: Lenient<Usage>?
    var error: ServerErrorField?
    /// `"error"` in older vLLM's flat error objects, which carry `message` at the top.
    var object: String?
    var message: String?
}

/// `GET` of a model list, shared by both backends.
enum ModelListing {
    /// The `field` of each entry in the array `list` of the JSON at `{base}{path}`.
    static func names(
        path: String, list: String, field: String, connection: BackendConnection, descriptor: ModelDescriptor
    ) async throws(ModelServiceError) -> [String] {
        let url = connection.url(path)
        let endpoint = "\(descriptor.provider) server at \(connection.displayURL)"
        let response: HTTPResponse
        do {
            response = try await connection.client.send(
                HTTPRequest(
                    url: url, headers: connection.requestHeaders(), timeouts: connection.timeouts, limits: connection.limits))
        } catch {
            throw ModelServiceError(.transport(error.code), endpoint: endpoint, detail: error.message)
        }
        guard response.isSuccess else {
            let text = connection.secrets.redact(WireJSON.errorMessage(body: response.body))
            throw ModelServiceError(.httpStatus(response.status), endpoint: endpoint, detail: text)
        }
        guard let value = WireJSON.parse(response.body) else {
            throw ModelServiceError(.badResponse, endpoint: endpoint, detail: "the model list is not JSON")
        }
        guard case .array(let entries) = value[list] ?? .null else { return [] }
        return entries.compactMap { $0[field]?.stringValue }
    }
}
