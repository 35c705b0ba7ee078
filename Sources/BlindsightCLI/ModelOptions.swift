import ArgumentParser
import ModelClients

/// `--reasoner` and `--seer`, shared by the commands that talk to models.
public struct ModelSelectionOptions: ParsableArguments {
    @Option(help: "The blind reasoner, as provider:model (default ollama:qwq; see `blindsight config show`).")
    public var reasoner: String?

    @Option(help: "The seeing model, as provider:model (default ollama:qwen2.5vl:7b).")
    public var seer: String?

    public init() {}

    /// The configuration from file and environment, with these flags applied on top.
    public func loadConfiguration(seerImageMaxSide: Int? = nil) throws -> BlindsightConfig {
        var config = try BlindsightConfig.load()
        try config.apply(reasoner: reasoner, seer: seer, seerImageMaxSide: seerImageMaxSide)
        return config
    }
}
