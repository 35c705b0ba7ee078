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
        var whole = SSEParser()
        let expected = whole.feed(data) + whole.finish()
        var pieces = SSEParser()
        var got: [SSEEvent] = []
        for chunk in StreamChunks.of(data) { got += pieces.feed(chunk) }
        got += pieces.finish()
        invariant(got == expected, "SSE events depend on how the body was cut")
        for event in got { readJSON(event.data) }
    }

    static func ndjson(_ data: Data) {
        var whole = NDJSONLineParser()
        let expected = whole.feed(data) + whole.finish()
        var pieces = NDJSONLineParser()
        var got: [String] = []
        for chunk in StreamChunks.of(data) { got += pieces.feed(chunk) }
        got += pieces.finish()
        invariant(got == expected, "NDJSON lines depend on how the body was cut")
        for line in got { readJSON(line) }
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
