import ArgumentParser
import Dialogue
import Foundation

/// `blindsight chat IMAGE`: the dialogue of `run`, with the user in it. Before each reasoner turn
/// the user may press Enter (let it go on), type a note for the reasoner (steer it), or `/stop`.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Run the dialogue with you in it: steer the reasoner between turns, then write the cutout.",
        discussion: """
            Takes every option of `blindsight run`. Before each reasoner turn you are asked: press Enter to \
            let the dialogue go on, type a note to tell the reasoner something (it is recorded in the \
            transcript and outranks the reasoner's plan), or type /stop to end the session as interrupted \
            (exit 130; continue it later with `blindsight chat --resume T.jsonl`). /help lists the commands. \
            With standard input not a terminal, lines are read as they come, and the end of input means \
            "go on" from then on. Exit codes as for `run`.
            """)

    @OptionGroup var options: RunCommand

    func run() async throws {
        let user = TerminalUser()
        defer { user.restoreTerminal() }
        try await options.execute(user: user)
    }
}
