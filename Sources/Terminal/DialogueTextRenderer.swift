import BlindsightCore
import Dialogue
import Foundation
import Panoptic

/// Turns dialogue events into the lines a person reads in a terminal (used by `run`, `replay` and
/// `chat`). Plain text unless `colour` is on; ANSI colours mark who speaks. Every text that comes
/// from a model, a file or a server has known secrets redacted and passes
/// ``TerminalText/safe(_:keepNewlines:)``; with a `width`,
/// long lines are wrapped at that many display cells.
public struct DialogueTextRenderer: Sendable {
    /// Whether to add ANSI colours.
    public var colour: Bool
    /// The area table, to name kept segments by label.
    public var table: AreaTable?
    /// Wrap lines at this many display cells; nil leaves them whole (pipes and logs).
    public var width: Int?

    public init(colour: Bool, table: AreaTable?, width: Int? = nil) {
        self.colour = colour
        self.table = table
        self.width = width
    }

    /// Whether colour suits this process's standard output: a terminal, `NO_COLOR` unset, `TERM` not "dumb".
    public static func colourSuitsStandardOutput(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Bool
    {
        TerminalSettings.colourSuits(isTerminal: isatty(STDOUT_FILENO) == 1, environment: environment)
    }

    private var painter: Painter { Painter(colour: colour) }

    /// The lines for one event; none for events a reader does not need (requests, deltas, system prompts).
    public func lines(for event: DialogueEvent) -> [String] {
        let prefix = "[round \(event.round)]"
        switch event.kind {
        case .refereeMessage where event.template == PromptTemplates.Name.opening.rawValue:
            return [paint("referee → reasoner", .referee)] + indent(event.content)
        case .reasonerTurn:
            var lines: [String] = []
            if let reasoning = event.reasoning, !reasoning.isEmpty {
                lines.append(paint("\(prefix) reasoner thought (\(reasoning.count) characters)", .dim))
            }
            return lines + said("\(prefix) reasoner", event)
        case .seerAnswer:
            let label = event.question.map { "\(prefix) seer (answer \($0.index) of \($0.budget)): " } ?? "\(prefix) seer: "
            return line(label, .seer, oneLine(event.content))
        case .userNote:
            return line("\(prefix) you: ", .user, oneLine(event.content))
        case .userQuestion:
            return line("\(prefix) you ask the seer: ", .user, oneLine(event.content))
        case .decideNow:
            return line("\(prefix) you: ", .user, "decide now")
        case .roundsChanged:
            return line("\(prefix) you: ", .user, "round limit \(safe(event.content))")
        case .refinement:
            return line("\(prefix) you, after the decision: ", .user, oneLine(event.content))
        case .decisionEdited:
            return line("you edited the decision (\(safe(event.content))): keep ", .decision, describe(event.decision?.foreground ?? []))
        case .replyCut:
            return line("\(prefix) \(event.role.rawValue) (cut short): ", event.role == .seer ? .seer : .reasoner, oneLine(event.content))
        case .rejection:
            let rejection = event.rejection
            let counted = rejection?.countedAgainstBudget == true ? "counted against the budget" : "free retry"
            return line("\(prefix) referee rejected the turn: ", .referee, "\(safe(rejection?.detail ?? "")) (\(counted))")
        case .repair:
            return line("\(prefix) referee repaired: ", .referee, oneLine(event.content))
        case .decision, .fallback:
            let title = event.kind == .decision ? "decision" : "fallback (baseline policy)"
            return line("\(title): keep ", .decision, describe(event.decision?.foreground ?? []))
                + wrapped("  " + oneLine(event.content))
        case .retry:
            let attempt = event.attempt.map { ", attempt \($0)" } ?? ""
            return line(
                "\(prefix) \(event.role.rawValue) request failed; asking again\(attempt) ", .error,
                "(any partial reply above is discarded): " + oneLine(event.content))
        case .error:
            return line("error: ", .error, oneLine(event.content))
        case .interrupted:
            return [paint("interrupted", .error)]
        case .stopped:
            guard let stats = event.stats else { return [paint("stopped: \(safe(event.content))", .dim)] }
            let ratio = String(format: "%.2f", stats.uniqueQuestionRatio)
            return [paint(
                "stopped: \(safe(event.content)) after \(stats.rounds) round(s), \(stats.questionsAsked) question(s), "
                    + "unique-question ratio \(ratio), \(stats.rejections) rejection(s), \(stats.repairs) repair(s)",
                .dim)]
        case .outputWritten:
            return ["wrote \(safe(event.output?.purpose ?? "file")): \(safe(event.output?.path ?? event.content))"]
        default:
            return []
        }
    }

    /// The text that shows a streamed piece of a reply as it arrives: reasoning dimmed, content plain,
    /// preceded by "[round k] reasoner … " or "[round k] seer … " when the piece opens the reply's line.
    public func livePiece(for delta: DialogueEvent, opensLine: Bool) -> String {
        var text = opensLine ? paint("[round \(delta.round)] \(delta.role.rawValue) … ", .dim) : ""
        if let reasoning = delta.reasoning, !reasoning.isEmpty { text += paint(safe(reasoning), .dim) }
        text += safe(delta.content)
        return text
    }

    /// "3 (dog), 4 (person)", or "nothing" (labels made safe).
    public func describe(_ numbers: [Int]) -> String {
        guard let table else { return numbers.isEmpty ? "nothing" : numbers.map(String.init).joined(separator: ", ") }
        return table.describe(numbers: numbers, label: safe)
    }

    /// The reasoner's parsed turn: its question, its decision, or the unusable reply.
    private func said(_ speaker: String, _ event: DialogueEvent) -> [String] {
        switch event.turn?.action {
        case "ask": return line("\(speaker) asks: ", .reasoner, oneLine(event.turn?.question ?? ""))
        case "decide":
            let numbers = (event.turn?.foreground ?? []).map(String.init) + (event.turn?.labels ?? []).map { safe($0) }
            return line("\(speaker) decides: ", .reasoner, numbers.joined(separator: ", "))
        default: return line("\(speaker) (no usable action): ", .reasoner, oneLine(event.content))
        }
    }

    /// A coloured label followed by safe text, wrapped at the width with continuation lines indented.
    private func line(_ label: String, _ tone: Tone, _ text: String) -> [String] {
        let labelWidth = DisplayWidth.of(label)
        guard let width, labelWidth + DisplayWidth.of(text) > width else { return [paint(label, tone) + text] }
        let lines = DisplayWidth.wrap(label + text, width: width, indent: "  ")
        guard let first = lines.first, first.hasPrefix(label) else { return lines }
        return [paint(label, tone) + first.dropFirst(label.count)] + lines.dropFirst()
    }

    private func wrapped(_ text: String) -> [String] {
        guard let width else { return [text] }
        return DisplayWidth.wrap(text, width: width, indent: "  ")
    }

    private func paint(_ text: String, _ tone: Tone) -> String { painter.paint(text, tone) }

    private func safe(_ text: String) -> String { UntrustedText.shown(text, keepNewlines: false) }

    private func indent(_ text: String) -> [String] {
        UntrustedText.shown(text).split(separator: "\n", omittingEmptySubsequences: false).flatMap { line in
            line.isEmpty ? [""] : wrapped("  " + line)
        }
    }

    private func oneLine(_ text: String) -> String {
        UntrustedText.shown(text.split(whereSeparator: \.isNewline).joined(separator: " "), keepNewlines: false)
    }
}
