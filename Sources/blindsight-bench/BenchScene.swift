import ArgumentParser
import Foundation
import Imaging
import TestSupport

/// The compositor benchmarks' input: a synthetic photo saved as JPEG (q90) with its COCO panoptic PNG
/// and segments JSON (sidecar names), keeping the dog and the person.
struct BenchScene {
    let imagePath: String
    let panopticPath: String
    let segmentsPath: String
    /// Source ids of the kept segments.
    let ids = [SyntheticScene.dogID, SyntheticScene.personID]
    /// Size of the photo as RGBA, MiB: the yardstick for peak memory.
    let rgbaMiB: Double

    /// Synthesises the scene and writes its three files into `folder`.
    static func write(width: Int, height: Int, into folder: URL) throws -> BenchScene {
        print("Synthesising a \(width)×\(height) photo and its panoptic PNG …")
        let scene = SyntheticScene(width: width, height: height, crowd: 6)
        let files = BenchScene(
            imagePath: folder.appendingPathComponent("photo.jpg").path,
            panopticPath: folder.appendingPathComponent("photo.panoptic.png").path,
            segmentsPath: folder.appendingPathComponent("photo.panoptic.json").path,
            rgbaMiB: Double(width * height * 4) / 1_048_576)
        try ImageFile.writeJPEG(scene.image, toPath: files.imagePath, quality: 90)
        try ImageFile.writePNG(scene.segmentation.idMap.cocoPanopticImage(), toPath: files.panopticPath, effort: .fast)
        try scene.cocoSegmentsJSON(fileName: "photo.panoptic.png").write(to: URL(fileURLWithPath: files.segmentsPath))
        print(String(format: "RGBA image: %.1f MiB; keep-set: dog + person (source ids)", files.rgbaMiB))
        return files
    }

    /// The folder the benchmark works in: `workDir` (kept), else a temporary one (removed by `cleanUp`).
    static func folder(_ workDir: String?, prefix: String) throws -> URL {
        guard let workDir else { return try TestData.temporaryFolder(prefix) }
        try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
        return URL(fileURLWithPath: workDir)
    }
}

/// The options both compositor benchmarks take.
struct CompositorBenchOptions: ParsableArguments {
    @Option(help: "Width of the synthetic photo.") var width = 4000
    @Option(help: "Height of the synthetic photo.") var height = 3000
    @Option(help: "Rounds; each runs every setting once, and the best time (with its peak memory) is reported.")
    var runs = 3
    @Option(help: "A Python 3 with Pillow and numpy (Debian's, from scripts/install-deps.sh).") var python = "/usr/bin/python3"
    @Option(help: "The peer script.") var peer = "scripts/bench-compositor-peer.py"
    @Option(help: "Keep the synthetic inputs and outputs in this folder (default: a temporary folder, removed).")
    var workDir: String?
}
