import Dialogue
import Foundation
import ModelClients
import Testing

/// The user's moves in a chat as referee transitions (pure, no network): questions to the seer,
/// "decide now", round limits, edits of the decision, refinements, replies cut short; and that a
/// restored referee reaches the same state from the recorded events.
@Suite struct ChatMovesTests {
    /// A referee that has decided to keep the dog (3), with the events so far.
    func decided() throws -> (Referee, [DialogueEvent]) {
        var referee = try Fixtures.referee()
        var events = referee.start().events
        events += referee.reasonerReplied(Fixtures.decide([3])).events
        return (referee, events)
    }

    @Test func theUsersQuestionGoesToTheSeerAndItsAnswerToTheReasonerWithoutUsingARound() throws {
        var referee = try Fixtures.referee()
        _ = referee.start()
        let asked = try referee.userAsked("What is red?")
        #expect(asked.events.first?.kind == .userQuestion && asked.events.first?.content == "What is red?")
        let seer = try #require(asked.action.seerPrompt)
        #expect(seer.askedByUser && seer.messages.last?.content.contains("What is red?") == true)
        let answered = referee.seerAnswered(ModelReply(content: "The frisbee is red."))
        #expect(answered.events.map(\.kind) == [.seerAnswer, .refereeMessage])
        #expect(answered.events.first?.question == nil, "not one of the reasoner's questions")
        let prompt = try #require(answered.action.reasonerPrompt)
        #expect(prompt.round == 1 && referee.round == 1)
        #expect(prompt.messages.last?.content.contains("The frisbee is red.") == true)
        #expect(prompt.messages.last?.content.contains("The user asked the seer directly") == true)
    }

    @Test func askingAfterADecisionKeepsTheDecision() throws {
        var (referee, _) = try decided()
        _ = try referee.userAsked("Is there a ball?")
        let back = referee.seerAnswered(ModelReply(content: "No ball."))
        guard case .finish(let outcome) = back.action else { Issue.record("expected the decision back"); return }
        #expect(outcome.decision?.foreground == [3])
    }

    @Test func editsChangeTheDecisionByDisplayNumberAndUndoRevertsThem() throws {
        var (referee, _) = try decided()
        let kept = try referee.editDecision(keep: [4, 5], drop: [], command: "keep 4 5")
        #expect(kept.events.first?.kind == .decisionEdited && kept.events.first?.decision?.foreground == [3, 4, 5])
        #expect(kept.events.first?.decision?.sourceIDs == [103, 104, 105])
        #expect(kept.events.first?.decision?.outcome == .edited)
        let dropped = try referee.editDecision(keep: [], drop: [3], command: "drop 3")
        #expect(dropped.events.first?.decision?.foreground == [4, 5])
        #expect(try referee.undoEdit().events.first?.decision?.foreground == [3, 4, 5])
        #expect(try referee.undoEdit().events.first?.decision?.foreground == [3])
        #expect(throws: UserCommandError.self) { try referee.undoEdit() }
        #expect(throws: UserCommandError.self) { try referee.editDecision(keep: [9], drop: [], command: "keep 9") }
        #expect(referee.currentDecision?.foreground == [3])
    }

    @Test func editsNeedADecision() throws {
        var referee = try Fixtures.referee()
        _ = referee.start()
        #expect(throws: UserCommandError.self) { try referee.editDecision(keep: [4], drop: [], command: "keep 4") }
        #expect(throws: UserCommandError.self) { try referee.refine("also the ball") }
    }

    @Test func aRefinementReopensTheDialogueWithMoreRoundsAndLeadsToANewDecision() throws {
        var (referee, _) = try decided()
        _ = try referee.editDecision(keep: [5], drop: [], command: "keep 5")
        let reopened = try referee.refine("not the frisbee, but the person")
        #expect(reopened.events.map(\.kind) == [.refinement, .refereeMessage])
        let prompt = try #require(reopened.action.reasonerPrompt)
        #expect(prompt.round == 2 && referee.roundLimit == 5)
        let message = try #require(prompt.messages.last?.content)
        #expect(message.contains("not the frisbee, but the person") && message.contains("keep 3 (dog), 5 (frisbee)"))
        #expect(!referee.canUndoEdit, "edits before a refinement are part of the decision refined")
        let again = referee.reasonerReplied(Fixtures.decide([3, 4]))
        guard case .finish(let outcome) = again.action else { Issue.record("expected a new decision"); return }
        #expect(outcome.decision?.foreground == [3, 4] && outcome.stopReason == .decided)
    }

