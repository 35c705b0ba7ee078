import Foundation
import HTTPTransport
import ModelClients
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 4, jitter: { 1.0 })

    @Test("exponential backoff, capped, when the server names no wait")
    func backoff() {
        #expect(policy.decide(afterAttempt: 1, elapsed: 0, serverWait: nil) == .retry(after: 0.5))
        #expect(policy.decide(afterAttempt: 2, elapsed: 0, serverWait: nil) == .retry(after: 1.0))
        var capped = policy
        capped.maxAttempts = 10
        #expect(capped.decide(afterAttempt: 8, elapsed: 0, serverWait: nil) == .retry(after: 8))
        let jittered = RetryPolicy(jitter: { 0.75 })
        #expect(jittered.decide(afterAttempt: 1, elapsed: 0, serverWait: nil) == .retry(after: 0.375))
    }

    @Test("server waits are honoured up to the maximum; attempts and total time are bounded")
    func limits() {
        #expect(policy.decide(afterAttempt: 1, elapsed: 0, serverWait: 7) == .retry(after: 7))
        #expect(
            policy.decide(afterAttempt: 1, elapsed: 0, serverWait: 300)
                == .giveUp(reason: "the server asked to wait 300 s, more than the 120 s allowed (retry.max_retry_after)"))
        #expect(policy.decide(afterAttempt: 4, elapsed: 0, serverWait: nil) == .giveUp(reason: "no attempts left"))
        #expect(
            policy.decide(afterAttempt: 1, elapsed: 599.9, serverWait: 1)
                == .giveUp(reason: "retrying would pass the 600 s limit"))
    }

    @Test("Retry-After in seconds, as an HTTP date, and retry-after-ms")
    func serverWaitParsing() {
        #expect(RetryPolicy.serverWait(HTTPHeaders([("Retry-After", "2")])) == 2)
        #expect(RetryPolicy.serverWait(HTTPHeaders([("retry-after", "1.5")])) == 1.5)
        #expect(RetryPolicy.serverWait(HTTPHeaders([("retry-after-ms", "250"), ("Retry-After", "9")])) == 0.25)
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        #expect(RetryPolicy.serverWait(HTTPHeaders([("Retry-After", "Tue, 14 Nov 2023 22:13:50 GMT")]), now: now) == 30)
        #expect(RetryPolicy.serverWait(HTTPHeaders([("Retry-After", "soon")])) == nil)
        #expect(RetryPolicy.serverWait(HTTPHeaders()) == nil)
    }

    @Test("hostile waits saturate instead of trapping: huge and infinite ones end the retries, nan is ignored, negatives are 0",
          arguments: [
              ("Retry-After", "1e19", RetryPolicy.longestServerWait), ("Retry-After", "inf", RetryPolicy.longestServerWait),
              ("Retry-After", "1e30", RetryPolicy.longestServerWait), ("retry-after-ms", "1e30", RetryPolicy.longestServerWait),
              ("Retry-After", "-1", 0), ("retry-after-ms", "-5000", 0),
              ("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT", RetryPolicy.longestServerWait),
              ("Retry-After", "Mon, 01 Jan 1900 00:00:00 GMT", 0),
          ])
    func hostileServerWaits(header: String, value: String, expected: Double) {
        let wait = RetryPolicy.serverWait(HTTPHeaders([(header, value)]))
        #expect(wait == expected)
        let decision = policy.decide(afterAttempt: 1, elapsed: 0, serverWait: wait)
        if expected > policy.maxRetryAfter {
            #expect(decision == .giveUp(reason: "the server asked to wait 1000000000 s, more than the 120 s allowed (retry.max_retry_after)"))
        } else {
            #expect(decision == .retry(after: 0))
        }
    }

    @Test("nan is no wait at all: the policy backs off as if none was named")
    func nanWait() {
        #expect(RetryPolicy.serverWait(HTTPHeaders([("Retry-After", "nan")])) == nil)
        #expect(RetryPolicy.serverWait(HTTPHeaders([("retry-after-ms", "nan"), ("Retry-After", "3")])) == 3)
        #expect(policy.decide(afterAttempt: 1, elapsed: 0, serverWait: .nan) == .retry(after: 0.5))
        #expect(policy.decide(afterAttempt: 1, elapsed: 0, serverWait: -.infinity) == .retry(after: 0))
    }

    @Test("retryable statuses, with x-should-retry overriding")
    func retryableStatuses() {
        for status in [408, 409, 429, 500, 502, 503, 504] {
            #expect(policy.isRetryable(status: status, headers: HTTPHeaders()))
        }
        for status in [400, 401, 403, 404, 422] {
            #expect(!policy.isRetryable(status: status, headers: HTTPHeaders()))
        }
        #expect(!policy.isRetryable(status: 503, headers: HTTPHeaders([("x-should-retry", "false")])))
        #expect(policy.isRetryable(status: 400, headers: HTTPHeaders([("X-Should-Retry", "true")])))
    }
}
