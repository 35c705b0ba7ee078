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

    private enum Outcome {
        case completed(ChatCompletion)
        case structuredOutputRejected
        case retryable(ModelServiceError, serverWait: Double?)
        case failed(ModelServiceError)
    }

    /// Runs the exchange, handing each delta to `emit`; returns the completion.
    func run(_ request: ChatRequest, emit: (ChatDelta) -> Void) async throws(ModelServiceError) -> ChatCompletion {
        let started = ContinuousClock.now
        var mode: StructuredOutputMode =
            request.responseSchema != nil && structuredOutput ? memory.mode(baseURL: baseURL, model: model) : .none
        var attempts = 0
        var failedAttempts = 0
        while true {
            attempts += 1
            switch await attempt(request, mode: mode, started: started, emit: emit) {
            case .completed(let completion):
                var result = completion
                result.attempts = attempts
                return result
            case .structuredOutputRejected:
                mode = mode.weaker ?? .none
                memory.remember(mode, baseURL: baseURL, model: model)
            case .failed(let error):
                throw ModelServiceError(error.kind, endpoint: endpoint, detail: error.detail, attempts: attempts)
            case .retryable(let error, let serverWait):
                failedAttempts += 1
                let elapsed = seconds(.now - started)
                switch policy.decide(afterAttempt: failedAttempts, elapsed: elapsed, serverWait: serverWait) {
                case .retry(let wait):
                    do { try await policy.sleep(wait) } catch {
                        throw ModelServiceError(.transport(.cancelled), endpoint: endpoint, detail: "cancelled", attempts: attempts)
                    }
                case .giveUp(let reason) where failedAttempts < policy.maxAttempts:
                    throw ModelServiceError(.gaveUp, endpoint: endpoint, detail: "\(reason); last error: \(error.message)", attempts: attempts)
                case .giveUp:
                    throw ModelServiceError(error.kind, endpoint: endpoint, detail: error.detail, attempts: attempts)
                }
            }
        }
    }

    private func attempt(
        _ request: ChatRequest, mode: StructuredOutputMode, started: ContinuousClock.Instant, emit: (ChatDelta) -> Void
    ) async -> Outcome {
        let response: HTTPStreamingResponse
        do {
            response = try await client.stream(wire.httpRequest(for: request, mode: mode))
        } catch {
            return transportFailure(error, afterOutput: false)
        }
        guard response.isSuccess else { return await refusal(response, mode: mode) }
        if response.headers["content-type"]?.lowercased().hasPrefix("text/html") == true {
            return .failed(failure(
                .badResponse,
                "it answered with a web page instead of a chat stream; check the base URL "
                    + "(OpenAI-compatible APIs usually end in /v1, Ollama's does not)"))
        }
        var assembler = ReplyAssembler(startsInReasoning: startsInReasoning, started: started)
        var decoder = RedactingReplyDecoder(wire.makeDecoder(), secrets: secrets)
        func handle(_ events: [WireEvent]) -> Outcome? {
            for event in events {
                switch event {
                case .error(let text): return .failed(failure(.streamError, redact(text)))
                case .unreadable(let text): return .failed(failure(.badResponse, redact(text)))
                default: if let delta = assembler.apply(event) { emit(delta) }
                }
            }
            return nil
        }
        do {
            for try await chunk in response.body {
                if let stop = handle(decoder.feed(chunk)) { return stop }
            }
        } catch let error as HTTPError {
            return transportFailure(error, afterOutput: assembler.hasYielded)
        } catch {
            return .failed(failure(.badResponse, "\(error)"))
        }
        if Task.isCancelled { return .failed(failure(.transport(.cancelled), "cancelled")) }
        if let stop = handle(decoder.finish()) { return stop }
        guard assembler.ended else {
            let cut = failure(.streamCut, "the stream stopped after \(assembler.receivedCharacters) characters without its end marker")
            return assembler.hasYielded ? .failed(cut) : .retryable(cut, serverWait: nil)
        }
        return .completed(assembler.completion(attempts: 1))
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
            return .structuredOutputRejected
        }
        if policy.isRetryable(status: response.status, headers: response.headers) {
            return .retryable(error, serverWait: RetryPolicy.serverWait(response.headers))
        }
        return .failed(error)
    }

    private func transportFailure(_ error: HTTPError, afterOutput: Bool) -> Outcome {
        let failure = failure(.transport(error.code), error.message)
        if error.isTransient, !afterOutput { return .retryable(failure, serverWait: nil) }
        if afterOutput, error.code == .idleStall || error.code == .connectionLost {
            return .failed(self.failure(.streamCut, error.message))
        }
        return .failed(failure)
    }

    private func failure(_ kind: ModelServiceError.Kind, _ detail: String) -> ModelServiceError {
        ModelServiceError(kind, endpoint: endpoint, detail: detail)
    }

    private func redact(_ text: String) -> String { secrets.redact(text) }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
