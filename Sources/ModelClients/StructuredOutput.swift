import Synchronization

/// How a backend asks for JSON output, strongest first. Servers that reject a mode are asked with
/// the next one, and the choice is remembered per server and model for the rest of the process.
public enum StructuredOutputMode: Int, Sendable, Comparable, CaseIterable {
    /// The JSON schema itself (OpenAI `response_format: json_schema`, Ollama `format: <schema>`).
    case jsonSchema
    /// Plain JSON mode (OpenAI `json_object`, Ollama `format: "json"`).
    case jsonObject
    /// No constraint: the prompt alone asks for JSON.
    case none

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The next weaker mode, or nil after `none`.
    public var weaker: StructuredOutputMode? { StructuredOutputMode(rawValue: rawValue + 1) }
}

/// The process-wide memory of which structured-output mode each server and model accepts.
public final class StructuredOutputMemory: Sendable {
    public static let shared = StructuredOutputMemory()

    private let modes = Mutex<[String: StructuredOutputMode]>([:])

    public init() {}

    /// The mode to start with for `model` at `baseURL`.
    public func mode(baseURL: String, model: String) -> StructuredOutputMode {
        modes.withLock { $0[Self.key(baseURL, model)] ?? .jsonSchema }
    }

    /// Records that `model` at `baseURL` works only with `mode` or weaker.
    public func remember(_ mode: StructuredOutputMode, baseURL: String, model: String) {
        modes.withLock { modes in
            let key = Self.key(baseURL, model)
            modes[key] = max(modes[key] ?? .jsonSchema, mode)
        }
    }

    private static func key(_ baseURL: String, _ model: String) -> String { "\(baseURL)\u{0}\(model)" }
}
