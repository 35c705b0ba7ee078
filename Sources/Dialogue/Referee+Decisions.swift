import Foundation
import BlindsightCore
import ModelClients
import Panoptic

extension Referee {
    /// Validates a decision: labels expand to their segments, every number must exist, and an empty
    /// decision stands only when the instruction asks for nothing to be kept.
    mutating func decide(numbers: [Int], labels: [String], reason: String, events: [DialogueEvent]) -> Step {
        var events = events
        var kept = Set(numbers.filter { task.table.row(number: $0) != nil })
        let unknownNumbers = numbers.filter { task.table.row(number: $0) == nil }
        var unknownLabels: [String] = []
        for label in labels {
            let matches = task.table.rows.filter { Self.label($0.label, matches: label) }.map(\.number)
            if matches.isEmpty {
                unknownLabels.append(label)
            } else {
                kept.formUnion(matches)
                noteRepair("expanded the label \"\(label)\" to segments \(Self.list(matches))", into: &events)
            }
        }
        if !unknownNumbers.isEmpty || !unknownLabels.isEmpty {
            let named = unknownNumbers.map(String.init) + unknownLabels.map { "\"\($0)\"" }
            return reject(.unknownSegments, "\(named.joined(separator: ", ")) not in the table", events: events)
        }
        if kept.isEmpty && !InstructionIntent.asksForNothing(task.instruction) {
            return reject(.emptyDecision, "the decision keeps no segment", events: events)
        }
        let decision = makeDecision(kept.sorted(), reason: reason, outcome: .decided)
        events.append(DialogueEvent(kind: .decision, round: round, role: .reasoner, content: reason, decision: decision))
        return finish(decision: decision, reason: .decided, error: nil, events: events)
    }

    func makeDecision(_ numbers: [Int], reason: String, outcome: Decision.Outcome) -> Decision {
        Decision(
            foreground: numbers, sourceIDs: numbers.compactMap { task.table.row(number: $0)?.sourceID }, reason: reason,
            outcome: outcome)
    }

    /// The reasoner request for the conversation so far.
    var reasonerPrompt: ReasonerPrompt {
        ReasonerPrompt(
            messages: conversation, responseSchema: rules.structuredOutput ? responseSchema : nil, round: round)
    }

    /// The structured-output schema: an action object whose `foreground` items are the existing numbers;
    /// on the last round only "decide" is allowed.
    var responseSchema: JSONValue {
        let actions: [JSONValue] = round >= roundLimit ? [.string("decide")] : [.string("ask"), .string("decide")]
        let numbers = task.table.rows.map { JSONValue.number(Double($0.number)) }
        return .object([
            "type": .string("object"),
            "properties": .object([
                "action": .object(["type": .string("string"), "enum": .array(actions)]),
                "question": .object(["type": .string("string")]),
                "foreground": .object([
                    "type": .string("array"), "items": .object(["type": .string("integer"), "enum": .array(numbers)]),
                ]),
                "reason": .object(["type": .string("string")]),
            ]),
            "required": .array([.string("action")]),
        ])
    }

    var openingView: PromptViews.Opening {
        PromptViews.Opening(
            instruction: task.instruction, fileName: task.imageName, width: task.imageWidth, height: task.imageHeight,
            segmentCount: task.table.rows.count, rows: task.table.rows.map(PromptViews.Row.init),
            questionBudget: rules.questionBudget, maxRounds: rules.maxRounds, marks: rules.marks)
    }

    /// The table's numbers as "1, 2, 3".
    var validNumbers: String { Self.list(task.table.rows.map(\.number)) }

    func refereeEvent(
        _ text: String, template: PromptTemplates.Name, to recipient: DialogueEvent.Role,
        question: QuestionNumber? = nil
    ) -> DialogueEvent {
        DialogueEvent(
            kind: .refereeMessage, round: round, role: .referee, to: recipient, content: text,
            template: template.rawValue, question: question)
    }

    func turnEvent(_ reply: ModelReply, _ parsed: ParsedReply) -> DialogueEvent {
        let turn: ParsedTurn
        switch parsed.action {
        case .ask(let question): turn = ParsedTurn(action: "ask", question: question)
        case .decide(let numbers, let labels, let reason):
            turn = ParsedTurn(action: "decide", foreground: numbers, labels: labels.isEmpty ? nil : labels, reason: reason)
        case nil: turn = ParsedTurn(action: "invalid", problem: parsed.problem)
        }
        return DialogueEvent(
            kind: .reasonerTurn, round: round, role: .reasoner, content: reply.content,
            reasoning: reply.reasoning.isEmpty ? nil : reply.reasoning, rawReply: reply.rawReply, usage: reply.usage,
            latencySeconds: reply.latencySeconds, timeToFirstDeltaSeconds: reply.timeToFirstDeltaSeconds, turn: turn)
    }

    /// Whether a table label matches a label the reasoner wrote (case-insensitive, plural "s" tolerated).
    static func label(_ tableLabel: String, matches written: String) -> Bool {
        let a = tableLabel.lowercased()
        let b = written.lowercased().trimmingCharacters(in: .whitespaces)
        return a == b || a + "s" == b || a + "es" == b
    }

    static func list(_ numbers: [Int]) -> String { numbers.map(String.init).joined(separator: ", ") }
}
