import ArgumentParser
import Foundation
import Imaging

/// `blindsight-bench image`: image I/O on a ~12 MP photo-like JPEG, against Pillow in the same run.
struct ImagingBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Decode, downscale and encode a 12 MP JPEG; compare each step with Pillow.")

    @Option(help: "Width of the synthetic photo.")
    var width = 4000

    @Option(help: "Height of the synthetic photo.")
    var height = 3000

    @Option(help: "Runs per step in each round; the best time counts.")
    var repeats = 3

    @Option(help: "Rounds, each timing Blindsight then Pillow, so both see the same machine load.")
    var rounds = 5

    @Option(help: "Target longer side of the downscale step.")
    var maxSide = 1280

    @Option(help: "Also save the synthetic JPEG here (for other measurements).")
    var saveInput: String?

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blindsight-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("photo.jpg").path
        let jpeg = try JPEGEncoder.encode(SyntheticPhoto.make(width: width, height: height), quality: 90)
        try ImageFile.writeJPEG(try ImageDecoder.decode(jpeg, name: "photo"), toPath: path, quality: 90)
        if let saveInput {
            try? FileManager.default.removeItem(atPath: saveInput)
            try FileManager.default.copyItem(atPath: path, toPath: saveInput)
        }
        print(
            "input: \(width)x\(height) synthetic photo, JPEG q90, \(jpeg.count / 1024) KiB;"
                + " best of \(repeats) runs x \(rounds) rounds")

        let full = try ImageDecoder.decodeFile(atPath: path)
        let small = full.downscaled(toMaxSide: maxSide)
        var ours: [String: Double] = [:]
        var pillow = PillowPeer.Figures()
        for _ in 0..<max(1, rounds) {
            let mine: [String: Double] = [
                "decode": try best { _ = try ImageDecoder.decodeFile(atPath: path) },
                "downscale": best { _ = full.downscaled(toMaxSide: maxSide) },
                "decode_scaled": try best {
                    _ = try ImageDecoder.decodeFile(atPath: path, options: .init(maxSide: maxSide))
                },
                "png_fast": try best { _ = try PNGEncoder.encode(small, effort: .fast) },
                "png_small": try best { _ = try PNGEncoder.encode(small, effort: .small) },
                "jpeg_q90": try best { _ = try JPEGEncoder.encode(small, quality: 90) },
            ]
            ours.merge(mine, uniquingKeysWith: min)
            pillow.merge(try PillowPeer.measure(path: path, maxSide: maxSide, repeats: repeats, folder: folder))
        }
        let sizes = (
            try PNGEncoder.encode(small, effort: .fast).count, try PNGEncoder.encode(small, effort: .small).count
        )

        let rows: [(String, String, String)] = [
            ("decode \(width)x\(height) JPEG", "decode", "Image.open + load"),
            ("downscale to \(maxSide) px", "downscale", pillow.names["downscale"] ?? "resize"),
            ("decode at \(maxSide) px (DCT scaling)", "decode_scaled", "draft + load + resize BOX"),
            ("encode PNG, effort fast", "png_fast", "save PNG compress_level=1"),
            ("encode PNG, effort small", "png_small", "save PNG (default level 6)"),
            ("encode JPEG q90", "jpeg_q90", "save JPEG quality=90"),
        ]
        print("step".padding(38) + "Blindsight".padding(12) + "Pillow".padding(12) + "speed-up  Pillow call")
        for (label, key, peer) in rows {
            guard let mine = ours[key], let theirs = pillow.times[key] else { continue }
            print(
                label.padding(38) + milliseconds(mine).padding(12) + milliseconds(theirs).padding(12)
                    + String(format: "%.2fx", theirs / mine).padding(10) + peer)
        }
        print(
            "PNG sizes of the \(small.width)x\(small.height) image: fast \(sizes.0 / 1024) KiB, small \(sizes.1 / 1024) KiB;"
                + " Pillow level 1 \(pillow.sizes["png_fast"].map { "\($0 / 1024)" } ?? "?") KiB,"
                + " level 6 \(pillow.sizes["png_small"].map { "\($0 / 1024)" } ?? "?") KiB")
        print("(downscale and encode steps work on the decoded image; the encode steps on the \(maxSide) px result)")
    }

    private func best(_ body: () throws -> Void) rethrows -> Double {
        var fastest = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = ContinuousClock.now
            try body()
            let elapsed = ContinuousClock.now - start
            fastest = min(fastest, elapsed / .seconds(1))
        }
        return fastest
    }

    private func milliseconds(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

/// A photo-like test picture: smooth gradients, soft shapes, and sensor-like noise.
enum SyntheticPhoto {
    static func make(width: Int, height: Int) -> Image {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let discs = (0..<12).map { index in
            (
                x: (index * 7919) % width, y: (index * 104_729) % height, radius: min(width, height) / (6 + index % 5),
                color: (UInt8((index * 67) % 256), UInt8((index * 131) % 256), UInt8((index * 199) % 256))
            )
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                for x in 0..<width {
                    var r = 40 + 150 * x / width
                    var g = 60 + 120 * y / height
                    var b = 200 - 150 * (x + y) / (width + height)
                    for disc in discs {
                        let dx = x - disc.x
                        let dy = y - disc.y
                        if dx * dx + dy * dy < disc.radius * disc.radius {
                            (r, g, b) = (
                                Int(disc.color.0), Int(disc.color.1), Int(disc.color.2) + 20 * dy / disc.radius
                            )
                        }
                    }
                    if (x / 97 + y / 89) % 11 == 0 { (r, g, b) = (r / 2, g / 2 + 40, b / 2) }
                    state ^= state << 13
                    state ^= state >> 7
                    state ^= state << 17
                    let noise = Int(state & 15) - 8
                    let index = (y * width + x) * 3
                    out[index] = UInt8(clamping: r + noise)
                    out[index + 1] = UInt8(clamping: g + noise)
                    out[index + 2] = UInt8(clamping: b + noise)
                }
            }
        }
        return Image(width: width, height: height, format: .rgb8, pixels: pixels)
    }
}

