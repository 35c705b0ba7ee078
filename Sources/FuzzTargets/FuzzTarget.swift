import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Panoptic
import Transcripts

/// The entry points that read untrusted bytes, each runnable on arbitrary input: by libFuzzer
/// (`scripts/fuzz.sh`, the `blindsight-fuzz` executable built with `-sanitize=fuzzer`) and by the
/// ordinary tests over the seed corpus in `fuzz/corpus/<target>/` and mutations of it.
///
/// A target must never crash, hang or grow without bound on any input; where a cheap invariant
/// exists it is checked too (a violated invariant stops the process like a crash, so the fuzzer
/// keeps the input).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// ``ReplyParser/parse(_:)``: a reasoner reply as the model wrote it.
    case reply
    /// ``SSEParser``: a `text/event-stream` body cut into chunks; every event's data read as JSON.
    case sse
    /// ``NDJSONLineParser``: an NDJSON body cut into chunks; every line read as JSON.
    case ndjson
    /// One event line after a fixed valid header, through the whole transcript path (see ``transcript``).
    case transcriptLine = "transcript-line"
    /// A whole transcript file: ``TranscriptReader``, the recorded templates rebuilt in memory, the
    /// referee replay that `--rerun`, `--live-from` and `--resume` start with, the continuation
    /// cut, the request comparison and the summary.
    case transcript
    /// A panoptic answer or segments JSON: ``PanopticReader`` (self-contained form, and segments
    /// over a fixed small id map), then the area table built and rendered.
    case panoptic

    /// Runs the target on `data`.
    public func run(_ data: Data) {
        switch self {
        case .reply: _ = ReplyParser.parse(String(decoding: data, as: UTF8.self))
        case .sse: StreamFuzzing.sse(data)
        case .ndjson: StreamFuzzing.ndjson(data)
        case .transcriptLine: TranscriptFuzzing.run(TranscriptFuzzing.headerLine + Data("\n".utf8) + data)
        case .transcript: TranscriptFuzzing.run(data)
        case .panoptic: PanopticFuzzing.run(data)
        }
    }
}

/// Stops the process, as a crash would, when an invariant fails; the message names it.
func invariant(_ holds: Bool, _ what: @autoclosure () -> String) {
    if !holds { fatalError("fuzz invariant violated: \(what())") }
}

/// The stream parsers must give the same result whatever the chunking.
enum StreamFuzzing {
    static func sse(_ data: Data) {
        let events = parsedInPieces(data, SSEParser(), "SSE events") { $0.feed($1) } finish: { $0.finish() }
        for event in events { readJSON(event.data) }
    }

    static func ndjson(_ data: Data) {
        let lines = parsedInPieces(data, NDJSONLineParser(), "NDJSON lines") { $0.feed($1) } finish: { $0.finish() }
        for line in lines { readJSON(line) }
    }

    /// What `parser` makes of `data` fed in the pieces of ``StreamChunks``, checked equal to what a
    /// fresh copy makes of it fed whole.
    private static func parsedInPieces<Parser, Item: Equatable>(
        _ data: Data, _ parser: Parser, _ what: String, feed: (inout Parser, Data) -> [Item],
        finish: (inout Parser) -> [Item]
    ) -> [Item] {
        var whole = parser
        let expected = feed(&whole, data) + finish(&whole)
        var pieces = parser
        var got: [Item] = []
        for chunk in StreamChunks.of(data) { got += feed(&pieces, chunk) }
        got += finish(&pieces)
        invariant(got == expected, "\(what) depend on how the body was cut")
        return got
    }

    private static func readJSON(_ text: String) {
        let bytes = Data(text.utf8)
        guard UntrustedInput.jsonNestingIsAcceptable(bytes) else { return }
        _ = try? JSONDecoder().decode(JSONValue.self, from: bytes)
    }
}

/// How the stream targets cut a body.
public enum StreamChunks {
    /// `data` cut into pieces of 1…16 bytes, the sizes taken from the data itself (deterministic).
    public static func of(_ data: Data) -> [Data] {
        var result: [Data] = []
        var start = data.startIndex
        var step = 0
        while start < data.endIndex {
            let size = Int(data[data.startIndex + step % data.count] % 16) + 1
            let end = min(start + size, data.endIndex)
            result.append(data[start..<end])
            start = end
            step += 1
        }
        return result
    }
}

/// The panoptic readers and the area table over whatever they accept.
enum PanopticFuzzing {
    /// A 4 × 2 id map holding segments 1, 2 and 3.
    static let smallMap = SegmentIDMap(width: 4, height: 2, ids: [1, 1, 2, 2, 3, 3, 0, 0])

    static func run(_ data: Data) {
        if let segmentation = try? PanopticReader.segmentation(selfContainedJSON: data, origin: "fuzz") {
            render(segmentation)
        }
        if let segmentation = try? PanopticReader.segmentation(
            idMap: smallMap, segmentsJSON: data, mapName: "fuzz.panoptic.png", segmentsName: "fuzz.json")
        {
            render(segmentation)
        }
    }

    private static func render(_ segmentation: PanopticSegmentation) {
        let table = AreaTable(segmentation: segmentation)
        _ = table.renderText(rowCap: 3)
        _ = table.renderText()
    }
}
