import Compositor
import Dialogue
import Imaging
import ModelClients
import Panoptic
import Transcripts

/// The images a seer sees with every question.
public enum SeerAttachments {
    /// The photo, then (with `marks`) the Set-of-Mark overlay, each scaled to `maxSide` and encoded.
    public static func make(scene: Scene, marks: Bool, maxSide: Int) throws -> [DialogueEngine.SeerAttachment] {
        let photo = try scene.image()  // decoded once for both
        var attachments = [DialogueEngine.SeerAttachment(try SeerImage.prepare(photo, maxSide: maxSide), purpose: "image")]
        if marks {
            attachments.append(.init(try SeerImage.prepare(overlay(of: scene, photo: photo), maxSide: maxSide), purpose: "marks"))
        }
        return attachments
    }

    /// The attachments of a recorded dialogue, prepared as its live run prepared them (marks as
    /// recorded, at the recorded maximum side), so their digests match the recorded requests.
    public static func make(scene: Scene, recordedIn header: TranscriptHeader) throws -> [DialogueEngine.SeerAttachment] {
        let maxSide = header.settings?["seerImageMaxSide"]?.numberValue.flatMap { Int(exactly: $0.rounded()) } ?? 1280
        return try make(scene: scene, marks: header.refereeRules.marks, maxSide: maxSide)
    }

    /// The Set-of-Mark overlay the seer sees: the photo with each segment outlined and numbered as in
    /// the scene's area table.
    public static func overlay(of scene: Scene) throws -> Image {
        overlay(of: scene, photo: try scene.image())
    }

    private static func overlay(of scene: Scene, photo: Image) -> Image {
        MarkOverlay.render(image: photo, idMap: scene.segmentation.idMap, table: scene.table)
    }
}
