import BlindsightCore
import Foundation
import ModelClients

/// One step of a dialogue, delivered to every ``DialogueObserver`` (terminal renderer, transcript
/// writer, experiment metrics) in the order it happened.
///
/// The shape is flat and stable: a ``Kind`` string plus the common fields (round, role, content,
/// reasoning, raw reply, usage, latency) and a few optional payloads that only some kinds carry.
/// New kinds and new optional fields may be added; existing ones keep their meaning. Absent optional
/// fields are omitted from the JSON.
///
/// Replaying the `reasonerTurn` and `seerAnswer` events of a recorded dialogue into a fresh
/// ``Referee`` (``Referee/replay(_:)``) restores the referee's state exactly, which is what resume,
/// fork and re-run build on.
public struct DialogueEvent: Sendable, Hashable, Codable {
    /// What happened. A string wrapper rather than an enum so that kinds added by newer versions
    /// still decode (they are simply unknown to older readers).
    public struct Kind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
        public var description: String { rawValue }

        /// The referee wrote a message for a model (`to` names which); `template` names the prompt.
        public static let refereeMessage = Kind(rawValue: "refereeMessage")
        /// A request went to a backend (`role` is the model's role); `request` holds the exact messages.
        public static let requestSent = Kind(rawValue: "requestSent")
        /// A piece of a streamed reply: `content` and/or `reasoning` hold the new text only.
        public static let streamDelta = Kind(rawValue: "streamDelta")
        /// The reasoner's complete reply: `content` (reasoning removed), `reasoning`, `rawReply`, and the
        /// parsed `turn`.
        public static let reasonerTurn = Kind(rawValue: "reasonerTurn")
        /// The seer's complete answer to question `question`.
        public static let seerAnswer = Kind(rawValue: "seerAnswer")
        /// The user spoke to the reasoner (terminal chat): `content` is their note as typed; the
        /// referee message that carries it to the reasoner follows.
        public static let userNote = Kind(rawValue: "userNote")
        /// The user asked the seer directly (chat `/ask`): `content` is the question. The seer's answer
        /// follows as a `seerAnswer` without a question number, then the referee message passing it on.
        public static let userQuestion = Kind(rawValue: "userQuestion")
        /// The user asked the reasoner to decide at its next turn (chat `/decide`); the round limit
        /// becomes the current round.
        public static let decideNow = Kind(rawValue: "decideNow")
        /// The user changed the round limit (chat `/rounds N`): `content` is the new limit.
        public static let roundsChanged = Kind(rawValue: "roundsChanged")
        /// After a decision, the user asked for more (chat text at the decision prompt): `content` is
        /// their instruction; the dialogue reopens for more rounds and leads to a new decision.
        public static let refinement = Kind(rawValue: "refinement")
        /// The user edited the decision (chat `/keep`, `/drop`, `/undo`): `content` says what
        /// ("keep 4", "drop 5", "undo"); `decision` is the decision after the edit.
        public static let decisionEdited = Kind(rawValue: "decisionEdited")
        /// A reply the user cut short with Ctrl-C: `content` and `reasoning` hold what had arrived.
        /// A cut reasoner reply is not used (the turn is asked again); a cut seer answer is passed on
        /// as an answer marked cut.
        public static let replyCut = Kind(rawValue: "replyCut")
        /// The referee refused a reasoner turn (`rejection`); `content` is the corrective message sent.
        public static let rejection = Kind(rawValue: "rejection")
        /// The referee repaired a reasoner turn (for example dropped unknown numbers, expanded labels);
        /// `content` says what it did.
        public static let repair = Kind(rawValue: "repair")
        /// A valid foreground decision (`decision`, outcome `decided`).
        public static let decision = Kind(rawValue: "decision")
        /// The baseline policy decided instead of the reasoner (`decision`, outcome `fallback`).
        public static let fallback = Kind(rawValue: "fallback")
        /// An output file was written (`output`).
        public static let outputWritten = Kind(rawValue: "outputWritten")
        /// A request failed in a way another attempt may cure (a stream cut short, an error reported
        /// mid-stream, a 5xx) and is being sent again from the start: `attempt` is the new attempt's
        /// number, `content` the failure; any partial reply streamed before it is discarded.
        public static let retry = Kind(rawValue: "retry")
        /// Something failed (`error`); a `stopped` event follows when the failure ends the run.
        public static let error = Kind(rawValue: "error")
        /// The run was interrupted (Ctrl-C, task cancellation).
        public static let interrupted = Kind(rawValue: "interrupted")
        /// The dialogue ended (`stopReason`, `stats`). Always the dialogue's last event; only
        /// `outputWritten` events may follow it.
        public static let stopped = Kind(rawValue: "stopped")

