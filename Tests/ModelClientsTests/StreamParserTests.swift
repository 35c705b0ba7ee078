import Foundation
import ModelClients
import Testing

@Suite("SSE and NDJSON parsers")
struct StreamParserTests {
    /// Feeds `bytes` split at `cuts` and returns everything parsed.
    func sseEvents(_ text: String, splitEvery size: Int) -> [SSEEvent] {
        var parser = SSEParser()
        let bytes = Array(text.utf8)
        var events: [SSEEvent] = []
        for start in stride(from: 0, to: bytes.count, by: size) {
            events += parser.feed(bytes[start..<min(start + size, bytes.count)])
        }
        return events + parser.finish()
    }

    @Test("SSE events survive any split, including inside Chinese characters and CRLF")
    func sseAnySplit() {
        let text = ": keep-alive\r\n\r\ndata: {\"content\":\"你好，世界\"}\r\n\r\ndata:{\"content\":\"狗\"}\n\nevent: note\ndata: a\ndata: b\n\ndata: [DONE]\n\n"
        let expected = [
            SSEEvent(data: "{\"content\":\"你好，世界\"}"), SSEEvent(data: "{\"content\":\"狗\"}"),
            SSEEvent(event: "note", data: "a\nb"), SSEEvent(data: "[DONE]"),
        ]
        for size in 1...9 {
            #expect(sseEvents(text, splitEvery: size) == expected, "split every \(size) bytes")
        }
    }

    @Test("an SSE event missing its blank line is delivered at the end; a half line is not")
    func sseFinish() {
        #expect(sseEvents("data: x\n", splitEvery: 3) == [SSEEvent(data: "x")])
        #expect(sseEvents("data: x\n\ndata: {\"par", splitEvery: 4) == [SSEEvent(data: "x")])
    }

    @Test("NDJSON lines survive any split and skip blank lines")
    func ndjsonAnySplit() {
        let text = "{\"a\":\"思考\"}\r\n\n{\"b\":2}\n{\"c\":3}"
        for size in 1...7 {
            var parser = NDJSONLineParser()
            let bytes = Array(text.utf8)
            var lines: [String] = []
            for start in stride(from: 0, to: bytes.count, by: size) {
                lines += parser.feed(bytes[start..<min(start + size, bytes.count)])
            }
            lines += parser.finish()
            #expect(lines == ["{\"a\":\"思考\"}", "{\"b\":2}", "{\"c\":3}"], "split every \(size) bytes")
        }
    }
}

@Suite("Reasoning splitter")
struct ReasoningSplitterTests {
    func stream(_ pieces: [String], startsInReasoning: Bool = false) -> ChatDelta {
        var splitter = ReasoningSplitter(startsInReasoning: startsInReasoning)
        var total = ChatDelta()
        for piece in pieces + [""] {
            let delta = piece.isEmpty ? splitter.finish() : splitter.feed(piece)
            total.content += delta.content
            total.reasoning += delta.reasoning
        }
        return total
    }

    func characters(_ text: String) -> [String] { text.map { String($0) } }

    @Test("think tags split one character at a time")
    func thinkTagsByCharacter() {
        let result = stream(characters("\n<think>先看看 the table</think>\n\n{\"keep\":[1]}"))
        #expect(result.reasoning == "先看看 the table")
        #expect(result.content == "{\"keep\":[1]}")
    }

    @Test("a lone closing tag ends reasoning when the model pre-fills the opening tag")
    func loneClosingTagStreaming() {
        let result = stream(characters("Let me think.</think>\n\nAnswer"), startsInReasoning: true)
        #expect(result.reasoning == "Let me think.")
        #expect(result.content == "Answer")
    }

    @Test("without pre-filling, a lone closing tag is dropped from the stream and fixed in the final split")
    func loneClosingTagFinal() {
        let streamed = stream(["Hmm.</th", "ink>Yes"])
        #expect(streamed.content == "Hmm.Yes")
        #expect(!streamed.content.contains("think"))
        let split = ReasoningSplitter.split("Hmm.</think>\n\nYes")
        #expect(split.content == "Yes")
        #expect(split.reasoning == "Hmm.")
    }

    @Test("text that only looks like a tag stays content")
    func falseTagPrefix() {
        #expect(stream(["<th", "is is fine> a < b"]).content == "<this is fine> a < b")
        #expect(stream(["x </thin"]).content == "x </thin")
    }

    @Test("plain replies and unclosed thinking")
    func plainAndUnclosed() {
        #expect(ReasoningSplitter.split("just an answer") == ("just an answer", ""))
        #expect(ReasoningSplitter.split("<think>still thinking") == ("", "still thinking"))
        #expect(stream(["<think>still ", "thinking"]) == ChatDelta(content: "", reasoning: "still thinking"))
    }
}