    @Test func decideNowMakesThisTheLastRound() throws {
        var referee = try Fixtures.referee()
        _ = referee.start()
        let step = try referee.decideNow()
        #expect(step.events.first?.kind == .decideNow && referee.roundLimit == 1)
        #expect(step.action.reasonerPrompt?.messages.last?.content.contains("last round") == true)
        #expect(referee.reasonerReplied(Fixtures.ask("Where?")).events.contains { $0.rejection?.reason == .questionOnLastRound })
    }

    @Test func theRoundLimitIsBetweenThisRoundAndFifty() throws {
        var referee = try Fixtures.referee()
        _ = referee.start()
        #expect(try referee.setRoundLimit(9).events.first?.content == "9")
        #expect(referee.roundLimit == 9)
        #expect(throws: UserCommandError.self) { try referee.setRoundLimit(0) }
        #expect(throws: UserCommandError.self) { try referee.setRoundLimit(51) }
    }

    @Test func theRoundLimitStillWorksAfterRefinementsCarryTheRoundPastFifty() throws {
        var (referee, _) = try decided()
        while referee.round <= Referee.largestRoundLimit {
            _ = try referee.refine("again")
            _ = referee.reasonerReplied(Fixtures.decide([3]))
        }
        let round = referee.round
        #expect(throws: UserCommandError.self) { try referee.setRoundLimit(round - 1) }
        #expect(try referee.setRoundLimit(round).events.first?.content == String(round))
    }

