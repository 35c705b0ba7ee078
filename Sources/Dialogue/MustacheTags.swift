/// The tags of a Mustache template with the line each starts on, for ``PromptCheck``. (The renderer's
/// own parser reports syntax errors with their line but keeps its token tree private.)
struct MustacheTag: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// `{{name}}`, `{{{name}}}`, `{{&name}}`.
        case variable
        /// `{{#name}}`.
        case section
        /// `{{^name}}`.
        case invertedSection
        /// `{{/name}}`.
        case close
        /// `{{>name}}`, or the parent of an inheritance block `{{<name}}`.
        case partial
        /// Comments, pragmas, delimiter changes and block names: nothing to resolve.
        case other
    }

    var kind: Kind
    /// The name as written (trimmed); for a transform `f(name)`, the name inside the parentheses.
    var name: String
    /// 1-based line of the tag's opening delimiter.
    var line: Int

    /// Every tag of `text`, in order. Follows delimiter changes (`{{=<% %>=}}`); stops at an
    /// unterminated tag (the renderer's parser reports that one).
    static func scan(_ text: String) -> [MustacheTag] {
        var tags: [MustacheTag] = []
        var (open, close) = ("{{", "}}")
        var line = 1
        var rest = Substring(text)
        while let start = rest.range(of: open) {
            line += rest[..<start.lowerBound].count { $0 == "\n" }
            var body = rest[start.upperBound...]
            var closer = close
            if open == "{{" && body.first == "{" {
                body = body.dropFirst()
                closer = "}}}"
            }
            guard let end = body.range(of: closer) else { break }
            let content = body[..<end.lowerBound]
            let tag = classify(content.trimmingCharacters(in: .whitespaces), line: line)
            tags.append(tag)
            if tag.kind == .other, content.hasPrefix("="), content.hasSuffix("=") {
                let parts = content.dropFirst().dropLast().split(separator: " ", omittingEmptySubsequences: true)
                if parts.count == 2 { (open, close) = (String(parts[0]), String(parts[1])) }
            }
            line += content.count { $0 == "\n" }
            rest = body[end.upperBound...]
        }
        return tags
    }

    private static func classify(_ content: String, line: Int) -> MustacheTag {
        let sigil = content.first
        let rest = String(content.dropFirst()).trimmingCharacters(in: .whitespaces)
        let kind: Kind
        switch sigil {
        case "#": kind = .section
        case "^": kind = .invertedSection
        case "/": kind = .close
        case ">", "<": kind = .partial
        case "&", "{": kind = .variable
        case "!", "%", "=", "$", nil: kind = .other
        default: return MustacheTag(kind: .variable, name: transformArgument(content), line: line)
        }
        return MustacheTag(kind: kind, name: kind == .partial ? rest : transformArgument(rest), line: line)
    }

    /// `uppercased(name)` → `name`; a plain name unchanged.
    private static func transformArgument(_ name: String) -> String {
        guard name.hasSuffix(")"), let open = name.firstIndex(of: "(") else { return name }
        return String(name[name.index(after: open)..<name.index(before: name.endIndex)])
    }
}
