import ArgumentParser
import BlindsightCore
import Foundation
import Imaging
import ModelClients

/// `blindsight ask IMAGE QUESTION [--seer SPEC] [--max-side N]`: one direct question to the seer.
struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Ask the seeing model one question about an image.",
        discussion: """
            The answer streams to standard output; reasoning, if the model shows any, streams dimmed \
            to standard error. Ctrl-C stops the request (exit 130). Exit 3 for a bad image, 4 when \
            the model server fails.
            """
    )

    @Argument(help: "A PNG or JPEG file.")
    var image: String

    @Argument(help: "The question.")
    var question: String

    @Option(help: "The seeing model, as provider:model (default ollama:qwen2.5vl:7b).")
    var seer: String?

    @Option(name: .customLong("max-side"), help: "Longest side of the image sent, in pixels (default 1280).")
    var maxSide: Int?

    func run() async throws {
        var config = try BlindsightConfig.load()
        try config.apply(seer: seer, seerImageMaxSide: maxSide)
        try config.prepare(for: [config.seer.value])
        let picture = try ImageDecoder.decodeFile(atPath: image)
        let attachment = try SeerImage.prepare(picture, maxSide: config.seerImageMaxSide.value)
        let backend = try BackendFactory.makeBackend(for: config.seer.value, config: config)
        let request = ChatRequest(messages: [ChatMessage(role: .user, content: question, images: [attachment])])
        let spec = config.seer.value
        try await Interrupts.cancellingOnInterrupt {
            var printer = ReplyPrinter()
            defer { printer.end() }
            for try await event in backend.chat(request) {
                switch event {
                case .delta(let delta): printer.show(delta)
                case .restarted(let attempt, let reason):
                    printer.end()
                    printer.note("(asking again, attempt \(attempt), after: \(TerminalText.safe(reason)); any partial answer above is discarded)")
                case .completed(let completion):
                    printer.end()
                    printer.note(Self.summary(completion, spec: spec))
                }
            }
        }
    }

    private static func summary(_ completion: ChatCompletion, spec: ModelSpec) -> String {
        var parts = ["\(spec)", String(format: "%.1f s", completion.totalSeconds)]
        if let usage = completion.usage { parts.append("\(usage.promptTokens) + \(usage.completionTokens) tokens") }
        if completion.attempts > 1 { parts.append("\(completion.attempts) attempts") }
        if let reason = completion.finishReason, reason != "stop" { parts.append("finish: \(reason)") }
        return "(" + parts.joined(separator: ", ") + ")"
    }
}

/// Prints a streamed reply: content to stdout, reasoning dimmed to stderr (colour only on a
/// terminal and without `NO_COLOR`). Both are model text: they pass through ``TerminalLine/clean(_:keepNewlines:)``
/// piece by piece (a carriage return ending a piece waits for the next, so a CRLF split across two
/// pieces is still a line end).
struct ReplyPrinter {
    private var contentEndsWithNewline = true
    private var reasoningOpen = false
    private var content = TerminalPieces()
    private var reasoning = TerminalPieces()
    private let dim: Bool = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    mutating func show(_ delta: ChatDelta) {
        if !delta.reasoning.isEmpty {
            reasoningOpen = true
            writeError(reasoning.clean(delta.reasoning))
        }
        if !delta.content.isEmpty {
            if reasoningOpen {
                writeError(reasoning.flush() + "\n")
                reasoningOpen = false
            }
            let text = content.clean(delta.content)
            writeOutput(text)
            contentEndsWithNewline = text.unicodeScalars.last == "\n"
        }
    }

    /// Ends the reply with a newline where needed (once).
    mutating func end() {
        if reasoningOpen { writeError(reasoning.flush() + "\n") }
        writeOutput(content.flush() + (contentEndsWithNewline ? "" : "\n"))
        reasoningOpen = false
        contentEndsWithNewline = true
    }

    /// A dimmed line on stderr.
    func note(_ text: String) { writeError(TerminalLine.clean(text) + "\n") }

    private func writeOutput(_ text: String) {
        if !text.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    private func writeError(_ text: String) {
        guard !text.isEmpty else { return }
        let styled = dim ? "\u{1B}[2m\(text)\u{1B}[0m" : text
        FileHandle.standardError.write(Data(styled.utf8))
    }
}

/// Streamed text made terminal-safe piece by piece, holding back a trailing carriage return.
struct TerminalPieces {
    private var carriageReturn = false

    mutating func clean(_ piece: String) -> String {
        var text = (carriageReturn ? "\r" : "") + piece
        carriageReturn = text.hasSuffix("\r")
        if carriageReturn { text.removeLast() }
        return TerminalLine.clean(text)
    }

    /// A held-back carriage return, shown.
    mutating func flush() -> String {
        defer { carriageReturn = false }
        return carriageReturn ? TerminalLine.clean("\r") : ""
    }
}
