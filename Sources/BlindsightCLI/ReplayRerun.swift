import ArgumentParser
import Dialogue
import Foundation
import Session
import Terminal
import Transcripts

/// `replay --rerun`: the current referee against the recorded replies; exit 1 on any divergence.
enum ReplayRerun {
    static func run(
        _ transcript: Transcript, imageOverride: String?, choice: SegmentationChoice, prompts: String?, quiet: Bool
    ) async throws {
        let header = transcript.header
        var attachments: [DialogueEngine.SeerAttachment] = []
        if !header.usesBaselineReasoner {
            let scene = try await Scene.load(recordedIn: transcript, imageOverride: imageOverride, choice: choice)
            SessionPrinting.notes(scene)
            attachments = try SeerAttachments.make(scene: scene, recordedIn: header)
        }
        let templates = try SessionPrompts.load(prompts)
        let observers: [any DialogueObserver] = quiet ? [] : [SequencedPrinter(header)]
        let report = try await TranscriptRerun.run(
            transcript, prompts: templates, seerImages: attachments, observers: observers)
        let renderer = DialogueTextRenderer(colour: false, table: header.panoptic.table)
        let now = report.outcome.decision.map { renderer.describe($0.foreground) } ?? "no decision"
        let before = report.recordedDecision.map { renderer.describe($0.foreground) } ?? "no decision"
        print("re-run with prompts from \(templates.directory): \(report.events.count { $0.kind == .requestSent }) requests, "
            + "decision now: \(now) (recorded: \(before))")
        if let divergence = report.divergence { print(divergence.description) }
        guard report.reproduced else {
            if report.divergence == nil { print("the requests match, but the decision differs") }
            throw ExitCode(1)
        }
        print("no divergence: the current referee sends the recorded requests and reaches the recorded decision")
    }
}