/// Pillow doing the same steps, run as a Python subprocess in the same benchmark run.
enum PillowPeer {
    struct Figures: Decodable {
        var times: [String: Double] = [:]
        var sizes: [String: Int] = [:]
        var names: [String: String] = [:]

        /// Keeps the faster time of each step.
        mutating func merge(_ other: Figures) {
            for (key, time) in other.times where time < times[key] ?? .infinity {
                times[key] = time
                names[key] = other.names[key] ?? names[key]
            }
            sizes.merge(other.sizes) { $1 }
        }
    }

    static let script = """
        import json, sys, time, io
        from PIL import Image
        path, max_side, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        def best(fn):
            t = float("inf")
            for _ in range(repeats):
                s = time.perf_counter(); fn(); t = min(t, time.perf_counter() - s)
            return t
        def load():
            im = Image.open(path); im.load(); return im
        full = load()
        scale = max_side / max(full.size)
        size = (round(full.width * scale), round(full.height * scale))
        def box(): return full.resize(size, Image.Resampling.BOX)
        def reduce_lanczos():
            factor = max(1, int(1 / scale) // 2)
            return full.reduce(factor).resize(size, Image.Resampling.LANCZOS)
        def scaled():
            im = Image.open(path); im.draft("RGB", size); im.load()
            return im.resize(size, Image.Resampling.BOX)
        small = box()
        def save(**kw):
            buf = io.BytesIO(); small.save(buf, **kw); return buf.getbuffer().nbytes
        times = {"decode": best(load), "decode_scaled": best(scaled)}
        t_box, t_red = best(box), best(reduce_lanczos)
        times["downscale"] = min(t_box, t_red)
        names = {"downscale": "resize BOX" if t_box <= t_red else "reduce + resize LANCZOS"}
        times["png_fast"] = best(lambda: save(format="PNG", compress_level=1))
        times["png_small"] = best(lambda: save(format="PNG"))
        times["jpeg_q90"] = best(lambda: save(format="JPEG", quality=90))
        sizes = {"png_fast": save(format="PNG", compress_level=1), "png_small": save(format="PNG")}
        print(json.dumps({"times": times, "sizes": sizes, "names": names}))
        """

    static func measure(path: String, maxSide: Int, repeats: Int, folder: URL) throws -> Figures {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, path, String(maxSide), String(repeats)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("the Pillow peer failed (is Pillow installed? scripts/install-deps.sh installs python3-pil)")
        }
        return try JSONDecoder().decode(Figures.self, from: data)
    }
}
