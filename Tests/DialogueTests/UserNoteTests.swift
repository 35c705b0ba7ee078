import Dialogue
import Foundation
import ModelClients
import Testing

/// The user's part in a terminal chat: notes to the reasoner, and stopping.
@Suite struct UserNoteTests {
    @Test func aNoteReachesTheReasonerAsAnInstructionWithoutUsingARound() throws {
        var referee = try Fixtures.referee()
        _ = referee.start()
        let step = referee.userSaid("Only the dog, not the ball.")
        #expect(step.events.map(\.kind) == [.userNote, .refereeMessage])
        #expect(step.events.first?.role == .user && step.events.first?.content == "Only the dog, not the ball.")
        #expect(step.events.last?.template == "user-note")
        let prompt = try #require(step.action.reasonerPrompt)
        #expect(prompt.round == 1)
        let last = try #require(prompt.messages.last)
        #expect(last.role == .user && last.content.contains("\"Only the dog, not the ball.\"") && last.content.contains("Round 1 of"))
    }

    @Test func aNoteWhileTheSeerIsBeingAskedChangesNothing() throws {
        var referee = try Fixtures.referee()
        _ = referee.start()
        let asked = referee.reasonerReplied(Fixtures.ask("Is the dog in the centre?"))
        let step = referee.userSaid("hello")
        #expect(step.events.isEmpty && step.action == asked.action)
    }

    @Test func replayRestoresNotesSoAResumedChatSendsTheSameConversation() throws {
        var live = try Fixtures.referee()
        var events = live.start().events
        events += live.userSaid("Keep the person too.").events
        events += live.reasonerReplied(Fixtures.ask("Is the person next to the dog?")).events
        let pending = live.seerAnswered(ModelReply(content: "Yes."))
        events += pending.events
        var restored = try Fixtures.referee()
        #expect(try restored.replay(events).action == pending.action)
    }

    @Test func aTemplateSetRecordedBeforeNotesExistedPassesTheNoteAsTyped() throws {
        let full = try Fixtures.prompts()
        let older = try PromptTemplates(records: full.records.filter { $0.name != "user-note" }, origin: "an older transcript")
        var referee = Referee(task: Fixtures.task(), rules: RefereeRules(maxRounds: 4), prompts: older)
        _ = referee.start()
        let step = referee.userSaid("Only the dog.")
        #expect(step.events.map(\.kind) == [.userNote])
        #expect(step.action.reasonerPrompt?.messages.last?.content == "Only the dog.")
    }

    /// Answers each moment with the next scripted choice (then `.goOn`), and records the moments and refusals.
    final class ScriptedUser: DialogueUser, @unchecked Sendable {
        private let lock = NSLock()
        private var turns: [UserTurn]
        private(set) var moments: [UserMoment] = []
        private(set) var refusals: [String] = []
        init(_ turns: [UserTurn]) { self.turns = turns }
        /// The rounds of the reasoner turns the user was asked before.
        var rounds: [Int] {
            lock.withLock {
                moments.compactMap { moment in
                    if case .beforeTurn(let round, _) = moment { return round }
                    return nil
                }
            }
        }
        func turn(_ moment: UserMoment) async -> UserTurn {
            lock.withLock {
                moments.append(moment)
                return turns.isEmpty ? .goOn : turns.removeFirst()
            }
        }
        func refused(_ message: String) async {
            lock.withLock { refusals.append(message) }
        }
    }

    @Test func theEngineAsksTheUserOnceBeforeEachReasonerTurn() async throws {
        let reasoner = ScriptedBackend("r", [.text(Fixtures.ask("Where is the dog?").content), .text(Fixtures.decide([3]).content)])
        let seer = ScriptedBackend("s", [.text("Left of centre.")])
        let user = ScriptedUser([.note("Just the dog, please."), .goOn])
        let log = EventLog()
        let engine = DialogueEngine(reasoner: reasoner, seer: seer, seerImages: [], observers: [log], user: user)
        let result = try await engine.run(try Fixtures.referee())
        #expect(result.outcome.decision?.foreground == [3])
        #expect(user.rounds == [1, 2], "asked once per reasoner turn, not again after the note")
        #expect(reasoner.requests.count == 2)
        #expect(reasoner.requests.first?.messages.last?.content.contains("Just the dog, please.") == true)
        #expect(log.events.filter { $0.kind == .userNote }.map(\.content) == ["Just the dog, please."])
    }

    @Test func stoppingEndsTheDialogueAsCancelledBeforeAnyRequest() async throws {
        let reasoner = ScriptedBackend("r", [.text(Fixtures.decide([3]).content)])
        let engine = DialogueEngine(
            reasoner: reasoner, seer: ScriptedBackend("s", []), seerImages: [], user: ScriptedUser([.stop]))
        let result = try await engine.run(try Fixtures.referee())
        #expect(result.outcome.stopReason == .cancelled)
        #expect(reasoner.requests.isEmpty)
    }
}
