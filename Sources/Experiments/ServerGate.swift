import Foundation
import HTTPTransport
import ModelClients

/// Holds back every request to one model server while it has asked to be left alone: when any request
/// to it is retried after a 429 (or another retryable failure), the wait the shared ``RetryPolicy``
/// chose applies to all the experiment's requests to that server, and to no other server.
public actor ServerGate {
    private var closedUntil: ContinuousClock.Instant?
    public init() {}

    /// Closes the gate for `seconds` from now (a later reopening wins over an earlier one).
    public func backOff(seconds: Double) {
        let until = ContinuousClock.now.advanced(by: .milliseconds(Int64((max(0, seconds) * 1000).rounded())))
        if let closedUntil, closedUntil > until { return }
        closedUntil = until
    }

    /// Whether requests may go now.
    public var isOpen: Bool { closedUntil.map { $0 <= ContinuousClock.now } ?? true }

    /// Returns when the gate is open.
    public func waitUntilOpen() async throws {
        while let until = closedUntil, until > ContinuousClock.now {
            try await Task.sleep(until: until, clock: .continuous)
        }
    }

    /// `policy` with its waits routed through this gate.
    public nonisolated func gating(_ policy: RetryPolicy) -> RetryPolicy {
        var gated = policy
        gated.sleep = { [self] seconds in
            await backOff(seconds: seconds)
            try await waitUntilOpen()
        }
        return gated
    }
}

/// A backend whose every request first waits at its server's gate.
struct GatedBackend: ChatBackend {
    let backend: any ChatBackend
    let gate: ServerGate

    var descriptor: ModelDescriptor { backend.descriptor }

    func chat(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await gate.waitUntilOpen()
                    for try await event in backend.chat(request) { continuation.yield(event) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// The experiment's backends: one per model, shared by all runs, each behind its server's gate.
public struct BackendPool: Sendable {
    private let backends: [String: GatedBackend]

    /// Makes a backend for each model spec in `specs` (baseline excluded) from `config`.
    /// - Throws: the configuration's error for an unknown provider or a failing key command.
    public init(specs: [String], config: BlindsightConfig) throws {
        var gates: [String: ServerGate] = [:]
        var backends: [String: GatedBackend] = [:]
        let models = try Set(specs).filter { $0 != Configuration.baseline }.map { ($0, try ModelSpec(parsing: $0)) }
        var config = config
        try config.prepare(for: models.map(\.1))  // key commands run once; their secrets are redacted everywhere
        for (text, spec) in models {
            let url = try config.provider(for: spec).baseURL.value
            let gate = gates[url] ?? ServerGate()
            gates[url] = gate
            let backend = try BackendFactory.makeBackend(for: spec, config: config, retry: gate.gating(config.retryPolicy))
            backends[text] = GatedBackend(backend: backend, gate: gate)
        }
        self.backends = backends
    }

    /// The backend of `spec`, nil for baseline.
    public func backend(_ spec: String) -> (any ChatBackend)? { backends[spec] }

    /// The gate of the server `spec` is reached at, nil for baseline.
    public func gate(_ spec: String) -> ServerGate? { backends[spec]?.gate }
}
