import Foundation
import Synchronization

/// Ctrl-C (SIGINT) delivered to a callback on a thread of its own, for as long as the listener runs.
///
/// The signal handler only writes one byte to a pipe (the one thing a handler may safely do); a
/// dedicated thread reads the pipe and calls `onPress`. A plain handler, rather than a dispatch
/// signal source, because libedit saves and restores the process's signal handlers around each
/// line it reads, and a handler survives that.
public final class InterruptListener: Sendable {
    private let onPress: @Sendable () -> Void
    private let running = Mutex(false)
    /// The SIGINT disposition before ``start()`` (for example the one `Interrupts` installed), put back by ``stop()``.
    private let previous = Mutex<(@convention(c) (Int32) -> Void)?>(nil)

    /// - Parameter onPress: called once per Ctrl-C, off the signal handler.
    public init(onPress: @escaping @Sendable () -> Void) {
        self.onPress = onPress
    }

    /// Installs the handler and starts listening.
    public func start() {
        let pipe = SignalPipe.shared
        guard pipe.reader >= 0 else { return }
        running.withLock { $0 = true }
        let before = signal(SIGINT, SignalPipe.handler)
        previous.withLock { $0 = before }
        Thread.detachNewThread { [self] in
            var byte: UInt8 = 0
            while read(pipe.reader, &byte, 1) == 1 {
                guard running.withLock({ $0 }) else { return }
                if byte == SignalPipe.pressed { onPress() }
            }
        }
    }

    /// Puts back what Ctrl-C did before ``start()`` and ends the listening thread.
    public func stop() {
        let wasRunning = running.withLock { state in
            defer { state = false }
            return state
        }
        guard wasRunning else { return }
        signal(SIGINT, previous.withLock { $0 } ?? SIG_DFL)
        var wake = SignalPipe.wake
        _ = write(SignalPipe.shared.writer, &wake, 1)
    }
}

/// The pipe between the SIGINT handler and the listening thread (made once, before any handler runs).
private struct SignalPipe: Sendable {
    static let pressed: UInt8 = 1
    static let wake: UInt8 = 0
    static let shared: SignalPipe = {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return SignalPipe(reader: -1, writer: -1) }
        return SignalPipe(reader: descriptors[0], writer: descriptors[1])
    }()

    let reader: Int32
    let writer: Int32

    static let handler: @convention(c) (Int32) -> Void = { _ in
        var byte = SignalPipe.pressed
        _ = write(SignalPipe.shared.writer, &byte, 1)
    }
}
