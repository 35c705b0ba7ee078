import BlindsightCore
import Dialogue
import Foundation
import ModelClients

/// The chat's screen: an observer that shows each reply once. On a terminal a reply streams on one
/// live line (the reasoner's thinking dimmed, then its answer) that is replaced by the settled form
/// when the reply is complete; in a pipe only the settled form is printed. The referee's prompts are
/// hidden unless `showPrompts`; the reasoner's thinking is folded to one line unless `showThinking`.
/// It also keeps what the status line and `/prompt` need: rounds, tokens, elapsed time, the last
/// request to the reasoner.
public actor ChatScreen: DialogueObserver {
    /// How the screen looks.
    public struct Settings: Sendable {
        public var terminal: TerminalSettings
        public var showThinking: Bool
        public var showPrompts: Bool
        /// "reasoner provider:model · seer provider:model", for the status line.
        public var models: String
        /// Whether replies stream on a live line (a terminal with escape codes, unless `--no-stream`).
        public var live: Bool

        public init(terminal: TerminalSettings, showThinking: Bool, showPrompts: Bool, models: String, live: Bool? = nil) {
            self.terminal = terminal
            self.live = (live ?? true) && terminal.colour
            self.showThinking = showThinking
            self.showPrompts = showPrompts
            self.models = models
        }
    }

    private let settings: Settings
    private let renderer: DialogueTextRenderer
    private let write: @Sendable (String) -> Void
    /// Draws the cutout preview of a decision (an inline image), or "" when pictures are off.
    private let preview: @Sendable (Decision) async -> String
    private let started = Date()
    private var tokens = 0
    private var round = 1
    private var roundLimit: Int
    /// The reply streaming on the live line: its speaker and what arrived so far.
    private var live: (role: DialogueEvent.Role, content: String, reasoning: String)?
    private var lastReasonerRequest: RecordedRequest?

    public init(
        settings: Settings, renderer: DialogueTextRenderer, roundLimit: Int,
        preview: @escaping @Sendable (Decision) async -> String, write: @escaping @Sendable (String) -> Void
    ) {
        self.settings = settings
        var renderer = renderer
        renderer.colour = settings.terminal.colour
        renderer.width = settings.terminal.isTerminal ? settings.terminal.columns : nil
        self.renderer = renderer
        self.roundLimit = roundLimit
        self.preview = preview
        self.write = write
    }

    private var painter: Painter { Painter(colour: settings.terminal.colour) }

    public func record(_ event: DialogueEvent) async {
        round = event.round
        if let usage = event.usage { tokens += usage.promptTokens + usage.completionTokens }
        switch event.kind {
        case .streamDelta:
            showLive(event)
            return
        case .requestSent:
            if event.role == .reasoner { lastReasonerRequest = event.request }
            return
        case .roundsChanged:
            roundLimit = Int(event.content) ?? roundLimit
        case .decideNow:
            roundLimit = event.round
        default: break
        }
        settleLive()
        for line in lines(for: event) { write(line + "\n") }
        if [.decision, .fallback, .decisionEdited].contains(event.kind), let decision = event.decision {
            write(await preview(decision))
        }
    }

    /// Notes the round limit the referee has now (a refinement or a command may have changed it), for
    /// the status line.
    public func setRoundLimit(_ limit: Int) { roundLimit = limit }

    /// "round 2 of 5 · reasoner ollama:qwen3 · seer ollama:gemma3 · 1234 tokens · 0:42" on a
    /// terminal; nothing in a pipe (scripts read the dialogue, not the clock).
    public func statusLine() -> String {
        guard settings.terminal.isTerminal else { return "" }
        let seconds = Int(Date().timeIntervalSince(started))
        let text = "round \(round) of \(roundLimit) · \(settings.models) · \(tokens) tokens · "
            + "\(seconds / 60):\(String(format: "%02d", seconds % 60))"
        return painter.paint(DisplayWidth.truncated(text, width: settings.terminal.columns), .status)
    }

    /// Prints lines as they are (already safe), each followed by a line feed.
    public func show(_ text: String) {
        settleLive()
        write(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
    }

    /// Prints an error line in the error colour.
    public func error(_ message: String) {
        show(painter.paint("error: ", .error) + UntrustedText.shown(message, keepNewlines: false))
    }

    /// Prints a dim hint line.
    public func hint(_ text: String) {
        show(painter.paint(text, .dim))
    }

    /// The messages the reasoner last received, for `/prompt` (safe, wrapped).
    public func lastPrompt() -> String {
        guard let request = lastReasonerRequest else { return "the reasoner has not been asked anything yet" }
        return request.messages.map { message in
            painter.paint("[\(message.role.rawValue)]", .dim) + "\n" + wrapped(UntrustedText.shown(message.content))
        }.joined(separator: "\n")
    }

    private func lines(for event: DialogueEvent) -> [String] {
        switch event.kind {
        case .refereeMessage:
            guard settings.showPrompts else { return [] }
            let heading = "referee → \(event.to?.rawValue ?? "model") (\(event.template ?? "message"))"
            return [painter.paint(heading, .referee), wrapped(UntrustedText.shown(event.content))].map { $0 }
        case .replyCut where event.content.isEmpty && !(event.reasoning ?? "").isEmpty:
            let text = "[round \(event.round)] \(event.role.rawValue) (cut short while thinking): "
                + UntrustedText.shown((event.reasoning ?? "").split(whereSeparator: \.isNewline).joined(separator: " "), keepNewlines: false)
            return [painter.paint(DisplayWidth.truncated(text, width: foldWidth), .dim)]
        case .stopped where [.decided, .fallback].contains(event.stopReason):
            return []  // the decision and its prompt say it
        case .reasonerTurn:
            var lines: [String] = []
            if let reasoning = event.reasoning, !reasoning.isEmpty { lines += thinking(reasoning, round: event.round) }
            var withoutReasoning = event  // the renderer's own thinking line is replaced by the folded one above
            withoutReasoning.reasoning = nil
            return lines + renderer.lines(for: withoutReasoning)
        default:
            return renderer.lines(for: event)
        }
    }

    /// The thinking, folded to one dim line (its first words and its length) unless `showThinking`.
    private func thinking(_ reasoning: String, round: Int) -> [String] {
        let flat = UntrustedText.shown(reasoning.split(whereSeparator: \.isNewline).joined(separator: " "), keepNewlines: false)
        guard !settings.showThinking else {
            return [painter.paint("[round \(round)] reasoner thinks:", .dim), painter.paint(wrapped(flat), .dim)]
        }
        let head = "[round \(round)] reasoner thought (\(reasoning.count) characters): "
        return [painter.paint(DisplayWidth.truncated(head + flat, width: foldWidth), .dim)]
    }

    /// The width a folded line is cut to: the terminal's, or 100 characters in a pipe.
    private var foldWidth: Int { settings.terminal.isTerminal ? settings.terminal.columns : 100 }

    /// Shows a streamed piece on the live line (terminals with escape codes only, so not with
    /// `NO_COLOR`, and not with `--no-stream`): the tail of what arrived so far.
    private func showLive(_ delta: DialogueEvent) {
        guard settings.live else { return }
        if let current = live, current.role != delta.role { settleLive() }
        var current = live ?? (delta.role, "", "")
        current.content += delta.content
        current.reasoning += delta.reasoning ?? ""
        live = current
        let thinkingOnly = !current.content.contains { !$0.isWhitespace }
        let label = "[round \(delta.round)] \(delta.role.rawValue)\(thinkingOnly ? " thinking" : "") … "
        // Room is left at the end of the line for the terminal's own "^C" echo.
        let room = max(10, settings.terminal.columns - DisplayWidth.of(label) - 4)
        // Only the tail fits on the line, so only a bounded suffix is cleaned (linear over a long reply,
        // not quadratic); replies are already redacted as they stream.
        let source = thinkingOnly ? current.reasoning : current.content
        let text = UntrustedText.shown(String(source.suffix(room * 4)), keepNewlines: false)
        let tail = DisplayWidth.tail(text, width: room)
        let tone: Tone = delta.role == .seer ? .seer : .reasoner
        write("\r\u{1B}[2K" + painter.paint(label, tone) + (thinkingOnly ? painter.paint(tail, .dim) : tail))
    }

    /// Clears the live line, so the settled form takes its place.
    private func settleLive() {
        guard live != nil else { return }
        live = nil
        write("\r\u{1B}[2K")
    }

    private func wrapped(_ text: String) -> String {
        guard settings.terminal.isTerminal else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .flatMap { DisplayWidth.wrap(String($0), width: settings.terminal.columns) }.joined(separator: "\n")
    }
}
