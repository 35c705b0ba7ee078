import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Panoptic
import Transcripts

/// A small made-up dialogue about a 40×30 image with three segments, for format tests.
enum TranscriptFixtures {
    static let start = Date(timeIntervalSince1970: 1_795_000_000.125)

    static func header(parameters: [String: JSONValue]? = nil, instruction: String? = "keep the dog") -> TranscriptHeader {
        let box = BoundingBox(x: 1, y: 2, width: 10, height: 12)
        let segments = [
            Segment(id: 101, categoryID: 18, label: "dog", isThing: true, area: 120, bbox: box),
            Segment(id: 202, categoryID: 184, label: "grass", isThing: false, area: 900, bbox: box),
        ]
        let table = [
            AreaTable.Row(number: 1, sourceID: 202, label: "grass", isThing: false, isCrowd: false,
                          areaPercent: 75, location: "lower half", bbox: box),
            AreaTable.Row(number: 2, sourceID: 101, label: "dog", isThing: true, isCrowd: false,
                          areaPercent: 10, location: "centre", bbox: box),
        ]
        return TranscriptHeader(
            id: "0123456789ab", created: start, programVersion: "9.9.9",
            image: ImageRecord(path: "dog.png", sha256: String(repeating: "a", count: 64), bytes: 999, width: 40,
                               height: 30),
            panoptic: PanopticRecord(source: "dog.panoptic.png", segments: segments,
                                     table: AreaTable(width: 40, height: 30, rows: table)),
            models: [
                ModelRecord(role: "reasoner", provider: "openai", model: "qwq-32b", baseURL: "http://127.0.0.1:1/v1",
                            parameters: parameters),
                ModelRecord(role: "seer", provider: "ollama", model: "qwen2.5vl:7b", baseURL: "http://127.0.0.1:2"),
            ],
            prompts: [PromptRecord(name: "reasoner/system", text: "{{% CONTENT_TYPE: TEXT}}\nYou cannot see.")],
            rules: RefereeRules(maxRounds: 3), instruction: instruction)
    }

    /// A complete run: opening, one question and answer, a decision, stop, one output. Includes a
    /// stream delta (which the writer must skip).
    static func events() -> [DialogueEvent] {
        let reasoner = ModelDescriptor(provider: "openai", model: "qwq-32b", baseURL: "http://127.0.0.1:1/v1")
        var sequence = 0
        func at(_ event: DialogueEvent) -> DialogueEvent {
            var event = event
            event.sequence = sequence
            event.timestamp = start.addingTimeInterval(Double(sequence) * 0.25)
            sequence += 1
            return event
        }
        return [
            at(DialogueEvent(kind: .refereeMessage, round: 1, role: .referee, to: .reasoner, content: "Table: 1 grass, 2 dog",
                             template: "reasoner/opening")),
            at(DialogueEvent(kind: .requestSent, round: 1, role: .reasoner,
                             request: RecordedRequest(model: reasoner, messages: [.init(role: .user, content: "Table")]))),
            at(DialogueEvent(kind: .streamDelta, round: 1, role: .reasoner, content: "{\"act")),
            at(DialogueEvent(kind: .reasonerTurn, round: 1, role: .reasoner,
                             content: #"{"action":"ask","question":"Is there a dog?"}"#, reasoning: "Let me think…",
                             rawReply: #"Let me think…</think>{"action":"ask","question":"Is there a dog?"}"#,
                             usage: TokenUsage(promptTokens: 50, completionTokens: 20), latencySeconds: 1.5,
                             timeToFirstDeltaSeconds: 0.25, turn: ParsedTurn(action: "ask", question: "Is there a dog?"))),
            at(DialogueEvent(kind: .seerAnswer, round: 1, role: .seer, content: "Yes, in the centre.",
                             question: QuestionNumber(index: 1, budget: 3))),
            at(DialogueEvent(kind: .decision, round: 2, role: .reasoner,
                             decision: Decision(foreground: [2], sourceIDs: [101], reason: "the dog", outcome: .decided))),
            at(DialogueEvent(kind: .stopped, round: 2, role: .referee, stopReason: .decided,
                             stats: DialogueStats(rounds: 2, questionsAsked: 1, uniqueQuestionRatio: 1, rejections: 0,
                                                  repairs: 0))),
            at(DialogueEvent(kind: .outputWritten, round: 2, role: .referee, content: "cutout.png",
                             output: OutputFile(purpose: "cutout", path: "cutout.png", byteCount: 10,
                                                sha256: String(repeating: "b", count: 64)))),
        ]
    }

    /// Writes the fixture transcript into `folder` and returns its path.
    static func write(in folder: URL, name: String = "t.jsonl", header: TranscriptHeader = header(),
                      events: [DialogueEvent] = events(), redactor: SecretRedactor = SecretRedactor(knownSecrets: []))
        throws -> String
    {
        let path = folder.appendingPathComponent(name).path
        let writer = try TranscriptWriter(creating: path, header: header, redactor: redactor)
        for event in events { try writer.append(event) }
        writer.close()
        return path
    }
}
