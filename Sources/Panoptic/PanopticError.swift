import BlindsightCore

/// A panoptic input could not be used: a file is missing or malformed, the id map and the segments
/// disagree, or a panoptic service failed.
public struct PanopticError: UserFacingError, Equatable {
    /// What went wrong, naming the file or service; one line.
    public let message: String
    /// ``ExitStatus/badInput`` for files, ``ExitStatus/serviceFailure`` for a panoptic service.
    public let exitStatus: ExitStatus

    public init(_ message: String, exitStatus: ExitStatus = .badInput) {
        self.message = message
        self.exitStatus = exitStatus
    }

    /// A problem with the input file at `path`.
    static func file(_ path: String, _ problem: String) -> PanopticError {
        PanopticError("\(path): \(problem)")
    }

    /// A failure of the panoptic service at `url`.
    static func service(_ url: String, _ problem: String) -> PanopticError {
        PanopticError("panoptic service \(url): \(problem)", exitStatus: .serviceFailure)
    }
}
