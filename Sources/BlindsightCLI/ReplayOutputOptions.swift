import ArgumentParser
import Compositor

/// The files `replay` recomposes from the recorded decision, and the compositor options to use
/// (new options may differ from the original run's).
struct ReplayOutputOptions: ParsableArguments {
    @Option(help: "Write the RGBA cutout PNG here.")
    var out: String?

    @Option(help: "Write the mask PNG (gray) here.")
    var mask: String?

    @Option(help: "Write a preview PNG (the cutout over a checkerboard) here.")
    var preview: String?

    @Option(help: "Feather radius in pixels: a soft alpha ramp across the boundary (0: hard mask).")
    var feather = 0

    @Option(help: "Crop the outputs to the content plus this margin in pixels.")
    var crop: Int?

    @Flag(name: .customLong("fill-holes"), help: "Fill enclosed background holes inside the kept area.")
    var fillHoles = false

    @Option(name: .customLong("min-island"), help: "Drop kept islands smaller than this many pixels.")
    var minimumIsland = 0

    func validate() throws {
        if feather < 0 || (crop ?? 0) < 0 || minimumIsland < 0 {
            throw ValidationError("--feather, --crop and --min-island must not be negative")
        }
        if out == nil && (mask != nil || preview != nil) { throw ValidationError("--mask and --preview need --out") }
    }

    /// Whether any output was asked for.
    var any: Bool { out != nil || mask != nil || preview != nil }

    /// The files and compositor options asked for.
    var request: OutputRequest {
        OutputRequest(
            cutout: out, mask: mask, preview: preview,
            options: CompositeOptions(
                featherRadius: feather, fillHoles: fillHoles, minimumIslandArea: minimumIsland, cropMargin: crop))
    }
}
