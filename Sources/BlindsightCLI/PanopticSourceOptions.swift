import ArgumentParser
import BlindsightCore
import Foundation
import Imaging
import Panoptic

/// The flags that say where an image's panoptic segmentation comes from, shared by the commands
/// that read one.
struct PanopticSourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "An id map PNG, or a panoptic service http://host:port (default: the sidecar IMAGE-stem.panoptic.png + .json).",
        valueName: "file|url"))
    var panoptic: String?

    @Option(help: ArgumentHelp("The segments JSON for --panoptic FILE.png (default: beside the map).", valueName: "file"))
    var segments: String?

    @Option(help: ArgumentHelp("A category file (COCO panoptic categories format) instead of the built-in COCO set.", valueName: "file"))
    var categories: String?

    /// Decodes the image and obtains its segmentation, fitted to the image; warnings go to stderr.
    func load(imagePath: String) async throws -> (image: Image, segmentation: PanopticSegmentation) {
        let categorySet = try categories.map { path throws(PanopticError) in try CategorySet.load(path: path) }
        guard let data = FileManager.default.contents(atPath: imagePath) else {
            let exists = FileManager.default.fileExists(atPath: imagePath)
            throw ImageError(.readFailed, file: imagePath, detail: exists ? "cannot read the file" : "no such file")
        }
        let bytes = [UInt8](data)
        let image = try ImageDecoder.decode(bytes, name: imagePath)
        let source = try PanopticSourceResolver.resolve(
            panoptic: panoptic, segments: segments, imagePath: imagePath, categories: categorySet)
        let segmentation = try await source.segmentation(forImageAt: imagePath, image: image, imageBytes: bytes)
        for warning in segmentation.warnings { StandardError.write("blindsight: warning: \(warning)") }
        return (image, segmentation)
    }
}
