import Mustache

/// Checks a template set without a model: every file parses and starts with the text pragma, every
/// template the referee needs is there, every partial a template includes exists, and every variable
/// a template uses is one the referee gives it (``PromptVariables``), in the context it is used in.
public enum PromptCheck {
    /// One problem, at a file and line.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The file, as ``PromptSetFiles/location(of:)`` names it.
        public var file: String
        /// 1-based; 0 when the problem is the file's absence.
        public var line: Int
        public var message: String

        /// `file:line: message` (or `file: message` when there is no line).
        public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
    }

    /// Every problem in `set`, in file order (none when it is clean).
    public static func problems(in set: PromptSetFiles) -> [Problem] {
        var problems: [Problem] = []
        var parsed: Set<String> = []
        for file in set.files {
            let location = set.location(of: file.name)
            if !file.text.hasPrefix(PromptTemplates.pragma) {
                problems.append(Problem(file: location, line: 1, message: "must start with \(PromptTemplates.pragma)"))
            }
            do {
                _ = try MustacheTemplate(string: file.text)
                parsed.insert(file.name)
            } catch let error as MustacheTemplate.ParserError {
                problems.append(Problem(
                    file: location, line: error.context.lineNumber,
                    message: "syntax error at column \(error.context.columnNumber): \(error.error)"))
            } catch {
                problems.append(Problem(file: location, line: 1, message: "syntax error: \(error)"))
            }
        }
        for name in PromptTemplates.Name.allCases where name.isRequired && set.text(of: name.rawValue) == nil {
            problems.append(Problem(
                file: set.location(of: name.rawValue), line: 0, message: "missing: the referee renders this template"))
        }
        var walk = Walk(set: set, parsed: parsed)
        for name in PromptTemplates.Name.allCases {
            if let variables = PromptVariables.given(to: name), parsed.contains(name.rawValue) {
                walk.enqueue(name.rawValue, frames: [variables], from: name.rawValue)
            }
        }
        problems += walk.run()
        return problems
    }

    /// Follows templates and the partials they include (a work list, not recursion), resolving each
    /// variable against the frames in scope: the template's view model, then each enclosing list item.
    private struct Walk {
        struct Visit: Hashable {
            var template: String
            var frames: [PromptVariables]
            /// The referee template this visit is rendered for.
            var root: String
            var includedFrom: String?
        }

        let set: PromptSetFiles
        let parsed: Set<String>
        private var pending: [Visit] = []
        private var seen: Set<Visit> = []

        init(set: PromptSetFiles, parsed: Set<String>) {
            self.set = set
            self.parsed = parsed
        }

        mutating func enqueue(_ template: String, frames: [PromptVariables], from root: String, includedFrom: String? = nil) {
            let visit = Visit(template: template, frames: frames, root: root, includedFrom: includedFrom)
            if seen.insert(Visit(template: template, frames: frames, root: root, includedFrom: nil)).inserted {
                pending.append(visit)
            }
        }

        mutating func run() -> [Problem] {
            var problems: Set<Problem> = []
            var ordered: [Problem] = []
            while let visit = pending.popLast() {
                for problem in check(visit) where problems.insert(problem).inserted { ordered.append(problem) }
            }
            return ordered.sorted { ($0.file, $0.line, $0.message) < ($1.file, $1.line, $1.message) }
        }

        private mutating func check(_ visit: Visit) -> [Problem] {
            guard let text = set.text(of: visit.template) else { return [] }
            let file = set.location(of: visit.template)
            let via = visit.includedFrom.map { " (included from \($0))" } ?? ""
            var frames = visit.frames
            var problems: [Problem] = []
            for tag in MustacheTag.scan(text) {
                switch tag.kind {
                case .variable, .section, .invertedSection:
                    if !Self.resolves(tag.name, in: frames) {
                        problems.append(Problem(
                            file: file, line: tag.line,
                            message: "unknown variable \(tag.name)\(via): \(visit.root) is given "
                                + Self.names(in: frames)))
                    }
                    if tag.kind != .variable { frames.append(Self.frame(entering: tag, in: frames)) }
                case .close:
                    if frames.count > visit.frames.count { frames.removeLast() }
                case .partial:
                    if set.text(of: tag.name) == nil {
                        problems.append(Problem(
                            file: file, line: tag.line, message: "unknown partial \(tag.name)\(via): no \(tag.name).mustache in the set"))
                    } else if parsed.contains(tag.name) {
                        enqueue(tag.name, frames: frames, from: visit.root, includedFrom: "\(file):\(tag.line)")
                    }
                case .other: continue
                }
            }
            return problems
        }

        /// `.` always resolves; `a.b` resolves when `a` does.
        private static func resolves(_ name: String, in frames: [PromptVariables]) -> Bool {
            let head = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            return name == "." || frames.contains { $0.names.contains(head) }
        }

        /// Inside `{{#rows}}` the row's fields join the scope; inside other sections nothing new does.
        private static func frame(entering tag: MustacheTag, in frames: [PromptVariables]) -> PromptVariables {
            guard tag.kind == .section else { return PromptVariables() }
            return frames.reversed().lazy.compactMap { $0.items[tag.name] }.first ?? PromptVariables()
        }

        private static func names(in frames: [PromptVariables]) -> String {
            frames.reduce(into: Set<String>()) { $0.formUnion($1.names) }.sorted().joined(separator: ", ")
        }
    }
}
