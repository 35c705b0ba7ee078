import ArgumentParser
import BlindsightCore
import Compositor
import Foundation
import Imaging
import ModelClients
import Panoptic
import Session
import Terminal

/// `blindsight segments IMAGE [--panoptic FILE|URL] [--segments FILE.json] [--categories FILE] [--json] [--row-cap N]
/// [--marks marked.png]`.
struct SegmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Print an image's panoptic area table: numbered segments, labels, areas, places.",
        discussion: """
            The segmentation comes from --panoptic (an id map PNG, or an http://host:port panoptic service), \
            or from the sidecar files beside the image (photo.jpg -> photo.panoptic.png + photo.panoptic.json). \
            Segments are numbered 1, 2, 3 ... by decreasing area; the JSON output also maps each number to the \
            source's segment id. Notes (a rescaled id map, unlisted ids treated as unlabelled) go to stderr. \
            Exit 3 for bad or inconsistent inputs, 4 when the panoptic service fails.
            """
    )

    @Argument(help: "The image (PNG or JPEG).")
    var image: String

    @OptionGroup var panoptic: PanopticOptions

    @Flag(help: "Print the table as JSON (every row, plus the number -> source id mapping).")
    var json = false

    @Option(help: ArgumentHelp(
        "Also write the Set-of-Mark overlay: the image with each segment outlined and its display number in a badge.",
        valueName: "marked.png"))
    var marks: String?

    @Option(help: "Past this many rows, summarise many instances of a class and fold tiny stuff (text only).")
    var rowCap = 25

    @Flag(help: "Also draw the Set-of-Mark overlay in the terminal, above the table.")
    var show = false

    @OptionGroup var images: ImagesOption

    func validate() throws {
        guard rowCap >= 1 else { throw ValidationError("--row-cap must be at least 1") }
    }

    func run() async throws {
        let scene = try await Scene.load(imagePath: image, choice: try panoptic.choice())
        SessionPrinting.notes(scene)
        let table = scene.table
        if let marks {
            try OutputGuard.check(outputs: [NamedFile("the marks", marks)], inputs: scene.inputFiles)
            try ImageFile.writePNG(try SeerAttachments.overlay(of: scene), toPath: marks)
            StandardError.write("blindsight: marks: \(marks)")
        }
        if show {
            let drawn = try images.pictures().marks(picture: try scene.image(), segmentation: scene.segmentation, table: table)
            FileHandle.standardOutput.write(Data(drawn.utf8))
        }
        if json {
            let report = SegmentsReport(image: image, source: scene.source.description, warnings: scene.notes, table: table)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            print(TerminalLine.json(String(decoding: try encoder.encode(report), as: UTF8.self)))
        } else {
            TerminalLine.print(table.renderText(rowCap: rowCap), terminator: "")
        }
    }

    /// The JSON shape of `segments --json`.
    private struct SegmentsReport: Encodable {
        let image: String
        let source: String
        let warnings: [String]
        let table: AreaTable
    }
}

/// The flags that choose a panoptic segmentation, shared by the commands that need one.
struct PanopticOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The segmentation: an id map PNG (COCO panoptic RGB or 8-bit gray ids), a .json holding map and segments, or a panoptic service URL.",
        valueName: "file|url"))
    var panoptic: String?

    @Option(help: ArgumentHelp("The segments JSON for --panoptic FILE (default: beside it, same name .json).",
                               valueName: "file.json"))
    var segments: String?

    @Option(help: ArgumentHelp("A category file (id, name, isthing) instead of the 133 COCO panoptic categories.",
                               valueName: "file.json"))
    var categories: String?

    /// The flags as the session layer takes them, with the configuration's service limits when the
    /// segmentation comes from a service (`recorded`: the source a transcript names, used when no flag is given).
    func choice(recorded: String? = nil) throws -> SegmentationChoice {
        SegmentationChoice(
            panoptic: panoptic, segments: segments, categories: categories,
            service: try Self.serviceSettings(for: panoptic ?? (segments == nil ? recorded : nil)))
    }

    /// The limits and retries for a panoptic service, from the configuration (read only when
    /// `panoptic` names a service, so a broken configuration file does not stop file-based commands).
    static func serviceSettings(for panoptic: String?) throws -> HTTPPanopticSource.Settings {
        PanopticSourceResolver.isService(panoptic) ? try BlindsightConfig.load().panopticService : .standard
    }
}
