import Foundation

/// Checks a prompt template set before the Mustache library parses or renders it, so that a set read
/// from a folder or from a shared transcript's header can neither escape a folder by its names nor
/// drive the library's recursive parser and renderer without bound (it has no depth limit of its own:
/// a template that includes itself renders forever).
///
/// The checks, each with a one-line reason naming the template:
/// - names: 1…``maximumNameLength`` bytes of letters, digits, `.`, `-`, `_`, in parts joined by `/`
///   (sub-folders); no empty part, no `.` or `..` part, no leading `/`, no duplicates;
/// - sizes: at most ``maximumTemplates`` templates of at most ``maximumTemplateBytes`` each;
/// - tags: no delimiter changes (`{{=… …=}}`) and no dynamic partials (`{{>*name}}`), whose targets
///   cannot be known before rendering; sections nested at most ``maximumSectionDepth`` deep;
/// - partials (`{{>name}}`, `{{<name}}`): no cycle (a template including itself, directly or through
///   others), at most ``maximumPartialChain`` partials deep and at most ``maximumExpansions`` template
///   expansions in one render.
///
/// Everything runs in loops with explicit stacks, in time linear in the set's size.
enum TemplateSetCheck {
    static let maximumNameLength = 100
    static let maximumTemplates = 200
    static let maximumTemplateBytes = 256 * 1024
    static let maximumSectionDepth = 32
    static let maximumPartialChain = 16
    static let maximumExpansions = 10_000

    /// Checks `texts`; `describe` names a template in messages.
    static func check(_ texts: [(name: String, text: String)], describe: (String) -> String) throws(PromptError) {
        guard texts.count <= maximumTemplates else {
            throw PromptError(message: "the prompt set has \(texts.count) templates; at most \(maximumTemplates) are allowed")
        }
        var references: [String: [String: Int]] = [:]
        for (name, text) in texts {
            if let problem = nameProblem(name) {
                throw PromptError(message: "prompt template name \"\(name.prefix(maximumNameLength))\" \(problem)")
            }
            guard references[name] == nil else {
                throw PromptError(message: "prompt template \(describe(name)) is given twice")
            }
            guard text.utf8.count <= maximumTemplateBytes else {
                throw PromptError(
                    message: "prompt template \(describe(name)) is \(text.utf8.count) bytes; at most "
                        + "\(maximumTemplateBytes) are allowed")
            }
            do {
                references[name] = try partials(in: text)
            } catch {
                throw PromptError(message: "prompt template \(describe(name)) \(error.text)")
            }
        }
        try checkGraph(references, describe: describe)
    }

    /// What is wrong with `name`, or nil.
    static func nameProblem(_ name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= maximumNameLength else {
            return "must have 1 to \(maximumNameLength) bytes"
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_".utf8)
        for part in name.split(separator: "/", omittingEmptySubsequences: false) {
            if part.isEmpty { return "has an empty folder part (a leading, trailing or doubled \"/\")" }
            if part == "." || part == ".." { return "has a \".\" or \"..\" part" }
            if !part.utf8.allSatisfy(allowed.contains) {
                return "may hold only letters, digits, \".\", \"-\", \"_\" and \"/\" between folder names"
            }
        }
        return nil
    }

    private struct TagProblem: Error {
        var text: String
    }

    /// The partials `text` includes, with how often, read from its tags in one pass.
    private static func partials(in text: String) throws(TagProblem) -> [String: Int] {
        let bytes = Array(text.utf8)
        var found: [String: Int] = [:]
        var depth = 0
        var index = 0
        while let open = firstIndex(of: [123, 123], in: bytes, from: index) {
            // A tag ends at the first "}}" (a third "}" closes a triple mustache), as the parser reads it.
            let triple = open + 2 < bytes.count && bytes[open + 2] == 123
            let contentStart = open + (triple ? 3 : 2)
            guard let close = firstIndex(of: [125, 125], in: bytes, from: contentStart) else { break }
            index = close + 2
            if triple {
                if index < bytes.count, bytes[index] == 125 { index += 1 }
                continue
            }
            let content = String(decoding: bytes[contentStart..<close], as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard let sigil = content.first else { continue }
            let argument = content.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)
            switch sigil {
            case "=": throw TagProblem(text: "changes its tag delimiters ({{=…=}}), which prompt templates may not do")
            case "#", "^", "$", "<":
                depth += 1
                guard depth <= maximumSectionDepth else {
                    throw TagProblem(text: "nests sections more than \(maximumSectionDepth) deep")
                }
            case "/": depth = max(depth - 1, 0)
            default: break
            }
            guard sigil == ">" || sigil == "<" else { continue }
            guard !argument.hasPrefix("*") else {
                throw TagProblem(text: "uses a dynamic partial ({{>*\(argument.dropFirst().prefix(40))}}), which prompt templates may not do")
            }
            found[argument, default: 0] += 1
        }
        return found
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// Refuses cycles, long partial chains and renders that would expand too many templates: a
    /// depth-first walk with an explicit stack that computes, for each template, the longest chain of
    /// partials below it and how many templates one render of it expands (saturating).
    private static func checkGraph(_ references: [String: [String: Int]], describe: (String) -> String)
        throws(PromptError)
    {
        var chain: [String: Int] = [:]
        var expansions: [String: Int] = [:]
        var onPath: Set<String> = []
        for root in references.keys.sorted() where chain[root] == nil {
            var stack: [(name: String, children: [String], next: Int)] = [
                (root, references[root, default: [:]].keys.filter { references[$0] != nil }.sorted(), 0)
            ]
            onPath.insert(root)
            while let top = stack.last {
                if top.next < top.children.count {
                    stack[stack.count - 1].next += 1
                    let child = top.children[top.next]
                    if onPath.contains(child) {
                        let cycle = stack.map(\.name).drop(while: { $0 != child }) + [child]
                        throw PromptError(
                            message: "prompt template \(describe(child)) includes itself (\(cycle.joined(separator: " → ")))")
                    }
                    guard chain[child] == nil else { continue }
                    onPath.insert(child)
                    stack.append((child, references[child, default: [:]].keys.filter { references[$0] != nil }.sorted(), 0))
                    continue
                }
                stack.removeLast()
                onPath.remove(top.name)
                var longest = 0
                var total = 1
                for child in top.children {
                    longest = max(longest, (chain[child] ?? 0) + 1)
                    let count = references[top.name]?[child] ?? 0
                    let (product, overflow) = count.multipliedReportingOverflow(by: expansions[child] ?? 1)
                    total = overflow || product > Int.max - total ? Int.max : total + product
                }
                guard longest <= maximumPartialChain else {
                    throw PromptError(
                        message: "prompt template \(describe(top.name)) includes partials more than "
                            + "\(maximumPartialChain) levels deep")
                }
                guard total <= maximumExpansions else {
                    throw PromptError(
                        message: "prompt template \(describe(top.name)) would expand more than \(maximumExpansions) "
                            + "partials in one render")
                }
                chain[top.name] = longest
                expansions[top.name] = total
            }
        }
    }
}
