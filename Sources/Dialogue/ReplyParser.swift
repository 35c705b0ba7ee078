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
        var seen: Set<ReasonerAction> = []
        var problems: [String] = []
        for candidate in JSONObjectScanner.objects(in: answer) {
            guard let (object, repair) = decodeObject(candidate) else { continue }
            if let repair { repairs.append(repair) }
            switch action(from: object) {
            case .success(let action?): if seen.insert(action).inserted { actions.append(action) }
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

    /// The object `text` holds; nil when it is not JSON or nests deeper than
    /// ``UntrustedInput/maximumJSONDepth`` (checked first: the decoder recurses once per level).
    private static func decode(_ text: String) -> [String: JSONValue]? {
        guard UntrustedInput.jsonNestingIsAcceptable(text.utf8) else { return nil }
        return try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
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
                if let number = item.numberValue.flatMap({ UntrustedInput.exactInt($0, in: -999_999_999...999_999_999) }) {
                    numbers.append(number)
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
/// unclosed `<think>` makes everything after it reasoning. Linear in the reply's length, however many
/// tags it holds.
public enum ReasoningText {
    /// `text` without its reasoning, trimmed.
    public static func strip(_ text: String) -> String {
        var content = Substring(ReasoningSplitter.split(text).content)
        if let close = content.range(of: "</think>", options: [.literal, .backwards]) {
            content = content[close.upperBound...]
        }
        if let open = content.range(of: "<think>", options: .literal) { content = content[..<open.lowerBound] }
        return content.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Finds the `{…}` spans of a text that may be JSON objects, in passes over it with an explicit stack
/// of open braces: no recursion, constant work per character and pass, at most
/// ``maximumRestarts`` + 1 passes, so a reply of 100,000 unclosed braces costs no more than a few
/// times 100,000 letters. Braces inside JSON strings are skipped; code fences and prose around the
/// objects are ignored.
///
/// The candidates are the outermost objects that close. An opening brace that never closes (prose
/// such as `a { b`) is skipped and the scan restarts just after it, with fresh string state (so a quote
/// in that prose cannot hide a later object). After ``maximumRestarts`` restarts the last pass's
/// objects that closed inside its unclosed braces are taken as they are.
enum JSONObjectScanner {
    static let maximumRestarts = 8

    static func objects(in text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var spans: [Range<Int>] = []
        var start = 0
        for restart in 0...maximumRestarts {
            let pass = scan(scalars, from: start)
            spans += pass.outermost
            guard let unclosed = pass.firstUnclosed else { break }
            if restart == maximumRestarts {
                spans += pass.closedInsideUnclosed
                break
            }
            start = unclosed + 1
        }
        return spans.map { span in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[span])
            return String(view)
        }
    }

    private struct Pass {
        /// Objects closed at the outermost level, in text order.
        var outermost: [Range<Int>] = []
        /// The first opening brace that never closed.
        var firstUnclosed: Int?
        /// The objects closed inside braces that never closed, in text order.
        var closedInsideUnclosed: [Range<Int>] = []
    }

    private static func scan(_ scalars: [Unicode.Scalar], from offset: Int) -> Pass {
        var pass = Pass()
        /// The open braces, innermost last, each with the objects already closed inside it.
        var open: [(start: Int, closedInside: [Range<Int>])] = []
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
            case "\"" where !open.isEmpty: inString = true
            case "{": open.append((index, []))
            case "}":
                guard let closed = open.popLast() else { continue }
                let span = closed.start..<(index + 1)
                if open.isEmpty { pass.outermost.append(span) } else { open[open.count - 1].closedInside.append(span) }
            default: break
            }
        }
        // An outer unclosed brace's objects all closed before the next unclosed brace opened.
        pass.firstUnclosed = open.first?.start
        pass.closedInsideUnclosed = open.flatMap(\.closedInside)
        return pass
    }
}
