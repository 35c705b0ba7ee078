/// Decides whether two questions are the same question in other words, for the referee's
/// repeated-question rule and the unique-question ratio.
///
/// A question is normalised to a set of tokens: lowercased, every character that is not a letter or
/// digit becomes a space, English stopwords are dropped, and a trailing plural "s" is removed from
/// words longer than three letters. Two questions are near-duplicates when the Jaccard similarity of
/// their token sets (shared tokens over all tokens) is at least ``threshold``; two questions with no
/// tokens left are duplicates when their lowercased texts are equal.
public struct QuestionSimilarity: Sendable, Hashable {
    /// Similarity at or above which two questions count as the same (default 0.8).
    public var threshold: Double

    public init(threshold: Double = 0.8) {
        self.threshold = threshold
    }

    /// The normalised tokens of `question`.
    public static func tokens(_ question: String) -> Set<String> {
        let spaced = String(question.lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " })
        let words = spaced.split(separator: " ").map(String.init).filter { !stopwords.contains($0) }
        return Set(words.map { $0.count > 3 && $0.hasSuffix("s") && !$0.hasSuffix("ss") ? String($0.dropLast()) : $0 })
    }

    /// Jaccard similarity of the two questions' token sets, from 0 to 1.
    public static func similarity(_ first: String, _ second: String) -> Double {
        let a = tokens(first)
        let b = tokens(second)
        if a.isEmpty && b.isEmpty { return first.lowercased() == second.lowercased() ? 1 : 0 }
        return Double(a.intersection(b).count) / Double(a.union(b).count)
    }

    /// Whether `question` nearly repeats any of `earlier`.
    public func repeats(_ question: String, anyOf earlier: [String]) -> Bool {
        earlier.contains { Self.similarity(question, $0) >= threshold }
    }

    /// Distinct questions (no near-duplicate earlier in the list) over all questions; 1 for none.
    public func uniqueRatio(_ questions: [String]) -> Double {
        guard !questions.isEmpty else { return 1 }
        var distinct: [String] = []
        for question in questions where !repeats(question, anyOf: distinct) { distinct.append(question) }
        return Double(distinct.count) / Double(questions.count)
    }

    private static let stopwords: Set<String> = [
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "do", "does", "did", "there", "this", "that",
        "these", "those", "it", "its", "of", "in", "on", "at", "to", "for", "with", "and", "or", "any", "some",
        "what", "which", "who", "whom", "whose", "please", "can", "could", "would", "you", "me", "tell", "i",
        "image", "picture", "photo", "segment", "number", "see", "visible", "shown",
    ]
}
