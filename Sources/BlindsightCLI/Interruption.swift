import Dispatch
import Foundation
import Synchronization

/// Ctrl-C handling for long commands: the first SIGINT cancels the work (so it can record the
/// interruption and end cleanly), a second one ends the process at once with status 130.
enum Interruption {
    /// Runs `body` in a task that SIGINT cancels; the default SIGINT behaviour returns afterwards.
    static func cancellingOnSIGINT<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        let presses = Atomic<Int>(0)
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if presses.add(1, ordering: .relaxed).newValue > 1 { exit(130) }
            task.cancel()
        }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
        return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }
}
