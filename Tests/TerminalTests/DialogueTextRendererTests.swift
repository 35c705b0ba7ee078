import BlindsightCore
import Dialogue
import Foundation
import Panoptic
import Terminal
import Testing

/// Collects what a printer or a screen writes.
final class WrittenText: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [String] = []
    func append(_ text: String) { lock.withLock { parts.append(text) } }
    var text: String { lock.withLock { parts.joined() } }
}

/// A small area table: 3 is a dog, 4 a person.
enum TerminalFixtures {
    static let table = AreaTable(width: 640, height: 480, rows: [
        row(1, 101, "grass"), row(2, 102, "sky"), row(3, 103, "dog"), row(4, 104, "person"),
    ])

    static func row(_ number: Int, _ id: Int, _ label: String) -> AreaTable.Row {
        AreaTable.Row(
            number: number, sourceID: id, label: label, isThing: true, isCrowd: false, areaPercent: 10,
            location: "centre", bbox: BoundingBox(x: 0, y: 0, width: 10, height: 10))
    }
}

@Suite struct DialogueTextRendererTests {
    let decision = DialogueEvent(
        kind: .decision, round: 2, role: .reasoner, content: "the dog",
        decision: Decision(foreground: [3, 4], sourceIDs: [103, 104], reason: "the dog", outcome: .decided))

    @Test func namesKeptSegmentsByLabelInPlainText() {
        let lines = DialogueTextRenderer(colour: false, table: TerminalFixtures.table).lines(for: decision)
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
        let output = WrittenText()
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
        let output = WrittenText()
        let printer = DialoguePrinter(renderer: DialogueTextRenderer(colour: false, table: nil)) { output.append($0) }
        for event in events { await printer.record(event) }
        #expect(output.text == "[round 1] reasoner asks: Dog?\n[round 1] seer: Yes, segment 4.\n")
    }
}

/// Nothing a model or a file says can drive the user's terminal.
@Suite struct TerminalSafetyTests {
    static let hostile = "Here you go \u{1B}]52;c;ZXZpbA==\u{07} and \u{1B}[2J done\u{9B}31m"

    @Test func aReplyCarryingClipboardAndClearScreenSequencesIsShownNeutralised() {
        let renderer = DialogueTextRenderer(colour: true, table: nil)
        let answer = DialogueEvent(kind: .seerAnswer, round: 1, role: .seer, content: Self.hostile)
        let text = renderer.lines(for: answer).joined(separator: "\n")
        #expect(text.contains("␛]52;c;ZXZpbA==␇") && text.contains("␛[2J") && text.contains("⟨U+009B⟩"))
        #expect(!text.contains("\u{1B}]") && !text.contains("\u{07}") && !text.contains("\u{1B}[2J"))
        let live = renderer.livePiece(for: DialogueEvent(kind: .streamDelta, round: 1, role: .seer, content: Self.hostile), opensLine: false)
        #expect(!live.contains("\u{1B}]") && !live.contains("\u{1B}[2J"))
    }

    @Test func labelsFromASegmentsFileAreNeutralisedToo() {
        let table = AreaTable(width: 10, height: 10, rows: [TerminalFixtures.row(1, 7, "dog\u{1B}]0;pwned\u{07}")])
        let line = DialogueTextRenderer(colour: false, table: table).describe([1])
        #expect(line == "1 (dog␛]0;pwned␇)")
    }
}

extension DialogueTextRendererTests {
    @Test func aRetrySaysTheRequestIsAskedAgainAndThePartialReplyDiscarded() {
        let retry = DialogueEvent(kind: .retry, round: 2, role: .seer, content: "stream cut \u{1B}[2J", attempt: 2)
        let line = DialogueTextRenderer(colour: false, table: nil).lines(for: retry)
        #expect(line == ["[round 2] seer request failed; asking again, attempt 2 (any partial reply above is discarded): stream cut ␛[2J"])
    }
}
