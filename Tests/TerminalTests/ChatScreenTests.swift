import Dialogue
import Foundation
import ModelClients
import Terminal
import Testing

/// The chat's screen: each reply once, thinking folded, prompts hidden, a live line only on a terminal.
@Suite struct ChatScreenTests {
    static let reply = [
        DialogueEvent(kind: .refereeMessage, round: 1, role: .referee, to: .reasoner, content: "Task: keep the dog.", template: "opening"),
        DialogueEvent(kind: .streamDelta, round: 1, role: .reasoner, reasoning: "The dog is 3. "),
        DialogueEvent(kind: .streamDelta, round: 1, role: .reasoner, reasoning: "Ask about the leash."),
        DialogueEvent(kind: .streamDelta, round: 1, role: .reasoner, content: #"{"action": "ask", "question": "Leash?"}"#),
        DialogueEvent(
            kind: .reasonerTurn, round: 1, role: .reasoner, content: #"{"action": "ask", "question": "Leash?"}"#,
            reasoning: "The dog is 3. Ask about the leash.", turn: ParsedTurn(action: "ask", question: "Leash?")),
    ]

    func screen(terminal: Bool, thinking: Bool = false, prompts: Bool = false, _ output: WrittenText) -> ChatScreen {
        ChatScreen(
            settings: ChatScreen.Settings(
                terminal: TerminalSettings(isTerminal: terminal, colour: terminal, columns: 60), showThinking: thinking,
                showPrompts: prompts, models: "reasoner r · seer s"),
            renderer: DialogueTextRenderer(colour: false, table: TerminalFixtures.table), roundLimit: 5,
            preview: { _ in "" }, write: { output.append($0) })
    }

    @Test func inAPipeEachReplyIsPrintedOnceSettledWithTheThinkingFoldedAndThePromptsHidden() async {
        let output = WrittenText()
        let screen = screen(terminal: false, output)
        for event in Self.reply { await screen.record(event) }
        #expect(output.text == """
            [round 1] reasoner thought (34 characters): The dog is 3. Ask about the leash.
            [round 1] reasoner asks: Leash?

            """)
        #expect(await screen.statusLine().isEmpty, "no status line in a pipe")
    }

    @Test func showThinkingAndShowPromptsPrintThemInFull() async {
        let output = WrittenText()
        let screen = screen(terminal: false, thinking: true, prompts: true, output)
        for event in Self.reply { await screen.record(event) }
        #expect(output.text.contains("referee → reasoner (opening)\nTask: keep the dog."))
        #expect(output.text.contains("[round 1] reasoner thinks:\nThe dog is 3. Ask about the leash."))
    }

    @Test func onATerminalTheReplyStreamsOnOneLiveLineThatTheSettledFormReplaces() async {
        let output = WrittenText()
        let screen = screen(terminal: true, output)
        for event in Self.reply { await screen.record(event) }
        let text = output.text
        let redraws = text.components(separatedBy: "\r\u{1B}[2K").count - 1
        #expect(redraws == 4, "three live updates and one clear")
        #expect(text.contains("reasoner thinking … "))
        let settled = text.components(separatedBy: "\r\u{1B}[2K").last ?? ""
        #expect(settled.contains("reasoner asks: ") && settled.contains("Leash?"))
        #expect(!settled.contains("{\"action\""), "the raw reply is not printed again")
        let status = await screen.statusLine()
        #expect(status.contains("round 1 of 5 · reasoner r · seer s · 0 tokens · 0:0"))
    }

    @Test func theLastPromptIsWhatTheReasonerReceived() async {
        let output = WrittenText()
        let screen = screen(terminal: false, output)
        #expect(await screen.lastPrompt().contains("not been asked"))
        let request = RecordedRequest(
            model: .init(provider: "ollama", model: "r", baseURL: nil),
            messages: [.init(role: .system, content: "You plan."), .init(role: .user, content: "Keep \u{1B}[2J the dog.")])
        await screen.record(DialogueEvent(kind: .requestSent, round: 1, role: .reasoner, request: request))
        let prompt = await screen.lastPrompt()
        #expect(prompt == "[system]\nYou plan.\n[user]\nKeep ␛[2J the dog.")
    }
}
