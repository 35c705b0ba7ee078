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

@Suite struct DialoguePrinterTests {
    /// Collects what a printer writes.
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [String] = []
        func append(_ text: String) { lock.withLock { parts.append(text) } }
        var text: String { lock.withLock { parts.joined() } }
    }

    let events = [
        DialogueEvent(kind: .streamDelta, round: 1, role: .reasoner, reasoning: "Where "),
        DialogueEvent(kind: .streamDelta, round: 1, role: .reasoner, reasoning: "is it?"),
        DialogueEvent(kind: .streamDelta, round: 1, role: .reasoner, content: #"{"action": "ask", "#),
        DialogueEvent(kind: .streamDelta, round: 1, role: .reasoner, content: #""question": "Dog?"}"#),
        DialogueEvent(
            kind: .reasonerTurn, round: 1, role: .reasoner, content: #"{"action": "ask", "question": "Dog?"}"#,
            turn: ParsedTurn(action: "ask", question: "Dog?")),
        DialogueEvent(kind: .streamDelta, round: 1, role: .seer, content: "Yes, "),
        DialogueEvent(kind: .streamDelta, round: 1, role: .seer, content: "segment 4."),
        DialogueEvent(kind: .seerAnswer, round: 1, role: .seer, content: "Yes, segment 4."),
    ]

    @Test func liveShowsEachReplyOnOneLineBeforeItsParsedTurn() async {
        let output = Output()
        let printer = DialoguePrinter(renderer: DialogueTextRenderer(colour: false, table: nil), live: true) { output.append($0) }
        for event in events { await printer.record(event) }
        #expect(output.text == """
            [round 1] reasoner … Where is it?{"action": "ask", "question": "Dog?"}
            [round 1] reasoner asks: Dog?
            [round 1] seer … Yes, segment 4.
            [round 1] seer: Yes, segment 4.

            """)
    }

    @Test func withoutLiveOnlyTheParsedTurnsArePrinted() async {
        let output = Output()
        let printer = DialoguePrinter(renderer: DialogueTextRenderer(colour: false, table: nil)) { output.append($0) }
        for event in events { await printer.record(event) }
        #expect(output.text == "[round 1] reasoner asks: Dog?\n[round 1] seer: Yes, segment 4.\n")
    }
}
