import Dialogue
import Panoptic

/// What one run of the matrix produced, before scoring.
public struct ExecutedRun: Sendable {
    public var stopReason: String
    public var exitCode: Int32
    public var error: String?
    public var decision: Decision?
    public var stats: DialogueStats?
    /// Tokens per role ("reasoner", "seer").
    public var tokens: [String: ResultRow.Tokens]
    public var cachedAnswers: Int
    /// The segmentation the decision refers to (for scoring), when it was loaded.
    public var segmentation: PanopticSegmentation?
    /// Whether the transcript, the cutout and the mask were written.
    public var wroteTranscript: Bool
    public var wroteCutout: Bool
    public var wroteMask: Bool

    public init(
        stopReason: String, exitCode: Int32, error: String? = nil, decision: Decision? = nil, stats: DialogueStats? = nil,
        tokens: [String: ResultRow.Tokens] = [:], cachedAnswers: Int = 0, segmentation: PanopticSegmentation? = nil,
        wroteTranscript: Bool = false, wroteCutout: Bool = false, wroteMask: Bool = false
    ) {
        self.stopReason = stopReason
        self.exitCode = exitCode
        self.error = error
        self.decision = decision
        self.stats = stats
        self.tokens = tokens
        self.cachedAnswers = cachedAnswers
        self.segmentation = segmentation
        self.wroteTranscript = wroteTranscript
        self.wroteCutout = wroteCutout
        self.wroteMask = wroteMask
    }

    /// Whether the run was interrupted (it is not recorded, so a resume runs it again).
    public var wasInterrupted: Bool { stopReason == StopReason.cancelled.rawValue }
}

/// Where one run's files go.
public struct RunFiles: Sendable, Hashable {
    public var transcript: String
    public var cutout: String
    public var mask: String

    public init(transcript: String, cutout: String, mask: String) {
        self.transcript = transcript
        self.cutout = cutout
        self.mask = mask
    }
}

/// Runs one cell of the matrix: its whole dialogue, writing the transcript and the decision's cutout and
/// mask. The runner calls it concurrently; it never throws (failures are in the result).
public protocol RunExecutor: Sendable {
    func execute(_ cell: RunCell, files: RunFiles) async -> ExecutedRun
}
