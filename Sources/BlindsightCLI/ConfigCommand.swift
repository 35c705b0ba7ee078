import ArgumentParser
import ModelClients

/// `blindsight config`: the effective configuration.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the effective configuration.",
        subcommands: [ConfigShowCommand.self]
    )
}

/// `blindsight config show [--reasoner SPEC] [--seer SPEC] [--max-side N]`.
struct ConfigShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the effective configuration and where each value came from.",
        discussion: """
            Precedence: flags > environment (OLLAMA_HOST, OPENAI_BASE_URL, OPENAI_API_KEY, \
            BLINDSIGHT_REASONER, BLINDSIGHT_SEER) > $XDG_CONFIG_HOME/blindsight/config.yaml > defaults. \
            API keys are masked, header values hidden, base URLs shown without credentials or query, \
            api_key_cmd is not run.
            """
    )

    @OptionGroup var models: ModelSelectionOptions

    @Option(name: .customLong("max-side"), help: "Longest side of images sent to the seer, in pixels.")
    var maxSide: Int?

    func run() throws {
        TerminalLine.print(try models.loadConfiguration(seerImageMaxSide: maxSide, runningKeyCommands: false).report())
    }
}
