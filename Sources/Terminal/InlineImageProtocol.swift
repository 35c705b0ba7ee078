import Foundation

/// How pictures are drawn in the terminal.
public enum InlineImageProtocol: String, Sendable, Hashable, CaseIterable {
    /// The kitty graphics protocol (kitty, Ghostty, Konsole): PNG in `ESC _ G … ESC \` chunks.
    case kitty
    /// iTerm2's inline images, OSC 1337 (iTerm2, WezTerm, Konsole).
    case iterm
    /// DEC sixel graphics (xterm -ti vt340, foot, mlterm, WezTerm, recent tmux), only when the terminal says so.
    case sixel
    /// Unicode upper half blocks `▀` in 24-bit foreground and background colours: two pixels per cell.
    case blocks
    /// No pictures (pipes, `TERM=dumb`, `NO_COLOR`, or `--images none`).
    case none

    /// The protocol for a terminal, from its environment: kitty for `KITTY_WINDOW_ID` or a kitty or
    /// Ghostty `TERM`; iTerm2's for `TERM_PROGRAM` iTerm.app or WezTerm, `LC_TERMINAL=iTerm2` or a
    /// `WEZTERM_*` variable; else sixel when `sixelAnswered()` (the terminal's reply to a DA1 query)
    /// lists it; else half-blocks. None when standard output is not a terminal, with `TERM=dumb` or
    /// with `NO_COLOR` (blocks are colours).
    /// - Parameter sixelAnswered: asked only when nothing else decided; may block briefly.
    public static func detect(
        environment: [String: String], isTerminal: Bool, sixelAnswered: () -> Bool
    ) -> InlineImageProtocol {
        guard isTerminal, environment["TERM"] != "dumb" else { return .none }
        let term = environment["TERM"] ?? ""
        let program = environment["TERM_PROGRAM"] ?? ""
        if environment["KITTY_WINDOW_ID"] != nil || term.contains("kitty") || term.contains("ghostty")
            || program == "ghostty"
        {
            return .kitty
        }
        if program == "iTerm.app" || program == "WezTerm" || environment["LC_TERMINAL"] == "iTerm2"
            || environment.keys.contains(where: { $0.hasPrefix("WEZTERM_") })
        {
            return .iterm
        }
        if sixelAnswered() { return .sixel }
        return (environment["NO_COLOR"] ?? "").isEmpty ? .blocks : .none
    }
}

/// Asks the terminal whether it draws sixels: sends the primary device attributes query `ESC [ c`
/// and reads the reply (`ESC [ ? 62 ; 4 ; 22 c`: attribute 4 is sixel) for at most `timeout`
/// seconds, with the terminal briefly in non-canonical mode without echo, then restores it.
public enum SixelQuery {
    /// True when both standard input and output are the terminal and its reply lists attribute 4.
    public static func terminalAnswersSixel(timeout: Double = 0.25) -> Bool {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return false }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return false }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        let query: [UInt8] = [0x1B, 0x5B, 0x63]
        guard write(STDOUT_FILENO, query, query.count) == query.count else { return false }
        let deadline = Date().addingTimeInterval(timeout)
        var reply: [UInt8] = []
        while reply.last != UInt8(ascii: "c"), reply.count < 64 {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { break }
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(remaining * 1000) + 1) > 0 else { break }
            var byte: UInt8 = 0
            guard read(STDIN_FILENO, &byte, 1) == 1 else { break }
            reply.append(byte)
        }
        return listsSixel(reply)
    }

    /// Whether a DA1 reply (`ESC [ ? p1 ; p2 ; … c`) lists attribute 4.
    public static func listsSixel(_ reply: [UInt8]) -> Bool {
        guard let start = reply.firstIndex(of: UInt8(ascii: "?")), reply.last == UInt8(ascii: "c") else { return false }
        let body = String(decoding: reply[(start + 1)..<(reply.count - 1)], as: UTF8.self)
        return body.split(separator: ";").contains("4")
    }
}
