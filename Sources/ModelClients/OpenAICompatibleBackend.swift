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
        self.descriptor = ModelDescriptor(provider: provider, model: model, baseURL: connection.baseURL)
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
        OpenAIWire(url: connection.baseURL + "/chat/completions", model: descriptor.model, headers: connection.requestHeaders(),
                   timeouts: connection.timeouts, settings: settings)
    }
}

/// The OpenAI Chat Completions wire format.
struct OpenAIWire: ChatWire {
    let url: String
    let model: String
    let headers: HTTPHeaders
    let timeouts: HTTPTimeouts
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
                    "json_schema": .object(["name": .string(request.responseSchemaName), "schema": schema]),
                ])
            case .jsonObject: body["response_format"] = .object(["type": .string("json_object")])
            case .none: break
            }
        }
        return .postJSON(url: url, body: WireJSON.encode(.object(body)), headers: headers, timeouts: timeouts)
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

/// Decodes an SSE chat completion stream.
struct OpenAIStreamDecoder: ChatReplyDecoder {
    private var parser = SSEParser()

    mutating func feed(_ chunk: Data) -> [WireEvent] { parser.feed(chunk).flatMap(events) }

    mutating func finish() -> [WireEvent] { parser.finish().flatMap(events) }

    private func events(_ event: SSEEvent) -> [WireEvent] {
        let data = event.data.trimmingCharacters(in: .whitespaces)
        if data == "[DONE]" { return [.end] }
        guard let value = WireJSON.parse(data) else { return [.unreadable("not JSON: \(data.prefix(120))")] }
        if let error = WireJSON.errorMessage(in: value) { return [.error(error)] }
        var result: [WireEvent] = []
        if case .array(let choices) = value["choices"] ?? .null, let choice = choices.first {
            let delta = choice["delta"] ?? choice["message"] ?? .null
            for field in ["reasoning_content", "reasoning"] {
                if let text = delta[field]?.stringValue, !text.isEmpty { result.append(.reasoning(text)) }
            }
            if let text = delta["content"]?.stringValue, !text.isEmpty { result.append(.content(text)) }
            if let reason = choice["finish_reason"]?.stringValue { result.append(.finishReason(reason)) }
        }
        if let usage = value["usage"], let tokens = WireJSON.usage(
            promptTokens: usage["prompt_tokens"], completionTokens: usage["completion_tokens"])
        {
            result.append(.usage(tokens))
        }
        return result
    }
}

/// `GET` of a model list, shared by both backends.
enum ModelListing {
    /// The `field` of each entry in the array `list` of the JSON at `{base}{path}`.
    static func names(
        path: String, list: String, field: String, connection: BackendConnection, descriptor: ModelDescriptor
    ) async throws(ModelServiceError) -> [String] {
        let url = connection.baseURL + path
        let endpoint = "\(descriptor.provider) server at \(HTTPError.displayURL(connection.baseURL))"
        let response: HTTPResponse
        do {
            response = try await connection.client.send(
                HTTPRequest(url: url, headers: connection.requestHeaders(), timeouts: connection.timeouts))
        } catch {
            throw ModelServiceError(.transport(error.code), endpoint: endpoint, detail: error.message)
        }
        guard response.isSuccess else {
            let text = WireJSON.redact(WireJSON.errorMessage(body: response.body), secrets: connection.secrets)
            throw ModelServiceError(.httpStatus(response.status), endpoint: endpoint, detail: text)
        }
        guard let value = WireJSON.parse(response.body) else {
            throw ModelServiceError(.badResponse, endpoint: endpoint, detail: "the model list is not JSON")
        }
        guard case .array(let entries) = value[list] ?? .null else { return [] }
        return entries.compactMap { $0[field]?.stringValue }
    }
}
