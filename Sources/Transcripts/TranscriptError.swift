import BlindsightCore

/// What can go wrong reading, writing or replaying a transcript. Messages name the file and say how
/// to fix the problem; they never contain secrets (the redactor runs before anything is written).
public enum TranscriptError: UserFacingError, Equatable {
    /// The file cannot be opened or read.
    case unreadable(path: String, reason: String)
    /// The first line is not a `blindsight.transcript` header.
    case notATranscript(path: String, reason: String)
    /// The header names a schema version this program does not read.
    case unsupportedVersion(path: String, found: String)
    /// Appending a line failed (for example the disk is full); every earlier line is intact.
    case writeFailed(path: String, reason: String)
    /// The image on disk is not the one the transcript recorded.
    case imageMismatch(path: String, expected: String, found: String)
    /// The recorded image cannot be found.
    case imageMissing(path: String)
    /// The transcript holds no usable decision to recompose.
    case noDecision(path: String)
    /// An event index given on the command line is outside the transcript.
    case eventOutOfRange(index: Int, count: Int)

    public var message: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read transcript \(path): \(reason)"
        case .notATranscript(let path, let reason):
            "\(path) is not a Blindsight transcript: \(reason)"
        case .unsupportedVersion(let path, let found):
            "\(path) uses transcript schema '\(found)', but this blindsight reads only "
                + "'\(TranscriptHeader.schemaVersion)'; upgrade blindsight to read it"
        case .writeFailed(let path, let reason):
            "cannot append to transcript \(path): \(reason); the lines written before are intact"
        case .imageMismatch(let path, let expected, let found):
            "image \(path) has sha256 \(found.prefix(12))…, but the transcript recorded \(expected.prefix(12))…; "
                + "pass the original image with --image"
        case .imageMissing(let path):
            "the transcript's image \(path) was not found; pass it with --image"
        case .noDecision(let path):
            "transcript \(path) holds no foreground decision to recompose"
        case .eventOutOfRange(let index, let count):
            "event \(index) is outside the transcript, which has \(count) events (0…\(max(count - 1, 0)))"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .writeFailed: .badInput
        case .noDecision: .noDecision
        case .eventOutOfRange: .usage
        default: .badInput
        }
    }
}
