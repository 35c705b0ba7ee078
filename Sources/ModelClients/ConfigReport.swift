import BlindsightCore
import HTTPTransport

extension BlindsightConfig {
    /// The effective configuration as text for `blindsight config show`: each value with where it
    /// came from; API keys masked, header values hidden, base URLs without credentials or query, key
    /// commands not run, and every known secret redacted from the whole text.
    public func report() -> String {
        var lines = [
            "config file: \(configFilePath)\(configFileFound ? "" : " (not found; using defaults)")",
            "reasoner: \(reasoner.value)  (\(reasoner.origin))",
            "seer: \(seer.value)  (\(seer.origin))",
            "seer_image_max_side: \(seerImageMaxSide.value)  (\(seerImageMaxSide.origin))",
            "timeouts: connect \(Self.seconds(timeouts.value.connect)), idle \(Self.seconds(timeouts.value.idle)), "
                + "total \(Self.seconds(timeouts.value.total))  (\(timeouts.origin))",
            "retry: max_attempts \(retryMaxAttempts), max_retry_after \(Self.seconds(retryMaxWait)), "
                + "max_total_time \(Self.seconds(retryMaxTotalTime))",
            "limits: reply_max_bytes \(limits.value.replyMaxBytes), reply_min_rate \(limits.value.replyMinRate) B/s for "
                + "\(Self.seconds(limits.value.replyMinRateSeconds)); panoptic_total \(Self.seconds(limits.value.panopticTotal)), "
                + "panoptic_idle \(Self.seconds(limits.value.panopticIdle)), panoptic_min_rate \(limits.value.panopticMinRate) B/s "
                + "for \(Self.seconds(limits.value.panopticMinRateSeconds)), panoptic_extra_bytes \(limits.value.panopticExtraBytes)"
                + "  (\(limits.origin))",
            "providers:",
        ]
        for provider in providers.values.sorted(by: { $0.name < $1.name }) {
            lines.append("  \(provider.name): kind \(provider.kind.rawValue)  (\(provider.origin))")
            let hidden = Secrets.credentials(inURL: provider.baseURL.value).isEmpty ? "" : " (credentials and query hidden)"
            lines.append("    base_url: \(HTTPError.displayURL(provider.baseURL.value))\(hidden)  (\(provider.baseURL.origin))")
            lines.append("    api_key: \(keyDescription(provider))")
            for name in provider.headers.keys.sorted() {
                lines.append("    header \(name): (hidden)")
            }
        }
        if !modelSettings.isEmpty {
            lines.append("models:")
            for (name, settings) in modelSettings.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(name): \(Self.describe(settings))  (config file)")
            }
        }
        return secrets.redact(lines.joined(separator: "\n"))
    }

    private func keyDescription(_ provider: ProviderConfig) -> String {
        switch keySource(for: provider) {
        case .environment(let name):
            return "\(Self.mask(environment[name] ?? ""))  (environment \(name))"
        case .command:
            return "from api_key_cmd (not run)  (config file)"
        case .none:
            if let name = provider.apiKeyEnv { return "none ($\(name) is not set)" }
            return "none"
        }
    }

    /// A key reduced to its first three characters and its length.
    static func mask(_ key: String) -> String {
        key.count <= 8 ? "****" : "\(key.prefix(3))**** (\(key.count) characters)"
    }

    private static func seconds(_ value: Double?) -> String {
        guard let value else { return "none" }
        return LimitText.seconds(value) + " s"
    }

    private static func describe(_ settings: ModelSettings) -> String {
        var parts: [String] = []
        if let value = settings.structuredOutput { parts.append("structured_output \(value)") }
        if let value = settings.temperature { parts.append("temperature \(value)") }
        if let value = settings.maxTokens { parts.append("max_tokens \(value)") }
        if let value = settings.numCtx { parts.append("num_ctx \(value)") }
        if let value = settings.keepAlive { parts.append("keep_alive \(value)") }
        if let value = settings.think { parts.append("think \(value)") }
        if let value = settings.reasoningPrefilled { parts.append("reasoning_prefilled \(value)") }
        if let value = settings.extraBody { parts.append("extra_body \(value.keys.sorted().joined(separator: ","))") }
        return parts.isEmpty ? "(no settings)" : parts.joined(separator: ", ")
    }
}
