/// The user pressed Ctrl-C (or ended a chat with /stop). Exit status 130.
public struct InterruptedError: UserFacingError, Equatable {
    public init() {}
    public var message: String { "interrupted" }
    public var exitStatus: ExitStatus { .interrupted }
}
