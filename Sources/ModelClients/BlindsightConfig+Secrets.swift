import BlindsightCore

extension BlindsightConfig {
    /// Runs the key commands `specs` need and registers every secret of the configuration with
    /// ``KnownSecrets``, so terminal lines and transcripts are redacted with them. Every command that
    /// loads a configuration calls this before anything is printed or recorded.
    public mutating func prepare(for specs: [ModelSpec]) throws {
        try resolveKeys(for: specs)
        KnownSecrets.register(secrets)
    }
}
