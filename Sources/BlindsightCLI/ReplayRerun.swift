import ArgumentParser
import Dialogue
import Foundation
import Terminal
import Transcripts

/// `replay --rerun`: the current referee against the recorded replies; exit 1 on any divergence.
enum ReplayRerun {
    static func run(
        _ transcript: Transcript, imageOverride: String?, panoptic: String?, segments: String?, categories: String?,
        prompts: String?, quiet: Bool
    ) async throws {
        let header = transcript.header
        var attachments: [DialogueEngine.SeerAttachment] = []
        if !header.usesBaselineReasoner {
            let session = try await ReplaySession(
                transcript, imageOverride: imageOverride, panoptic: panoptic, segments: segments, categories: categories)
            attachments = try session.seerAttachments(marks: header.refereeRules.marks)
        }
        guard let folder = prompts ?? PromptTemplates.defaultDirectory() else {
            throw PromptError(message: "no prompts/default folder found in the current folder or beside the program; give --prompts DIR")
        }
        let observers: [any DialogueObserver] = quiet ? [] : [SequencedPrinter(header)]
        let report = try await TranscriptRerun.run(
            transcript, prompts: try PromptTemplates(directory: folder), seerImages: attachments, observers: observers)
        let renderer = DialogueTextRenderer(colour: false, table: header.panoptic.table)
        let now = report.outcome.decision.map { renderer.describe($0.foreground) } ?? "no decision"
        let before = report.recordedDecision.map { renderer.describe($0.foreground) } ?? "no decision"
        print("re-run with prompts from \(folder): \(report.events.count { $0.kind == .requestSent }) requests, "
            + "decision now: \(now) (recorded: \(before))")
        if let divergence = report.divergence { print(divergence.description) }
        guard report.reproduced else {
            if report.divergence == nil { print("the requests match, but the decision differs") }
            throw ExitCode(1)
        }
        print("no divergence: the current referee sends the recorded requests and reaches the recorded decision")
    }
}
