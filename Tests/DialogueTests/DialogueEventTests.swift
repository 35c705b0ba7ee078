import Dialogue
import Foundation
import ModelClients
import Testing

@Suite struct DialogueEventTests {
    @Test func roundTripsThroughJSONAndOmitsAbsentFields() throws {
        let event = DialogueEvent(
            kind: .decision, sequence: 7, timestamp: Date(timeIntervalSince1970: 1_700_000_000), round: 2, role: .reasoner,
            content: "the dog", usage: TokenUsage(promptTokens: 3, completionTokens: 4),
            decision: Decision(foreground: [3], sourceIDs: [103], reason: "the dog", outcome: .decided))
        let data = try JSONEncoder().encode(event)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["kind"] as? String == "decision")
        #expect(object["reasoning"] == nil && object["request"] == nil)
        #expect(try JSONDecoder().decode(DialogueEvent.self, from: data) == event)
    }

    @Test func decodesKindsFromNewerVersions() throws {
        let json = #"{"kind": "toolCall", "sequence": 0, "timestamp": 0, "round": 1, "role": "reasoner", "content": ""}"#
        let event = try JSONDecoder().decode(DialogueEvent.self, from: Data(json.utf8))
        #expect(event.kind.rawValue == "toolCall")
        #expect(!DialogueEvent.Kind.known.contains(event.kind))
    }
}

@Suite struct DialogueTextRendererTests {
    let decision = DialogueEvent(
        kind: .decision, round: 2, role: .reasoner, content: "the dog",
        decision: Decision(foreground: [3, 4], sourceIDs: [103, 104], reason: "the dog", outcome: .decided))

    @Test func namesKeptSegmentsByLabelInPlainText() {
        let lines = DialogueTextRenderer(colour: false, table: Fixtures.table).lines(for: decision)
        #expect(lines.first == "decision: keep 3 (dog), 4 (person)")
        #expect(!lines.joined().contains("\u{1B}["))
    }

    @Test func coloursOnlyWhenAsked() {
        #expect(DialogueTextRenderer(colour: true, table: nil).lines(for: decision).first?.contains("\u{1B}[") == true)
        #expect(!DialogueTextRenderer.colourSuitsStandardOutput(environment: ["NO_COLOR": "1"]))
    }

    @Test func printsNothingForRequestsAndDeltas() {
        let renderer = DialogueTextRenderer(colour: false, table: nil)
        #expect(renderer.lines(for: DialogueEvent(kind: .streamDelta, round: 1, role: .seer, content: "a")).isEmpty)
        #expect(renderer.lines(for: DialogueEvent(kind: .requestSent, round: 1, role: .seer)).isEmpty)
    }
}
