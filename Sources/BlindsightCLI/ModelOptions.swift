import ArgumentParser
import ModelClients

/// `--reasoner` and `--seer`, shared by the commands that talk to models.
public struct ModelSelectionOptions: ParsableArguments {
    @Option(help: "The blind reasoner, as provider:model (default ollama:qwq; see `blindsight config show`).")
    public var reasoner: String?

    @Option(help: "The seeing model, as provider:model (default ollama:qwen2.5vl:7b).")
    public var seer: String?

    public init() {}

    /// The configuration from file and environment, with these flags applied on top, ready to talk
    /// to the reasoner and the seer (see ``BlindsightConfig/prepare(for:)``); `runningKeyCommands`
    /// false (for `config show`) runs no `api_key_cmd`.
    public func loadConfiguration(seerImageMaxSide: Int? = nil, runningKeyCommands: Bool = true) throws -> BlindsightConfig {
        var config = try BlindsightConfig.load()
        try config.apply(reasoner: reasoner, seer: seer, seerImageMaxSide: seerImageMaxSide)
        let usesModels = runningKeyCommands && config.reasoner.value.provider != ModelSpec.baselineProvider
        try config.prepare(for: usesModels ? [config.reasoner.value, config.seer.value] : [])
        return config
    }
}
