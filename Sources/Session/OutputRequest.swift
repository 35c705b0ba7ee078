import Compositor
import Foundation
import Imaging

/// The files a command is asked to write, in the one output vocabulary shared by `composite`, `run`,
/// `chat` and `replay` (`--out`, `--mask`, `--preview`, `--marks-out`, and the compositing options).
public struct OutputRequest: Sendable, Equatable {
    /// The RGBA cutout; nil means the default location (see ``OutputPlan``).
    public var cutout: String?
    /// The Gray8 mask; written only when given.
    public var mask: String?
    /// A preview (the cutout over a checkerboard, at most ``OutputPlan/previewMaxSide`` a side); only when given.
    public var preview: String?
    /// The numbered Set-of-Mark overlay the seer saw; only when given.
    public var marks: String?
    /// Feather, holes, islands, invert, crop margin, background colour, foreground estimation.
    public var options: CompositeOptions
    /// An image to place behind the cutout (an input: never overwritten).
    public var backgroundImage: String?
    /// PNG effort for the cutout and mask.
    public var effort: PNGEffort

    public init(
        cutout: String? = nil, mask: String? = nil, preview: String? = nil, marks: String? = nil,
        options: CompositeOptions = CompositeOptions(), backgroundImage: String? = nil, effort: PNGEffort = .small
    ) {
        self.cutout = cutout
        self.mask = mask
        self.preview = preview
        self.marks = marks
        self.options = options
        self.backgroundImage = backgroundImage
        self.effort = effort
    }

    /// Whether any file was named (`replay` recomposes only then).
    public var namesAFile: Bool { cutout != nil || mask != nil || preview != nil || marks != nil }
}

/// Where the outputs of one command go: the one rule for every command is that the cutout is always
/// written, to `--out` or else beside the photo as `STEM.cutout.png`; the mask, preview and marks only
/// when asked for, where asked.
public struct OutputPlan: Sendable {
    /// The longer side of the preview, in pixels: it is made from a downscaled copy.
    public static let previewMaxSide = 1600

    public let request: OutputRequest
    /// The scene the outputs are cut from.
    public let scene: Scene
    /// The cutout's path.
    public let cutout: String

    /// The plan for `scene`, checked by ``OutputGuard``: no output is an input (the scene's files, the
    /// background image, `inputs`), another output, a symbolic link, or in a missing or read-only
    /// folder; `created` (a new transcript) must not exist yet.
    /// - Throws: ``OutputRefused`` (exit 2) before anything is written.
    public static func checked(
        _ request: OutputRequest, scene: Scene, inputs: [NamedFile] = [], created: [NamedFile] = []
    ) throws(OutputRefused) -> OutputPlan {
        let plan = OutputPlan(request, scene: scene)
        try OutputGuard.check(
            outputs: plan.files.map { NamedFile("the \($0.purpose)", $0.path) }, created: created,
            inputs: scene.inputFiles + [request.backgroundImage.map { NamedFile("the background image", $0) }].compactMap { $0 }
                + inputs)
        return plan
    }

    private init(_ request: OutputRequest, scene: Scene) {
        self.request = request
        self.scene = scene
        cutout = request.cutout ?? Self.beside(scene.imagePath, suffix: "cutout.png")
    }

    /// Every file the plan writes, with its purpose, cutout first.
    public var files: [(purpose: String, path: String)] {
        [("cutout", cutout)] + [("mask", request.mask), ("preview", request.preview), ("marks", request.marks)]
            .compactMap { purpose, path in path.map { (purpose, $0) } }
    }

    /// `photo.jpg` → `photo.<suffix>` in the same folder.
    public static func beside(_ input: String, suffix: String) -> String {
        (input as NSString).deletingPathExtension + "." + suffix
    }
}
