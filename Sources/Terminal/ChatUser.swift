import BlindsightCore
import Dialogue
import Foundation
import Synchronization

/// What the chat's own commands do that needs the command's context (the scene, the outputs).
public struct ChatLocalCommands: Sendable {
    /// The area table as text (`/table`).
    public var table: @Sendable () -> String
    /// The Set-of-Mark overlay as an inline image, or a line saying where it is (`/marks`).
    public var marks: @Sendable () async -> String
    /// Writes the outputs of a decision now, to `path` or the default (`/save [PATH]`); returns the
    /// lines to show.
    public var save: @Sendable (Decision, String?) async -> String

    public init(
        table: @escaping @Sendable () -> String, marks: @escaping @Sendable () async -> String,
        save: @escaping @Sendable (Decision, String?) async -> String
    ) {
        self.table = table
        self.marks = marks
        self.save = save
    }
}

/// The person at the terminal in `chat`: reads their lines and turns them into dialogue moves.
///
/// Enter goes on (before a turn) or accepts (at a decision); text is a note for the reasoner (before
/// a turn) or a refinement (at a decision); `/ask`, `/keep`, `/drop`, `/undo`, `/rounds` become
/// referee transitions; `/table`, `/marks`, `/prompt`, `/save`, `/help` are answered here and the
/// same prompt comes back. An unknown `/word` is an error and is never sent to a model. With
/// standard input not a terminal, the end of input means Enter from then on; on a terminal Ctrl-D
/// (end of input) leaves.
public final class ChatUser: DialogueUser {
    private let reader: LineReader
    private let screen: ChatScreen
    private let local: ChatLocalCommands
    /// Set when a piped standard input has ended.
    private let inputEnded = Mutex(false)

    /// The prompt: plain ASCII, which every terminal and locale shows.
    public static let prompt = "you> "

    public init(reader: LineReader, screen: ChatScreen, local: ChatLocalCommands) {
        self.reader = reader
        self.screen = screen
        self.local = local
    }

    public func refused(_ message: String) async {
        await screen.error(message)
    }

    public func turn(_ moment: UserMoment) async -> UserTurn {
        while true {
            guard !inputEnded.withLock({ $0 }) else { return .goOn }
            if case .beforeTurn(_, let roundLimit) = moment { await screen.setRoundLimit(roundLimit) }
            await screen.show(await screen.statusLine())
            if case .decided(_, let canUndo) = moment {
                await screen.hint(
                    "Enter: accept · text: what to change · /keep N · /drop N" + (canUndo ? " · /undo" : "") + " · /help")
            }
            let line = await reader.readLine(prompt: Self.prompt)
            if Task.isCancelled {
                await screen.show("\n")
                return .stop
            }
            guard let line else {
                if reader.interactive { return .stop }
                inputEnded.withLock { $0 = true }
                return .goOn
            }
            if let answer = await understand(ChatInput.parse(line), at: moment) { return answer }
        }
    }

    /// Puts the terminal back as it was.
    public func restoreTerminal() { reader.restoreTerminal() }

    /// The move for one line, or nil when the line was answered here and the prompt comes back.
    private func understand(_ input: ChatInput, at moment: UserMoment) async -> UserTurn? {
        let decision: Decision?
        if case .decided(let reached, _) = moment { decision = reached } else { decision = nil }
        switch input {
        case .empty: return .goOn
        case .text(let text): return .note(text)
        case .invalid(let problem):
            await screen.error(problem)
            await screen.hint(ChatCommand.helpText)
            return nil
        case .command(let command):
            switch command {
            case .ask(let question): return .ask(question)
            case .keep(let numbers) where decision != nil: return .keep(numbers)
            case .drop(let numbers) where decision != nil: return .drop(numbers)
            case .undo where decision != nil: return .undo
            case .keep, .drop, .undo: await screen.error("there is no decision to edit yet; wait for one, or /decide")
            case .decide where decision == nil: return .decideNow
            case .decide: await screen.error("the reasoner has decided; type what to change, or Enter to accept")
            case .rounds(let limit): return .rounds(limit)
            case .table: await screen.show(local.table())
            case .marks: await screen.show(await local.marks())
            case .prompt: await screen.show(await screen.lastPrompt())
            case .save(let path):
                guard let decision else {
                    await screen.error("there is no decision to save yet")
                    return nil
                }
                await screen.show(await local.save(decision, path))
            case .help: await screen.hint(ChatCommand.helpText)
            case .quit: return .stop
            }
            return nil
        }
    }
}
