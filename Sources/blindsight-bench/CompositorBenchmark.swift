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

    /// The scene's size, rounds, the Python peer and the work folder.
    @OptionGroup var bench: CompositorBenchOptions
    @Option(help: .hidden) var child: String?

    /// One of our runs, passed to a child process as JSON.
    private struct ChildRun: Codable {
        /// "pixels": mask straight from the PNG's pixels; "idmap": the library pipeline (`Compositor.cutout`).
        var path: String
        var image: String, panoptic: String, segments: String, outDir: String
        var ids: [Int]
        var effort: PNGEffort
        /// Soft edge (with blur-fusion foreground estimation) when > 0.
        var feather: Int
    }

    private struct Measurement: Decodable {
        var seconds: Double
        var peak_kib: Int
        /// Resident memory before any work (runtime, libraries); ours only.
        var baseline_kib: Int?
        /// Where our time went; ours only.
        var steps: String?
    }

    func run() async throws {
        if let child {
            let job = try JSONDecoder().decode(ChildRun.self, from: Data(child.utf8))
            try Self.runChild(job)
            return
        }
        let folder = try BenchScene.folder(bench.workDir, prefix: "blindsight-bench-compositor")
        defer { if bench.workDir == nil { try? FileManager.default.removeItem(at: folder) } }
        let scene = try BenchScene.write(width: bench.width, height: bench.height, into: folder)
        let (imagePath, panopticPath, segmentsPath, ids, rgbaMB) = (
            scene.imagePath, scene.panopticPath, scene.segmentsPath, scene.ids, scene.rgbaMiB
        )
        print("")
        // Every setting runs once per round, rounds interleaved, so machine load hits all sides alike.
        func job(_ path: String, _ effort: PNGEffort, feather: Int = 0) -> ChildRun {
            ChildRun(
                path: path, image: imagePath, panoptic: panopticPath, segments: segmentsPath, outDir: folder.path,
                ids: ids, effort: effort, feather: feather)
        }
        let settings: [(name: String, run: () throws -> Measurement)] = [
            ("peer zlib 1", { try self.runPeer(imagePath, panopticPath, folder.path, ids, level: 1) }),
            ("PNG fast/zlib 1, pixels", { try self.runOurs(job("pixels", .fast)) }),
            ("PNG fast/zlib 1, idmap", { try self.runOurs(job("idmap", .fast)) }),
            ("peer zlib 6", { try self.runPeer(imagePath, panopticPath, folder.path, ids, level: 6) }),
            ("PNG small/zlib 6, pixels", { try self.runOurs(job("pixels", .small)) }),
            ("PNG small/zlib 6, idmap", { try self.runOurs(job("idmap", .small)) }),
            ("PNG fast/zlib 1, feather 3", { try self.runOurs(job("pixels", .fast, feather: 3)) }),
        ]
        var best: [String: Measurement] = [:]
        for _ in 0..<max(bench.runs, 1) {
            for setting in settings {
                let result = try setting.run()
                if result.seconds < best[setting.name]?.seconds ?? .infinity { best[setting.name] = result }
            }
        }
        print("setting                        ours (s)  peer (s)  speed-up   ours peak MiB (×RGBA)  work MiB (×RGBA)  peer peak MiB")
        var steps: [String] = []
        for setting in settings where !setting.name.hasPrefix("peer") {
            guard let ours = best[setting.name] else { continue }
            let oursMB = Double(ours.peak_kib) / 1024, workMB = Double(ours.peak_kib - (ours.baseline_kib ?? 0)) / 1024
            let label = setting.name.padding(toLength: 29, withPad: " ", startingAt: 0)
            steps.append("\(setting.name): \(ours.steps ?? "")")
            guard let peer = best[setting.name.contains("zlib 6") ? "peer zlib 6" : "peer zlib 1"],
                !setting.name.contains("feather")
            else {
                print(label + String(format: "%9.3f         —         — %10.1f (%4.2f×) %9.1f (%4.2f×)   (no peer step)",
                                     ours.seconds, oursMB, oursMB / rgbaMB, workMB, workMB / rgbaMB))
                continue
            }
            print(
                label
                    + String(
                        format: "%9.3f %9.3f %8.2f× %10.1f (%4.2f×) %9.1f (%4.2f×) %14.1f", ours.seconds, peer.seconds,
                        peer.seconds / ours.seconds, oursMB, oursMB / rgbaMB, workMB, workMB / rgbaMB,
                        Double(peer.peak_kib) / 1024))
        }
        print("")
        print("ours, best run of each setting:")
        for line in steps { print("  " + line) }
        print("")
        print("ours: decode JPEG + PNG, mask, straight-alpha cutout, write cutout + mask PNG (atomic), one process per run;")
        print("'pixels' reads ids straight from the PNG's pixels into the mask, then streams the JPEG's scanlines through the")
        print("cutout into its PNG band by band (Compositor.writeCutout; soft edges with foreground estimation take the whole-image path);")
        print("'idmap' is the library pipeline the dialogue runs (UInt32 id map, segments JSON, area table, Compositor.cutout).")
        print("work MiB = peak minus the process's resident memory before any work (Swift runtime, Foundation, libraries).")
        print("peer: Pillow + numpy, the same steps (np.isin on R + 256·G + 65536·B), PNG at the same zlib level.")
    }

    /// Runs the Pillow + numpy peer once.
    private func runPeer(_ image: String, _ panoptic: String, _ outDir: String, _ ids: [Int], level: Int) throws -> Measurement {
        try measure([bench.python, bench.peer, image, panoptic, outDir, ids.map(String.init).joined(separator: ","), String(level)])
    }

    /// Runs `job` in a child process (this executable with `--child`).
    private func runOurs(_ job: ChildRun) throws -> Measurement {
        try measure([CommandLine.arguments[0], "compositor", "--child", String(decoding: try JSONEncoder().encode(job), as: UTF8.self)])
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
        var steps: [String] = []
        var mark = start
        func step(_ name: String) {
            steps.append(String(format: "%@ %.3f s", name, Date().timeIntervalSince(mark)))
            mark = Date()
        }
        let options = CompositeOptions(featherRadius: job.feather)
        if job.path == "pixels" {
            // The mask straight from the PNG's pixels (gone once the mask exists); a plain cutout is
            // then streamed from the JPEG's scanlines into its PNG, band by band.
            let mask = Compositor.mask(
                panopticImage: try ImageDecoder.decodeFile(atPath: job.panoptic), keep: Set(job.ids.map(UInt32.init)),
                options: options)
            step("panoptic decode + mask")
            if Compositor.canStream(mask: mask, options: options) {
                try Compositor.writeCutout(
                    mask: mask, photo: try ImageRowReader(path: job.image), toPath: cutoutPath, effort: job.effort)
                step("JPEG decode + cutout + cutout PNG (streamed)")
            } else {
                let result = try Compositor.composite(image: try ImageDecoder.decodeFile(atPath: job.image), mask: mask, options: options)
                step("JPEG decode + cutout")
                try ImageFile.writePNG(result.cutout, toPath: cutoutPath, effort: job.effort)
                step("cutout PNG")
            }
            try ImageFile.writePNG(mask, toPath: maskPath, effort: job.effort)
            step("mask PNG")
        } else {
            let map = SegmentIDMap(idMapImage: try ImageDecoder.decodeFile(atPath: job.panoptic))
            let segmentation = try PanopticReader.segmentation(
                idMap: map, segmentsJSON: try Data(contentsOf: URL(fileURLWithPath: job.segments)), mapName: job.panoptic,
                segmentsName: job.segments)
            let result = try Compositor.cutout(
                image: try ImageDecoder.decodeFile(atPath: job.image), segmentation: segmentation,
                keep: KeepSet(sourceIDs: job.ids), options: options)
            step("decode + id map + mask + cutout")
            try ImageFile.writePNG(result.cutout, toPath: cutoutPath, effort: job.effort)
            step("cutout PNG")
            try ImageFile.writePNG(result.mask, toPath: maskPath, effort: job.effort)
            step("mask PNG")
        }
        let seconds = Date().timeIntervalSince(start)
        print("{\"seconds\": \(seconds), \"peak_kib\": \(peakResidentKiB()), \"baseline_kib\": \(baseline), \"steps\": \"\(steps.joined(separator: ", "))\"}")
    }

    /// VmHWM from /proc/self/status (peak resident set), in KiB; 0 when unavailable.
    static func peakResidentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
