import CEdit
import Foundation
import Synchronization

/// Reads the user's lines in a chat. On a terminal: libedit (editing keys, Tab completion of the
/// chat's commands and segment numbers, history kept in `$XDG_STATE_HOME/blindsight/history`);
/// otherwise plain lines from standard input as they come. Reading blocks, so it runs on a thread
/// of its own, never on the cooperative pool; cancelling gives up waiting at once and puts the
/// terminal back as it was.
public final class LineReader: Sendable {
    /// Whether standard input is a terminal (libedit) rather than a pipe or a file.
    public let interactive: Bool
    private let savedTerminal: termios?
    private let historyPath: String?

    /// - Parameters:
    ///   - completions: the words Tab offers after a command (segment numbers).
    ///   - environment: where `XDG_STATE_HOME` and `HOME` are read.
    public init(completions: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        interactive = isatty(STDIN_FILENO) == 1
        Self.useCharacterLocale()
        var settings = termios()
        savedTerminal = interactive && tcgetattr(STDIN_FILENO, &settings) == 0 ? settings : nil
        historyPath = interactive ? Self.historyFile(environment: environment) : nil
        guard interactive else { return }
        cedit_set_catch_signals(0)
        Completion.words.withLock { $0 = (ChatCommand.Name.allCases.map { "/" + $0.rawValue }, completions) }
        cedit_set_attempted_completion(Completion.attempt)
        stifle_history(1000)
        if let historyPath { read_history(historyPath) }
    }

    /// The environment's character locale, or C.UTF-8 when that is plain C: libedit drops multibyte
    /// characters without a UTF-8 locale (and crashes on a multibyte prompt in the C locale).
    private static func useCharacterLocale() {
        let chosen = setlocale(LC_CTYPE, "").map { String(cString: $0) } ?? "C"
        if chosen == "C" || chosen == "POSIX" { setlocale(LC_CTYPE, "C.UTF-8") }
    }

    /// `$XDG_STATE_HOME/blindsight/history`, `~/.local/state/blindsight/history` by default; its folder
    /// is created. Nil when neither variable is set or the folder cannot be made.
    public static func historyFile(environment: [String: String]) -> String? {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.local/state" }
        guard let folder = state.map({ $0 + "/blindsight" }) else { return nil }
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil
        else { return nil }
        return folder + "/history"
    }

    /// The next line without its newline, or nil at the end of input (Ctrl-D) or when the waiting
    /// task is cancelled.
    public func readLine(prompt: String) async -> String? {
        let waiter = LineWaiter()
        let interactive = interactive
        let historyPath = historyPath
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter.wait(with: continuation)
                Thread.detachNewThread {
                    guard interactive else {
                        FileHandle.standardOutput.write(Data(prompt.utf8))
                        let line = Swift.readLine(strippingNewline: true)
                        FileHandle.standardOutput.write(Data("\(line ?? "")\n".utf8))
                        return waiter.deliver(line)
                    }
                    guard let raw = readline(prompt) else { return waiter.deliver(nil) }
                    defer { free(raw) }
                    Self.stopEchoing()
                    let line = String(cString: raw)
                    if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                        add_history(line)
                        if let historyPath { write_history(historyPath) }
                    }
                    waiter.deliver(line)
                }
            }
        } onCancel: {
            waiter.deliver(nil)
            restoreTerminal()
        }
    }

    /// Keys typed while the models stream are not echoed (an echoed Enter would break the live line);
    /// they wait for the next prompt, and libedit echoes while it reads.
    private static func stopEchoing() {
        var settings = termios()
        guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return }
        settings.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
    }

    /// Puts the terminal's settings back (libedit changes them while it reads a line).
    public func restoreTerminal() {
        guard var settings = savedTerminal else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
    }
}

/// Tab completion for libedit: command words at the start of the line, segment numbers after it.
/// libedit calls C function pointers that cannot capture, so the words live here.
private enum Completion {
    static let words = Mutex<(commands: [String], arguments: [String])>(([], []))
    /// The candidates of the completion in progress, handed out one by one to libedit's generator.
    static let pending = Mutex<[String]>([])

    static let attempt: @convention(c) (UnsafePointer<CChar>?, Int32, Int32)
        -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, start, _ in
            cedit_set_attempted_completion_over(1)
            let prefix = text.map { String(cString: $0) } ?? ""
            let (commands, arguments) = words.withLock { $0 }
            let line = cedit_line_buffer().map { String(cString: $0) } ?? ""
            let choices = start == 0 ? commands : (line.hasPrefix("/") ? arguments : [])
            pending.withLock { $0 = choices.filter { $0.hasPrefix(prefix) } }
            return rl_completion_matches(text, generate)
        }

    static let generate: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, _ in
        guard let next = pending.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return nil }
        return strdup(next)
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
