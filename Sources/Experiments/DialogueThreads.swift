import Dispatch
import Foundation
import Synchronization

/// Threads of their own for the experiment's dialogues. A dialogue makes blocking calls (a transcript
/// line is fsync'd at each milestone, outputs are staged and fsync'd before they are published); on the
/// shared cooperative pool, with one thread per core, those calls would stall every other dialogue and
/// every network client. With this executor as their preference, the runner's tasks run on one of
/// `count` threads each, so a blocked dialogue blocks only itself.
final class DialogueThreads: TaskExecutor, Sendable {
    private struct Queue {
        var jobs: [UnownedJob] = []
        var stopping = false
    }

    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    private let count: Int

    /// Starts `count` threads, which wait for work until ``shutDown()``.
    init(count: Int) {
        self.count = max(1, count)
        for index in 0..<self.count {
            let thread = Thread { [self] in work() }
            thread.name = "blindsight-experiment-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.jobs.append(job) }
        available.signal()
    }

    /// Lets every thread finish once the queued work is done.
    func shutDown() {
        queue.withLock { $0.stopping = true }
        for _ in 0..<count { available.signal() }
    }

    private func work() {
        while true {
            available.wait()
            let next = queue.withLock { state -> UnownedJob?? in
                if !state.jobs.isEmpty { return state.jobs.removeFirst() }
                return state.stopping ? .some(nil) : nil
            }
            switch next {
            case .some(.some(let job)): job.runSynchronously(on: asUnownedTaskExecutor())
            case .some(.none): return
            case .none: continue
            }
        }
    }
}
