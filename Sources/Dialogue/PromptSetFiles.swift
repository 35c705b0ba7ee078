import Foundation

/// The files of one prompt template set as found — shipped in the binary or in a folder — before
/// they are parsed, so that ``PromptTemplates`` can load them and ``PromptCheck`` can report on all
/// of them at once.
public struct PromptSetFiles: Sendable, Hashable {
    /// One `.mustache` file.
    public struct File: Sendable, Hashable {
        /// The file name without `.mustache` (sub-folders joined with "/"): the template's name.
        public var name: String
        /// The file's full text.
        public var text: String

        public init(name: String, text: String) {
            self.name = name
            self.text = text
        }
    }

    /// Where the set lives: a shipped set's name, or a folder's path.
    public enum Origin: Sendable, Hashable {
        case shipped(name: String)
        case folder(path: String)
    }

    public var origin: Origin
    /// The set's `README.md` (empty when it has none); its first line says what the set tries.
    public var readme: String
    /// The templates, sorted by name.
    public var files: [File]

    public init(origin: Origin, readme: String, files: [File]) {
        self.origin = origin
        self.readme = readme
        self.files = files.sorted { $0.name < $1.name }
    }

    /// Reads every `.mustache` file under `directory` (and its `README.md`).
    /// - Throws: ``PromptError`` when the folder does not exist or a file cannot be read as UTF-8.
    public init(directory: String) throws(PromptError) {
        let root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue,
            let enumerator = FileManager.default.enumerator(atPath: root.path)
        else {
            throw PromptError(message: "prompt folder \(directory) does not exist\(PromptSets.availableSetsHint())")
        }
        var files: [File] = []
        for case let relative as String in enumerator where relative.hasSuffix(".mustache") {
            files.append(File(
                name: String(relative.dropLast(".mustache".count)),
                text: try Self.readText(root.appendingPathComponent(relative).path)))
        }
        let readmePath = root.appendingPathComponent("README.md").path
        let readme = FileManager.default.fileExists(atPath: readmePath) ? try Self.readText(readmePath) : ""
        self.init(origin: .folder(path: root.path), readme: readme, files: files)
    }

    /// The one-line description: the README's first non-empty line, without a Markdown heading mark.
    public var summary: String {
        let line = readme.split(separator: "\n").first { !$0.allSatisfy(\.isWhitespace) } ?? ""
        return line.drop { $0 == "#" || $0 == " " }.trimmingCharacters(in: .whitespaces)
    }

    /// How messages name the set: "shipped set zh" or the folder's path.
    public var originDescription: String {
        switch origin {
        case .shipped(let name): "shipped set \(name)"
        case .folder(let path): path
        }
    }

    /// How messages name one template's file: its path, or `NAME/FILE.mustache` inside a shipped set.
    public func location(of template: String) -> String {
        switch origin {
        case .shipped(let name): "\(name)/\(template).mustache"
        case .folder(let path): URL(fileURLWithPath: path).appendingPathComponent(template + ".mustache").path
        }
    }

    /// The text of template `name`, when the set has it.
    public func text(of name: String) -> String? { files.first { $0.name == name }?.text }

    private static func readText(_ path: String) throws(PromptError) -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw PromptError(message: "cannot read prompt file \(path) as UTF-8 text")
        }
        return text
    }
}
