import BlindsightCore
import Foundation
import ModelClients

/// Drives a ``Referee`` with real backends: sends its requests, streams the replies as events,
/// feeds the replies back, and delivers every event to the observers in order.
///
/// The reasoner gets text only (the referee's messages never carry images); the seer gets the image
/// with every question and, when the rules have marks on, the Set-of-Mark overlay too. A backend
/// error ends the run with `backendFailure`, task cancellation with `cancelled`; both are recorded
/// as events before ``run(_:resumingFrom:)`` returns.
public struct DialogueEngine: Sendable {
    /// An image sent to the seer, with its recorded reference (digest, not bytes).
    public struct SeerAttachment: Sendable {
        public var attachment: ImageAttachment
        public var reference: ImageReference

        /// Wraps encoded bytes; `purpose` is "image" or "marks".
        public init(_ attachment: ImageAttachment, purpose: String) {
            self.attachment = attachment
            self.reference = ImageReference(
                sha256: SHA256.hex(attachment.data), mimeType: attachment.mimeType,
                byteCount: attachment.data.count, purpose: purpose)
        }
    }

    /// Sampling settings for one role's requests.
    public struct Sampling: Sendable, Hashable {
        public var temperature: Double?
        public var seed: Int?
        public var maxTokens: Int?

        public init(temperature: Double? = nil, seed: Int? = nil, maxTokens: Int? = nil) {
            self.temperature = temperature
            self.seed = seed
            self.maxTokens = maxTokens
        }
    }

    /// The reasoner; nil runs the baseline policy alone.
    public var reasoner: (any ChatBackend)?
    public var seer: (any ChatBackend)?
    /// The photo, then (when marks are on) the overlay.
    public var seerImages: [SeerAttachment]
    public var reasonerSampling: Sampling
    public var seerSampling: Sampling
    public var observers: [any DialogueObserver]
    /// The person at the terminal in a chat, asked before every reasoner turn; nil for `run`.
    public var user: (any DialogueUser)?

    public init(
        reasoner: (any ChatBackend)?, seer: (any ChatBackend)?, seerImages: [SeerAttachment],
        reasonerSampling: Sampling = Sampling(), seerSampling: Sampling = Sampling(),
        observers: [any DialogueObserver] = [], user: (any DialogueUser)? = nil
    ) {
        self.user = user
        self.reasoner = reasoner
        self.seer = seer
        self.seerImages = seerImages
        self.reasonerSampling = reasonerSampling
        self.seerSampling = seerSampling
        self.observers = observers
    }

    /// How a run ended, with the failure that ended it, if any.
    public struct Result: Sendable {
        public var outcome: DialogueOutcome
        /// The backend's own error for `backendFailure` (its message and exit status are the ones to show).
        public var failure: (any UserFacingError)?
        /// The referee as it ended (for inspection and forks).
        public var referee: Referee
        /// The sequence number the next event of this run gets.
        public var nextSequence: Int
    }

    /// Runs the dialogue to its end. `referee` must be fresh; `recorded` events (a transcript's
    /// prefix) are replayed into it first, and the run continues from there without emitting them again.
    /// - Throws: ``RefereeReplayError`` when `recorded` does not fit the referee.
    public func run(_ referee: Referee, resumingFrom recorded: [DialogueEvent] = []) async throws -> Result {
        var referee = referee
        var emitter = Emitter(observers: observers, next: (recorded.map(\.sequence).max() ?? -1) + 1)
        var failure: (any UserFacingError)?
        var userConsulted = false
        var step: Referee.Step
        if !recorded.isEmpty {
            step = try referee.replay(recorded)
            step.events = []
        } else if reasoner == nil {
            step = referee.decideWithBaseline()
        } else {
            step = referee.start()
        }
        while true {
            await emitter.emit(step.events)
            if case .finish(let outcome) = step.action {
                return Result(outcome: outcome, failure: failure, referee: referee, nextSequence: emitter.next)
            }
            if Task.isCancelled {
                step = referee.cancelled()
                continue
            }
            let role: DialogueEvent.Role
            let outcome: Swift.Result<ModelReply, any Error>
            switch step.action {
            case .askReasoner(let prompt):
                if let user, !userConsulted {
                    userConsulted = true
                    switch await user.turn(beforeRound: prompt.round) {
                    case .goOn: break
                    case .note(let text):
                        step = referee.userSaid(text)
                        continue
                    case .stop:
                        step = referee.cancelled()
                        continue
                    }
                }
                role = .reasoner
                let request = ChatRequest(
                    messages: prompt.messages, temperature: reasonerSampling.temperature, seed: reasonerSampling.seed,
                    maxTokens: reasonerSampling.maxTokens, responseSchema: prompt.responseSchema,
                    responseSchemaName: "reasoner_turn")
                outcome = await exchange(request, images: [], with: reasoner, role: role, round: prompt.round, &emitter)
            case .askSeer(let prompt):
                role = .seer
                var messages = prompt.messages
                if let last = messages.indices.last { messages[last].images = seerImages.map(\.attachment) }
                let request = ChatRequest(
                    messages: messages, temperature: seerSampling.temperature, seed: seerSampling.seed,
                    maxTokens: seerSampling.maxTokens)
                outcome = await exchange(
                    request, images: seerImages.map(\.reference), with: seer, role: role, round: prompt.round, &emitter)
            case .finish: continue
            }
            userConsulted = false
            switch outcome {
            case .success(let reply):
                step = role == .reasoner ? referee.reasonerReplied(reply) : referee.seerAnswered(reply)
            case .failure(let error) where error is CancellationError || Task.isCancelled:
                step = referee.cancelled()
            case .failure(let error):
                let userFacing = (error as? any UserFacingError) ?? DialogueError.backend(role: role, error: error)
                failure = userFacing
                step = referee.failed(role: role, message: userFacing.message, exitStatus: userFacing.exitStatus)
            }
        }
    }

