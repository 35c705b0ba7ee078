import Dialogue
import Foundation

/// Plays recorded events to an observer (the terminal renderer), instantly or paced by their
/// recorded times divided by `speed`. A pause longer than ``longestPause`` (a model thinking for
/// minutes) is shortened to it, so a paced replay never stalls.
public enum TranscriptPlayer {
    /// The longest wait between two events, in recorded seconds (before dividing by the speed).
    public static let longestPause: Double = 10

    /// Delivers `events` to `observer` in order. With `speed` nil the replay is instant.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    public static func play(
        _ events: [DialogueEvent], speed: Double?, to observer: some DialogueObserver
    ) async throws {
        var previous: Date?
        for event in events {
            if let speed, speed > 0, let previous {
                let gap = min(max(event.timestamp.timeIntervalSince(previous), 0), longestPause) / speed
                if gap > 0 { try await Task.sleep(nanoseconds: UInt64(gap * 1_000_000_000)) }
            }
            previous = event.timestamp
            await observer.record(event)
        }
    }
}
