import BlindsightCore

/// A problem with an experiment's plan, folder, truth or results, told in one line.
public struct ExperimentError: UserFacingError, Equatable {
    public let message: String
    public let exitStatus: ExitStatus

    /// `status` is `.badInput` (3) unless the user's flags contradict each other (`.usage`, 2).
    public init(_ message: String, status: ExitStatus = .badInput) {
        self.message = message
        self.exitStatus = status
    }
}
