import Dialogue
import Foundation

/// A transcript as read from disk: its header and its events.
public struct Transcript: Sendable, Equatable {
    /// Where it was read from.
    public var path: String
    public var header: TranscriptHeader
    /// Every complete, readable event, in file order (stream deltas are never stored).
    public var events: [DialogueEvent]
    /// What the reader skipped and why (an incomplete last line, lines of unknown types).
    public var notes: [String]

    public init(path: String, header: TranscriptHeader, events: [DialogueEvent], notes: [String] = []) {
        self.path = path
        self.header = header
        self.events = events
        self.notes = notes
    }

    /// The last decision (the reasoner's, or the baseline policy's fallback), if any.
    public var decision: Decision? { events.last { $0.decision != nil }?.decision }

    /// Why the run stopped, or "interrupted" / "incomplete" when the transcript ends early.
    public var outcome: String {
        if let stop = events.last(where: { $0.kind == .stopped })?.stopReason { return stop.rawValue }
        if events.contains(where: { $0.kind == .interrupted }) { return "interrupted" }
        return "incomplete"
    }

    /// How many replies the reasoner gave.
    public var reasonerTurns: Int { events.count { $0.kind == .reasonerTurn } }

    /// Rounds used, as the referee counted them when the dialogue stopped; for a cut transcript, the
    /// reasoner's replies so far.
    public var rounds: Int { events.last { $0.kind == .stopped }?.stats?.rounds ?? reasonerTurns }

    /// The files the run wrote.
    public var outputs: [OutputFile] { events.compactMap(\.output) }

    /// The path of the image: as recorded when it exists from the current directory (or is absolute),
    /// else relative to the transcript's folder (how shipped examples name their images).
    public var resolvedImagePath: String {
        let recorded = header.image.path
        if recorded.hasPrefix("/") || FileManager.default.fileExists(atPath: recorded) { return recorded }
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? recorded : (folder as NSString).appendingPathComponent(recorded)
    }
}
