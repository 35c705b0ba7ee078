import ArgumentParser
import Dialogue
import Foundation
import Terminal

extension ImageChoice: ExpressibleByArgument {}

/// `--images auto|kitty|iterm|sixel|blocks|none`, shared by the commands that draw pictures.
struct ImagesOption: ParsableArguments {
    @Option(help: "Pictures in the terminal: auto (detected), kitty, iterm, sixel, blocks or none.")
    var images: ImageChoice = .auto

    /// Pictures for standard output, sized to the terminal.
    func pictures() -> ScenePictures {
        let terminal = TerminalSettings.standardOutput()
        return ScenePictures(
            protocol: images.resolve(), columns: terminal.columns, rows: min(20, max(6, terminal.rows / 2)))
    }
}

/// `blindsight chat IMAGE`: the dialogue of `run`, with the user in it: notes and questions before
/// each reasoner turn, then the decision shown as a cutout to accept, edit or refine.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Run the dialogue with you in it: steer it, ask the seer, edit or refine the decision.",
        discussion: """
            Takes every option of `blindsight run`. The chat opens with the area table and the numbered \
            overlay the seer sees. Before each reasoner turn: Enter lets it go on, text is a note for the \
            reasoner, /ask QUESTION asks the seer. At a decision (shown as a cutout): Enter accepts and writes \
            the outputs, text asks for a change (more rounds, a new decision), /keep N and /drop N edit it, \
            /undo reverts an edit. /help lists every command. Ctrl-C once cancels the model call in flight; \
            twice within a second, Ctrl-D or /quit leaves (exit 130 when unfinished; the command to resume \
            is printed). With standard input not a terminal, lines are read as they come and the end of input \
            means Enter from then on. Exit codes as for `run`.
            """)

    @OptionGroup var options: RunCommand

    @OptionGroup var images: ImagesOption

    @Flag(help: "Show the reasoner's thinking in full (default: folded to one line).")
    var showThinking = false

    @Flag(help: "Show every message the referee sends to the models (default: hidden; /prompt shows the last).")
    var showPrompts = false

    func run() async throws {
        try await options.execute(chat: ChatFrontEnd(
            showThinking: showThinking, showPrompts: showPrompts, pictures: images.pictures(), stream: options.stream))
    }
}
