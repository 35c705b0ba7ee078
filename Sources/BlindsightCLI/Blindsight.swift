import ArgumentParser
import BlindsightCore

/// The root of the `blindsight` command tree. Each subcommand lives in its own file and stays thin:
/// it parses flags, calls a library, and prints.
public struct Blindsight: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "blindsight",
        abstract: "Remove an image's background by letting a blind reasoner and a seeing model talk.",
        discussion: """
            Exit codes: 0 success, 2 usage, 3 bad input, 4 model or service failure, \
            5 no usable decision, 130 interrupted.
            """,
        version: BlindsightVersion.current,
        subcommands: [
            // -- image I/O (issue 2) --
            ImageCommand.self,
            SegmentsCommand.self, CompositeCommand.self,
            // -- model clients and configuration (issue 4) --
            ModelsCommand.self, AskCommand.self, ConfigCommand.self,
            RunCommand.self,  // dialogue (issue 5): one non-interactive dialogue ending in a cutout
            ChatCommand.self,  // the same dialogue with the user steering between turns
            TranscriptsCommand.self, ReplayCommand.self,  // transcripts and replay (issue 6)
            PromptsCommand.self,  // prompt template sets (issue 10)
            ExperimentCommand.self,  // scored experiments over images, prompt sets and models (issue 10)
        ]
    )

    public init() {}
}
