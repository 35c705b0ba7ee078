import Foundation
import Panoptic

/// Turns dialogue events into the lines a person reads in a terminal (used by `run`, and reusable by
/// replay). Plain text unless `colour` is on; ANSI colours mark who speaks.
public struct DialogueTextRenderer: Sendable {
    /// Whether to add ANSI colours.
    public var colour: Bool
    /// The area table, to name kept segments by label.
    public var table: AreaTable?

    public init(colour: Bool, table: AreaTable?) {
        self.colour = colour
        self.table = table
    }

    /// Whether colour suits this process's standard output: a terminal, `NO_COLOR` unset, `TERM` not "dumb".
    public static func colourSuitsStandardOutput(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Bool
    {
        isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

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
            switch event.turn?.action {
            case "ask": lines.append(paint("\(prefix) reasoner asks: ", .reasoner) + (event.turn?.question ?? ""))
            case "decide":
                let numbers = (event.turn?.foreground ?? []).map(String.init) + (event.turn?.labels ?? [])
                lines.append(paint("\(prefix) reasoner decides: ", .reasoner) + numbers.joined(separator: ", "))
            default:
                lines.append(paint("\(prefix) reasoner (no usable action): ", .reasoner) + oneLine(event.content))
            }
            return lines
        case .seerAnswer:
            let label = event.question.map { "\(prefix) seer (answer \($0.index) of \($0.budget)): " } ?? "\(prefix) seer: "
            return [paint(label, .seer) + oneLine(event.content)]
        case .userNote:
            return [paint("\(prefix) you: ", .user) + oneLine(event.content)]
        case .rejection:
            let rejection = event.rejection
            let counted = rejection?.countedAgainstBudget == true ? "counted against the budget" : "free retry"
            return [paint("\(prefix) referee rejected the turn: ", .referee) + "\(rejection?.detail ?? "") (\(counted))"]
        case .repair:
            return [paint("\(prefix) referee repaired: ", .referee) + event.content]
        case .decision, .fallback:
            let title = event.kind == .decision ? "decision" : "fallback (baseline policy)"
            return [paint("\(title): keep ", .decision) + describe(event.decision?.foreground ?? []), "  " + event.content]
        case .retry:
            let attempt = event.attempt.map { ", attempt \($0)" } ?? ""
            return [paint("\(prefix) \(event.role.rawValue) request failed; asking again\(attempt) ", .error)
                + "(any partial reply above is discarded): " + oneLine(event.content)]
        case .error:
            return [paint("error: ", .error) + event.content]
        case .interrupted:
            return [paint("interrupted", .error)]
        case .stopped:
            guard let stats = event.stats else { return [paint("stopped: \(event.content)", .dim)] }
            let ratio = String(format: "%.2f", stats.uniqueQuestionRatio)
            return [paint(
                "stopped: \(event.content) after \(stats.rounds) round(s), \(stats.questionsAsked) question(s), "
                    + "unique-question ratio \(ratio), \(stats.rejections) rejection(s), \(stats.repairs) repair(s)",
                .dim)]
        case .outputWritten:
            return ["wrote \(event.output?.purpose ?? "file"): \(event.output?.path ?? event.content)"]
        default:
            return []
        }
    }

    /// The text that shows a streamed piece of a reply as it arrives: reasoning dimmed, content plain,
    /// preceded by "[round k] reasoner … " or "[round k] seer … " when the piece opens the reply's line.
    public func livePiece(for delta: DialogueEvent, opensLine: Bool) -> String {
        var text = opensLine ? paint("[round \(delta.round)] \(delta.role.rawValue) … ", .dim) : ""
        if let reasoning = delta.reasoning, !reasoning.isEmpty { text += paint(reasoning, .dim) }
        text += delta.content
        return text
    }

    /// "3 (dog), 4 (person)", or "nothing".
    public func describe(_ numbers: [Int]) -> String {
        guard !numbers.isEmpty else { return "nothing" }
        return numbers.map { number in
            table?.row(number: number).map { "\(number) (\($0.label))" } ?? String(number)
        }.joined(separator: ", ")
    }

    private enum Style: String {
        case referee = "36", reasoner = "35", seer = "33", user = "1;34", decision = "1;32", error = "1;31", dim = "2"
    }

    private func paint(_ text: String, _ style: Style) -> String {
        colour ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    private func indent(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }
    }

    private func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// An observer that prints each event's lines through `write` (for example to standard output).
///
/// When `live`, replies are also shown as they stream: the first piece of a reply opens a line naming
/// the round and the speaker, reasoning pieces follow dimmed and content pieces plain, and the next
/// event ends that line before its own lines (the reasoner's parsed turn, the seer's answer).
public actor DialoguePrinter: DialogueObserver {
    public let renderer: DialogueTextRenderer
    private let live: Bool
    private let write: @Sendable (String) -> Void
    /// The round and role of the reply being streamed, while its line is open.
    private var streaming: (round: Int, role: DialogueEvent.Role)?

    /// - Parameter write: takes text exactly as it is to appear (lines end with a newline; live pieces do not).
    public init(renderer: DialogueTextRenderer, live: Bool = false, write: @escaping @Sendable (String) -> Void) {
        self.renderer = renderer
        self.live = live
        self.write = write
    }

    public func record(_ event: DialogueEvent) async {
        if event.kind == .streamDelta {
            guard live else { return }
            let continuing = streaming.map { $0.round == event.round && $0.role == event.role } ?? false
            if !continuing, streaming != nil { write("\n") }
            write(renderer.livePiece(for: event, opensLine: !continuing))
            streaming = (event.round, event.role)
            return
        }
        if streaming != nil {
            write("\n")
            streaming = nil
        }
        for line in renderer.lines(for: event) { write(line + "\n") }
    }
}
