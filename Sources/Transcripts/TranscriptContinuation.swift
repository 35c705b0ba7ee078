import BlindsightCore
import Dialogue
import Foundation

/// The start of a new transcript that continues an earlier one: a fork (`replay --live-from K`) or a
/// resumed session (`run --resume`).
///
/// The child is always a new file: the parent is never modified. Its header copies the parent's,
/// with a new id, the new models and `parent` naming the parent and the last event kept; its first
/// events are the kept ones, copied unchanged (same sequence numbers and times), and the live run
/// continues the numbering after them.
public struct TranscriptContinuation: Sendable {
    /// The child's header.
    public var header: TranscriptHeader
    /// The parent's events the child starts with (replayed into the referee, not sent again).
    public var kept: [DialogueEvent]

    /// Kinds that can end a kept prefix only as leftovers of an unfinished exchange: they are cut off,
    /// so the live run starts with a fresh request.
    private static let leftovers: Set<DialogueEvent.Kind> = [.requestSent, .streamDelta, .retry, .error, .interrupted, .stopped]

    /// A fork that keeps the parent's events up to sequence number `sequence`.
    ///
    /// The cut is moved forward to the end of the referee step containing that event (just before
    /// the next request), so the child never misses a message the referee had already composed,
    /// then any unanswered request is dropped.
    /// - Throws: ``TranscriptError/eventOutOfRange(index:count:)`` when no event has that number.
    public static func fork(
        _ parent: Transcript, through sequence: Int, models: [ModelRecord], programVersion: String
    ) throws(TranscriptError) -> TranscriptContinuation {
        guard let position = parent.events.firstIndex(where: { $0.sequence == sequence }) else {
            throw .eventOutOfRange(index: sequence, count: parent.events.count)
        }
        let nextRequest = parent.events[(position + 1)...].firstIndex { $0.kind == .requestSent }
        let kept = trimmed(Array(parent.events[..<(nextRequest ?? parent.events.endIndex)]))
        return TranscriptContinuation(
            header: childHeader(parent, keptThrough: kept.last?.sequence ?? -1, models: models,
                                programVersion: programVersion),
            kept: kept)
    }

    /// A resumed session: keeps every event of an interrupted transcript except the unanswered
    /// request and the interruption or failure that ended it.
    /// With `reopeningDecisions` (a chat), a dialogue that ended with a decision is continued too: the
    /// chat comes back to that decision (edits included), to accept, edit or refine it.
    /// - Throws: ``ResumeRefused`` when the parent's dialogue had already ended (with a decision,
    ///   unless `reopeningDecisions`).
    public static func resume(
        _ parent: Transcript, models: [ModelRecord], programVersion: String, reopeningDecisions: Bool = false
    ) throws(ResumeRefused) -> TranscriptContinuation {
        let stop = parent.events.last { $0.kind == .stopped }?.stopReason
        let resumable: [StopReason] = reopeningDecisions ? [.cancelled, .backendFailure, .decided, .fallback] : [.cancelled, .backendFailure]
        if let stop, !resumable.contains(stop) {
            throw ResumeRefused(path: parent.path, stopReason: stop)
        }
        let kept = trimmed(parent.events.filter { $0.kind != .outputWritten })
        return TranscriptContinuation(
            header: childHeader(parent, keptThrough: kept.last?.sequence ?? -1, models: models,
                                programVersion: programVersion),
            kept: kept)
    }

    private static func trimmed(_ events: [DialogueEvent]) -> [DialogueEvent] {
        var events = events
        while let last = events.last, leftovers.contains(last.kind) { events.removeLast() }
        return events
    }

    private static func childHeader(
        _ parent: Transcript, keptThrough sequence: Int, models: [ModelRecord], programVersion: String
    ) -> TranscriptHeader {
        var header = parent.header
        header.id = TranscriptHeader.newID()
        header.created = Date()
        header.programVersion = programVersion
        header.generator = nil
        header.models = models
        header.parent = ParentRecord(id: parent.header.id, path: parent.path, event: sequence)
        return header
    }
}

/// `run --resume` was given a transcript whose dialogue had already ended.
public struct ResumeRefused: UserFacingError, Equatable {
    public let path: String
    public let stopReason: StopReason

    public var message: String {
        "transcript \(path) already ended (\(stopReason.rawValue)); nothing to resume — "
            + "use 'blindsight replay \(path) --live-from K' to continue from an earlier event"
    }

    public var exitStatus: ExitStatus { .badInput }
}
