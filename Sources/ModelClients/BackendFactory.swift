import BlindsightCore
import Foundation
import HTTPTransport
import Synchronization

/// Makes chat backends from model specs and the configuration.
public enum BackendFactory {
    /// The backend for `spec`: an ``OllamaBackend`` or ``OpenAICompatibleBackend`` depending on the
    /// provider's kind.
    /// - Throws: ``ConfigurationError`` for an unknown provider, for `baseline` (handled by the
    ///   dialogue engine, not a server), or when the API-key command fails.
    /// - Parameter retry: the retry policy (default: the configuration's); an experiment passes one whose
    ///   waits hold back every request to the same server.
    public static func makeBackend(
        for spec: ModelSpec, config: BlindsightConfig, retry: RetryPolicy? = nil
    ) throws -> any ChatBackend {
        let provider = try config.provider(for: spec)
        let connection = BackendConnection(
            baseURL: provider.baseURL.value, apiKey: try config.apiKey(for: provider),
            headers: HTTPHeaders(provider.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
            timeouts: config.timeouts.value, limits: config.replyLimits, retry: retry ?? config.retryPolicy,
            secrets: config.secrets)
        let settings = config.settings(for: spec)
        switch provider.kind {
        case .ollama:
            return OllamaBackend(provider: provider.name, model: spec.model, connection: connection, settings: settings)
        case .openai:
            return OpenAICompatibleBackend(provider: provider.name, model: spec.model, connection: connection, settings: settings)
        }
    }
}

extension BlindsightConfig {
    /// The provider `spec` names.
    public func provider(for spec: ModelSpec) throws(ConfigurationError) -> ProviderConfig {
        if spec.provider == ModelSpec.baselineProvider {
            throw ConfigurationError(
                "'baseline' is the built-in scripted policy, not a model server; it has no backend", status: .usage)
        }
        guard let provider = providers[spec.provider] else {
            let known = (providers.keys.sorted() + [ModelSpec.baselineProvider]).joined(separator: ", ")
            throw ConfigurationError(
                "unknown provider '\(spec.provider)' in '\(spec)'; known: \(known) (add more under providers: in \(configFilePath))",
                status: .usage)
        }
        return provider
    }

    /// Where `provider`'s API key comes from, without revealing it.
    public enum KeySource: Sendable, Hashable {
        case none
        case environment(String)
        case command
    }

    /// The source that ``apiKey(for:)`` will use.
    public func keySource(for provider: ProviderConfig) -> KeySource {
        if let name = provider.apiKeyEnv, let value = environment[name], !value.isEmpty { return .environment(name) }
        if provider.apiKeyCommand != nil { return .command }
        return .none
    }

    /// The API key: the provider's environment variable when set, else the output of its key command
    /// (run by ``resolveKeys(for:)``, or now), else none (local servers need no key).
    public func apiKey(for provider: ProviderConfig) throws(ConfigurationError) -> String? {
        switch keySource(for: provider) {
        case .none: return nil
        case .environment(let name): return environment[name]
        case .command:
            if let key = commandKeys[provider.name] { return key }
            return try KeyCommand.run(provider.apiKeyCommand ?? "", provider: provider.name)
        }
    }
}

/// Runs `api_key_cmd` once per process and command; its output is never shown.
enum KeyCommand {
    private static let cache = Mutex<[String: String]>([:])

    static func run(_ command: String, provider: String) throws(ConfigurationError) -> String {
        if let known = cache.withLock({ $0[command] }) { return known }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ConfigurationError("cannot run api_key_cmd of provider '\(provider)': \(error.localizedDescription)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !key.isEmpty else {
            throw ConfigurationError(
                "api_key_cmd of provider '\(provider)' failed (exit status \(process.terminationStatus), \(key.isEmpty ? "no output" : "output hidden"))")
        }
        cache.withLock { $0[command] = key }
        return key
    }
}
