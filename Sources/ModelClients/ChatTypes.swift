import BlindsightCore
import Foundation

/// An encoded image attached to a chat message (sent as base64 to the server).
public struct ImageAttachment: Sendable, Hashable {
    /// MIME type: "image/jpeg" or "image/png".
    public var mimeType: String
    /// The encoded file bytes.
    public var data: Data

    public init(mimeType: String, data: Data) {
        self.mimeType = mimeType
        self.data = data
    }
}

/// One message of a chat request.
public struct ChatMessage: Sendable, Hashable {
    /// Who speaks.
    public enum Role: String, Sendable, Hashable, Codable {
        case system, user, assistant
    }

    public var role: Role
    public var content: String
    /// Images shown with this message (only for vision models; the reasoner never gets any).
    public var images: [ImageAttachment]

    public init(role: Role, content: String, images: [ImageAttachment] = []) {
        self.role = role
        self.content = content
        self.images = images
    }
}

/// What to send to a chat backend.
public struct ChatRequest: Sendable, Hashable {
    public var messages: [ChatMessage]
    public var temperature: Double?
    public var seed: Int?
    /// Upper bound on generated tokens (reasoning included on most servers).
    public var maxTokens: Int?
    /// A JSON schema the reply must follow, when structured output is wanted.
    public var responseSchema: JSONValue?
    /// A short name for the schema (OpenAI requires `[a-zA-Z0-9_-]{1,64}`).
    public var responseSchemaName: String

    public init(
        messages: [ChatMessage], temperature: Double? = nil, seed: Int? = nil, maxTokens: Int? = nil,
        responseSchema: JSONValue? = nil, responseSchemaName: String = "reply"
    ) {
        self.messages = messages
        self.temperature = temperature
        self.seed = seed
        self.maxTokens = maxTokens
        self.responseSchema = responseSchema
        self.responseSchemaName = responseSchemaName
    }
}

/// A piece of a streamed reply. Reasoning (thinking) text is kept apart from the answer.
public struct ChatDelta: Sendable, Hashable {
    public var content: String
    public var reasoning: String

    public init(content: String = "", reasoning: String = "") {
        self.content = content
        self.reasoning = reasoning
    }
}

/// Token counts reported by the server.
public struct TokenUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}

/// The finished reply.
public struct ChatCompletion: Sendable, Hashable {
    /// The answer, with reasoning removed.
    public var content: String
    /// The reasoning text, from whichever field or tag the server used.
    public var reasoning: String
    /// The reply exactly as the server sent it (content including any think tags).
    public var rawContent: String
    /// "stop", "length", … as reported by the server.
    public var finishReason: String?
    public var usage: TokenUsage?
    /// Seconds from sending the request to the first delta, and to the end.
    public var timeToFirstDelta: Double?
    public var totalSeconds: Double
    /// How many HTTP attempts this reply took (1 without retries).
    public var attempts: Int

    public init(
        content: String, reasoning: String, rawContent: String, finishReason: String?, usage: TokenUsage?,
        timeToFirstDelta: Double?, totalSeconds: Double, attempts: Int
    ) {
        self.content = content
        self.reasoning = reasoning
        self.rawContent = rawContent
        self.finishReason = finishReason
        self.usage = usage
        self.timeToFirstDelta = timeToFirstDelta
        self.totalSeconds = totalSeconds
        self.attempts = attempts
    }
}

/// What a backend's stream yields: deltas as they arrive, then exactly one completion.
public enum ChatStreamEvent: Sendable, Hashable {
    case delta(ChatDelta)
    /// The request is being sent again from the start (attempt `attempt`, counting from 1) because
    /// the previous attempt failed (`reason`, the server's or the transport's words): every delta
    /// since the request began, or since the last restart, is discarded.
    case restarted(attempt: Int, reason: String)
    case completed(ChatCompletion)
}

/// Which server and model a backend talks to; safe to record (never holds keys).
public struct ModelDescriptor: Sendable, Hashable, Codable {
    /// Provider name as given in the model spec ("ollama", "openai", a configured name, "baseline", "recorded").
    public var provider: String
    /// The model name the server knows.
    public var model: String
    /// The server's base URL, when there is one.
    public var baseURL: String?

    public init(provider: String, model: String, baseURL: String?) {
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
    }
}

/// A chat model behind any server: Ollama, OpenAI-compatible, or a recorded or scripted one.
public protocol ChatBackend: Sendable {
    /// Which model this is.
    var descriptor: ModelDescriptor { get }
    /// Sends `request` and streams the reply. The stream ends with one `.completed` event, or throws
    /// a ``UserFacingError`` (exit status 4 for server failures). Cancelling the consuming task stops
    /// the transfer.
    func chat(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error>
}
