import Foundation
import Imaging
import Panoptic
import TestSupport
import Testing

/// The synthetic examples shipped in `examples/`. With `BLINDSIGHT_WRITE_EXAMPLES=1` (set by
/// `scripts/make-examples.sh`) the test writes them first; otherwise it checks the committed files.
@Suite("Shipped examples")
struct ExamplesTests {
    static let folder = TestData.packageRoot.appendingPathComponent("examples").path

    @Test("every example's sidecar files read back as the generator's segmentation")
    func examplesMatchTheGenerator() async throws {
        if ProcessInfo.processInfo.environment["BLINDSIGHT_WRITE_EXAMPLES"] == "1" {
            try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
            for example in SyntheticScene.shippedExamples {
                try example.scene.write(to: Self.folder, stem: example.stem, jpeg: example.jpeg)
            }
        }
        for example in SyntheticScene.shippedExamples {
            let imagePath = "\(Self.folder)/\(example.stem).\(example.jpeg ? "jpg" : "png")"
            let image = try ImageDecoder.decodeFile(atPath: imagePath)
            #expect(image.width == example.scene.image.width && image.height == example.scene.image.height)
            let source = try PanopticSourceResolver.resolve(panoptic: nil, segments: nil, imagePath: imagePath)
            let segmentation = try await source.segmentation(forImageAt: imagePath, image: image, imageBytes: [])
            #expect(
                segmentation == example.scene.segmentation, "\(example.stem): regenerate with scripts/make-examples.sh")
        }
    }
}
