import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Panoptic
import Transcripts

/// A long, realistic-looking transcript for the replay benchmark: rounds of referee message, request
/// (the whole conversation so far, capped at 24 messages), reasoner turn with reasoning, seer
/// answer, until `events` events are written.
enum BenchmarkTranscript {
    static func write(events count: Int, to path: String) throws {
        let box = BoundingBox(x: 10, y: 10, width: 100, height: 80)
        let rows = (1...12).map { number in
            AreaTable.Row(number: number, sourceID: 1000 + number, label: number == 1 ? "dog" : "segment \(number)",
                          isThing: number.isMultiple(of: 2), isCrowd: false, areaPercent: 8, location: "centre", bbox: box)
        }
        let header = TranscriptHeader(
            programVersion: "bench",
            image: ImageRecord(path: "bench.png", sha256: String(repeating: "0", count: 64), bytes: 1, width: 640, height: 480),
            panoptic: PanopticRecord(source: "bench.panoptic.png", segments: [], table: AreaTable(width: 640, height: 480, rows: rows)),
            models: [ModelRecord(role: "reasoner", provider: "bench", model: "qwq-32b", baseURL: nil)],
            prompts: [], rules: RefereeRules(maxRounds: count), instruction: "keep the dog")
        let writer = try TranscriptWriter(creating: path, header: header)
        defer { writer.close() }
        let model = ModelDescriptor(provider: "bench", model: "qwq-32b", baseURL: nil)
        let reasoning = String(repeating: "Let me weigh segment 3 against segment 7 once more. ", count: 30)
        var conversation = [RecordedRequest.Message(role: .system, content: String(repeating: "Rules. ", count: 150))]
        var sequence = 0
        func emit(_ event: DialogueEvent) throws {
            guard sequence < count else { return }
            var event = event
            event.sequence = sequence
            sequence += 1
            try writer.append(event)
        }
        var round = 1
        while sequence < count {
            let message = "Question \(round) of \(count): the seer says segment \(round % 12 + 1) is grass near the dog."
            conversation.append(.init(role: .user, content: message))
            try emit(DialogueEvent(kind: .refereeMessage, round: round, role: .referee, to: .reasoner, content: message))
            try emit(DialogueEvent(kind: .requestSent, round: round, role: .reasoner,
                                   request: RecordedRequest(model: model, messages: Array(conversation.suffix(24)))))
            let question = #"{"action":"ask","question":"Is segment \#(round % 12 + 1) part of the dog?"}"#
            try emit(DialogueEvent(kind: .reasonerTurn, round: round, role: .reasoner, content: question,
                                   reasoning: reasoning, rawReply: reasoning + "</think>" + question,
                                   usage: TokenUsage(promptTokens: 900, completionTokens: 400), latencySeconds: 12.5,
                                   turn: ParsedTurn(action: "ask", question: "Is segment \(round % 12 + 1) part of the dog?")))
            conversation.append(.init(role: .assistant, content: question))
            try emit(DialogueEvent(kind: .seerAnswer, round: round, role: .seer,
                                   content: "No. Segment \(round % 12 + 1) is lawn; the dog is segment 1 in the centre.",
                                   question: QuestionNumber(index: round, budget: count)))
            round += 1
        }
    }
}
