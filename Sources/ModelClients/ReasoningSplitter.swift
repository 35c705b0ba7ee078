/// Separates reasoning written inside the content (`<think>…</think>`) from the answer, while the
/// text streams in pieces that may split a tag anywhere.
///
/// - A reply that starts (after blank space) with `<think>` is reasoning up to `</think>`.
/// - A lone `</think>` with no opening tag (QwQ and Qwen3 templates pre-fill `<think>`) means
///   everything before it was reasoning. While streaming, text before that tag is only known to be
///   reasoning when the splitter was created with `startsInReasoning: true`; otherwise it streams as
///   content, and ``split(_:)`` on the whole reply (which the backends use for the final
///   ``ChatCompletion``) puts it right.
/// - Blank space between the closing tag and the answer is dropped.
public struct ReasoningSplitter: Sendable {
    private enum Mode: Sendable {
        /// Nothing but blank space so far: an opening tag may still come.
        case start
        case reasoning
        /// After a closing tag: leading blank space is dropped.
        case answerStart
        case content
    }

    private static let open = "<think>"
    private static let close = "</think>"

    private var mode: Mode = .start
    /// Text held back because it may be the start of a tag.
    private var held = ""
    private let startsInReasoning: Bool

    /// - Parameter startsInReasoning: whether a reply without an opening tag begins in reasoning
    ///   (models whose template pre-fills `<think>`).
    public init(startsInReasoning: Bool = false) {
        self.startsInReasoning = startsInReasoning
    }

    /// Adds a piece of content; returns what can be shown now.
    public mutating func feed(_ text: String) -> ChatDelta {
        if held.isEmpty, !text.utf8.contains(UInt8(ascii: "<")) {
            // Fast path: no tag can start in this piece.
            switch mode {
            case .reasoning: return ChatDelta(reasoning: text)
            case .content: return ChatDelta(content: text)
            case .start, .answerStart: break
            }
        }
        var delta = ChatDelta()
        var rest = held + text
        held = ""
        while !rest.isEmpty {
            switch mode {
            case .start:
                let trimmed = rest.drop { $0.isWhitespace }
                if trimmed.isEmpty {
                    held = rest
                    return delta
                }
                if trimmed.hasPrefix(Self.open) {
                    mode = .reasoning
                    rest = String(trimmed.dropFirst(Self.open.count))
                } else if Self.open.hasPrefix(trimmed) {
                    held = rest
                    return delta
                } else {
                    mode = startsInReasoning ? .reasoning : .content
                }
            case .reasoning:
                let (before, after) = cut(rest, at: Self.close)
                delta.reasoning += before
                guard let after else { return delta }
                mode = .answerStart
                rest = after
            case .answerStart:
                rest = String(rest.drop { $0.isWhitespace })
                if !rest.isEmpty { mode = .content }
            case .content:
                let (before, after) = cut(rest, at: Self.close)
                delta.content += before
                guard let after else { return delta }
                mode = .answerStart
                rest = after
            }
        }
        return delta
    }

    /// Ends the reply: returns any text held back because it looked like the start of a tag.
    public mutating func finish() -> ChatDelta {
        defer { held = "" }
        switch mode {
        case .reasoning: return ChatDelta(reasoning: held)
        case .start, .answerStart: return ChatDelta()
        case .content: return ChatDelta(content: held)
        }
    }

    /// Splits `text` at `tag`: the part before (minus a trailing partial tag, which is held) and,
    /// when the tag was found, the part after it.
    private mutating func cut(_ text: String, at tag: String) -> (String, String?) {
        if let range = Self.find(tag, in: text) {
            return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
        }
        for length in stride(from: min(tag.count - 1, text.count), to: 0, by: -1)
        where tag.hasPrefix(text.suffix(length)) {
            held = String(text.suffix(length))
            return (String(text.dropLast(length)), nil)
        }
        return (text, nil)
    }

    /// The first occurrence of `tag` in `text`, compared byte for byte (no Unicode folding, and fast
    /// on long replies).
    private static func find(_ tag: String, in text: Substring) -> Range<String.Index>? {
        let needle = Array(tag.utf8)
        let offset =
            text.utf8.withContiguousStorageIfAvailable { byteOffset(of: needle, in: $0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { byteOffset(of: needle, in: $0) }
        guard let offset else { return nil }
        let lower = text.utf8.index(text.utf8.startIndex, offsetBy: offset)
        return lower..<text.utf8.index(lower, offsetBy: needle.count)
    }

    private static func byteOffset(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            if needle.indices.allSatisfy({ haystack[start + $0] == needle[$0] }) { return start }
        }
        return nil
    }

    private static func find(_ tag: String, in text: String) -> Range<String.Index>? { find(tag, in: text[...]) }

    /// Splits a whole reply into answer and reasoning by the rules above (a lone closing tag makes
    /// everything before it reasoning, whatever `startsInReasoning` says).
    public static func split(_ text: String) -> (content: String, reasoning: String) {
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.hasPrefix(open) {
            let body = trimmed.dropFirst(open.count)
            guard let close = find(close, in: body) else { return ("", String(body)) }
            return (String(body[close.upperBound...].drop { $0.isWhitespace }), String(body[..<close.lowerBound]))
        }
        if let close = find(close, in: text) {
            return (String(text[close.upperBound...].drop { $0.isWhitespace }), String(text[..<close.lowerBound]))
        }
        return (text, "")
    }
}
