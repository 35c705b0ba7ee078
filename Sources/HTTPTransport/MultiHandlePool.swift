import CCurl
import Foundation
import Synchronization

/// A multi handle pointer. Shared with ``CurlTransfer/cancel()`` only for `curl_multi_wakeup`, which
/// libcurl documents as callable from any thread; otherwise used by one transfer thread at a time.
struct MultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
}

/// Idle multi handles by the server they last talked to. Each keeps its own connection cache, so a
/// later transfer to the same server reuses the kept-alive connection (and TLS session) instead of
/// connecting again.
final class MultiHandlePool: Sendable {
    static let shared = MultiHandlePool()

    private struct Idle {
        var origin: String
        var handle: MultiHandle
        var since: ContinuousClock.Instant
    }

    private let idle = Mutex<[Idle]>([])
    /// Idle handles kept per server, and how long an idle handle (with its connections) is kept.
    private let perOrigin = 2
    private let maxIdle = Duration.seconds(120)

    /// The handle most recently used with `origin`, or a new one.
    func take(for origin: String) -> MultiHandle? {
        let reused = idle.withLock { idle -> MultiHandle? in
            guard let index = idle.lastIndex(where: { $0.origin == origin }) else { return nil }
            return idle.remove(at: index).handle
        }
        return reused ?? curl_multi_init().map(MultiHandle.init)
    }

    /// Returns a handle no transfer uses any more. Handles idle for long, and the oldest beyond a
    /// few per server, are closed with their connections.
    func give(_ handle: MultiHandle, origin: String) {
        let now = ContinuousClock.now
        let closed = idle.withLock { idle -> [MultiHandle] in
            idle.append(Idle(origin: origin, handle: handle, since: now))
            var closed = idle.filter { now - $0.since > maxIdle }.map(\.handle)
            idle.removeAll { now - $0.since > maxIdle }
            if let oldest = idle.firstIndex(where: { $0.origin == origin }),
                idle.count(where: { $0.origin == origin }) > perOrigin
            {
                closed.append(idle.remove(at: oldest).handle)
            }
            return closed
        }
        for handle in closed { Curl.release(handle.pointer) }
    }

    /// Scheme, host and port of `url`: what a kept-alive connection is good for.
    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        return "\(components.scheme ?? "")://\(components.host ?? ""):\(components.port.map(String.init) ?? "")"
    }
}
