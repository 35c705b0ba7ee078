import Dialogue
import Foundation

/// One line of `results.jsonl`: a finished run, its outcome and its scores.
public struct ResultRow: Sendable, Codable, Equatable {
    /// How a run ended, for summaries.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// The reasoner decided.
        case decided
        /// The baseline policy decided (the reasoner never did, or it is the baseline reference).
        case fallback
        /// No decision: a server failed, the rounds ran out without fallback, or the input was bad.
        case failed
    }

    /// Prompt and completion tokens of one role, summed over the run.
    public struct Tokens: Sendable, Codable, Equatable {
        public var prompt: Int
        public var completion: Int

        public init(prompt: Int = 0, completion: Int = 0) {
            self.prompt = prompt
            self.completion = completion
        }

        public var total: Int { prompt + completion }
    }

    /// The decision, as display numbers and source ids.
    public struct DecisionRecord: Sendable, Codable, Equatable {
        public var foreground: [Int]
        public var sourceIDs: [Int]
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case foreground, reason
            case sourceIDs = "source_ids"
        }
    }

    public var runID: String
    public var index: Int
    public var image: String
    public var imageSHA256: String
    public var prompts: String
    public var reasoner: String
    public var seer: String
    public var maxRounds: Int
    public var repeatNumber: Int
    public var seed: Int
    public var status: Status
    public var exitCode: Int32
    public var stopReason: String
    public var error: String?
    public var decision: DecisionRecord?
    /// Mask IoU over the scored pixels (nil without truth for this image, or without a decision).
    public var iou: Double?
    public var oracleIoU: Double?
    public var regret: Double?
    /// The decision mask's overlap with the truth in pixels (for the cumulative IoU).
    public var overlap: Overlap?
    public var selection: Selection?
    public var rounds: Int
    public var questions: Int
    public var rejections: Int
    public var uniqueQuestionRatio: Double
    public var tokens: [String: Tokens]
    public var latencySeconds: Double
    /// Seer answers taken from the answer cache instead of the server.
    public var cachedAnswers: Int
    /// Paths relative to the experiment folder.
    public var transcript: String?
    public var cutout: String?
    public var mask: String?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case index, image, prompts, reasoner, seer, seed, status, error, decision, iou, regret, overlap, selection
        case imageSHA256 = "image_sha256"
        case maxRounds = "max_rounds"
        case repeatNumber = "repeat"
        case exitCode = "exit_code"
        case stopReason = "stop_reason"
        case oracleIoU = "oracle_iou"
        case rounds, questions, rejections, tokens, transcript, cutout, mask
        case uniqueQuestionRatio = "unique_question_ratio"
        case latencySeconds = "latency_s"
        case cachedAnswers = "cached_answers"
    }

    /// The configuration this row belongs to.
    public var configuration: Configuration {
        Configuration(prompts: prompts, reasoner: reasoner, seer: seer, maxRounds: maxRounds)
    }

    /// Whether the run produced a decision (and so a mask).
    public var hasDecision: Bool { status != .failed }

    /// All tokens of the run.
    public var totalTokens: Int { tokens.values.reduce(0) { $0 + $1.total } }
}
