import BlindsightCore
import ModelClients

/// A chat request as recorded: every message's role and text, images only by digest.
public struct RecordedRequest: Sendable, Hashable, Codable {
    /// One message of the request.
    public struct Message: Sendable, Hashable, Codable {
        public var role: ChatMessage.Role
        public var content: String
        /// The attached images, by digest (never their bytes).
        public var images: [ImageReference]

        public init(role: ChatMessage.Role, content: String, images: [ImageReference] = []) {
            self.role = role
            self.content = content
            self.images = images
        }
    }

    /// The model the request went to.
    public var model: ModelDescriptor
    public var messages: [Message]
    public var temperature: Double?
    public var seed: Int?
    public var maxTokens: Int?
    /// The structured-output schema, when one was sent.
    public var responseSchema: JSONValue?

    public init(
        model: ModelDescriptor, messages: [Message], temperature: Double? = nil, seed: Int? = nil,
        maxTokens: Int? = nil, responseSchema: JSONValue? = nil
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.seed = seed
        self.maxTokens = maxTokens
        self.responseSchema = responseSchema
    }
}

/// An image attached to a request, identified by the SHA-256 of its encoded bytes.
public struct ImageReference: Sendable, Hashable, Codable {
    /// Lowercase hex SHA-256 of the encoded bytes sent.
    public var sha256: String
    public var mimeType: String
    public var byteCount: Int
    /// What the image is: "image" (the photo) or "marks" (the Set-of-Mark overlay).
    public var purpose: String

    public init(sha256: String, mimeType: String, byteCount: Int, purpose: String) {
        self.sha256 = sha256
        self.mimeType = mimeType
        self.byteCount = byteCount
        self.purpose = purpose
    }
}

/// What the referee read in one reasoner reply.
public struct ParsedTurn: Sendable, Hashable, Codable {
    /// "ask", "decide", or "invalid" when no usable action was found.
    public var action: String
    /// For "ask": the question.
    public var question: String?
    /// For "decide": the display numbers named (after label expansion, before validation).
    public var foreground: [Int]?
    /// For "decide": labels the reasoner wrote instead of numbers, as written.
    public var labels: [String]?
    /// For "decide": the reasoner's reason.
    public var reason: String?
    /// For "invalid": what was wrong, in one line.
    public var problem: String?

    public init(
        action: String, question: String? = nil, foreground: [Int]? = nil, labels: [String]? = nil,
        reason: String? = nil, problem: String? = nil
    ) {
        self.action = action
        self.question = question
        self.foreground = foreground
        self.labels = labels
        self.reason = reason
        self.problem = problem
    }
}

/// "Question k of N".
public struct QuestionNumber: Sendable, Hashable, Codable {
    /// 1-based index of the question among those forwarded to the seer.
    public var index: Int
    /// The question budget.
    public var budget: Int

    public init(index: Int, budget: Int) {
        self.index = index
        self.budget = budget
    }
}

/// Why the referee refused a reasoner turn.
public struct Rejection: Sendable, Hashable, Codable {
    /// Reason codes (stable strings).
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// No single valid JSON action in the reply.
        case malformed
        /// A question that repeats (nearly) an earlier one.
        case duplicateQuestion
        /// A decision naming numbers or labels that are not in the table.
        case unknownSegments
        /// An empty decision although the instruction asks for something to be kept.
        case emptyDecision
        /// A question on the last round, when a decision was demanded.
        case questionOnLastRound
    }

    public var reason: Reason
    /// One line describing the problem.
    public var detail: String
    /// False for the first rejection of a round (a free retry), true once it used up a round.
    public var countedAgainstBudget: Bool

    public init(reason: Reason, detail: String, countedAgainstBudget: Bool) {
        self.reason = reason
        self.detail = detail
        self.countedAgainstBudget = countedAgainstBudget
    }
}

/// The segments to keep, as decided by the reasoner or the baseline policy.
public struct Decision: Sendable, Hashable, Codable {
    /// Who decided.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The reasoner made a valid decision.
        case decided
        /// The baseline policy decided because the reasoner did not (or `--reasoner baseline`).
        case fallback
        /// The user edited the decision in a chat (`/keep`, `/drop`, `/undo`).
        case edited
    }

    /// Display numbers of the kept segments (area-table numbers), ascending.
    public var foreground: [Int]
    /// The source ids of the kept segments, in the same order.
    public var sourceIDs: [Int]
    /// The reasoner's reason, or the baseline policy's explanation.
    public var reason: String
    public var outcome: Outcome

    public init(foreground: [Int], sourceIDs: [Int], reason: String, outcome: Outcome) {
        self.foreground = foreground
        self.sourceIDs = sourceIDs
        self.reason = reason
        self.outcome = outcome
    }
}

/// Why a dialogue ended. Every run ends with exactly one.
public enum StopReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The reasoner made a valid decision.
    case decided
    /// The rounds ran out with no decision and fallback was not allowed.
    case budgetExhausted
    /// The rounds ran out and the baseline policy decided (or the baseline reasoner was chosen).
    case fallback
    /// The user interrupted the run.
    case cancelled
    /// A model server failed or could not be reached.
    case backendFailure
}

/// Counts describing a finished dialogue.
public struct DialogueStats: Sendable, Hashable, Codable {
    /// Rounds used (reasoner turns that counted).
    public var rounds: Int
    /// Questions forwarded to the seer.
    public var questionsAsked: Int
    /// Distinct questions among those proposed (after normalisation), over all proposed.
    public var uniqueQuestionRatio: Double
    public var rejections: Int
    public var repairs: Int

    public init(rounds: Int, questionsAsked: Int, uniqueQuestionRatio: Double, rejections: Int, repairs: Int) {
        self.rounds = rounds
        self.questionsAsked = questionsAsked
        self.uniqueQuestionRatio = uniqueQuestionRatio
        self.rejections = rejections
        self.repairs = repairs
    }
}

/// A file the run wrote.
public struct OutputFile: Sendable, Hashable, Codable {
    /// "cutout", "mask", "preview", …
    public var purpose: String
    public var path: String
    public var byteCount: Int
    /// Lowercase hex SHA-256 of the file.
    public var sha256: String

    public init(purpose: String, path: String, byteCount: Int, sha256: String) {
        self.purpose = purpose
        self.path = path
        self.byteCount = byteCount
        self.sha256 = sha256
    }
}

/// A failure during the run, as shown to the user (never containing secrets).
public struct ErrorInfo: Sendable, Hashable, Codable {
    /// The one-line message.
    public var message: String
    /// The exit status it maps to.
    public var exitStatus: Int32

    public init(message: String, exitStatus: Int32) {
        self.message = message
        self.exitStatus = exitStatus
    }
}
