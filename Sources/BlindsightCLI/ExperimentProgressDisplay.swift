import BlindsightCore
import Experiments
import Foundation
import Synchronization

/// Progress on standard error: on a terminal a bar redrawn in place, every second and after every run
/// (elapsed time and ETA move while long dialogues run); otherwise a plain line every few seconds.
final class ProgressDisplay: Sendable {
    private struct State {
        var latest: ExperimentProgress?
        var at = ContinuousClock.now
        var lastLine = -1.0
    }

    private let terminal = isatty(STDERR_FILENO) == 1
    private let state = Mutex(State())

    /// Runs `operation` while redrawing the bar each second on a terminal.
    func showing<T: Sendable>(_ operation: () async throws -> T) async rethrows -> T {
        guard terminal else { return try await operation() }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if let current = current() { draw(current) }
            }
        }
        defer { ticker.cancel() }
        return try await operation()
    }

    /// Takes a new snapshot from the runner.
    func show(_ progress: ExperimentProgress) {
        let due = state.withLock { state -> Bool in
            state.latest = progress
            state.at = ContinuousClock.now
            guard !terminal, state.lastLine < 0 || progress.elapsedSeconds - state.lastLine >= 5 || progress.done == progress.total
            else { return false }
            state.lastLine = progress.elapsedSeconds
            return true
        }
        if terminal { draw(progress) } else if due { StandardError.write(progress.text()) }
    }

    /// Ends the bar's line.
    func finish(_ progress: ExperimentProgress) {
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K\(progress.text(barWidth: 24))\n".utf8)) }
    }

    /// The latest snapshot with its elapsed time brought up to now.
    private func current() -> ExperimentProgress? {
        state.withLock { state in
            guard var latest = state.latest, latest.done < latest.total else { return nil }
            let since = ContinuousClock.now - state.at
            latest.elapsedSeconds += since / .seconds(1)
            return latest
        }
    }

    private func draw(_ progress: ExperimentProgress) {
        FileHandle.standardError.write(Data("\r\u{1B}[K\(progress.text(barWidth: 24))".utf8))
    }
}
