/// The documented process exit statuses, used by every command.
///
/// They are part of the public contract (see the README's "Exit codes" section): scripts rely on them.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The command did what was asked.
    case success = 0
    /// The command line was wrong (unknown flag, missing argument, invalid value).
    case usage = 2
    /// An input was bad: missing, unreadable, corrupt, over a limit, or inconsistent with another input.
    case badInput = 3
    /// A model or service failed or could not be reached.
    case serviceFailure = 4
    /// The dialogue ended without a usable foreground decision.
    case noDecision = 5
    /// The user interrupted the command (Ctrl-C).
    case interrupted = 130
}
