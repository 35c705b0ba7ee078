import BlindsightCore
import Foundation
import HTTPTransport

/// Where an effective configuration value came from.
public enum ValueOrigin: Sendable, Hashable, CustomStringConvertible {
    case builtIn
    case configFile
    case environment(String)
    case flag(String)

    public var description: String {
        switch self {
        case .builtIn: "default"
        case .configFile: "config file"
        case .environment(let name): "environment \(name)"
        case .flag(let name): "flag \(name)"
        }
    }
}

/// A configuration value with its origin.
public struct Sourced<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var origin: ValueOrigin

    public init(_ value: Value, _ origin: ValueOrigin) {
        self.value = value
        self.origin = origin
    }
}

/// A named model server: built in (`ollama`, `openai`) or from the configuration file.
public struct ProviderConfig: Sendable, Hashable {
    public var name: String
    public var kind: ProviderKind
    public var baseURL: Sourced<String>
    /// The environment variable holding the API key.
    public var apiKeyEnv: String?
    /// A shell command that prints the API key (used when the variable is unset).
    public var apiKeyCommand: String?
    /// Extra headers (values are treated as secrets).
    public var headers: [String: String]
    public var origin: ValueOrigin
}

/// The effective configuration: flags > environment > configuration file > defaults.
public struct BlindsightConfig: Sendable {
    public var configFilePath: String
    public var configFileFound: Bool
    public var reasoner: Sourced<ModelSpec>
    public var seer: Sourced<ModelSpec>
    /// Longest side, in pixels, of images sent to the seer.
    public var seerImageMaxSide: Sourced<Int>
    /// Model requests' timeouts.
    public var timeouts: Sourced<HTTPTimeouts>
    /// Size and pace limits of model replies and panoptic answers (see ``replyLimits``, ``panopticService``).
    public var limits: Sourced<ConnectionLimits>
    public var retryMaxAttempts: Int
    public var retryMaxWait: Double
    public var retryMaxTotalTime: Double
    public var providers: [String: ProviderConfig]
    /// Settings keyed by `provider:model` or by model name.
    public var modelSettings: [String: ModelSettings]
    /// Every secret value this configuration can produce: API keys (from `api_key_env` under any
    /// name, from `api_key_cmd` once ``resolveKeys(for:)`` has run it), header values, and the user
    /// information and query values of base URLs. Redacted from every terminal line, error message
    /// and transcript.
    public private(set) var secrets = Secrets()
    /// Output of the key commands run by ``resolveKeys(for:)``, by provider name.
    var commandKeys: [String: String] = [:]
    /// The environment the configuration was read with (API keys are looked up here, late).
    let environment: [String: String]

