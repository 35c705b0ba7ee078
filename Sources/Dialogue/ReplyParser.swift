import BlindsightCore
import Foundation
import ModelClients

/// What a reasoner turn asks for, as read from its reply.
public enum ReasonerAction: Sendable, Hashable {
    /// Forward `question` to the seer.
    case ask(question: String)
    /// Keep these segments. `numbers` are display numbers as written; `labels` are entries that were
    /// words (for example "person"), to be expanded by the referee.
    case decide(numbers: [Int], labels: [String], reason: String)
}

/// The result of reading one reasoner reply.
public struct ParsedReply: Sendable, Hashable {
    /// The action found, or nil when the reply has none usable.
    public var action: ReasonerAction?
    /// For a reply without a usable action: what is wrong, in one line.
    public var problem: String?
    /// Small defects the parser tolerated (for example a trailing comma), one line each.
    public var repairs: [String]
}

/// Reads a reasoner reply: strips the reasoning, finds the one JSON action object among prose and
/// code fences, and decodes it. Pure functions, no state.
public enum ReplyParser {
    /// Parses `content` (the reply text; any reasoning left in it is stripped first).
    public static func parse(_ content: String) -> ParsedReply {
        let answer = ReasoningText.strip(content)
        var repairs: [String] = []
        var actions: [ReasonerAction] = []
        var problems: [String] = []
        for candidate in JSONObjectScanner.objects(in: answer) {
            guard let (object, repair) = decodeObject(candidate) else { continue }
            if let repair { repairs.append(repair) }
            switch action(from: object) {
            case .success(let action?): if !actions.contains(action) { actions.append(action) }
            case .success(nil): continue
            case .failure(let problem): problems.append(problem.text)
            }
        }
        if actions.count == 1 { return ParsedReply(action: actions[0], problem: nil, repairs: repairs) }
        if actions.count > 1 {
            return ParsedReply(action: nil, problem: "the reply holds \(actions.count) different actions", repairs: [])
        }
        let problem = problems.first ?? "no JSON object with an \"action\" field was found"
        return ParsedReply(action: nil, problem: problem, repairs: [])
    }

    private struct Problem: Error {
        var text: String
    }

    /// Decodes a candidate object, trying small repairs when it is not valid JSON as written.
    private static func decodeObject(_ text: String) -> ([String: JSONValue], String?)? {
        if let object = decode(text) { return (object, nil) }
        for repair in repairs {
            if let fixed = repair.apply(text), let object = decode(fixed) { return (object, repair.description) }
        }
        return nil
    }

    private static func decode(_ text: String) -> [String: JSONValue]? {
        try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
    }

    private struct Repair: Sendable {
        var description: String
        var apply: @Sendable (String) -> String?
    }

    /// Common defects of model-written JSON, tried in order.
    private static let repairs = [
        Repair(description: "replaced typographic quotes with plain ones in the JSON object") { text in
            let fixed = text.replacingOccurrences(of: #"[“”„]"#, with: "\"", options: .regularExpression)
            return fixed == text ? nil : fixed
        },
        Repair(description: "replaced single quotes with double quotes in the JSON object") { text in
            text.contains("\"") || !text.contains("'") ? nil : text.replacingOccurrences(of: "'", with: "\"")
        },
    ]

    /// The action in `object`; nil when the object is not an action at all (no "action" key).
    private static func action(from object: [String: JSONValue]) -> Result<ReasonerAction?, Problem> {
        guard let actionValue = object["action"] else { return .success(nil) }
        switch actionValue.stringValue?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "ask":
            guard let question = object["question"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines),
                !question.isEmpty
            else { return .failure(Problem(text: "an \"ask\" action needs a non-empty \"question\" string")) }
            return .success(.ask(question: question))
        case "decide":
            guard case .array(let items)? = object["foreground"] else {
                return .failure(Problem(text: "a \"decide\" action needs a \"foreground\" array of segment numbers"))
            }
            var numbers: [Int] = []
            var labels: [String] = []
            for item in items {
                if let number = item.numberValue, number.rounded() == number, abs(number) < 1e9 {
                    numbers.append(Int(number))
                } else if let text = item.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                    let digits = text.hasPrefix("#") ? String(text.dropFirst()) : text
                    if let number = Int(digits) { numbers.append(number) } else { labels.append(text) }
                } else {
                    return .failure(Problem(text: "\"foreground\" may hold only segment numbers"))
                }
            }
            let reason = object["reason"]?.stringValue ?? ""
            return .success(.decide(numbers: numbers, labels: labels, reason: reason))
        default:
            return .failure(Problem(text: "\"action\" must be \"ask\" or \"decide\""))
        }
    }
}

/// Removes reasoning (thinking) text from a whole reply, on top of ModelClients' ``ReasoningSplitter``:
/// after its split, any further lone `</think>` again makes everything before it reasoning, and an
/// unclosed `<think>` makes everything after it reasoning.
public enum ReasoningText {
    /// `text` without its reasoning, trimmed.
    public static func strip(_ text: String) -> String {
        var content = ReasoningSplitter.split(text).content
        while content.contains("</think>") { content = ReasoningSplitter.split(content).content }
        if let open = content.range(of: "<think>") { content = String(content[..<open.lowerBound]) }
        return content.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Finds the top-level `{…}` spans of a text by a balanced-brace scan that skips braces inside JSON
/// strings. Code fences and prose around the objects are ignored.
enum JSONObjectScanner {
    static func objects(in text: String) -> [String] {
        objects(in: Array(text.unicodeScalars), from: 0)
    }

    /// Scans from `offset`; an opening brace that never closes (prose such as "a { b") is skipped and
    /// the scan restarts just after it.
    private static func objects(in scalars: [Unicode.Scalar], from offset: Int) -> [String] {
        var objects: [String] = []
        var start: Int?
        var depth = 0
        var inString = false
        var escaped = false
        for index in offset..<scalars.count {
            let scalar = scalars[index]
            if inString {
                if escaped {
                    escaped = false
                } else if scalar == "\\" {
                    escaped = true
                } else if scalar == "\"" {
                    inString = false
                }
                continue
            }
            switch scalar {
            case "\"" where depth > 0: inString = true
            case "{":
                if depth == 0 { start = index }
                depth += 1
            case "}" where depth > 0:
                depth -= 1
                if depth == 0, let begin = start {
                    var view = String.UnicodeScalarView()
                    view.append(contentsOf: scalars[begin...index])
                    objects.append(String(view))
                    start = nil
                }
            default: break
            }
        }
        if let unclosed = start { objects += Self.objects(in: scalars, from: unclosed + 1) }
        return objects
    }
}
