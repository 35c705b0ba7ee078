import BlindsightCore
import HTTPTransport

/// Per-model settings from the configuration file (`models:` section), all optional.
public struct ModelSettings: Sendable, Hashable, Codable {
    /// Whether to ask the server for schema-constrained output when a request has a schema
    /// (default true; a server that rejects it is asked with weaker modes automatically).
    public var structuredOutput: Bool?
    /// Default sampling temperature when a request gives none.
    public var temperature: Double?
    /// Default token limit when a request gives none.
    public var maxTokens: Int?
    /// Ollama context window (`options.num_ctx`).
    public var numCtx: Int?
    /// Ollama `keep_alive` ("10m", "-1", "0").
    public var keepAlive: String?
    /// Ollama `think` (true/false) for thinking models.
    public var think: Bool?
    /// Whether replies begin inside reasoning without an opening `<think>` (QwQ and Qwen3 templates
    /// pre-fill it). Default: true for model names containing "qwq".
    public var reasoningPrefilled: Bool?
    /// Extra top-level members merged into every request body, for server-specific switches such as
    /// DashScope's `enable_thinking` or vLLM's `chat_template_kwargs`.
    public var extraBody: [String: JSONValue]?

    public init(
        structuredOutput: Bool? = nil, temperature: Double? = nil, maxTokens: Int? = nil, numCtx: Int? = nil,
        keepAlive: String? = nil, think: Bool? = nil, reasoningPrefilled: Bool? = nil, extraBody: [String: JSONValue]? = nil
    ) {
        self.structuredOutput = structuredOutput
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.numCtx = numCtx
        self.keepAlive = keepAlive
        self.think = think
        self.reasoningPrefilled = reasoningPrefilled
        self.extraBody = extraBody
    }

    enum CodingKeys: String, CodingKey {
        case structuredOutput = "structured_output", temperature, maxTokens = "max_tokens", numCtx = "num_ctx"
        case keepAlive = "keep_alive", think, reasoningPrefilled = "reasoning_prefilled", extraBody = "extra_body"
    }

    /// `body` with ``extraBody`` merged in (extra members win).
    func merged(into body: [String: JSONValue]) -> JSONValue {
        .object(body.merging(extraBody ?? [:]) { $1 })
    }

    /// Whether `model`'s replies start inside reasoning.
    func startsInReasoning(model: String) -> Bool {
        reasoningPrefilled ?? model.lowercased().contains("qwq")
    }
}

/// Everything a backend needs besides the model: where, how to authenticate, how patient to be.
public struct BackendConnection: Sendable {
    /// Base URL: Ollama's root (`http://localhost:11434`) or an OpenAI-compatible API root
    /// including its version (`https://api.openai.com/v1`).
    public var baseURL: String
    /// The API key, sent as `Authorization: Bearer …` (never logged).
    public var apiKey: String?
    /// Extra headers for every request (values never logged).
    public var headers: HTTPHeaders
    public var timeouts: HTTPTimeouts
    /// Reply size and pace limits (see ``BlindsightConfig/replyLimits``).
    public var limits: HTTPLimits
    public var retry: RetryPolicy
    public var client: HTTPClient
    public var structuredOutputMemory: StructuredOutputMemory
    /// Removed from everything the server sends before anyone sees it (replies, errors): the
    /// configuration's secrets, plus this connection's key, header values and URL credentials.
    public let secrets: Secrets

    public init(
        baseURL: String, apiKey: String? = nil, headers: HTTPHeaders = HTTPHeaders(),
        timeouts: HTTPTimeouts = HTTPTimeouts(), limits: HTTPLimits = HTTPLimits(), retry: RetryPolicy = .standard,
        client: HTTPClient = .shared, structuredOutputMemory: StructuredOutputMemory = .shared,
        secrets: Secrets = Secrets()
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.headers = headers
        self.timeouts = timeouts
        self.limits = limits
        self.retry = retry
        self.client = client
        self.structuredOutputMemory = structuredOutputMemory
        self.secrets = secrets.adding([apiKey].compactMap { $0 } + headers.map(\.value) + Secrets.credentials(inURL: baseURL))
    }

    /// The base URL as messages and transcripts show it: without credentials or query.
    public var displayURL: String { HTTPError.displayURL(baseURL) }

    /// `{base}{path}`, with `path` joined onto the base URL's path so that a query the base URL
    /// carries (`…/v1?api-version=…`) stays at the end.
    func url(_ path: String) -> String {
        guard let query = baseURL.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return baseURL + path }
        var stem = baseURL[..<query]
        if stem.hasSuffix("/") { stem.removeLast() }
        return stem + path + baseURL[query...]
    }

    /// The request headers: JSON, the key as a bearer token when there is one, then extra headers.
    func requestHeaders() -> HTTPHeaders {
        var all = HTTPHeaders()
        if let apiKey, !apiKey.isEmpty { all.set("Authorization", "Bearer \(apiKey)") }
        for field in headers { all.set(field.name, field.value) }
        return all
    }

    func exchange<Wire: ChatWire>(
        _ wire: Wire, descriptor: ModelDescriptor, settings: ModelSettings
    ) -> ChatExchange<Wire> {
        ChatExchange(
            wire: wire, endpoint: "\(descriptor.provider) model \(descriptor.model) at \(displayURL)",
            baseURL: baseURL, model: descriptor.model, policy: retry, client: client, memory: structuredOutputMemory,
            startsInReasoning: settings.startsInReasoning(model: descriptor.model),
            structuredOutput: settings.structuredOutput ?? true, secrets: secrets)
    }
}

extension ChatExchange {
    /// The exchange as a ``ChatBackend`` stream: deltas, then one completion; cancelling the
    /// consumer cancels the transfer.
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let completion = try await run(request) { continuation.yield($0) }
                    continuation.yield(.completed(completion))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
