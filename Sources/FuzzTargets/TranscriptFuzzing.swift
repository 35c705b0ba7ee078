import BlindsightCore
import Dialogue
import Foundation
import Panoptic
import Transcripts

/// Everything `replay --rerun`, `replay --live-from` and `run --resume` do with a transcript before
/// the first model call, minus the files: read it, rebuild its templates in memory, replay its events
/// into a referee, cut it for a continuation, compare its requests, summarise it, encode its header.
enum TranscriptFuzzing {
    static func run(_ data: Data) {
        guard let transcript = try? TranscriptReader.read(data: data, path: "fuzz.jsonl") else { return }
        let header = transcript.header
        _ = TranscriptSummary(transcript)
        _ = RequestComparison.firstDivergence(recorded: transcript.events, now: transcript.events)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        _ = try? encoder.encode(header)
        _ = try? TranscriptContinuation.resume(transcript, models: header.models, programVersion: "fuzz")
        if let last = transcript.events.last {
            _ = try? TranscriptContinuation.fork(transcript, through: last.sequence, models: [], programVersion: "fuzz")
        }
        let records = header.prompts.map { PromptTemplates.Record(name: $0.name, text: $0.text) }
        guard let prompts = try? PromptTemplates(records: records, origin: "fuzz.jsonl") else { return }
        var referee = Referee(task: header.task, rules: header.refereeRules, prompts: prompts)
        _ = try? referee.replay(transcript.events)
    }

    /// A valid header line whose templates are one line each, for the one-line target.
    static let headerLine: Data = {
        let prompts = PromptTemplates.Name.allCases.map {
            PromptRecord(name: $0.rawValue, text: PromptTemplates.pragma + "\n\($0.rawValue) {{round}}")
        }
        let table = AreaTable(
            width: 4, height: 2,
            rows: [AreaTable.Row(
                number: 1, sourceID: 1, label: "dog", isThing: true, isCrowd: false, areaPercent: 50,
                location: "left", bbox: BoundingBox(x: 0, y: 0, width: 2, height: 2))],
            voidPercent: 50, unlabelledPixels: 4)
        let header = TranscriptHeader(
            id: "fuzz", created: Date(timeIntervalSince1970: 1_795_000_000), programVersion: "fuzz",
            image: ImageRecord(path: "fuzz.png", sha256: String(repeating: "0", count: 64), bytes: 1, width: 4, height: 2),
            panoptic: PanopticRecord(source: "fuzz", segments: [], table: table),
            models: [ModelRecord(role: "reasoner", provider: "scripted", model: "fuzz", baseURL: nil)],
            prompts: prompts, rules: RefereeRules(maxRounds: 3), instruction: "keep the dog")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(header)) ?? Data()
    }()
}
