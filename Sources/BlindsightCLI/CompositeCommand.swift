import ArgumentParser
import BlindsightCore
import Compositor
import Foundation
import Session
import Terminal

/// `blindsight composite IMAGE (--keep 3,7 | --keep-id … | --keep-label dog) [options]`: cuts the kept
/// segments out and writes the RGBA cutout (and, when asked, the mask, a preview and the marks).
struct CompositeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "composite",
        abstract: "Cut the kept segments out of an image: an RGBA cutout, and a mask, preview or marks when asked.",
        discussion: """
            Name segments by the area table's display numbers (--keep, as `blindsight segments` prints \
            them), by the source's segment ids (--keep-id, the values in the id map) or by label \
            (--keep-label, every segment with that label); the three combine. The cutout goes to --out, \
            else beside IMAGE (photo.cutout.png); --mask, --preview and --marks-out add files. No output \
            may be an input (the photo, the id map, the segments JSON, the categories file, a background \
            image) or another output (exit 2, nothing written). \
            The cutout has straight alpha with RGB 0 where fully transparent; with --background or \
            --background-image it is opaque RGB instead. Exit 3 for names that match no segment.
            """)

    @Argument(help: "The photo (JPEG or PNG).")
    var image: String

    @OptionGroup var panoptic: PanopticOptions

    @Option(name: .customLong("keep"), help: ArgumentHelp("Display numbers from the area table (1, 2, 3 …), comma-separated.", valueName: "n,n"))
    var keepNumbers: [String] = []

    @Option(name: .customLong("keep-id"), help: ArgumentHelp("Source segment ids (the values in the id map), comma-separated.", valueName: "id,id"))
    var keepIDs: [String] = []

    @Option(name: .customLong("keep-label"), help: ArgumentHelp("Labels; each keeps every segment carrying it. Comma-separated.", valueName: "label"))
    var keepLabels: [String] = []

    @Flag(help: "Keep everything except the named segments.")
    var invert = false

    /// `--out`, `--mask`, `--preview`, `--marks-out` and the compositing options.
    @OptionGroup var outputs: OutputOptions

    @Flag(help: "Also draw the cutout over a checkerboard in the terminal.")
    var show = false

    @OptionGroup var images: ImagesOption

    func validate() throws {
        if keepNumbers.isEmpty && keepIDs.isEmpty && keepLabels.isEmpty {
            throw ValidationError("name the segments to keep with --keep, --keep-id or --keep-label")
        }
        _ = try keepSet()
    }

    func run() async throws {
        // The photo is decoded whole only when an output or the terminal picture needs it (the cutout streams).
        let request = outputs.request(invert: invert)
        let wholePhoto = request.preview != nil || request.marks != nil || show
        let scene = try await Scene.load(imagePath: image, choice: try panoptic.choice(), decodingPhoto: wholePhoto)
        SessionPrinting.notes(scene)
        let plan = try OutputPlan.checked(request, scene: scene)
        let keep = try keepSet()
        let written = try await Interrupts.cancellingOnInterrupt { try plan.write(keeping: keep) }
        for note in written.notes { StandardError.write("blindsight: note: \(note)") }
        print("kept \(invert ? "all but " : "")\(written.kept.map { "\($0.number) \(TerminalText.safe($0.label))" }.joined(separator: ", "))")
        print(String(format: "%.1f %% of the %dx%d output is visible", written.visibleShare * 100, written.width, written.height))
        SessionPrinting.written(written)
        if show {
            let pictures = images.pictures()
            let kept = written.kept.map(\.sourceID)
            let drawn = try pictures.cutout(keeping: kept, picture: try scene.image(), segmentation: scene.segmentation)
            FileHandle.standardOutput.write(Data(drawn.utf8))
        }
    }

    /// The keep-set from the three flags (each accepts comma-separated lists and repeats).
    private func keepSet() throws -> KeepSet {
        func integers(_ values: [String], flag: String) throws -> [Int] {
            try Self.items(values).map { item in
                guard let value = Int(item) else { throw ValidationError("\(flag) takes whole numbers, not \"\(item)\"") }
                return value
            }
        }
        return KeepSet(
            numbers: try integers(keepNumbers, flag: "--keep"), sourceIDs: try integers(keepIDs, flag: "--keep-id"),
            labels: Self.items(keepLabels))
    }

    private static func items(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
