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
                == .giveUp(reason: "the server asked to wait 300 s, more than 120 s"))
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
