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
