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
/// terminal and without `NO_COLOR`).
struct ReplyPrinter {
    private var contentEndsWithNewline = true
    private var reasoningOpen = false
    private let dim: Bool = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    mutating func show(_ delta: ChatDelta) {
        if !delta.reasoning.isEmpty {
            reasoningOpen = true
            writeError(delta.reasoning)
        }
        if !delta.content.isEmpty {
            if reasoningOpen {
                writeError("\n")
                reasoningOpen = false
            }
            FileHandle.standardOutput.write(Data(TerminalText.safe(delta.content).utf8))
            contentEndsWithNewline = delta.content.hasSuffix("\n")
        }
    }

    /// Ends the reply with a newline where needed (once).
    mutating func end() {
        if reasoningOpen { writeError("\n") }
        if !contentEndsWithNewline { FileHandle.standardOutput.write(Data("\n".utf8)) }
        reasoningOpen = false
        contentEndsWithNewline = true
    }

    /// A dimmed line on stderr.
    func note(_ text: String) { writeError(text + "\n") }

    private func writeError(_ text: String) {
        let safe = TerminalText.safe(text)
        let styled = dim ? "\u{1B}[2m\(safe)\u{1B}[0m" : safe
        FileHandle.standardError.write(Data(styled.utf8))
    }
}
