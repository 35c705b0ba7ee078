import Foundation

/// Who or what a piece of text belongs to, each with its own colour on a terminal.
public enum Tone: String, Sendable, CaseIterable {
    case referee = "36"
    case reasoner = "35"
    case seer = "33"
    case user = "1;34"
    case decision = "1;32"
    case error = "1;31"
    case dim = "2"
    /// The status line: reversed video.
    case status = "7"
}

/// Adds ANSI colours when they are on; returns text unchanged when they are off.
public struct Painter: Sendable, Hashable {
    /// Whether to add ANSI colours.
    public var colour: Bool

    public init(colour: Bool) {
        self.colour = colour
    }

    /// `text` in `tone` (the text itself must already be safe).
    public func paint(_ text: String, _ tone: Tone) -> String {
        colour && !text.isEmpty ? "\u{1B}[\(tone.rawValue)m\(text)\u{1B}[0m" : text
    }
}

/// What the terminal on a file descriptor can take: whether it is a terminal at all, colours, and
/// its width in cells.
public struct TerminalSettings: Sendable, Hashable {
    /// Whether the descriptor is a terminal.
    public var isTerminal: Bool
    /// Whether colours and other escape sequences suit it: a terminal, `NO_COLOR` unset or empty,
    /// `TERM` not "dumb".
    public var colour: Bool
    /// The width in cells: the terminal's own (`TIOCGWINSZ`), else `COLUMNS`, else 80.
    public var columns: Int
    /// The height in cells: the terminal's own, else `LINES`, else 24.
    public var rows: Int

    public init(isTerminal: Bool, colour: Bool, columns: Int, rows: Int = 24) {
        self.isTerminal = isTerminal
        self.colour = colour
        self.columns = columns
        self.rows = rows
    }

    /// The settings of standard output in this process's environment.
    public static func standardOutput(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> TerminalSettings
    {
        detect(descriptor: STDOUT_FILENO, environment: environment)
    }

    /// The settings of `descriptor` under `environment`.
    public static func detect(descriptor: Int32, environment: [String: String]) -> TerminalSettings {
        let terminal = isatty(descriptor) == 1
        let (columns, rows) = size(descriptor: descriptor, environment: environment)
        return TerminalSettings(
            isTerminal: terminal, colour: colourSuits(isTerminal: terminal, environment: environment), columns: columns,
            rows: rows)
    }

    /// Whether colour suits a stream: a terminal, `NO_COLOR` unset or empty, `TERM` not "dumb".
    public static func colourSuits(isTerminal: Bool, environment: [String: String]) -> Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    private static func size(descriptor: Int32, environment: [String: String]) -> (columns: Int, rows: Int) {
        var size = winsize()
        if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        func variable(_ name: String, _ fallback: Int) -> Int {
            environment[name].flatMap { Int($0) }.map { min(max($0, 1), 1000) } ?? fallback
        }
        return (variable("COLUMNS", 80), variable("LINES", 24))
    }
}