    @Test func aCutReasonerReplyIsRecordedAndTheTurnAskedAgain() throws {
        var referee = try Fixtures.referee()
        let opened = referee.start()
        let cut = referee.replyCut(ModelReply(content: #"{"action": "as"#))
        #expect(cut.events.map(\.kind) == [.replyCut] && cut.events.first?.role == .reasoner)
        #expect(cut.action == opened.action, "the same request is sent again")
    }

    @Test func aCutSeerAnswerIsPassedOnMarkedAsCut() throws {
        var referee = try Fixtures.referee()
        _ = referee.start()
        _ = referee.reasonerReplied(Fixtures.ask("Where is the dog?"))
        let step = referee.replyCut(ModelReply(content: "In the cen"))
        #expect(step.events.first?.kind == .replyCut && step.events.first?.role == .seer)
        #expect(step.action.reasonerPrompt?.messages.last?.content.contains("In the cen [the user cut this answer short]") == true)
    }

    @Test func aTemplateSetRecordedBeforeTheChatTemplatesStillRefinesAndAnswers() throws {
        let full = try Fixtures.prompts()
        let older = try PromptTemplates(
            records: full.records.filter { !["user-question", "refinement"].contains($0.name) }, origin: "an older transcript")
        var referee = Referee(task: Fixtures.task(), rules: RefereeRules(maxRounds: 4), prompts: older)
        _ = referee.start()
        _ = try referee.userAsked("What is red?")
        let answered = referee.seerAnswered(ModelReply(content: "The frisbee."))
        #expect(answered.action.reasonerPrompt?.messages.last?.content.contains("The frisbee.") == true)
        _ = referee.reasonerReplied(Fixtures.decide([3]))
        let refined = try referee.refine("and the person")
        #expect(refined.action.reasonerPrompt?.messages.last?.content.contains("\"and the person\"") == true)
    }

    @Test func replayRestoresEveryChatMove() throws {
        var live = try Fixtures.referee()
        var events = live.start().events
        events += try live.userAsked("What is red?").events
        events += live.seerAnswered(ModelReply(content: "The frisbee.")).events
        events += try live.setRoundLimit(6).events
        events += live.replyCut(ModelReply(content: "{")).events
        events += live.reasonerReplied(Fixtures.decide([3])).events
        events += try live.editDecision(keep: [5], drop: [], command: "keep 5").events
        events += try live.editDecision(keep: [4], drop: [], command: "keep 4").events
        events += try live.undoEdit().events
        events += try live.refine("and the person").events
        events += try live.decideNow().events
        let pending = live.reasonerReplied(Fixtures.decide([3, 4]))
        events += pending.events
        events += try live.editDecision(keep: [], drop: [3], command: "drop 3").events

        var restored = try Fixtures.referee()
        let step = try restored.replay(events)
        #expect(restored.currentDecision == live.currentDecision)
        #expect(restored.currentDecision?.foreground == [4])
        #expect(restored.round == live.round && restored.roundLimit == live.roundLimit)
        #expect(restored.canUndoEdit)
        guard case .finish(let outcome) = step.action else { Issue.record("expected the finished dialogue"); return }
        #expect(outcome.decision?.foreground == [4])
    }
}

/// The engine with a chat user: commands in order, refusals reported, a model call cancelled on its own.
@Suite struct ChatEngineTests {
    typealias ScriptedUser = UserNoteTests.ScriptedUser

    @Test func theUserAsksEditsUndoesAndRefinesInOneRun() async throws {
        let reasoner = ScriptedBackend("r", [.text(Fixtures.decide([3]).content), .text(Fixtures.decide([3, 4]).content)])
        let seer = ScriptedBackend("s", [.text("The frisbee is red.")])
        let user = ScriptedUser([
            .ask("What is red?"), .goOn,  // before round 1
            .drop([9]), .keep([5]), .undo, .note("also the person"),  // at the first decision: the refinement goes on at once
            .drop([3]), .goOn,  // at the second decision: edit, then accept
        ])
        let log = EventLog()
        let engine = DialogueEngine(reasoner: reasoner, seer: seer, seerImages: [], observers: [log], user: user)
        let result = try await engine.run(try Fixtures.referee())
        #expect(result.outcome.decision?.foreground == [4] && !result.userLeft)
        #expect(user.refusals.count == 1 && user.refusals.first?.contains("9") == true)
        #expect(user.rounds == [1, 1], "asked again after /ask, and not before the refinement's turn")
        #expect(seer.requests.count == 1 && reasoner.requests.count == 2)
        #expect(reasoner.requests.first?.messages.last?.content.contains("The frisbee is red.") == true)
        #expect(reasoner.requests.last?.messages.last?.content.contains("also the person") == true)
        let kinds = log.events.map(\.kind).filter { [.userQuestion, .decisionEdited, .refinement, .decision].contains($0) }
        #expect(kinds == [.userQuestion, .decision, .decisionEdited, .decisionEdited, .refinement, .decision, .decisionEdited])
    }

    @Test func leavingAtTheDecisionIsReported() async throws {
        let reasoner = ScriptedBackend("r", [.text(Fixtures.decide([3]).content)])
        let engine = DialogueEngine(
            reasoner: reasoner, seer: ScriptedBackend("s", []), seerImages: [], user: ScriptedUser([.goOn, .stop]))
        let result = try await engine.run(try Fixtures.referee())
        #expect(result.userLeft && result.outcome.decision?.foreground == [3])
    }

    @Test func cancellingTheCallInFlightKeepsThePartialReplyAndTheDialogueGoesOn() async throws {
        let reasoner = ScriptedBackend("r", [.partialThenHang(#"{"action": "#), .text(Fixtures.decide([3]).content)])
        let calls = CallCanceller()
        let log = EventLog()
        let engine = DialogueEngine(
            reasoner: reasoner, seer: ScriptedBackend("s", []), seerImages: [], observers: [log],
            user: ScriptedUser([]), calls: calls)
        let canceller = Task {
            while !log.events.contains(where: { $0.kind == .streamDelta }) { try await Task.sleep(for: .milliseconds(5)) }
            calls.cancelCurrentCall()
        }
        let result = try await engine.run(try Fixtures.referee())
        _ = try await canceller.value
        #expect(result.outcome.decision?.foreground == [3])
        let cut = try #require(log.events.first { $0.kind == .replyCut })
        #expect(cut.content == #"{"action": "# && cut.role == .reasoner)
        #expect(reasoner.requests.count == 2, "the turn was asked again after the cut")
    }
}
