import BlindsightCore
import Foundation
import Mustache

/// The prompt templates the referee renders, loaded from a folder of `.mustache` files.
///
/// Every file must start with the `{{% CONTENT_TYPE: TEXT}}` pragma (the renderer HTML-escapes
/// otherwise, and the pragma does not carry into partials). Each template's name, SHA-256 and full
/// text are kept in ``records`` so transcripts can record exactly which prompts a run used.
public struct PromptTemplates: Sendable {
    /// The templates the referee renders directly (partials such as `protocol` may be added freely).
    public enum Name: String, Sendable, CaseIterable {
        case reasonerSystem = "reasoner-system"
        case opening
        case answer
        case rejection
        case lastRound = "last-round"
        case seerSystem = "seer-system"
        case seerQuestion = "seer-question"
        /// The user's note to the reasoner in a terminal chat. Optional: template sets recorded before it
        /// existed still load, and a note then reaches the reasoner as the user typed it.
        case userNote = "user-note"
        /// The seer's answer to the user's own question (chat `/ask`), passed to the reasoner. Optional.
        case userQuestion = "user-question"
        /// The user's instruction after a decision (a chat refinement). Optional.
        case refinement

        /// Whether a template set must have this template (the chat's templates are optional, so sets
        /// recorded before them still load; the referee then words those messages itself).
        public var isRequired: Bool { ![.userNote, .userQuestion, .refinement].contains(self) }
    }

    /// One template file as loaded.
    public struct Record: Sendable, Hashable, Codable {
        /// The file name without `.mustache` (sub-folders joined with "/").
        public var name: String
        /// Lowercase hex SHA-256 of the file's UTF-8 text.
        public var sha256: String
        /// The full text.
        public var text: String

        /// A template named `name` with source `text` (its digest computed).
        public init(name: String, text: String) {
            self.name = name
            self.sha256 = SHA256.hex(of: text)
            self.text = text
        }
    }

    /// The first line every template must have.
    public static let pragma = "{{% CONTENT_TYPE: TEXT}}"

    /// Where the templates came from, for messages: a folder's path, "shipped set NAME", or the origin
    /// given to ``init(records:origin:)``.
    public let directory: String
    /// Every template in the folder, sorted by name.
    public let records: [Record]
    private let library: MustacheLibrary

    /// Loads every `.mustache` file under `directory`.
    /// - Throws: ``PromptError`` when the folder is missing, a file lacks the pragma or does not
    ///   parse, or a template the referee needs is absent.
    public init(directory: String) throws(PromptError) {
        try self.init(files: try PromptSetFiles(directory: directory))
    }

    /// Loads a set found by ``PromptSets`` (shipped or in a folder), checking it like a folder.
    public init(files: PromptSetFiles) throws(PromptError) {
        try self.init(texts: files.files.map { ($0.name, $0.text) }, origin: files.originDescription) { name in
            files.location(of: name)
        }
    }

    /// Rebuilds a template set from recorded records (for example a transcript's header) in memory,
    /// checking it like a folder: names, sizes, tags and the partials' graph (see ``TemplateSetCheck``),
    /// so a hostile set can neither name a path nor make rendering recurse without end. `origin` names
    /// where the records came from, for messages.
    public init(records: [Record], origin: String) throws(PromptError) {
        try self.init(texts: records.map { ($0.name, $0.text) }, origin: origin) { "\(origin): template \($0)" }
    }

    private init(
        texts: [(name: String, text: String)], origin: String, describe: (String) -> String
    ) throws(PromptError) {
        try TemplateSetCheck.check(texts, describe: describe)
        var records: [Record] = []
        var library = MustacheLibrary()
        for (name, text) in texts {
            guard text.hasPrefix(Self.pragma) else {
                throw PromptError(message: "prompt template \(describe(name)) must start with \(Self.pragma)")
            }
            do {
                try library.register(text, named: name)
            } catch {
                throw PromptError(message: "prompt template \(describe(name)) does not parse: \(Self.describe(error))")
            }
            records.append(Record(name: name, text: text))
        }
        let missing = Name.allCases.filter(\.isRequired).map(\.rawValue).filter { name in !records.contains { $0.name == name } }
        guard missing.isEmpty else {
            throw PromptError(
                message: "prompt folder \(origin) lacks \(missing.map { $0 + ".mustache" }.joined(separator: ", "))")
        }
        self.directory = origin
        self.records = records.sorted { $0.name < $1.name }
        self.library = library
    }

    /// Renders template `name` (any loaded name, partials included) with a view model.
    ///
    /// The view model is handed to the renderer as plain dictionaries and arrays, reflected once,
    /// which the renderer reads far faster than structs it would reflect on for every variable.
    public func render(_ name: String, _ viewModel: Any) -> String {
        library.render(Self.plain(viewModel) ?? [String: Any](), withTemplate: name) ?? ""
    }

    /// What is wrong with `name` as a template name (path-like parts, odd characters, length), or nil
    /// when a set may use it.
    public static func nameProblem(_ name: String) -> String? { TemplateSetCheck.nameProblem(name) }

    /// Whether the set has template `name`.
    public func contains(_ name: Name) -> Bool { records.contains { $0.name == name.rawValue } }

    /// Renders one of the referee's templates, without leading or trailing blank lines.
    public func render(_ name: Name, _ viewModel: Any) -> String {
        render(name.rawValue, viewModel).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Structs become `[String: Any]`, arrays `[Any]`, optionals their value or nothing.
    private static func plain(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct:
            var members: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label, let member = plain(child.value) { members[label] = member }
            }
            return members
        case .collection: return mirror.children.compactMap { plain($0.value) }
        case .optional: return mirror.children.first.flatMap { plain($0.value) }
        default: return value
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let parserError = error as? MustacheTemplate.ParserError {
            return "line \(parserError.context.lineNumber), column \(parserError.context.columnNumber): \(parserError.error)"
        }
        return String(describing: error)
    }
}

/// The prompt templates could not be loaded.
public struct PromptError: UserFacingError, Equatable {
    public let message: String
    public var exitStatus: ExitStatus { .badInput }

    public init(message: String) {
        self.message = message
    }
}
