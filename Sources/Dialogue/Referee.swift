import BlindsightCore
import ModelClients
import Panoptic

/// The referee: a value-type state machine that owns the dialogue loop and everything the models see.
///
/// Like the connection state machines of async-http-client, it does no I/O. The driver (the
/// ``DialogueEngine``, a test, or a transcript re-run) feeds it inputs — a reasoner reply, a seer
/// answer, a failure, a cancellation — and each mutating method returns a ``Step``: the events to
/// record and the one ``Action`` to perform next. Given the same task, rules, prompts and replies it
/// produces the same events and requests, so a recorded dialogue can be restored with ``replay(_:)``.
public struct Referee: Sendable {
    /// What the driver must do next.
    public enum Action: Sendable, Hashable {
        /// Send this (text-only) conversation to the reasoner, then call ``reasonerReplied(_:)``.
        case askReasoner(ReasonerPrompt)
        /// Send this question (with the image) to the seer, then call ``seerAnswered(_:)``.
        case askSeer(SeerPrompt)
        /// The dialogue is over.
        case finish(DialogueOutcome)
    }

    /// The result of one transition: events to record (in order; sequence numbers are the driver's)
    /// and the next action.
    public struct Step: Sendable, Hashable {
        public var events: [DialogueEvent]
        public var action: Action
    }

    enum State: Sendable {
        case notStarted
        case awaitingReasoner
        case awaitingSeer(SeerPrompt)
        case finished(DialogueOutcome)
    }

    public let task: DialogueTask
    public let rules: RefereeRules
    public let prompts: PromptTemplates
    var state = State.notStarted
    /// The current round, from 1.
    public internal(set) var round = 1
    /// The last round the reasoner may use: `rules.maxRounds` until the user changes it (`/rounds`,
    /// `/decide`) or a refinement grants more.
    public internal(set) var roundLimit: Int
    /// The decisions before each of the user's edits, newest last (for ``undoEdit()``).
    var decisionsBeforeEdits: [Decision] = []
    /// Where the dialogue returns once the seer has answered the user's own question.
    var stateAfterUserQuestion: State?
    private var retryUsedThisRound = false
    var conversation: [ChatMessage] = []
    var askedQuestions: [String] = []
    private var proposedQuestions: [String] = []
    private var rejectionCount = 0
    private var repairCount = 0

    public init(task: DialogueTask, rules: RefereeRules, prompts: PromptTemplates) {
        self.task = task
        self.rules = rules
        self.prompts = prompts
        self.roundLimit = rules.maxRounds
    }

    /// The outcome, once the dialogue has finished.
    public var outcome: DialogueOutcome? {
        if case .finished(let outcome) = state { return outcome }
        return nil
    }

    /// Opens the dialogue: the reasoner's system message and the opening message (task, image facts,
    /// area table, rules and budget).
    public mutating func start() -> Step {
        guard case .notStarted = state else { return unexpectedInput() }
        let system = prompts.render(.reasonerSystem, PromptViews.ReasonerSystem(
            questionBudget: rules.questionBudget, maxRounds: rules.maxRounds))
        let opening = prompts.render(.opening, openingView)
        conversation = [ChatMessage(role: .system, content: system), ChatMessage(role: .user, content: opening)]
        state = .awaitingReasoner
        return Step(
            events: [
                refereeEvent(system, template: .reasonerSystem, to: .reasoner),
                refereeEvent(opening, template: .opening, to: .reasoner),
            ],
            action: .askReasoner(reasonerPrompt))
    }

    /// Decides with the baseline policy alone, with no model (`--reasoner baseline`).
    public mutating func decideWithBaseline() -> Step {
        guard case .notStarted = state else { return unexpectedInput() }
        return finishWithFallback(events: [])
    }

