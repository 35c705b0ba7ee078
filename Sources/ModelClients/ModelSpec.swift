import BlindsightCore
import Foundation

/// Which model to use, as written on the command line: `provider:model`, for example
/// `ollama:qwq`, `ollama:qwen2.5vl:7b`, `openai:Qwen/Qwen2.5-VL-7B-Instruct` or
/// `dashscope:qwen-vl-max` for a provider from the configuration file. Only the first colon
/// separates, so model names may contain colons. `baseline` (the built-in scripted policy, no
/// server) needs no model name.
public struct ModelSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    public var provider: String
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// The provider name of the built-in scripted policy.
    public static let baselineProvider = "baseline"
    public static let defaultReasoner = ModelSpec(provider: "ollama", model: "qwq")
    public static let defaultSeer = ModelSpec(provider: "ollama", model: "qwen2.5vl:7b")

    /// Parses `provider:model`.
    /// - Throws: ``ConfigurationError`` (usage) saying what a spec looks like.
    public init(parsing text: String) throws(ConfigurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == Self.baselineProvider {
            self.init(provider: Self.baselineProvider, model: Self.baselineProvider)
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw ConfigurationError(
                "model spec '\(trimmed)' has no provider; write provider:model, e.g. ollama:\(trimmed) or openai:\(trimmed)",
                status: .usage)
        }
        let provider = String(trimmed[..<colon]).lowercased()
        let model = String(trimmed[trimmed.index(after: colon)...])
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_-.")
        guard !provider.isEmpty, provider.allSatisfy(allowed.contains) else {
            throw ConfigurationError(
                "model spec '\(trimmed)' has an invalid provider name; use letters, digits, '-', '_' or '.'", status: .usage)
        }
        guard !model.isEmpty || provider == Self.baselineProvider else {
            throw ConfigurationError("model spec '\(trimmed)' names no model; write \(provider):MODEL", status: .usage)
        }
        self.init(provider: provider, model: model.isEmpty ? Self.baselineProvider : model)
    }

    public var description: String { "\(provider):\(model)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The configuration, a model spec or an API-key command is wrong. Exit status 2 for command-line
/// values, 3 for the configuration file.
public struct ConfigurationError: UserFacingError, Equatable {
    public let message: String
    public let exitStatus: ExitStatus

    public init(_ message: String, status: ExitStatus = .badInput) {
        self.message = message
        self.exitStatus = status
    }
}
