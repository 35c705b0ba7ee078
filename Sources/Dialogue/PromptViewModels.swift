import Panoptic

/// The view models the prompt templates are rendered from (one per template, plus shared pieces).
/// Field names are the template variables; the README's prompt section lists them.
enum PromptViews {
    /// One area-table row as the templates print it.
    struct Row: Codable, Hashable {
        var number: Int
        var label: String
        /// "thing" or "stuff".
        var kind: String
        var crowd: Bool
        /// Area in percent, one decimal ("12.3").
        var area: String
        var location: String

        init(_ row: AreaTable.Row) {
            number = row.number
            label = row.label
            kind = row.isThing ? "thing" : "stuff"
            crowd = row.isCrowd
            area = Self.percent(row.areaPercent)
            location = row.location
        }

        static func percent(_ value: Double) -> String {
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }
    }

    /// `reasoner-system` (and the `protocol` partial).
    struct ReasonerSystem: Codable, Hashable {
        var questionBudget: Int
        var maxRounds: Int
    }

    /// `opening` (and the `area-table` and `protocol` partials).
    struct Opening: Codable, Hashable {
        var instruction: String?
        var fileName: String
        var width: Int
        var height: Int
        var segmentCount: Int
        var rows: [Row]
        var questionBudget: Int
        var maxRounds: Int
        var marks: Bool
    }

    /// `answer` (and the `last-round` partial).
    struct Answer: Codable, Hashable {
        var questionIndex: Int
        var questionBudget: Int
        var question: String
        /// The seer's answer, with code fences neutralised so it cannot leave its data block.
        var answer: String
        var nextRound: Int
        var maxRounds: Int
        var lastRound: Bool
        /// The valid segment numbers, as "1, 2, 3".
        var validNumbers: String
    }

    /// `user-note` (and the `last-round` partial).
    struct UserNote: Codable, Hashable {
        /// The user's words, as typed.
        var note: String
        /// The round the reasoner's next turn belongs to.
        var nextRound: Int
        var maxRounds: Int
        var lastRound: Bool
        /// The valid segment numbers, as "1, 2, 3".
        var validNumbers: String
    }

    /// `user-question`: the seer's answer to the user's own question.
    struct UserQuestion: Codable, Hashable {
        var question: String
        /// The answer, quoted as data.
        var answer: String
        /// True after a decision (no turn is pending, so no round line).
        var decided: Bool
        var nextRound: Int
        var maxRounds: Int
        var lastRound: Bool
        var validNumbers: String
    }

    /// `refinement`: the user's instruction after a decision.
    struct Refinement: Codable, Hashable {
        var instruction: String
        /// The decision being refined, as "3 (dog), 5 (ball)" or "nothing".
        var kept: String
        var nextRound: Int
        var maxRounds: Int
        var lastRound: Bool
        var validNumbers: String
    }

    /// `rejection` (and the `last-round` partial). Exactly one reason flag is true.
    struct Rejection: Codable, Hashable {
        var detail: String
        var malformed: Bool
        var duplicateQuestion: Bool
        var unknownSegments: Bool
        var emptyDecision: Bool
        var questionOnLastRound: Bool
        var earlierQuestion: String?
        var countedAgainstBudget: Bool
        var nextRound: Int
        var maxRounds: Int
        var lastRound: Bool
        var validNumbers: String
    }

    /// `seer-system`.
    struct SeerSystem: Codable, Hashable {
        var marks: Bool
    }

    /// `seer-question`.
    struct SeerQuestion: Codable, Hashable {
        var questionIndex: Int
        var questionBudget: Int
        var question: String
        var width: Int
        var height: Int
    }

    /// Seer text as data: triple backticks become triple quotes so the answer cannot close its fence.
    static func quotedAsData(_ text: String) -> String {
        text.replacingOccurrences(of: "```", with: "'''").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