    /// Records files written after the dialogue (`outputWritten` events, numbered after the run's last event).
    public func recordOutputs(_ files: [OutputFile], after result: inout Result) async {
        var emitter = Emitter(observers: observers, next: result.nextSequence)
        await emitter.emit(files.map { file in
            DialogueEvent(
                kind: .outputWritten, round: result.referee.round, role: .referee, content: file.path, output: file)
        })
        result.nextSequence = emitter.next
    }

    /// Sends one request, emitting `requestSent`, one `streamDelta` per piece and one `retry` per
    /// restart of the request, and returns the reply.
    private func exchange(
        _ request: ChatRequest, images: [ImageReference], with backend: (any ChatBackend)?, role: DialogueEvent.Role,
        round: Int, _ emitter: inout Emitter
    ) async -> Swift.Result<ModelReply, any Error> {
        guard let backend else { return .failure(DialogueError.missingBackend(role: role)) }
        let recorded = RecordedRequest(
            model: backend.descriptor,
            messages: request.messages.map { message in
                RecordedRequest.Message(
                    role: message.role, content: message.content, images: message.images.isEmpty ? [] : images)
            },
            temperature: request.temperature, seed: request.seed, maxTokens: request.maxTokens,
            responseSchema: request.responseSchema)
        await emitter.emit([DialogueEvent(kind: .requestSent, round: round, role: role, request: recorded)])
        do {
            for try await event in backend.chat(request) {
                switch event {
                case .delta(let delta):
                    await emitter.emit([DialogueEvent(
                        kind: .streamDelta, round: round, role: role, content: delta.content,
                        reasoning: delta.reasoning.isEmpty ? nil : delta.reasoning)])
                case .restarted(let attempt, let reason):
                    await emitter.emit([DialogueEvent(kind: .retry, round: round, role: role, content: reason, attempt: attempt)])
                case .completed(let completion):
                    return .success(ModelReply(completion))
                }
            }
            try Task.checkCancellation()
            return .failure(DialogueError.streamEndedEarly(role: role, model: backend.descriptor.model))
        } catch {
            return .failure(error)
        }
    }
}

/// Numbers events and hands them to every observer, in order.
struct Emitter {
    let observers: [any DialogueObserver]
    var next: Int

    mutating func emit(_ events: [DialogueEvent]) async {
        for var event in events {
            event.sequence = next
            event.timestamp = Date()
            next += 1
            for observer in observers { await observer.record(event) }
        }
    }
}

/// The person at the terminal in a chat: before each reasoner turn they may let the dialogue go on,
/// say something to the reasoner, or stop.
public protocol DialogueUser: Sendable {
    /// What the user wants before the reasoner's turn in `round`.
    func turn(beforeRound round: Int) async -> UserTurn
}

/// What the user does before a reasoner turn.
public enum UserTurn: Sendable, Hashable {
    /// Let the reasoner take its turn.
    case goOn
    /// Tell the reasoner this first (``Referee/userSaid(_:)``).
    case note(String)
    /// End the dialogue as interrupted (it can be resumed from its transcript).
    case stop
}
