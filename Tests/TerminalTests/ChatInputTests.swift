import Terminal
import Testing

/// What the user types in a chat: text, commands, mistakes.
@Suite struct ChatInputTests {
    @Test func textAndEnter() {
        #expect(ChatInput.parse("  ") == .empty)
        #expect(ChatInput.parse(" only the dog ") == .text("only the dog"))
    }

    @Test func commandsWithTheirArguments() {
        #expect(ChatInput.parse("/ask what is red?") == .command(.ask("what is red?")))
        #expect(ChatInput.parse("/keep 3 4,7") == .command(.keep([3, 4, 7])))
        #expect(ChatInput.parse("/DROP 5") == .command(.drop([5])))
        #expect(ChatInput.parse("/rounds 8") == .command(.rounds(8)))
        #expect(ChatInput.parse("/save out.png") == .command(.save("out.png")))
        #expect(ChatInput.parse("/save") == .command(.save(nil)))
        #expect(ChatInput.parse("/stop") == .command(.quit))
    }

    @Test func anUnknownWordOrBadArgumentsAreErrorsNeverText() {
        #expect(ChatInput.parse("/keep4") == .invalid("unknown command /keep4"))
        #expect(ChatInput.parse("/frobnicate the dog") == .invalid("unknown command /frobnicate"))
        guard case .invalid = ChatInput.parse("/keep dog") else { Issue.record("numbers expected"); return }
        guard case .invalid = ChatInput.parse("/ask") else { Issue.record("a question expected"); return }
        guard case .invalid = ChatInput.parse("/undo 3") else { Issue.record("no argument expected"); return }
    }

    @Test func helpListsEveryCommand() {
        for name in ChatCommand.Name.allCases { #expect(ChatCommand.helpText.contains("/" + name.rawValue)) }
    }
}