        /// Every kind this version knows, in documentation order.
        public static let known: [Kind] = [
            .refereeMessage, .requestSent, .streamDelta, .reasonerTurn, .seerAnswer, .userNote, .userQuestion,
            .decideNow, .roundsChanged, .refinement, .decisionEdited, .replyCut, .rejection, .repair, .decision,
            .fallback, .outputWritten, .retry, .error, .interrupted, .stopped,
        ]

        /// The kinds a restored referee is fed (``Referee/replay(_:)``): model replies and user inputs.
        public static let inputs: Set<Kind> = [
            .reasonerTurn, .seerAnswer, .replyCut, .userNote, .userQuestion, .decideNow, .roundsChanged, .refinement,
            .decisionEdited,
        ]
    }

    /// Who an event is about (for messages: who speaks; `to` says who is addressed).
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        case referee, reasoner, seer, user
    }

    /// What kind of step this is.
    public var kind: Kind
    /// Position in the run's event stream, from 0, assigned by the engine (resumed runs continue the count).
    public var sequence: Int
    /// When the event was made.
    public var timestamp: Date
    /// The round (one reasoner turn per round), from 1. Events after the dialogue keep the last round.
    public var round: Int
    /// Who produced the event or whose model it concerns.
    public var role: Role
    /// For referee messages: the role addressed (reasoner or seer).
    public var to: Role?
    /// The main text: a message, the reply without reasoning, a delta, an error message, a path.
    public var content: String
    /// Reasoning (thinking) text, when the model produced any.
    public var reasoning: String?
    /// The reply exactly as the server sent it (think tags included).
    public var rawReply: String?
    /// Token counts reported by the server.
    public var usage: TokenUsage?
    /// Seconds from sending the request to the end of the reply.
    public var latencySeconds: Double?
    /// Seconds from sending the request to the first streamed piece.
    public var timeToFirstDeltaSeconds: Double?
    /// The prompt template a referee message was rendered from (a name from ``PromptTemplates``).
    public var template: String?
    /// For `requestSent`: the exact request (text only; images by sha256).
    public var request: RecordedRequest?
    /// For `reasonerTurn`: what the referee read in the reply.
    public var turn: ParsedTurn?
    /// For seer questions and answers: which question of the budget this is.
    public var question: QuestionNumber?
    /// For `rejection`: why, and whether it counted against the budget.
    public var rejection: Rejection?
    /// For `decision` and `fallback`: the segments kept.
    public var decision: Decision?
    /// For `stopped` (and `interrupted`): why the dialogue ended.
    public var stopReason: StopReason?
    /// For `stopped`: counts describing the run.
    public var stats: DialogueStats?
    /// For `outputWritten`: the file.
    public var output: OutputFile?
    /// For `error`: the failure.
    public var error: ErrorInfo?
    /// For `retry`: the number of the attempt that starts (2 for the first retry).
    public var attempt: Int?

    /// Makes an event; only `kind`, `round`, `role` and `content` are always needed.
    public init(
        kind: Kind, sequence: Int = 0, timestamp: Date = Date(), round: Int, role: Role, to: Role? = nil,
        content: String = "", reasoning: String? = nil, rawReply: String? = nil, usage: TokenUsage? = nil,
        latencySeconds: Double? = nil, timeToFirstDeltaSeconds: Double? = nil, template: String? = nil,
        request: RecordedRequest? = nil, turn: ParsedTurn? = nil, question: QuestionNumber? = nil,
        rejection: Rejection? = nil, decision: Decision? = nil, stopReason: StopReason? = nil,
        stats: DialogueStats? = nil, output: OutputFile? = nil, error: ErrorInfo? = nil, attempt: Int? = nil
    ) {
        self.kind = kind
        self.sequence = sequence
        self.timestamp = timestamp
        self.round = round
        self.role = role
        self.to = to
        self.content = content
        self.reasoning = reasoning
        self.rawReply = rawReply
        self.usage = usage
        self.latencySeconds = latencySeconds
        self.timeToFirstDeltaSeconds = timeToFirstDeltaSeconds
        self.template = template
        self.request = request
        self.turn = turn
        self.question = question
        self.rejection = rejection
        self.decision = decision
        self.stopReason = stopReason
        self.stats = stats
        self.output = output
        self.error = error
        self.attempt = attempt
    }
}

/// Receives every ``DialogueEvent`` of a run, in order. The engine awaits each call before going on,
/// so an observer that appends to a file has flushed the event before the next step starts.
public protocol DialogueObserver: Sendable {
    /// Handles one event. Must not throw; an observer that fails keeps its own error state.
    func record(_ event: DialogueEvent) async
}

/// An observer made from a closure (handy for tests and small adapters).
public struct ClosureObserver: DialogueObserver {
    private let body: @Sendable (DialogueEvent) async -> Void

    public init(_ body: @escaping @Sendable (DialogueEvent) async -> Void) {
        self.body = body
    }

    public func record(_ event: DialogueEvent) async {
        await body(event)
    }
}