    /// Takes the reasoner's reply to the last ``Action/askReasoner(_:)``.
    public mutating func reasonerReplied(_ reply: ModelReply) -> Step {
        guard case .awaitingReasoner = state else { return unexpectedInput() }
        let answer = ReasoningText.strip(reply.content)
        let parsed = ReplyParser.parse(answer)
        var events = [turnEvent(reply, parsed)]
        conversation.append(ChatMessage(role: .assistant, content: answer))
        for repair in parsed.repairs { noteRepair(repair, into: &events) }
        switch parsed.action {
        case nil:
            return reject(.malformed, parsed.problem ?? "no usable JSON action", events: events)
        case .ask(let question):
            proposedQuestions.append(question)
            if round >= roundLimit {
                return reject(.questionOnLastRound, "the question budget is used up; a decision is due", events: events)
            }
            let similarity = QuestionSimilarity(threshold: rules.duplicateThreshold)
            if let earlier = askedQuestions.first(where: { similarity.repeats(question, anyOf: [$0]) }) {
                return reject(.duplicateQuestion, "that question repeats an earlier one", earlier: earlier, events: events)
            }
            return forwardToSeer(question, events: events)
        case .decide(let numbers, let labels, let reason):
            return decide(numbers: numbers, labels: labels, reason: reason, events: events)
        }
    }

    /// Takes the seer's answer to the last ``Action/askSeer(_:)``. The answer is data: it is quoted
    /// to the reasoner and never parsed for actions.
    public mutating func seerAnswered(_ reply: ModelReply) -> Step {
        seerAnswered(reply, kind: .seerAnswer)
    }

    /// The seer's answer, complete (`seerAnswer`) or cut short by the user (`replyCut`, quoted as cut).
    mutating func seerAnswered(_ reply: ModelReply, kind: DialogueEvent.Kind) -> Step {
        guard case .awaitingSeer(let prompt) = state else { return unexpectedInput() }
        var events = [DialogueEvent(
            kind: kind, round: round, role: .seer, content: reply.content,
            reasoning: reply.reasoning.isEmpty ? nil : reply.reasoning, rawReply: reply.rawReply, usage: reply.usage,
            latencySeconds: reply.latencySeconds, timeToFirstDeltaSeconds: reply.timeToFirstDeltaSeconds,
            question: prompt.askedByUser ? nil : prompt.number)]
        var answer = ReasoningText.strip(reply.content)
        if kind == .replyCut { answer += " [the user cut this answer short]" }
        if prompt.askedByUser { return userQuestionAnswered(prompt, answer: answer, events: events) }
        advanceRound()
        let message = prompts.render(.answer, PromptViews.Answer(
            questionIndex: prompt.number.index, questionBudget: prompt.number.budget, question: prompt.question,
            answer: PromptViews.quotedAsData(answer), nextRound: round,
            maxRounds: roundLimit, lastRound: round >= roundLimit, validNumbers: validNumbers))
        conversation.append(ChatMessage(role: .user, content: message))
        events.append(refereeEvent(message, template: .answer, to: .reasoner, question: prompt.number))
        state = .awaitingReasoner
        return Step(events: events, action: .askReasoner(reasonerPrompt))
    }

    /// Takes a note from the user (terminal chat) for the reasoner's next turn: the user steers, so the
    /// note is passed on as an instruction (unlike the seer's answers, which are data). Only while the
    /// reasoner's turn is pending; the round and the budget do not change.
    public mutating func userSaid(_ note: String) -> Step {
        guard case .awaitingReasoner = state else { return unexpectedInput() }
        let message: String
        var events = [DialogueEvent(kind: .userNote, round: round, role: .user, to: .reasoner, content: note)]
        if prompts.contains(.userNote) {
            message = prompts.render(.userNote, PromptViews.UserNote(
                note: note, nextRound: round, maxRounds: roundLimit, lastRound: round >= roundLimit,
                validNumbers: validNumbers))
            events.append(refereeEvent(message, template: .userNote, to: .reasoner))
        } else {
            message = note
        }
        conversation.append(ChatMessage(role: .user, content: message))
        return Step(events: events, action: .askReasoner(reasonerPrompt))
    }

