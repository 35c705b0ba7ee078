import ArgumentParser
import BlindsightCore
import Dialogue
import Foundation

/// `blindsight prompts …`: the prompt template sets — list them, export a shipped one for editing,
/// render what the models would receive, check a set for mistakes.
struct PromptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompts",
        abstract: "List, export, render and check prompt template sets.",
        discussion: """
            A set is named by --prompts in run, chat and replay: a shipped set's name, a user set's name \
            (a folder in $XDG_CONFIG_HOME/blindsight/prompts, by default ~/.config/blindsight/prompts), or a folder.
            """,
        subcommands: [ListPrompts.self, ExportPrompts.self, RenderPrompts.self, CheckPrompts.self])
}

/// `blindsight prompts list`.
struct ListPrompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the shipped and the user's prompt sets with what each tries.")

    func run() {
        for set in PromptSets.list() {
            let origin: String
            switch set.origin {
            case .shipped: origin = "shipped"
            case .folder(let path):
                origin = "user, \(path)" + (set.isShadowed ? "; hidden by the shipped set of that name, give its path" : "")
            }
            print(TerminalText.safe("\(set.name) (\(origin)): \(set.summary.isEmpty ? "no README" : set.summary)"))
        }
    }
}

/// `blindsight prompts export NAME DIR`.
struct ExportPrompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a shipped prompt set into a folder, for editing (never overwrites a file).",
        discussion: "Use the edited folder with --prompts DIR, or put it in ~/.config/blindsight/prompts/NAME.")

    @Argument(help: "The shipped set (see `blindsight prompts list`).")
    var name: String

    @Argument(help: "The folder to write into (created when missing).")
    var directory: String

    func run() throws {
        let written = try PromptSets.export(name, to: directory)
        print(TerminalText.safe("wrote \(written.count) files of the shipped set \(name) into \(directory)"))
    }
}

/// `blindsight prompts check SET|DIR`.
struct CheckPrompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a prompt set: syntax, partials, and variables the referee never provides.",
        discussion: "Prints each problem as FILE:LINE: message. Exit codes: 0 clean, 3 any problem.")

    @Argument(help: "A shipped or user set's name, or a folder.")
    var set: String

    func run() throws {
        let files = try PromptSets.locate(set)
        let problems = PromptCheck.problems(in: files)
        for problem in problems { print(TerminalText.safe(problem.description)) }
        guard problems.isEmpty else {
            throw PromptError(message: "\(problems.count) problem(s) in \(files.originDescription)")
        }
        print(TerminalText.safe("\(files.originDescription): \(files.files.count) templates, no problems"))
    }
}
