import ArgumentParser
import BlindsightCore
import Compositor
import Foundation
import Imaging
import Panoptic
import Terminal

/// `blindsight composite IMAGE (--keep 3,7 | --keep-id … | --keep-label dog) [options]`: cuts the kept
/// segments out and writes the RGBA cutout, the mask and a preview.
struct CompositeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "composite",
        abstract: "Cut the kept segments out of an image: RGBA cutout, Gray8 mask and preview PNGs.",
        discussion: """
            Name segments by the area table's display numbers (--keep, as `blindsight segments` prints \
            them), by the source's segment ids (--keep-id, the values in the id map) or by label \
            (--keep-label, every segment with that label); the three combine. Outputs default to files \
            beside IMAGE (photo.cutout.png, photo.mask.png, photo.preview.png) and never overwrite it. \
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

    @Option(help: ArgumentHelp("Soft edge: width in pixels of the alpha ramp on each side of the boundary (0 = hard).", valueName: "px"))
    var feather = 0

    @Flag(help: "Fill enclosed holes in the kept region.")
    var fillHoles = false

    @Option(name: .customLong("min-island"), help: ArgumentHelp("Drop kept regions smaller than this many pixels.", valueName: "px"))
    var minimumIsland = 0

    @Flag(help: "Keep everything except the named segments.")
    var invert = false

    @Flag(help: "Crop the outputs to the kept content.")
    var crop = false

    @Option(help: ArgumentHelp("Margin around the cropped content, in pixels (with --crop).", valueName: "px"))
    var margin: Int?

    @Option(help: ArgumentHelp("An opaque background colour instead of transparency.", valueName: "#RRGGBB"))
    var background: String?

    @Option(name: .customLong("background-image"), help: ArgumentHelp("An image to place behind the cutout (scaled to cover).", valueName: "file"))
    var backgroundImage: String?

    @Flag(name: .customLong("no-foreground-estimation"), help: "Keep the photo's own colours at soft edges (no blur-fusion estimate).")
    var noForegroundEstimation = false

    @Option(name: .customLong("out"), help: ArgumentHelp("The cutout PNG (default: IMAGE's stem + .cutout.png).", valueName: "file"))
    var cutoutPath: String?

    @Option(name: .customLong("mask"), help: ArgumentHelp("The mask PNG (default: stem + .mask.png).", valueName: "file"))
    var maskPath: String?

    @Option(name: .customLong("preview"), help: ArgumentHelp("The preview PNG (default: stem + .preview.png).", valueName: "file"))
    var previewPath: String?

    @Flag(help: "Also draw the cutout over a checkerboard in the terminal.")
    var show = false

    @OptionGroup var images: ImagesOption

    func validate() throws {
        if keepNumbers.isEmpty && keepIDs.isEmpty && keepLabels.isEmpty {
            throw ValidationError("name the segments to keep with --keep, --keep-id or --keep-label")
        }
        if background != nil && backgroundImage != nil {
            throw ValidationError("give --background or --background-image, not both")
        }
        if let background, RGBColor(hex: background) == nil {
            throw ValidationError("--background takes a colour as #RRGGBB, not \"\(background)\"")
        }
        if margin != nil && !crop { throw ValidationError("--margin applies with --crop") }
        if feather < 0 || minimumIsland < 0 || (margin ?? 0) < 0 {
            throw ValidationError("--feather, --min-island and --margin take numbers ≥ 0")
        }
        _ = try keepSet()
        _ = try outputPaths()
    }

    func run() async throws {
        let outputs = try outputPaths()
        var options = CompositeOptions(
            featherRadius: feather, fillHoles: fillHoles, minimumIslandArea: minimumIsland, invert: invert,
            cropMargin: crop ? (margin ?? 0) : nil, estimateForeground: !noForegroundEstimation)
        if let background, let color = RGBColor(hex: background) { options.background = .color(color) }
        if let backgroundImage { options.background = .image(try ImageDecoder.decodeFile(atPath: backgroundImage)) }

        let (photo, mask, names) = try await keptMask(options: options)
        let result = try Compositor.composite(image: photo, mask: mask, options: options)
        for note in result.notes { StandardError.write("blindsight: note: \(note)") }

        try ImageFile.writePNG(result.cutout, toPath: outputs.cutout, effort: .small)
        try ImageFile.writePNG(result.mask, toPath: outputs.mask, effort: .small)
        let preview = result.preview()
        try ImageFile.writePNG(preview, toPath: outputs.preview, effort: .fast)
        if show { FileHandle.standardOutput.write(Data(try images.pictures().draw(preview).utf8)) }

        let opaque = result.mask.pixels.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
        let share = Double(opaque) * 100 / Double(max(result.mask.pixels.count, 1))
        print("kept \(invert ? "all but " : "")\(names.joined(separator: ", "))")
        print(String(format: "%.1f %% of the %dx%d output is visible", share, result.cutout.width, result.cutout.height))
        print("cutout: \(outputs.cutout)\nmask: \(outputs.mask)\npreview: \(outputs.preview)")
    }

    /// The photo, the mask of the kept segments and their names ("3 dog"). The segmentation (fitted to
    /// the photo by its source) and its full-size id map are released on return, before the cutout is made.
    private func keptMask(options: CompositeOptions) async throws -> (photo: Image, mask: Image, names: [String]) {
        let (segmentation, _, photo) = try await panoptic.segmentation(forImageAt: image)
        let table = AreaTable(segmentation: segmentation)
        let kept = try keepSet().resolve(in: segmentation, table: table)
        let names = table.rows.filter { kept.contains(UInt32(truncatingIfNeeded: $0.sourceID)) }
            .map { "\($0.number) \($0.label)" }
        return (photo, Compositor.mask(idMap: segmentation.idMap, keep: kept, options: options), names)
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

    /// Where the three outputs go: the flags, else beside the image; never the image itself or one another.
    private func outputPaths() throws -> (cutout: String, mask: String, preview: String) {
        let paths = (
            cutout: cutoutPath ?? OutputNaming.beside(image, suffix: "cutout.png"),
            mask: maskPath ?? OutputNaming.beside(image, suffix: "mask.png"),
            preview: previewPath ?? OutputNaming.beside(image, suffix: "preview.png")
        )
        try OutputNaming.checkDistinct(input: image, outputs: [paths.cutout, paths.mask, paths.preview])
        return paths
    }
}
