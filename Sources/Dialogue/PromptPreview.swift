import Foundation
import ModelClients

/// Exactly what the reasoner and the seer would receive in round 1, produced by the ``Referee``
/// itself with no model call: the referee is started, then fed a reasoner reply asking
/// ``sampleQuestion``, and the requests it would send are kept.
public struct PromptPreview: Sendable, Hashable {
    /// The reasoner's first request: its system message and the opening message.
    public var reasoner: [ChatMessage]
    /// The seer's request for the sample question (its system message and the wrapped question);
    /// nil when the rules leave no question to ask (`maxRounds` 1).
    public var seer: [ChatMessage]?
    /// The question fed to the referee as if the reasoner had asked it.
    public var sampleQuestion: String

    /// The question used when none is given.
    public static let defaultSampleQuestion = "What does segment 1 show, and is it part of the main subject?"

    /// Runs the referee for `task` under `rules` with `prompts` up to the first seer request.
    public init(task: DialogueTask, rules: RefereeRules, prompts: PromptTemplates, sampleQuestion: String = defaultSampleQuestion) {
        var referee = Referee(task: task, rules: rules, prompts: prompts)
        if case .askReasoner(let first) = referee.start().action {
            reasoner = first.messages
        } else {
            reasoner = []
        }
        let ask = (try? JSONEncoder().encode(["action": "ask", "question": sampleQuestion]))
            .flatMap { String(data: $0, encoding: .utf8) } ?? ""
        var seer: [ChatMessage]?
        if case .askSeer(let prompt) = referee.reasonerReplied(ModelReply(content: ask)).action {
            seer = prompt.messages
        }
        self.seer = seer
        self.sampleQuestion = sampleQuestion
    }
}
