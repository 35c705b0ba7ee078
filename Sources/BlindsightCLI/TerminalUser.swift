import CEdit
import Dialogue
import Foundation
import Synchronization

/// The person at the terminal in `chat`: asked before each reasoner turn. On a terminal, lines are
/// read with libedit (editing keys, history); otherwise plain lines from standard input. Reading
/// blocks, so it runs on a thread of its own, never on the cooperative pool; cancelling (Ctrl-C)
/// gives up waiting at once and puts the terminal back as it was.
final class TerminalUser: DialogueUser {
    static let help = """
        Enter      let the reasoner take its turn
        any text   a note for the reasoner before its turn (recorded in the transcript)
        /stop      end the session as interrupted (exit 130; /quit too); continue later with chat --resume
        /help      this list
        """

    private let interactive: Bool
    private let savedTerminal: termios?
    /// Set when standard input has ended: from then on the dialogue simply goes on.
    private let inputEnded = Mutex(false)

    init() {
        interactive = isatty(STDIN_FILENO) == 1
        setlocale(LC_CTYPE, "")  // libedit drops multibyte characters without it
        var settings = termios()
        savedTerminal = interactive && tcgetattr(STDIN_FILENO, &settings) == 0 ? settings : nil
    }

    func turn(beforeRound round: Int) async -> UserTurn {
        while true {
            guard !inputEnded.withLock({ $0 }) else { return .goOn }
            let prompt = "you, before round \(round) (Enter: go on · text: tell the reasoner · /stop · /help)> "
            let line = await readLine(prompt: prompt)
            if Task.isCancelled { return .stop }
            guard let line else {
                inputEnded.withLock { $0 = true }
                return .goOn
            }
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            switch text {
            case "": return .goOn
            case "/stop", "/quit": return .stop
            case "/help": FileHandle.standardOutput.write(Data((Self.help + "\n").utf8))
            default:
                if interactive { add_history(text) }
                return .note(text)
            }
        }
    }

    /// Puts the terminal's settings back (libedit changes them while it reads a line).
    func restoreTerminal() {
        guard var settings = savedTerminal else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
    }

    /// The next line, or nil at the end of input or when the waiting task is cancelled.
    private func readLine(prompt: String) async -> String? {
        let waiter = LineWaiter()
        let interactive = interactive
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter.wait(with: continuation)
                Thread.detachNewThread {
                    if interactive {
                        guard let raw = readline(prompt) else { return waiter.deliver(nil) }
                        defer { free(raw) }
                        waiter.deliver(String(cString: raw))
                    } else {
                        waiter.deliver(Swift.readLine(strippingNewline: true))
                    }
                }
            }
        } onCancel: {
            waiter.deliver(nil)
            restoreTerminal()
        }
    }
}

/// Resumes a line's continuation exactly once: with the line, or with nil when cancelled first.
private final class LineWaiter: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<String?, Never>?, delivered: String??)>((nil, nil))

    func wait(with continuation: CheckedContinuation<String?, Never>) {
        let early: String?? = state.withLock { current in
            if let delivered = current.delivered { return .some(delivered) }
            current.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    func deliver(_ line: String?) {
        let waiting: CheckedContinuation<String?, Never>? = state.withLock { current in
            guard current.delivered == nil else { return nil }
            current.delivered = .some(line)
            defer { current.continuation = nil }
            return current.continuation
        }
        waiting?.resume(returning: line)
    }
}
