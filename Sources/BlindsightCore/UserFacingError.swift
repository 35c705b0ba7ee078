/// An error that knows how to present itself to a user of the command line.
///
/// Every module's error type conforms, so the CLI prints one line (`message`) and exits with
/// `exitStatus` without knowing the concrete error type. Messages name the file or service involved
/// and, where possible, say how to fix the problem. They must never contain secrets.
public protocol UserFacingError: Error, CustomStringConvertible, Sendable {
    /// One line, no trailing newline, suitable for `blindsight: <message>` on standard error.
    var message: String { get }
    /// The exit status the command ends with when this error reaches the top.
    var exitStatus: ExitStatus { get }
}

extension UserFacingError {
    public var description: String { message }
}
