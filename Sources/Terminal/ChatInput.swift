import Foundation

/// One line the user typed in a chat, understood: nothing (Enter), text for the models, or a command.
/// A line starting with "/" is always a command (never sent to a model); an unknown one is an error.
public enum ChatInput: Sendable, Hashable {
    /// Enter on an empty line.
    case empty
    /// Text for the reasoner: a note before its turn, a refinement after a decision.
    case text(String)
    /// A known command with its arguments.
    case command(ChatCommand)
    /// A line that starts with "/" but is not a usable command; the message says why.
    case invalid(String)

    /// Reads one line.
    public static func parse(_ line: String) -> ChatInput {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return .empty }
        guard trimmed.hasPrefix("/") else { return .text(trimmed) }
        let word = String(trimmed.prefix { !$0.isWhitespace })
        let argument = trimmed.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
        guard let name = ChatCommand.Name(rawValue: String(word.dropFirst()).lowercased()) ?? alias(word) else {
            return .invalid("unknown command \(word)")
        }
        switch ChatCommand.make(name, argument: argument) {
        case .success(let command): return .command(command)
        case .failure(let problem): return .invalid(problem.text)
        }
    }

    private static func alias(_ word: String) -> ChatCommand.Name? {
        ["/stop": .quit, "/exit": .quit, "/?": .help][word.lowercased()]
    }
}

/// A chat command.
public enum ChatCommand: Sendable, Hashable {
    case ask(String)
    case keep([Int])
    case drop([Int])
    case undo
    case decide
    case rounds(Int)
    case table
    case marks
    case prompt
    case save(String?)
    case help
    case quit

    /// The command words, in the order `/help` lists them.
    public enum Name: String, Sendable, CaseIterable {
        case ask, keep, drop, undo, decide, rounds, table, marks, prompt, save, help, quit

        /// The usage line `/help` prints.
        public var usage: String {
            switch self {
            case .ask: "/ask QUESTION    ask the seer directly; the answer joins the dialogue"
            case .keep: "/keep N…         add segments to the decision (display numbers)"
            case .drop: "/drop N…         remove segments from the decision"
            case .undo: "/undo            revert the last /keep or /drop"
            case .decide: "/decide          ask the reasoner to decide now"
            case .rounds: "/rounds N        set the last round the reasoner may use"
            case .table: "/table           the area table (numbered segments)"
            case .marks: "/marks           the numbered overlay the seer sees"
            case .prompt: "/prompt          what the reasoner last received"
            case .save: "/save [PATH]     write the cutout of the current decision now"
            case .help: "/help            this list"
            case .quit: "/quit            leave (Ctrl-D, or Ctrl-C twice); the transcript stays resumable"
            }
        }
    }

    /// A command's arguments did not fit.
    struct Problem: Error { var text: String }

    static func make(_ name: Name, argument: String) -> Result<ChatCommand, Problem> {
        func needsNothing(_ command: ChatCommand) -> Result<ChatCommand, Problem> {
            argument.isEmpty ? .success(command) : .failure(Problem(text: "/\(name.rawValue) takes no argument"))
        }
        switch name {
        case .ask:
            return argument.isEmpty ? .failure(Problem(text: "/ask needs a question: /ask what is red?")) : .success(.ask(argument))
        case .keep, .drop:
            return numbers(argument, name: name).map { name == .keep ? .keep($0) : .drop($0) }
        case .rounds:
            guard let limit = Int(argument), limit > 0 else {
                return .failure(Problem(text: "/rounds needs a number of rounds: /rounds 8"))
            }
            return .success(.rounds(limit))
        case .save: return .success(.save(argument.isEmpty ? nil : argument))
        case .undo: return needsNothing(.undo)
        case .decide: return needsNothing(.decide)
        case .table: return needsNothing(.table)
        case .marks: return needsNothing(.marks)
        case .prompt: return needsNothing(.prompt)
        case .help: return needsNothing(.help)
        case .quit: return needsNothing(.quit)
        }
    }

    /// "3 4,7" → [3, 4, 7].
    private static func numbers(_ argument: String, name: Name) -> Result<[Int], Problem> {
        let items = argument.split { $0 == " " || $0 == "," }
        let values = items.compactMap { Int($0) }
        guard !items.isEmpty, values.count == items.count, values.allSatisfy({ $0 > 0 }) else {
            return .failure(Problem(text: "/\(name.rawValue) needs segment numbers: /\(name.rawValue) 3 5"))
        }
        return .success(values)
    }

    /// The list `/help` prints, one command a line.
    public static var helpText: String { Name.allCases.map(\.usage).joined(separator: "\n") }
}
