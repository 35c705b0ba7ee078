import BlindsightCore
import Foundation
import HTTPTransport

/// One chat request carried through to a complete reply over any ``ChatWire``: structured-output
/// fallback, retries with backoff, streaming with reasoning split off, and the final completion.
struct ChatExchange<Wire: ChatWire>: Sendable {
    let wire: Wire
    /// Safe description of the server and model, for messages.
    let endpoint: String
    let baseURL: String
    let model: String
    let policy: RetryPolicy
    let client: HTTPClient
    let memory: StructuredOutputMemory
    let startsInReasoning: Bool
    let structuredOutput: Bool
    /// Removed from any server text (reply, reasoning, error) before it goes further.
    let secrets: Secrets

    private typealias Outcome = AttemptOutcome<ChatCompletion, ModelServiceError>

    /// Runs the exchange, handing each delta (and each restart) to `emit`; returns the completion.
    ///
    /// A failure that another attempt may cure is retried from the start within the retry policy,
    /// also after text has streamed: a stream cut short, an error reported mid-stream, a stall. The
    /// partial reply is then discarded, and `emit` gets ``ChatStreamEvent/restarted(attempt:reason:)``
    /// first so a live display can say so.
    func run(_ request: ChatRequest, emit: (ChatStreamEvent) -> Void) async throws(ModelServiceError) -> ChatCompletion {
        let started = ContinuousClock.now
        var mode: StructuredOutputMode =
            request.responseSchema != nil && structuredOutput ? memory.mode(baseURL: baseURL, model: model) : .none
        let (completion, attempts) = try await policy.run { _ in
            let outcome = await attempt(request, mode: mode, started: started, emit: emit)
            if case .again = outcome {
                mode = mode.weaker ?? .none
                memory.remember(mode, baseURL: baseURL, model: model)
            }
            return outcome
        } beforeRetry: { number, error in
            emit(.restarted(attempt: number, reason: error.detail))
        } failure: { last, attempts, gaveUp in
            guard let gaveUp else { return ModelServiceError(last.kind, endpoint: endpoint, detail: last.detail, attempts: attempts) }
            return ModelServiceError(.gaveUp, endpoint: endpoint, detail: "\(gaveUp); last error: \(last.message)", attempts: attempts)
        } cancelled: { attempts in
            ModelServiceError(.transport(.cancelled), endpoint: endpoint, detail: "cancelled", attempts: attempts)
        }
        var result = completion
        result.attempts = attempts
        return result
    }

    /// One attempt: `.again` when the server refused the structured-output mode.
    private func attempt(
        _ request: ChatRequest, mode: StructuredOutputMode, started: ContinuousClock.Instant, emit: (ChatStreamEvent) -> Void
    ) async -> Outcome {
        let response: HTTPStreamingResponse
        do {
            response = try await client.stream(wire.httpRequest(for: request, mode: mode))
        } catch {
            return transportFailure(error, afterOutput: false)
        }
        guard response.isSuccess else { return await refusal(response, mode: mode) }
        if response.headers["content-type"]?.lowercased().hasPrefix("text/html") == true {
            return .failure(failure(
                .badResponse,
                "it answered with a web page instead of a chat stream; check the base URL "
                    + "(OpenAI-compatible APIs usually end in /v1, Ollama's does not)"))
        }
        var assembler = ReplyAssembler(startsInReasoning: startsInReasoning, started: started)
        var decoder = RedactingReplyDecoder(wire.makeDecoder(), secrets: secrets)
        var watch = ProgressWatch(idle: wire.timeouts.idle)
        func handle(_ events: [WireEvent]) -> Outcome? {
            for event in events {
                switch event {
                // The decoder has already redacted these (RedactingReplyDecoder).
                case .error(let text): return .retryable(failure(.streamError, text), serverWait: nil)
                case .unreadable(let text): return .failure(failure(.badResponse, text))
                default: if let delta = assembler.apply(event) { emit(.delta(delta)) }
                }
            }
            return nil
        }
        do {
            for try await chunk in response.body {
                let before = decoder.eventCount
                if let stop = handle(decoder.feed(chunk)) { return stop }
                if let silence = watch.check(progressed: decoder.eventCount > before) {
                    let error = HTTPError.limitExceeded(
                        .idleStall, url: response.displayURL,
                        limit: "no reply event for \(LimitText.seconds(silence)) s, only keep-alive comments or blank lines",
                        advice: wire.limits.advice.idle)
                    let kind: ModelServiceError.Kind = assembler.receivedCharacters > 0 ? .streamCut : .transport(.idleStall)
                    return .retryable(failure(kind, error.message), serverWait: nil)
                }
            }
        } catch let error as HTTPError {
            return transportFailure(error, afterOutput: assembler.receivedCharacters > 0)
        } catch {
            return .failure(failure(.badResponse, "\(error)"))
        }
        if Task.isCancelled { return .failure(failure(.transport(.cancelled), "cancelled")) }
        if let stop = handle(decoder.finish()) { return stop }
        guard assembler.ended else {
            let cut = failure(.streamCut, "the stream stopped after \(assembler.receivedCharacters) characters without its end marker")
            return .retryable(cut, serverWait: nil)
        }
        return .success(assembler.completion(attempts: 1))
    }

    /// Classifies an HTTP error status: structured output refused, worth retrying, or final.
    private func refusal(_ response: HTTPStreamingResponse, mode: StructuredOutputMode) async -> Outcome {
        let body: Data
        do {
            body = try await response.collect().body
        } catch {
            return transportFailure(error, afterOutput: false)
        }
        let text = redact(WireJSON.errorMessage(body: body))
        let error = failure(.httpStatus(response.status), text)
        if mode != .none, (400..<500).contains(response.status), response.status != 429, wire.rejectsStructuredOutput(text) {
            return .again
        }
        if policy.isRetryable(status: response.status, headers: response.headers) {
            return .retryable(error, serverWait: RetryPolicy.serverWait(response.headers))
        }
        return .failure(error)
    }

    /// A transfer failure: retried when transient (a stream that broke or stalled after some text
    /// counts as cut); limits broken and other failures are final.
    private func transportFailure(_ error: HTTPError, afterOutput: Bool) -> Outcome {
        guard error.isTransient else { return .failure(failure(.transport(error.code), error.message)) }
        let kind: ModelServiceError.Kind = afterOutput ? .streamCut : .transport(error.code)
        return .retryable(failure(kind, error.message), serverWait: nil)
    }

    private func failure(_ kind: ModelServiceError.Kind, _ detail: String) -> ModelServiceError {
        ModelServiceError(kind, endpoint: endpoint, detail: detail)
    }

    private func redact(_ text: String) -> String { secrets.redact(text) }
}

/// Time since a stream last carried a real event (an SSE event with data, an NDJSON line): SSE
/// `: keep-alive` comments and blank lines keep the connection busy but are not progress.
struct ProgressWatch {
    let idle: Double?
    private var lastEvent = ContinuousClock.now

    init(idle: Double?) { self.idle = idle }

    /// After a chunk: the silence in seconds when it has passed the idle limit, else nil.
    mutating func check(progressed: Bool) -> Double? {
        if progressed { lastEvent = .now }
        guard let idle else { return nil }
        let silence = (ContinuousClock.now - lastEvent) / .seconds(1)
        return silence > idle ? idle : nil
    }
}
