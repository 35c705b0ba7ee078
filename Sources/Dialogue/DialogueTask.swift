import BlindsightCore
import Foundation
import ModelClients
import Panoptic

/// What a dialogue is about: the user's instruction, the image's facts and its area table.
public struct DialogueTask: Sendable, Equatable, Codable {
    /// The user's instruction; nil or empty when none was given.
    public var instruction: String?
    /// The image's file name as shown to the reasoner (no folders).
    public var imageName: String
    public var imageWidth: Int
    public var imageHeight: Int
    /// The segments, numbered 1…n by decreasing area.
    public var table: AreaTable

    public init(instruction: String?, imageName: String, imageWidth: Int, imageHeight: Int, table: AreaTable) {
        let trimmed = instruction?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.instruction = trimmed?.isEmpty == false ? trimmed : nil
        self.imageName = imageName
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.table = table
    }
}

/// The referee's rules for one run.
public struct RefereeRules: Sendable, Hashable, Codable {
    /// Reasoner turns that count, the decision round included (at least 1). The question budget is
    /// one less: the last round is reserved for the decision.
    public var maxRounds: Int
    /// When the rounds run out: apply the baseline policy (true) or stop with no decision (false).
    public var allowFallback: Bool
    /// Whether the seer also gets the Set-of-Mark overlay (and the prompts say so).
    public var marks: Bool
    /// Whether reasoner requests carry a JSON schema for structured output (off by default: it can
    /// switch a reasoning model's thinking off).
    public var structuredOutput: Bool
    /// Token-set Jaccard similarity at or above which a question repeats an earlier one.
    public var duplicateThreshold: Double

    public init(
        maxRounds: Int = 5, allowFallback: Bool = true, marks: Bool = true, structuredOutput: Bool = false,
        duplicateThreshold: Double = 0.8
    ) {
        self.maxRounds = max(1, maxRounds)
        self.allowFallback = allowFallback
        self.marks = marks
        self.structuredOutput = structuredOutput
        self.duplicateThreshold = duplicateThreshold
    }

    /// Questions the reasoner may ask: `maxRounds - 1`.
    public var questionBudget: Int { maxRounds - 1 }

    /// Whether structured output is on for a reasoner model when its settings do not say: off for
    /// reasoning models (names containing one of ``reasoningModelMarkers``), on otherwise.
    public static func structuredOutputByDefault(model: String) -> Bool {
        let name = model.lowercased()
        return !reasoningModelMarkers.contains { name.contains($0) }
    }

    /// Name fragments of reasoning (thinking) models.
    public static let reasoningModelMarkers = ["qwq", "qwen3", "deepseek-r1", "-r1", "think", "reason", "o1", "o3", "o4"]
}

/// A model's complete reply as the referee receives it.
public struct ModelReply: Sendable, Hashable {
    /// The answer text (reasoning removed by the client; the referee strips any left-over again).
    public var content: String
    public var reasoning: String
    /// The reply exactly as the server sent it.
    public var rawReply: String
    public var usage: TokenUsage?
    public var latencySeconds: Double?
    public var timeToFirstDeltaSeconds: Double?

    public init(
        content: String, reasoning: String = "", rawReply: String? = nil, usage: TokenUsage? = nil,
        latencySeconds: Double? = nil, timeToFirstDeltaSeconds: Double? = nil
    ) {
        self.content = content
        self.reasoning = reasoning
        self.rawReply = rawReply ?? content
        self.usage = usage
        self.latencySeconds = latencySeconds
        self.timeToFirstDeltaSeconds = timeToFirstDeltaSeconds
    }

    /// The reply of a finished chat stream.
    public init(_ completion: ChatCompletion) {
        self.init(
            content: completion.content, reasoning: completion.reasoning, rawReply: completion.rawContent,
            usage: completion.usage, latencySeconds: completion.totalSeconds,
            timeToFirstDeltaSeconds: completion.timeToFirstDelta)
    }

    /// The reply recorded in a `reasonerTurn` or `seerAnswer` event.
    public init(_ event: DialogueEvent) {
        self.init(
            content: event.content, reasoning: event.reasoning ?? "", rawReply: event.rawReply, usage: event.usage,
            latencySeconds: event.latencySeconds, timeToFirstDeltaSeconds: event.timeToFirstDeltaSeconds)
    }
}

/// A request the referee wants sent to the reasoner (text only, never images).
public struct ReasonerPrompt: Sendable, Hashable {
    /// The whole conversation so far, system message first.
    public var messages: [ChatMessage]
    /// The structured-output schema, when the rules ask for one.
    public var responseSchema: JSONValue?
    public var round: Int
}

/// A question the referee wants sent to the seer. The engine attaches the image (and the marks).
public struct SeerPrompt: Sendable, Hashable {
    /// System message and the wrapped question; each question is a fresh conversation.
    public var messages: [ChatMessage]
    public var question: String
    public var number: QuestionNumber
    public var round: Int
    /// True for a question the user put to the seer directly (`/ask`): it uses no round and no
    /// question of the reasoner's budget, and its answer is passed to the reasoner as the user's.
    public var askedByUser = false
}

/// How a dialogue ended.
public struct DialogueOutcome: Sendable, Hashable {
    /// The segments to keep; nil when the run ended without a decision.
    public var decision: Decision?
    public var stopReason: StopReason
    public var stats: DialogueStats
    /// The failure, for `backendFailure`.
    public var error: ErrorInfo?
}
