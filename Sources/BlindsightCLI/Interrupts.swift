import BlindsightCore
import Dispatch
import Foundation
import Synchronization

/// Ctrl-C for long-running commands: the first Ctrl-C cancels the running operation's task (and with
/// it any HTTP transfer, which libcurl aborts at once); the operation then ends with
/// ``InterruptedError`` (exit status 130). A second Ctrl-C while it is still winding down exits
/// immediately. Outside such an operation Ctrl-C keeps its usual effect. In `chat`, a Ctrl-C at the
/// prompt ends the session the same way (``TerminalUser`` stops waiting for the line at once).
public enum Interrupts {
    /// Runs `operation`, cancelling it on Ctrl-C.
    public static func cancellingOnInterrupt<T: Sendable>(
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let task = Task { try await operation() }
        let presses = PressCounter()
        let previous = signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if presses.increment() == 1 {
                task.cancel()
            } else {
                exit(ExitStatus.interrupted.rawValue)
            }
        }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, previous)
        }
        do {
            let value = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
            if presses.count > 0 { throw InterruptedError() }
            return value
        } catch {
            if presses.count > 0 { throw InterruptedError() }
            throw error
        }
    }

    private final class PressCounter: Sendable {
        private let presses = Mutex(0)

        var count: Int { presses.withLock { $0 } }

        func increment() -> Int {
            presses.withLock { value in
                value += 1
                return value
            }
        }
    }
}
