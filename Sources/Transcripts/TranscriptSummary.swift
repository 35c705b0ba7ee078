import Dialogue
import Foundation

/// One row of `blindsight transcripts list`.
public struct TranscriptSummary: Sendable, Equatable {
    public var path: String
    public var created: Date
    /// The image's file name.
    public var image: String
    /// "reasoner-model / seer-model".
    public var models: String
    /// Rounds used (see ``Transcript/rounds``).
    public var rounds: Int
    /// The kept segments ("1 person, 3 dog"), "-" without a decision; "(fallback)" marks the baseline's.
    public var decision: String
    /// How the run ended ("decided", "fallback", "interrupted", …).
    public var outcome: String

    /// Summarises `transcript`.
    public init(_ transcript: Transcript) {
        let header = transcript.header
        path = transcript.path
        created = header.created
        image = (header.image.path as NSString).lastPathComponent
        models = ["reasoner", "seer"].map { header.model(role: $0)?.model ?? "-" }.joined(separator: " / ")
        rounds = transcript.rounds
        if let decision = transcript.decision {
            let labels = decision.foreground.map { number in
                let label = header.panoptic.table.row(number: number)?.label ?? "?"
                return "\(number) \(label)"
            }
            self.decision = labels.isEmpty ? "(nothing)" : labels.joined(separator: ", ")
            if decision.outcome == .fallback { self.decision += " (fallback)" }
        } else {
            decision = "-"
        }
        outcome = transcript.outcome
    }

    /// Summaries of the newest `limit` transcripts in `directory`; files that cannot be read are
    /// returned as problems (path and message) instead.
    public static func list(directory: String, limit: Int) -> (rows: [TranscriptSummary], problems: [String]) {
        var rows: [TranscriptSummary] = []
        var problems: [String] = []
        for path in TranscriptLocation.transcriptFiles(in: directory).prefix(limit) {
            do {
                rows.append(TranscriptSummary(try TranscriptReader.read(path: path)))
            } catch {
                problems.append(error.message)
            }
        }
        return (rows.sorted { $0.created > $1.created }, problems)
    }
}
