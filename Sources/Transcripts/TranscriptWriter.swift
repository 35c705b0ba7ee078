#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dialogue
import Foundation
import Synchronization

/// Appends a transcript one JSON line at a time, so an interrupted run (Ctrl-C, `kill -9`, a full disk)
/// leaves every completed line readable.
///
/// Each line goes to the operating system with write(2) on an `O_APPEND` descriptor the moment its
/// event happens (the kernel keeps it even if the process is killed next); the file is fsync'd after
/// the header and at milestones (decision, outputs, errors, interruption, end). A failed write is cut
/// back off the file (ftruncate to the last complete line) and reported; earlier lines stay intact.
/// Every line passes through the ``SecretRedactor`` first. The file is never overwritten: creating a
/// transcript at an existing path fails.
public final class TranscriptWriter: DialogueObserver {
    /// Where the transcript is written.
    public let path: String
    /// The header written as the first line.
    public let header: TranscriptHeader

    private struct State {
        var descriptor: Int32
        var eventCount = 0
        var length: off_t = 0
        var failure: TranscriptError?
    }

    private let state: Mutex<State>
    private let redactor: SecretRedactor
    private let onFirstFailure: (@Sendable (TranscriptError) -> Void)?
    private let encoder = TranscriptCoding.encoder()

    /// Creates the file at `path` (and its folder) and writes `header` as its first line.
    /// `onFirstFailure` is told at once when an observed event cannot be appended (a command prints it).
    /// - Throws: ``TranscriptError/writeFailed(path:reason:)`` when the file exists or cannot be created.
    public init(
        creating path: String, header: TranscriptHeader, redactor: SecretRedactor = .fromEnvironment(),
        onFirstFailure: (@Sendable (TranscriptError) -> Void)? = nil
    ) throws(TranscriptError) {
        self.path = path
        self.header = header
        self.redactor = redactor
        self.onFirstFailure = onFirstFailure
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw .writeFailed(path: path, reason: "cannot create folder \(folder)")
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it already exists (transcripts are never overwritten)" : Self.lastError()
            throw .writeFailed(path: path, reason: reason)
        }
        state = Mutex(State(descriptor: descriptor))
        try writeLine(header, sync: true)
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { Glibc.close(state.descriptor) }
        }
    }

    /// How many event lines have been written.
    public var eventCount: Int { state.withLock { $0.eventCount } }

    /// The first append that failed, if any (the observer entry point cannot throw; the command
    /// reports this when the run ends).
    public var failure: TranscriptError? { state.withLock { $0.failure } }

    /// Appends `event` as one line (stream deltas are skipped, see ``EventLine``).
    public func append(_ event: DialogueEvent) throws(TranscriptError) {
        guard event.kind.isRecordedInTranscripts else { return }
        try writeLine(EventLine(event), sync: event.kind.isMilestone)
        state.withLock { $0.eventCount += 1 }
    }

    /// Records `event`; a failure is kept in ``failure`` (and passed to `onFirstFailure`). Lines written
    /// before the failure stay intact, and later events are still attempted (space may come back).
    public func record(_ event: DialogueEvent) async {
        do {
            try append(event)
        } catch {
            let first = state.withLock { state in
                defer { state.failure = state.failure ?? error }
                return state.failure == nil
            }
            if first { onFirstFailure?(error) }
        }
    }

    /// Flushes to disk and closes the file; later appends fail.
    public func close() {
        state.withLock { state in
            guard state.descriptor >= 0 else { return }
            fsync(state.descriptor)
            Glibc.close(state.descriptor)
            state.descriptor = -1
        }
    }

    private func writeLine(_ value: some Encodable, sync: Bool) throws(TranscriptError) {
        let json: Data
        do {
            json = try encoder.encode(value)
        } catch {
            throw .writeFailed(path: path, reason: "cannot encode the event: \(error)")
        }
        let line = Array((redactor.redact(String(decoding: json, as: UTF8.self)) + "\n").utf8)
        let failure: String? = state.withLock { state in
            guard state.descriptor >= 0 else { return "the transcript is closed" }
            if let reason = Self.writeAll(line, to: state.descriptor) {
                // Cut a partial line back off, so the file ends with a complete line.
                _ = ftruncate(state.descriptor, state.length)
                return reason
            }
            state.length += off_t(line.count)
            if sync { fsync(state.descriptor) }
            return nil
        }
        if let failure { throw .writeFailed(path: path, reason: failure) }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return lastError()
            }
            if written == 0 { return "no space left on device" }
            offset += written
        }
        return nil
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
