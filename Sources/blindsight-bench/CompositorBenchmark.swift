import ArgumentParser
import Compositor
import Foundation
import Imaging
import Panoptic
import TestSupport

/// Issue 3: a 12 MP JPEG plus its COCO panoptic PNG → straight-alpha cutout PNG + mask PNG, against
/// Pillow + numpy doing the same work (decode, id decode, np.isin, alpha, save both) in the same run.
/// Each side runs in its own process, so its peak RSS (VmHWM / ru_maxrss) is its own.
struct CompositorBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compositor",
        abstract: "Cutout + mask from a 12 MP JPEG and its panoptic PNG, vs Pillow + numpy.")

    @Option(help: "Width of the synthetic photo.") var width = 4000
    @Option(help: "Height of the synthetic photo.") var height = 3000
    @Option(help: "Runs per side and setting; the best time and its peak memory are reported.") var runs = 3
    @Option(help: "A Python 3 with Pillow and numpy.") var python = "python3"
    @Option(help: "The peer script.") var peer = "scripts/bench-compositor-peer.py"
    @Option(help: .hidden) var child: String?

    /// One of our runs, in a child process: `path|image|panoptic|segments|outDir|ids|effort`.
    private struct ChildRun {
        /// "pixels": mask straight from the PNG's pixels; "idmap": the full pipeline the CLI runs.
        var path: String
        var image: String, panoptic: String, segments: String, outDir: String
        var ids: [Int]
        var effort: PNGEffort

        var encoded: String {
            [path, image, panoptic, segments, outDir, ids.map(String.init).joined(separator: ","), effort.rawValue]
                .joined(separator: "|")
        }

        init(path: String, image: String, panoptic: String, segments: String, outDir: String, ids: [Int], effort: PNGEffort) {
            (self.path, self.image, self.panoptic, self.segments, self.outDir, self.ids, self.effort) =
                (path, image, panoptic, segments, outDir, ids, effort)
        }

        init?(_ encoded: String) {
            let parts = encoded.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 7, let effort = PNGEffort(rawValue: parts[6]) else { return nil }
            self.init(
                path: parts[0], image: parts[1], panoptic: parts[2], segments: parts[3], outDir: parts[4],
                ids: parts[5].split(separator: ",").compactMap { Int($0) }, effort: effort)
        }
    }

    private struct Measurement: Decodable {
        var seconds: Double
        var peak_kib: Int
        /// Resident memory before any work (runtime, libraries); ours only.
        var baseline_kib: Int?
    }

    func run() async throws {
        if let child {
            guard let job = ChildRun(child) else { throw ValidationError("bad --child argument") }
            try Self.runChild(job)
            return
        }
        let folder = try TestData.temporaryFolder("blindsight-bench-compositor")
        defer { try? FileManager.default.removeItem(at: folder) }
        print("Synthesising a \(width)×\(height) photo and its panoptic PNG …")
        let scene = SyntheticScene(width: width, height: height, crowd: 6)
        let imagePath = folder.appendingPathComponent("photo.jpg").path
        let panopticPath = folder.appendingPathComponent("photo.panoptic.png").path
        let segmentsPath = folder.appendingPathComponent("photo.panoptic.json").path
        try ImageFile.writeJPEG(scene.image, toPath: imagePath, quality: 90)
        try ImageFile.writePNG(scene.segmentation.idMap.cocoPanopticImage(), toPath: panopticPath, effort: .fast)
        try scene.cocoSegmentsJSON(fileName: "photo.panoptic.png").write(to: URL(fileURLWithPath: segmentsPath))
        let ids = [SyntheticScene.dogID, SyntheticScene.personID]
        let rgbaMB = Double(width * height * 4) / 1_048_576
        print(String(format: "RGBA image: %.1f MiB; keep-set: dog + person (source ids)", rgbaMB))
        print("")
        print("setting                        ours (s)  peer (s)  speed-up   ours peak MiB (×RGBA)  work MiB (×RGBA)  peer peak MiB")
        for (effort, level) in [(PNGEffort.fast, 1), (PNGEffort.small, 9)] {
            let peerBest = try best(runs) {
                try measure([python, peer, imagePath, panopticPath, folder.path, ids.map(String.init).joined(separator: ","), String(level)])
            }
            for path in ["pixels", "idmap"] {
                let job = ChildRun(
                    path: path, image: imagePath, panoptic: panopticPath, segments: segmentsPath, outDir: folder.path,
                    ids: ids, effort: effort)
                let ours = try best(runs) { try measure([CommandLine.arguments[0], "compositor", "--child", job.encoded]) }
                let oursMB = Double(ours.peak_kib) / 1024, workMB = Double(ours.peak_kib - (ours.baseline_kib ?? 0)) / 1024
                let setting = "PNG \(effort.rawValue)/zlib \(level), \(path)"
                print(
                    setting.padding(toLength: 29, withPad: " ", startingAt: 0)
                        + String(
                            format: "%9.3f %9.3f %8.2f× %10.1f (%4.2f×) %9.1f (%4.2f×) %14.1f", ours.seconds,
                            peerBest.seconds, peerBest.seconds / ours.seconds, oursMB, oursMB / rgbaMB, workMB,
                            workMB / rgbaMB, Double(peerBest.peak_kib) / 1024))
            }
        }
        print("")
        print("ours: decode JPEG + PNG, mask, straight-alpha cutout, write cutout + mask PNG (atomic), one process per run;")
        print("'pixels' reads ids straight from the PNG's pixels, 'idmap' is the CLI's pipeline (id map, segments, table).")
        print("work MiB = peak minus the process's resident memory before any work (Swift runtime, Foundation, libraries).")
        print("peer: Pillow + numpy, the same steps (np.isin on R + 256·G + 65536·B), PNG at the same zlib level.")
    }

    /// The fastest of `count` runs.
    private func best(_ count: Int, _ body: () throws -> Measurement) throws -> Measurement {
        var results: [Measurement] = []
        for _ in 0..<max(count, 1) { results.append(try body()) }
        return results.min { $0.seconds < $1.seconds } ?? results[0]
    }

    /// Runs a process that prints one JSON measurement line.
    private func measure(_ arguments: [String]) throws -> Measurement {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let line = String(data: data, encoding: .utf8)?.split(separator: "\n").last
        else { throw ValidationError("\(arguments.prefix(2).joined(separator: " ")) failed (status \(process.terminationStatus))") }
        return try JSONDecoder().decode(Measurement.self, from: Data(line.utf8))
    }

    /// Our side of one run, in this (child) process; prints seconds and VmHWM.
    private static func runChild(_ job: ChildRun) throws {
        let baseline = peakResidentKiB()
        let start = Date()
        let cutoutPath = job.outDir + "/ours.cutout.png", maskPath = job.outDir + "/ours.mask.png"
        var result: CompositeResult
        if job.path == "pixels" {
            // The panoptic pixels are gone before the photo is decoded; the photo is gone before encoding.
            let mask = Compositor.mask(
                panopticImage: try ImageDecoder.decodeFile(atPath: job.panoptic), keep: Set(job.ids.map(UInt32.init)),
                options: CompositeOptions())
            result = try Compositor.composite(
                image: try ImageDecoder.decodeFile(atPath: job.image), mask: mask, options: CompositeOptions())
        } else {
            let map = SegmentIDMap(idMapImage: try ImageDecoder.decodeFile(atPath: job.panoptic))
            let segmentation = try PanopticReader.segmentation(
                idMap: map, segmentsJSON: try Data(contentsOf: URL(fileURLWithPath: job.segments)), mapName: job.panoptic,
                segmentsName: job.segments)
            result = try Compositor.cutout(
                image: try ImageDecoder.decodeFile(atPath: job.image), segmentation: segmentation,
                keep: KeepSet(sourceIDs: job.ids), options: CompositeOptions())
        }
        try ImageFile.writePNG(result.cutout, toPath: cutoutPath, effort: job.effort)
        try ImageFile.writePNG(result.mask, toPath: maskPath, effort: job.effort)
        let seconds = Date().timeIntervalSince(start)
        print("{\"seconds\": \(seconds), \"peak_kib\": \(peakResidentKiB()), \"baseline_kib\": \(baseline)}")
    }

    /// VmHWM from /proc/self/status (peak resident set), in KiB; 0 when unavailable.
    private static func peakResidentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