    /// A backend failed (`role` names which); the dialogue stops with `backendFailure`.
    public mutating func failed(role: DialogueEvent.Role, message: String, exitStatus: ExitStatus) -> Step {
        if case .finished = state { return unexpectedInput() }
        let info = ErrorInfo(message: message, exitStatus: exitStatus.rawValue)
        let event = DialogueEvent(kind: .error, round: round, role: role, content: message, error: info)
        return finish(decision: nil, reason: .backendFailure, error: info, events: [event])
    }

    /// The run was interrupted; the dialogue stops with `cancelled`.
    public mutating func cancelled() -> Step {
        if case .finished = state { return unexpectedInput() }
        let event = DialogueEvent(
            kind: .interrupted, round: round, role: .user, content: "interrupted", stopReason: .cancelled)
        return finish(decision: nil, reason: .cancelled, error: nil, events: [event])
    }

    /// Restores the state reached by a recorded dialogue: starts, then feeds the model replies and the
    /// user's inputs (`reasonerTurn`, `seerAnswer`, `replyCut`, `userNote`, `userQuestion`, `decideNow`,
    /// `roundsChanged`, `refinement`, `decisionEdited`) in order; other kinds are outputs and are
    /// skipped. Returns the step after the last one fed, whose action is what remains to do (for a
    /// finished dialogue, `.finish`).
    /// - Throws: ``RefereeReplayError`` when the events do not fit this referee (out of order, or the
    ///   recorded dialogue had already finished before an event).
    public mutating func replay(_ recorded: some Sequence<DialogueEvent>) throws(RefereeReplayError) -> Step {
        var step = start()
        for event in recorded {
            guard DialogueEvent.Kind.inputs.contains(event.kind) else { continue }
            guard let next = replayInput(event, pending: step.action) else {
                throw RefereeReplayError(sequence: event.sequence, kind: event.kind, round: event.round)
            }
            step = next
        }
        return step
    }

    // MARK: - Transitions

    private mutating func forwardToSeer(_ question: String, events: [DialogueEvent]) -> Step {
        askedQuestions.append(question)
        let number = QuestionNumber(index: askedQuestions.count, budget: rules.questionBudget)
        let (prompt, messages) = seerExchange(question, number: number, askedByUser: false)
        state = .awaitingSeer(prompt)
        return Step(events: events + messages, action: .askSeer(prompt))
    }

    /// The seer's conversation for one question (system message and the wrapped question; each
    /// question is a fresh conversation) and the referee events recording both messages.
    func seerExchange(
        _ question: String, number: QuestionNumber, askedByUser: Bool
    ) -> (prompt: SeerPrompt, events: [DialogueEvent]) {
        let system = prompts.render(.seerSystem, PromptViews.SeerSystem(marks: rules.marks))
        let wrapped = prompts.render(.seerQuestion, PromptViews.SeerQuestion(
            questionIndex: number.index, questionBudget: number.budget, question: question,
            width: task.imageWidth, height: task.imageHeight))
        var prompt = SeerPrompt(
            messages: [ChatMessage(role: .system, content: system), ChatMessage(role: .user, content: wrapped)],
            question: question, number: number, round: round)
        prompt.askedByUser = askedByUser
        let recorded = askedByUser ? nil : number
        return (prompt, [
            refereeEvent(system, template: .seerSystem, to: .seer, question: recorded),
            refereeEvent(wrapped, template: .seerQuestion, to: .seer, question: recorded),
        ])
    }

