import Foundation

/// When and how long to wait before trying a failed request again.
///
/// Defaults follow openai-python: retry 408, 409, 429, 500, 502, 503, 504 and connection failures;
/// wait what the server asks (`retry-after-ms`, else `Retry-After` in seconds or as an HTTP date),
/// giving up when it asks for more than ``maxRetryAfter``; otherwise back off exponentially
/// (`initialBackoff · 2ⁿ`, at most ``maxBackoff``) times a 0.75–1.0 jitter. At most ``maxAttempts``
/// attempts within ``maxTotalTime`` seconds. Model requests and panoptic requests share it (see
/// ``run(_:beforeRetry:failure:cancelled:)``).
///
/// Every number a server sends is read saturating: `1e19`, `inf`, `1e30` ms or a date centuries
/// away become ``longestServerWait`` (and so exceed ``maxRetryAfter``: retrying stops at once),
/// negative values 0, `nan` and other unreadable values are ignored.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var initialBackoff: Double
    public var maxBackoff: Double
    /// The longest server-requested wait that is honoured; a longer request ends the retries.
    public var maxRetryAfter: Double
    /// No retry starts when it would end later than this many seconds after the first attempt.
    public var maxTotalTime: Double
    public var retryableStatuses: Set<Int>
    /// Waits the given seconds (tests inject a recording, faster sleep).
    public var sleep: @Sendable (Double) async throws -> Void
    /// A factor in 0.75...1.0 applied to computed backoffs.
    public var jitter: @Sendable () -> Double

    public init(
        maxAttempts: Int = 3, initialBackoff: Double = 0.5, maxBackoff: Double = 8, maxRetryAfter: Double = 120,
        maxTotalTime: Double = 600, retryableStatuses: Set<Int> = [408, 409, 429, 500, 502, 503, 504],
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.75...1.0) }
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
        self.maxTotalTime = maxTotalTime
        self.retryableStatuses = retryableStatuses
        self.sleep = sleep
        self.jitter = jitter
    }

    /// The default policy.
    public static let standard = RetryPolicy()

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Equatable {
        case retry(after: Double)
        case giveUp(reason: String)
    }

    /// Whether an HTTP status is worth retrying; an `x-should-retry` header overrides.
    public func isRetryable(status: Int, headers: HTTPHeaders) -> Bool {
        switch headers["x-should-retry"]?.lowercased() {
        case "true": return true
        case "false": return false
        default: return retryableStatuses.contains(status)
        }
    }

    /// The longest wait a server's headers can name; anything longer (or infinite) reads as this.
    public static let longestServerWait: Double = 1_000_000_000

    /// Decides after failed attempt number `attempt` (1-based), `elapsed` seconds into the request,
    /// with the server's requested wait, if any.
    public func decide(afterAttempt attempt: Int, elapsed: Double, serverWait: Double?) -> Decision {
        if attempt >= maxAttempts { return .giveUp(reason: "no attempts left") }
        let wait: Double
        if let serverWait = serverWait.flatMap(Self.saturatedWait) {
            if serverWait > maxRetryAfter {
                return .giveUp(
                    reason: "the server asked to wait \(LimitText.seconds(serverWait)) s, more than the \(LimitText.seconds(maxRetryAfter)) s "
                        + "allowed (retry.max_retry_after)")
            }
            wait = serverWait
        } else {
            wait = min(initialBackoff * pow(2, Double(attempt - 1)), maxBackoff) * jitter()
        }
        if elapsed + wait > maxTotalTime { return .giveUp(reason: "retrying would pass the \(LimitText.seconds(maxTotalTime)) s limit") }
        return .retry(after: wait)
    }

    /// The wait a response asks for: `retry-after-ms` (milliseconds), else `Retry-After` as seconds
    /// (fractions allowed) or an HTTP date. Nil when absent or unreadable.
    public static func serverWait(_ headers: HTTPHeaders, now: Date = Date()) -> Double? {
        if let text = headers["retry-after-ms"], let milliseconds = Double(text.trimmingCharacters(in: .whitespaces)),
            let wait = saturatedWait(milliseconds / 1000)
        {
            return wait
        }
        guard let text = headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(text) { return saturatedWait(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return saturatedWait(date.timeIntervalSince(now))
    }

    /// `seconds` within `0...longestServerWait`; nil for `nan`.
    static func saturatedWait(_ seconds: Double) -> Double? {
        seconds.isNaN ? nil : min(max(0, seconds), longestServerWait)
    }
}
