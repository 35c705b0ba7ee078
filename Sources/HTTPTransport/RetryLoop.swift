/// What one attempt of a retried request came to (see ``RetryPolicy/run(_:beforeRetry:failure:cancelled:)``).
public enum AttemptOutcome<Value: Sendable, Failure: Error>: Sendable {
    /// Done.
    case success(Value)
    /// Failed in a way another attempt may cure (a 5xx, a broken or cut stream); `serverWait` is the
    /// wait the server asked for, if any.
    case retryable(Failure, serverWait: Double?)
    /// Failed for good.
    case failure(Failure)
    /// Try again at once without counting a failure: the caller changed the request (for example a
    /// weaker structured-output mode after the server refused the stronger one).
    case again
}

extension RetryPolicy {
    /// Runs `attempt` (given its 1-based number) until it succeeds, fails for good, or this policy
    /// gives up; the one retry loop of Blindsight, shared by model and panoptic requests.
    ///
    /// - Parameters:
    ///   - beforeRetry: told before each further attempt, with its number and the failure that
    ///     caused it (after the wait), so a live display can say that partial output is discarded.
    ///   - failure: makes the error to throw from the last failure, the number of attempts made,
    ///     and, when retrying stopped before the attempts ran out, why.
    ///   - cancelled: the error to throw when the wait between attempts is cancelled.
    /// - Returns: the value and the number of attempts it took.
    public func run<Value: Sendable, Failure: Error>(
        _ attempt: (_ number: Int) async -> AttemptOutcome<Value, Failure>,
        beforeRetry: (_ number: Int, _ after: Failure) async -> Void = { _, _ in },
        failure: (_ last: Failure, _ attempts: Int, _ gaveUp: String?) -> Failure,
        cancelled: (_ attempts: Int) -> Failure
    ) async throws(Failure) -> (value: Value, attempts: Int) {
        let started = ContinuousClock.now
        var attempts = 0
        var failedAttempts = 0
        while true {
            attempts += 1
            switch await attempt(attempts) {
            case .success(let value):
                return (value, attempts)
            case .again:
                continue
            case .failure(let error):
                throw failure(error, attempts, nil)
            case .retryable(let error, let serverWait):
                failedAttempts += 1
                let elapsed = (ContinuousClock.now - started) / .seconds(1)
                switch decide(afterAttempt: failedAttempts, elapsed: elapsed, serverWait: serverWait) {
                case .retry(let wait):
                    do { try await sleep(wait) } catch { throw cancelled(attempts) }
                    await beforeRetry(attempts + 1, error)
                case .giveUp(let reason):
                    throw failure(error, attempts, failedAttempts < maxAttempts ? reason : nil)
                }
            }
        }
    }
}
