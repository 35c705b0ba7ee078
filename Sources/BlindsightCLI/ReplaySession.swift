import BlindsightCore
import Compositor
import Dialogue
import Foundation
import Imaging
import ModelClients
import Panoptic
import Transcripts

/// Everything a recorded dialogue needs to run again: its image (sha256 checked), segmentation, the
/// seer's attachments built as a live run builds them, and the referee's prompt templates.
struct ReplaySession {
    let transcript: Transcript
    let imagePath: String
    let picture: Image
    let segmentation: PanopticSegmentation

    /// Loads the image and the segmentation (see ``ReplaySegmentation``).
    init(
        _ transcript: Transcript, imageOverride: String?, panoptic: String?, segments: String?, categories: String? = nil
    ) async throws {
        let located = try TranscriptImage(for: transcript, override: imageOverride)
        let picture = try located.decoded()
        let source = try ReplaySegmentation.source(
            for: transcript, imagePath: located.path, panoptic: panoptic, segments: segments,
            categories: try categories.map { path throws(PanopticError) in try CategorySet.load(path: path) })
        segmentation = try await source.segmentation(forImageAt: located.path, image: picture, imageBytes: located.bytes)
        for warning in segmentation.warnings { StandardError.write("blindsight: warning: \(warning)") }
        self.transcript = transcript
        self.imagePath = located.path
        self.picture = picture
    }

    /// The photo and, with marks on, the Set-of-Mark overlay, prepared as a live run prepares them
    /// (at the recorded maximum side), so their digests match the recorded requests.
    func seerAttachments(marks: Bool) throws -> [DialogueEngine.SeerAttachment] {
        let maxSide = transcript.header.settings?["seerImageMaxSide"]?.numberValue.map { Int($0) } ?? 1280
        return try SeerAttachments.make(
            picture: picture, segmentation: segmentation, table: transcript.header.panoptic.table, marks: marks,
            maxSide: maxSide)
    }

    /// The templates the transcript recorded, written to a temporary folder and loaded from there, so a
    /// continued dialogue speaks exactly as it began.
    func recordedPrompts() throws -> PromptTemplates {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blindsight-prompts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for record in transcript.header.prompts {
            let file = folder.appendingPathComponent(record.name + ".mustache")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(Array(record.text.utf8), to: file.path)
        }
        return try PromptTemplates(directory: folder.path)
    }

    /// Writes the cutout (and mask, preview) of `decision` as a live run does; returns the files written.
    func writeOutputs(_ decision: Decision, _ outputs: OutputRequest, defaultCutout: String?) throws -> [OutputFile] {
        _ = try KeepSet(sourceIDs: decision.sourceIDs).resolve(in: segmentation, table: transcript.header.panoptic.table)
        guard let cutout = outputs.cutout ?? defaultCutout else { return [] }
        return try CutoutWriter.write(
            decision: decision, segmentation: segmentation, image: picture, cutoutPath: cutout, maskPath: outputs.mask,
            previewPath: outputs.preview, options: outputs.options)
    }
}

/// The files to write from a decision, and how to composite them.
struct OutputRequest {
    var cutout: String?
    var mask: String?
    var preview: String?
    var options = CompositeOptions()
}

/// The images a seer sees with every question.
enum SeerAttachments {
    /// The photo, then (with `marks`) the Set-of-Mark overlay, each scaled to `maxSide` and encoded.
    static func make(
        picture: Image, segmentation: PanopticSegmentation, table: AreaTable, marks: Bool, maxSide: Int
    ) throws -> [DialogueEngine.SeerAttachment] {
        var attachments = [DialogueEngine.SeerAttachment(try SeerImage.prepare(picture, maxSide: maxSide), purpose: "image")]
        if marks {
            let overlay = MarkOverlay.render(image: picture, idMap: segmentation.idMap, table: table)
            attachments.append(.init(try SeerImage.prepare(overlay, maxSide: maxSide), purpose: "marks"))
        }
        return attachments
    }
}
