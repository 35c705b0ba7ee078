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
    /// The person at the terminal in a chat, asked before every reasoner turn and at a decision; nil for `run`.
    public var user: (any DialogueUser)?
    /// Lets a chat cancel the model call in flight on its own (Ctrl-C once); nil for `run`.
    public var calls: CallCanceller?

    public init(
        reasoner: (any ChatBackend)?, seer: (any ChatBackend)?, seerImages: [SeerAttachment],
        reasonerSampling: Sampling = Sampling(), seerSampling: Sampling = Sampling(),
        observers: [any DialogueObserver] = [], user: (any DialogueUser)? = nil, calls: CallCanceller? = nil
    ) {
        self.user = user
        self.calls = calls
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
        /// True when the user left at the decision prompt (chat `/quit`, Ctrl-D) instead of accepting.
        public var userLeft = false
    }

    /// Runs the dialogue to its end. `referee` must be fresh; `recorded` events (a transcript's
    /// prefix) are replayed into it first, and the run continues from there without emitting them again.
    ///
    /// With a ``user`` (a chat), the user is asked before every reasoner turn and again when a decision
    /// is reached (see ``UserMoment``); their commands become referee transitions. With ``calls``, a
    /// model call can be cancelled on its own (``CallCanceller/cancelCurrentCall()``): its partial reply
    /// is recorded as `replyCut` and the dialogue goes on. Cancelling the task running this method ends
    /// the dialogue as `cancelled`.
    /// - Throws: ``RefereeReplayError`` when `recorded` does not fit the referee.
    public func run(_ referee: Referee, resumingFrom recorded: [DialogueEvent] = []) async throws -> Result {
        var referee = referee
        var emitter = Emitter(observers: observers, next: (recorded.map(\.sequence).max() ?? -1) + 1)
        var failure: (any UserFacingError)?
        var userWentOn = false
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
            if Task.isCancelled, referee.outcome == nil {
                step = referee.cancelled()
                continue
            }
            let role: DialogueEvent.Role
            let outcome: Swift.Result<ModelReply, any Error>
            switch step.action {
            case .finish(let finished):
                guard let user, let decision = finished.decision, !Task.isCancelled else {
                    return Result(outcome: finished, failure: failure, referee: referee, nextSequence: emitter.next)
                }
                let answer = await user.turn(.decided(decision, canUndo: referee.canUndoEdit))
                if answer == .goOn || answer == .stop {
                    return Result(
                        outcome: finished, failure: failure, referee: referee, nextSequence: emitter.next,
                        userLeft: answer == .stop)
                }
                step = await apply(answer, to: &referee, user: user)
                userWentOn = answer.endsThePrompt  // a refinement goes straight to the reasoner
                continue
            case .askReasoner(let prompt):
                if let user, !userWentOn {
                    let answer = await user.turn(.beforeTurn(round: prompt.round, roundLimit: referee.roundLimit))
                    userWentOn = answer != .stop && answer.endsThePrompt
                    step = answer == .goOn ? step : await apply(answer, to: &referee, user: user)
                    if answer != .goOn { continue }
                }
                role = .reasoner
                let request = ChatRequest(
                    messages: prompt.messages, temperature: reasonerSampling.temperature, seed: reasonerSampling.seed,
                    maxTokens: reasonerSampling.maxTokens, responseSchema: prompt.responseSchema,
                    responseSchemaName: "reasoner_turn")
                outcome = await call(request, images: [], with: reasoner, role: role, round: prompt.round, &emitter)
            case .askSeer(let prompt):
                role = .seer
                var messages = prompt.messages
                if let last = messages.indices.last { messages[last].images = seerImages.map(\.attachment) }
                let request = ChatRequest(
                    messages: messages, temperature: seerSampling.temperature, seed: seerSampling.seed,
                    maxTokens: seerSampling.maxTokens)
                outcome = await call(
                    request, images: seerImages.map(\.reference), with: seer, role: role, round: prompt.round, &emitter)
            }
            userWentOn = false
            switch outcome {
            case .success(let reply):
                step = role == .reasoner ? referee.reasonerReplied(reply) : referee.seerAnswered(reply)
            case .failure(let cut as CutReply) where !Task.isCancelled:
                step = referee.replyCut(cut.partial)
            case .failure(let error) where error is CancellationError || error is CutReply || Task.isCancelled:
                step = referee.cancelled()
            case .failure(let error):
                let userFacing = (error as? any UserFacingError) ?? DialogueError.backend(role: role, error: error)
                failure = userFacing
                step = referee.failed(role: role, message: userFacing.message, exitStatus: userFacing.exitStatus)
            }
        }
    }

    /// Turns what the user said into a referee step; a command the referee refuses is reported back to
    /// the user and changes nothing.
    private func apply(_ answer: UserTurn, to referee: inout Referee, user: any DialogueUser) async -> Referee.Step {
        do {
            switch answer {
            case .goOn: return Referee.Step(events: [], action: referee.pendingAction)
            case .note(let text) where referee.outcome != nil: return try referee.refine(text)
            case .note(let text): return referee.userSaid(text)
            case .ask(let question): return try referee.userAsked(question)
            case .decideNow: return try referee.decideNow()
            case .rounds(let limit): return try referee.setRoundLimit(limit)
            case .keep(let numbers): return try referee.editDecision(keep: numbers, drop: [], command: answer.summary)
            case .drop(let numbers): return try referee.editDecision(keep: [], drop: numbers, command: answer.summary)
            case .undo: return try referee.undoEdit()
            case .stop: return referee.cancelled()
            }
        } catch {
            await user.refused(error.message)
            return Referee.Step(events: [], action: referee.pendingAction)
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

    /// Sends one request in a task of its own that ``calls`` can cancel without ending the dialogue.
    private func call(
        _ request: ChatRequest, images: [ImageReference], with backend: (any ChatBackend)?, role: DialogueEvent.Role,
        round: Int, _ emitter: inout Emitter
    ) async -> Swift.Result<ModelReply, any Error> {
        let start = emitter
        let task = Task { [self] in
            var local = start
            let outcome = await exchange(request, images: images, with: backend, role: role, round: round, &local)
            return (outcome, local.next)
        }
        calls?.began(task)
        defer { calls?.ended() }
        let (outcome, next) = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        emitter.next = next
        return outcome
    }

    /// Sends one request, emitting `requestSent`, one `streamDelta` per piece and one `retry` per
    /// restart of the request, and returns the reply; when cancelled, a ``CutReply`` with what had
    /// arrived since the last restart.
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
        var partial = ModelReply(content: "", reasoning: "", rawReply: nil)
        do {
            for try await event in backend.chat(request) {
                switch event {
                case .delta(let delta):
                    partial.content += delta.content
                    partial.reasoning += delta.reasoning
                    await emitter.emit([DialogueEvent(
                        kind: .streamDelta, round: round, role: role, content: delta.content,
                        reasoning: delta.reasoning.isEmpty ? nil : delta.reasoning)])
                case .restarted(let attempt, let reason):
                    partial = ModelReply(content: "", reasoning: "", rawReply: nil)
                    await emitter.emit([DialogueEvent(kind: .retry, round: round, role: role, content: reason, attempt: attempt)])
                case .completed(let completion):
                    return .success(ModelReply(completion))
                }
            }
            try Task.checkCancellation()
            return .failure(DialogueError.streamEndedEarly(role: role, model: backend.descriptor.model))
        } catch {
            partial.rawReply = partial.content
            return .failure(Task.isCancelled ? CutReply(partial: partial) : error)
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