    /// The configuration file's path: `$XDG_CONFIG_HOME/blindsight/config.yaml`, by default
    /// `~/.config/blindsight/config.yaml`.
    public static func defaultPath(environment: [String: String]) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/blindsight/config.yaml"
    }

    /// Reads the configuration file (if present) and the environment.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, path: String? = nil
    ) throws(ConfigurationError) -> BlindsightConfig {
        let path = path ?? defaultPath(environment: environment)
        let file = try ConfigFile.load(path)
        func layered<V>(_ fileValue: V?, env name: String, parse: (String) throws(ConfigurationError) -> V, default value: V)
            throws(ConfigurationError) -> Sourced<V>
        {
            if let text = environment[name], !text.isEmpty { return Sourced(try parse(text), .environment(name)) }
            if let fileValue { return Sourced(fileValue, .configFile) }
            return Sourced(value, .builtIn)
        }
        let parseSpec: (String) throws(ConfigurationError) -> ModelSpec = { text throws(ConfigurationError) in
            try ModelSpec(parsing: text)
        }
        var config = BlindsightConfig(
            configFilePath: path, configFileFound: file != nil,
            reasoner: try layered(file?.reasoner, env: "BLINDSIGHT_REASONER", parse: parseSpec, default: .defaultReasoner),
            seer: try layered(file?.seer, env: "BLINDSIGHT_SEER", parse: parseSpec, default: .defaultSeer),
            seerImageMaxSide: file?.seerImageMaxSide.map { Sourced($0, .configFile) } ?? Sourced(1280, .builtIn),
            timeouts: Sourced(standardTimeouts, .builtIn),
            limits: try ConnectionLimits.load(file?.limits, path: path),
            retryMaxAttempts: file?.retry?.maxAttempts ?? RetryPolicy.standard.maxAttempts,
            retryMaxWait: file?.retry?.maxRetryAfter ?? RetryPolicy.standard.maxRetryAfter,
            retryMaxTotalTime: file?.retry?.maxTotalTime ?? RetryPolicy.standard.maxTotalTime,
            providers: [:], modelSettings: file?.models ?? [:], environment: environment)
        try ConnectionLimits.checkPositive(
            [
                "retry.max_attempts": file?.retry?.maxAttempts.map(Double.init),
                "retry.max_retry_after": file?.retry?.maxRetryAfter, "retry.max_total_time": file?.retry?.maxTotalTime,
            ], path: path)
        if let timeouts = file?.timeouts {
            let standard = standardTimeouts
            try ConnectionLimits.checkPositive(
                ["timeouts.connect": timeouts.connect, "timeouts.total": timeouts.total, "timeouts.idle": timeouts.idle],
                path: path)
            config.timeouts = Sourced(
                HTTPTimeouts(
                    connect: timeouts.connect ?? standard.connect, total: timeouts.total ?? standard.total,
                    idle: timeouts.idle ?? standard.idle), .configFile)
        }
        guard config.seerImageMaxSide.value >= 28 else {
            throw ConfigurationError("configuration file \(path): seer_image_max_side must be at least 28")
        }
        config.providers = try providers(file?.providers ?? [:], environment: environment, path: path)
        config.secrets = Secrets(config.providers.values.flatMap { provider in
            [provider.apiKeyEnv.flatMap { environment[$0] }].compactMap { $0 } + provider.headers.values
                + Secrets.credentials(inURL: provider.baseURL.value)
        })
        return config
    }

    /// Runs the `api_key_cmd` of the providers `specs` use (once each; `baseline` needs none) and
    /// adds their output to ``secrets``. Commands that will talk to a model call this before making
    /// backends; `config show` does not, so it never runs a key command.
    /// - Throws: ``ConfigurationError`` for an unknown provider or a failing command.
    public mutating func resolveKeys(for specs: [ModelSpec]) throws(ConfigurationError) {
        for spec in specs where spec.provider != ModelSpec.baselineProvider {
            let provider = try provider(for: spec)
            guard keySource(for: provider) == .command, commandKeys[provider.name] == nil,
                  let command = provider.apiKeyCommand else { continue }
            let key = try KeyCommand.run(command, provider: provider.name)
            commandKeys[provider.name] = key
            secrets = secrets.adding([key])
        }
    }

    private static func providers(
        _ configured: [String: ConfigFile.Provider], environment: [String: String], path: String
    ) throws(ConfigurationError) -> [String: ProviderConfig] {
        var result: [String: ProviderConfig] = [
            "ollama": ProviderConfig(
                name: "ollama", kind: .ollama, baseURL: Sourced("http://localhost:11434", .builtIn), apiKeyEnv: nil,
                apiKeyCommand: nil, headers: [:], origin: .builtIn),
            "openai": ProviderConfig(
                name: "openai", kind: .openai, baseURL: Sourced("https://api.openai.com/v1", .builtIn),
                apiKeyEnv: "OPENAI_API_KEY", apiKeyCommand: nil, headers: [:], origin: .builtIn),
        ]
        for (rawName, entry) in configured {
            let name = rawName.lowercased()
            guard name != ModelSpec.baselineProvider else {
                throw ConfigurationError("configuration file \(path): 'baseline' is built in and cannot be a provider")
            }
            var provider = result[name]
                ?? ProviderConfig(
                    name: name, kind: .openai, baseURL: Sourced("", .configFile), apiKeyEnv: nil, apiKeyCommand: nil,
                    headers: [:], origin: .configFile)
            guard let kind = entry.kind ?? (result[name] == nil ? nil : provider.kind) else {
                throw ConfigurationError("configuration file \(path): provider '\(name)' needs kind: ollama or kind: openai")
            }
            provider.kind = kind
            if let url = entry.baseURL { provider.baseURL = Sourced(url, .configFile) }
            guard !provider.baseURL.value.isEmpty else {
                throw ConfigurationError("configuration file \(path): provider '\(name)' needs a base_url")
            }
            if let env = entry.apiKeyEnv { provider.apiKeyEnv = env }
            if let command = entry.apiKeyCmd { provider.apiKeyCommand = command }
            if let headers = entry.headers { provider.headers = headers }
            result[name] = provider
        }
        if let host = environment["OLLAMA_HOST"], !host.isEmpty {
            result["ollama"]?.baseURL = Sourced(ollamaURL(host), .environment("OLLAMA_HOST"))
        }
        if let url = environment["OPENAI_BASE_URL"], !url.isEmpty {
            result["openai"]?.baseURL = Sourced(url, .environment("OPENAI_BASE_URL"))
        }
        return result
    }

    /// `OLLAMA_HOST` as Ollama reads it: the scheme is optional (`http`), and so is the port
    /// (`11434` for http, `443` for https).
    public static func ollamaURL(_ host: String) -> String {
        var url = host.contains("://") ? host : "http://" + host
        if url.hasSuffix("/") { url.removeLast() }
        let authority = url.components(separatedBy: "://").last ?? ""
        let hasPort = authority.hasPrefix("[") ? authority.contains("]:") : authority.contains(":")
        if !hasPort, !authority.contains("/"), url.lowercased().hasPrefix("http://") { url += ":11434" }
        return url
    }

    /// Applies command-line values, which win over everything else.
    public mutating func apply(reasoner: String? = nil, seer: String? = nil, seerImageMaxSide: Int? = nil)
        throws(ConfigurationError)
    {
        if let reasoner { self.reasoner = Sourced(try ModelSpec(parsing: reasoner), .flag("--reasoner")) }
        if let seer { self.seer = Sourced(try ModelSpec(parsing: seer), .flag("--seer")) }
        if let seerImageMaxSide {
            guard seerImageMaxSide >= 28 else { throw ConfigurationError("--max-side must be at least 28", status: .usage) }
            self.seerImageMaxSide = Sourced(seerImageMaxSide, .flag("--max-side"))
        }
    }

    /// The settings for `spec`: those keyed `provider:model`, else those keyed by the model name.
    public func settings(for spec: ModelSpec) -> ModelSettings {
        modelSettings[spec.description] ?? modelSettings[spec.model] ?? ModelSettings()
    }

    /// The retry policy the configuration asks for.
    public var retryPolicy: RetryPolicy {
        RetryPolicy(maxAttempts: retryMaxAttempts, maxRetryAfter: retryMaxWait, maxTotalTime: retryMaxTotalTime)
    }
}
