import Foundation
import Yams

/// The configuration file as written (`$XDG_CONFIG_HOME/blindsight/config.yaml`); every field is
/// optional. See the README for an example.
struct ConfigFile: Decodable, Sendable {
    struct Provider: Decodable, Sendable {
        var kind: ProviderKind?
        var baseURL: String?
        var apiKeyEnv: String?
        var apiKeyCmd: String?
        var headers: [String: String]?

        enum CodingKeys: String, CodingKey {
            case kind, baseURL = "base_url", apiKeyEnv = "api_key_env", apiKeyCmd = "api_key_cmd", headers
        }
    }

    struct Timeouts: Decodable, Sendable {
        var connect: Double?
        var idle: Double?
        var total: Double?
    }

    struct Retry: Decodable, Sendable {
        var maxAttempts: Int?
        var maxRetryAfter: Double?
        var maxTotalTime: Double?

        enum CodingKeys: String, CodingKey {
            case maxAttempts = "max_attempts", maxRetryAfter = "max_retry_after", maxTotalTime = "max_total_time"
        }
    }

    var reasoner: ModelSpec?
    var seer: ModelSpec?
    var seerImageMaxSide: Int?
    var timeouts: Timeouts?
    var retry: Retry?
    var limits: Limits?
    var providers: [String: Provider]?
    var models: [String: ModelSettings]?

    enum CodingKeys: String, CodingKey {
        case reasoner, seer, seerImageMaxSide = "seer_image_max_side", timeouts, retry, limits, providers, models
    }

    /// Reads `path`; nil when the file does not exist.
    static func load(_ path: String) throws(ConfigurationError) -> ConfigFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read the configuration file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return ConfigFile() }
        do {
            return try YAMLDecoder().decode(ConfigFile.self, from: text)
        } catch let error as DecodingError {
            throw ConfigurationError("configuration file \(path): \(describe(error))")
        } catch {
            throw ConfigurationError("configuration file \(path) is not valid YAML: \(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return keys.isEmpty ? "" : "at \(keys): "
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return path(context) + context.debugDescription
        case .keyNotFound(let key, let context):
            return path(context) + "missing key \(key.stringValue)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// The protocol a provider speaks.
public enum ProviderKind: String, Sendable, Hashable, Codable {
    /// Ollama's native API (`/api/chat`).
    case ollama
    /// OpenAI-compatible Chat Completions (`/chat/completions` under the base URL).
    case openai
}
