import ArgumentParser
import Compositor
import Session

/// The one output vocabulary of `composite`, `run`, `chat` and `replay`: the same flags, meanings and
/// defaults everywhere. The cutout goes to --out, else beside the photo as STEM.cutout.png; the other
/// files only when named.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The RGBA cutout PNG (default: beside the photo, STEM.cutout.png).", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("Also write the Gray8 mask PNG here.", valueName: "file"))
    var mask: String?

    @Option(help: ArgumentHelp("Also write a preview PNG here: the cutout over a checkerboard, downscaled.", valueName: "file"))
    var preview: String?

    @Option(name: .customLong("marks-out"), help: ArgumentHelp(
        "Also write the Set-of-Mark overlay (each segment outlined and numbered, as the seer saw it) here.", valueName: "file"))
    var marksOut: String?

    @Option(help: ArgumentHelp("Soft edge: width in pixels of the alpha ramp on each side of the boundary (0 = hard).", valueName: "px"))
    var feather = 0

    @Flag(help: "Crop the outputs to the kept content (plus --margin).")
    var crop = false

    @Option(help: ArgumentHelp("Margin around the cropped content, in pixels (with --crop).", valueName: "px"))
    var margin: Int?

    @Flag(name: .customLong("fill-holes"), help: "Fill enclosed holes in the kept region.")
    var fillHoles = false

    @Option(name: .customLong("min-island"), help: ArgumentHelp("Drop kept regions smaller than this many pixels.", valueName: "px"))
    var minimumIsland = 0

    @Option(help: ArgumentHelp("An opaque background colour instead of transparency.", valueName: "#RRGGBB"))
    var background: String?

    @Option(name: .customLong("background-image"), help: ArgumentHelp("An image to place behind the cutout (scaled to cover).", valueName: "file"))
    var backgroundImage: String?

    @Flag(name: .customLong("no-foreground-estimation"), help: "Keep the photo's own colours at soft edges (no blur-fusion estimate).")
    var noForegroundEstimation = false

    func validate() throws {
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
    }

    /// The files and compositing asked for; `invert` is composite's `--invert`.
    func request(invert: Bool = false) -> OutputRequest {
        var options = CompositeOptions(
            featherRadius: feather, fillHoles: fillHoles, minimumIslandArea: minimumIsland, invert: invert,
            cropMargin: crop ? (margin ?? 0) : nil, estimateForeground: !noForegroundEstimation)
        if let background, let color = RGBColor(hex: background) { options.background = .color(color) }
        return OutputRequest(
            cutout: out, mask: mask, preview: preview, marks: marksOut, options: options, backgroundImage: backgroundImage)
    }
}

/// `--transcript PATH` / `--no-transcript`: where a live dialogue is saved.
struct TranscriptOptions: ParsableArguments {
    @Option(
        name: .customLong("transcript"),
        help: ArgumentHelp(
            "Save the dialogue here, a new file (default: $XDG_DATA_HOME/blindsight/transcripts/DATE_IMAGE_ID.jsonl).",
            valueName: "file"))
    var path: String?

    @Flag(name: .customLong("no-transcript"), help: "Do not save the dialogue.")
    var disabled = false

    /// Who made the transcript, for the project's shipped examples (scripts/make-transcripts.sh).
    @Option(name: .customLong("transcript-generator"), help: .hidden)
    var generator: String?

    func validate() throws {
        if disabled && path != nil { throw ValidationError("give --transcript PATH or --no-transcript, not both") }
    }

    var target: TranscriptTarget { TranscriptTarget(path: path, disabled: disabled, generator: generator) }
}