    /// Refuses a turn with a corrective message. The first refusal in a round is free; a second one
    /// uses the round up, and when no round is left the dialogue ends without a reasoner decision.
    mutating func reject(
        _ reason: Rejection.Reason, _ detail: String, earlier: String? = nil, events: [DialogueEvent]
    ) -> Step {
        rejectionCount += 1
        let counted = retryUsedThisRound
        if counted { advanceRound() } else { retryUsedThisRound = true }
        var events = events
        let rejection = Rejection(reason: reason, detail: detail, countedAgainstBudget: counted)
        guard round <= roundLimit else {
            events.append(DialogueEvent(kind: .rejection, round: round - 1, role: .referee, content: detail, rejection: rejection))
            round = roundLimit
            return finishWithoutDecision(events: events)
        }
        let message = prompts.render(.rejection, PromptViews.Rejection(
            detail: detail, malformed: reason == .malformed, duplicateQuestion: reason == .duplicateQuestion,
            unknownSegments: reason == .unknownSegments, emptyDecision: reason == .emptyDecision,
            questionOnLastRound: reason == .questionOnLastRound, earlierQuestion: earlier, countedAgainstBudget: counted,
            nextRound: round, maxRounds: roundLimit, lastRound: round >= roundLimit,
            validNumbers: validNumbers))
        conversation.append(ChatMessage(role: .user, content: message))
        events.append(DialogueEvent(
            kind: .rejection, round: round, role: .referee, to: .reasoner, content: message,
            template: PromptTemplates.Name.rejection.rawValue, rejection: rejection))
        return Step(events: events, action: .askReasoner(reasonerPrompt))
    }

    mutating func finishWithoutDecision(events: [DialogueEvent]) -> Step {
        if rules.allowFallback { return finishWithFallback(events: events) }
        return finish(decision: nil, reason: .budgetExhausted, error: nil, events: events)
    }

    mutating func finishWithFallback(events: [DialogueEvent]) -> Step {
        let (numbers, explanation) = BaselinePolicy.decide(table: task.table, instruction: task.instruction)
        let decision = makeDecision(numbers, reason: explanation, outcome: .fallback)
        var events = events
        events.append(DialogueEvent(kind: .fallback, round: round, role: .referee, content: explanation, decision: decision))
        return finish(decision: decision, reason: .fallback, error: nil, events: events)
    }

    mutating func finish(decision: Decision?, reason: StopReason, error: ErrorInfo?, events: [DialogueEvent]) -> Step {
        let stats = DialogueStats(
            rounds: min(round, roundLimit), questionsAsked: askedQuestions.count,
            uniqueQuestionRatio: QuestionSimilarity(threshold: rules.duplicateThreshold).uniqueRatio(proposedQuestions),
            rejections: rejectionCount, repairs: repairCount)
        let outcome = DialogueOutcome(decision: decision, stopReason: reason, stats: stats, error: error)
        state = .finished(outcome)
        var events = events
        events.append(DialogueEvent(
            kind: .stopped, round: round, role: .referee, content: reason.rawValue, stopReason: reason, stats: stats))
        return Step(events: events, action: .finish(outcome))
    }

    mutating func noteRepair(_ text: String, into events: inout [DialogueEvent]) {
        repairCount += 1
        events.append(DialogueEvent(kind: .repair, round: round, role: .referee, content: text))
    }

    mutating func advanceRound() {
        round += 1
        retryUsedThisRound = false
    }

    /// An input that does not fit the current state changes nothing and repeats the pending action.
    func unexpectedInput() -> Step {
        switch state {
        case .notStarted, .awaitingReasoner: Step(events: [], action: .askReasoner(reasonerPrompt))
        case .awaitingSeer(let prompt): Step(events: [], action: .askSeer(prompt))
        case .finished(let outcome): Step(events: [], action: .finish(outcome))
        }
    }
}

/// Recorded events that do not fit the referee being restored.
public struct RefereeReplayError: UserFacingError, Equatable {
    public let sequence: Int
    public let kind: DialogueEvent.Kind
    public let round: Int

    public var message: String {
        "recorded event \(sequence) (\(kind), round \(round)) does not follow the dialogue so far; the transcript is inconsistent"
    }
    public var exitStatus: ExitStatus { .badInput }
}
