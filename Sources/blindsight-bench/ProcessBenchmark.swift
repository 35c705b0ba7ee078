import ArgumentParser
import Foundation

/// Issue 9: `blindsight composite` as a whole process (what a user runs: start-up, reading, segmentation,
/// mask, streamed cutout, both PNGs, exit) on a 12 MP JPEG + panoptic PNG at the default effort,
/// against the Pillow + numpy peer run as a whole process too, in the same run; plus
/// `blindsight run --reasoner baseline` on the same files. Time and peak RSS come from `wait4`.
struct ProcessBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "composite-process",
        abstract: "blindsight composite and run --reasoner baseline as whole processes vs Pillow + numpy.")

    /// The scene's size, rounds, the Python peer and the work folder.
    @OptionGroup var bench: CompositorBenchOptions

    private struct Setting {
        var name: String
        var arguments: [String]
        /// The cutout and mask it writes, whose sizes are reported.
        var outputs: [String]
    }

    func run() async throws {
        let folder = try BenchScene.folder(bench.workDir, prefix: "blindsight-bench-process")
        defer { if bench.workDir == nil { try? FileManager.default.removeItem(at: folder) } }
        let scene = try BenchScene.write(width: bench.width, height: bench.height, into: folder)
        let out = { (name: String) in folder.appendingPathComponent(name).path }
        let ids = scene.ids.map(String.init).joined(separator: ",")
        let settings = [
            Setting(
                name: "peer: Pillow + numpy, zlib 6",
                arguments: [bench.python, bench.peer, scene.imagePath, scene.panopticPath, folder.path, ids, "6"],
                outputs: [out("peer.cutout.png"), out("peer.mask.png")]),
            Setting(
                name: "blindsight composite",
                arguments: [ChildProcess.blindsight, "composite", scene.imagePath, "--keep-id", ids, "--out", out("c.png"),
                            "--mask", out("m.png")],
                outputs: [out("c.png"), out("m.png")]),
            Setting(
                name: "blindsight run --reasoner baseline",
                arguments: [ChildProcess.blindsight, "run", scene.imagePath, "--reasoner", "baseline", "--no-transcript",
                            "--out", out("run.png"), "--mask", out("run-mask.png")],
                outputs: [out("run.png"), out("run-mask.png")]),
        ]
        // Rounds interleaved, so machine load hits every setting alike.
        var best: [String: ChildProcess.Measurement] = [:]
        for _ in 0..<max(bench.runs, 1) {
            for setting in settings {
                let measured = try ChildProcess.measure(["/usr/bin/env"] + setting.arguments)
                if measured.seconds < best[setting.name]?.seconds ?? .infinity { best[setting.name] = measured }
            }
        }
        guard let peerTime = best[settings[0].name]?.seconds else { return }
        print("")
        print("whole process, best of \(max(bench.runs, 1))        time (s)  vs peer   CPU (s)   peak RSS MiB (× RGBA)   cutout + mask bytes")
        for setting in settings {
            guard let measured = best[setting.name] else { continue }
            let sizes = setting.outputs.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 }
            print(
                setting.name.padding(toLength: 34, withPad: " ", startingAt: 0)
                    + String(format: "%8.3f %8.2f× %8.2f %10.1f (%4.2f×)   %@", measured.seconds, peerTime / measured.seconds,
                             measured.cpuSeconds ?? .nan, measured.peakMB, measured.peakMB / scene.rgbaMiB,
                             sizes.map(String.init).joined(separator: " + ")))
        }
        print("")
        print("time = spawn to exit (start-up, imports and writing included); CPU = user + system; peak RSS = the child's")
        print("maximum resident set as GNU time reports it;")
        print("blindsight at its default effort (PNG small), the peer at Pillow's default zlib level 6.")
    }
}
