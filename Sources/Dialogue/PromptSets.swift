import BlindsightCore
import Foundation
import ModelClients

/// Where prompt template sets come from: the sets shipped in the binary (generated from the
/// repository's `prompts/*/` by `scripts/gen-prompts.py`), the user's own sets in
/// `$XDG_CONFIG_HOME/blindsight/prompts/NAME` (by default `~/.config/blindsight/prompts/NAME`), and
/// any folder.
public enum PromptSets {
    /// The set used when none is named.
    public static let defaultName = "default"

    /// One set as `blindsight prompts list` shows it.
    public struct Listing: Sendable, Hashable {
        public var name: String
        /// The README's first line ("" when the set has none).
        public var summary: String
        public var origin: PromptSetFiles.Origin
        /// A user set whose name a shipped set already takes (reach it by its path instead).
        public var isShadowed: Bool
    }

    /// The sets shipped in the binary, sorted by name.
    public static let shipped: [PromptSetFiles] = shippedTable.map { set in
        PromptSetFiles(
            origin: .shipped(name: set.name), readme: set.readme,
            files: set.files.map { PromptSetFiles.File(name: $0.name, text: $0.text) })
    }.sorted { $0.displayName < $1.displayName }

    /// The names of the shipped sets, sorted.
    public static var shippedNames: [String] {
        shipped.compactMap { if case .shipped(let name) = $0.origin { name } else { nil } }
    }

    /// Loads the set `nameOrPath` names (nil: the default set) and checks it.
    /// - Throws: ``PromptError`` when nothing by that name or path exists (the message lists the
    ///   available sets), or the set does not load (see ``PromptTemplates/init(files:)``).
    public static func resolve(
        _ nameOrPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(PromptError) -> PromptTemplates {
        try PromptTemplates(files: try locate(nameOrPath, environment: environment))
    }

    /// Finds the files of the set `nameOrPath` names, without checking them: a shipped set by name,
    /// else a user set by name, else a folder path (nil: the default set).
    public static func locate(
        _ nameOrPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(PromptError) -> PromptSetFiles {
        let name = nameOrPath ?? defaultName
        guard !name.isEmpty else {
            throw PromptError(message: "the prompt set name is empty\(availableSetsHint(environment: environment))")
        }
        if let set = shipped.first(where: { $0.origin == .shipped(name: name) }) { return set }
        if isPlainName(name) {
            let userSet = (userFolder(environment: environment) as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: userSet) { return try PromptSetFiles(directory: userSet) }
            guard FileManager.default.fileExists(atPath: name) else {
                throw PromptError(
                    message: "no prompt set or folder named \(name)\(availableSetsHint(environment: environment))")
            }
        }
        return try PromptSetFiles(directory: name)
    }

    /// The folder holding the user's own sets.
    public static func userFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        ((BlindsightConfig.defaultPath(environment: environment) as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("prompts")
    }

    /// The shipped sets, then the user's sets (sub-folders of ``userFolder(environment:)`` holding at
    /// least one `.mustache` file), each with its one-line summary.
    public static func list(environment: [String: String] = ProcessInfo.processInfo.environment) -> [Listing] {
        let shippedListings = shipped.map { set in
            Listing(name: set.displayName, summary: set.summary, origin: set.origin, isShadowed: false)
        }
        let folder = userFolder(environment: environment)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let userListings = names.sorted().compactMap { name -> Listing? in
            guard let set = try? PromptSetFiles(directory: (folder as NSString).appendingPathComponent(name)),
                !set.files.isEmpty
            else { return nil }
            return Listing(name: name, summary: set.summary, origin: set.origin, isShadowed: shippedNames.contains(name))
        }
        return shippedListings + userListings
    }

    /// Writes the shipped set `name` (templates and README) into `directory`, creating it if needed,
    /// for editing. Refuses, writing nothing, when any of the files already exists there.
    /// - Returns: the paths written.
    public static func export(_ name: String, to directory: String) throws(PromptError) -> [String] {
        guard let set = shipped.first(where: { $0.origin == .shipped(name: name) }) else {
            throw PromptError(
                message: "\(name) is not a shipped prompt set; shipped sets: \(shippedNames.joined(separator: ", "))")
        }
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        let contents = set.files.map { ($0.name + ".mustache", $0.text) } + (set.readme.isEmpty ? [] : [("README.md", set.readme)])
        let targets = contents.map { (folder.appendingPathComponent($0.0).path, $0.1) }
        if let existing = targets.first(where: { FileManager.default.fileExists(atPath: $0.0) }) {
            throw PromptError(message: "\(existing.0) already exists; export into an empty or new folder")
        }
        for (path, text) in targets {
            do {
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try AtomicFile.write(Array(text.utf8), to: path)
            } catch {
                throw PromptError(message: (error as? any UserFacingError)?.message ?? "cannot write \(path): \(error)")
            }
        }
        return targets.map(\.0)
    }

    /// "; shipped sets: …; user sets in …: …" for messages about a set that was not found.
    static func availableSetsHint(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let users = list(environment: environment).filter { if case .folder = $0.origin { true } else { false } }
        let userNames = users.isEmpty ? "none" : users.map(\.name).joined(separator: ", ")
        return "; shipped sets: \(shippedNames.joined(separator: ", ")); user sets in "
            + "\(userFolder(environment: environment)): \(userNames)"
    }

    /// A set name, not a path: no slash and not "." or "..".
    private static func isPlainName(_ text: String) -> Bool {
        !text.contains("/") && text != "." && text != ".."
    }
}

extension PromptSetFiles {
    /// The set's name: a shipped set's name or its folder's last component.
    public var displayName: String {
        switch origin {
        case .shipped(let name): name
        case .folder(let path): (path as NSString).lastPathComponent
        }
    }
}
