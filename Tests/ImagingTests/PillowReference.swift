import Foundation
import Imaging
import TestSupport
import Testing

/// Pillow's decoding of a file, obtained at test time through Debian's `python3 -c`, as a reference.
enum PillowReference {
    /// Whether python3 with Pillow can be run here.
    static let isAvailable: Bool = (try? run(["-c", "import PIL"])) != nil

    /// Skips (or, with BLINDSIGHT_REQUIRE_CONFORMANCE=1, fails) a test when Pillow is missing.
    static let requirement = TestData.requirement(
        isAvailable, "\(TestData.python) with Pillow is not installed (scripts/install-deps.sh installs python3-pil)")

    /// Pillow's upright decoding of `path` as gray8 (for "L" images) or rgb8.
    static func decode(_ path: String) throws -> Image {
        let script = """
            import sys
            from PIL import Image, ImageOps
            im = ImageOps.exif_transpose(Image.open(sys.argv[1]))
            im = im.convert("L" if im.mode == "L" else "RGB")
            sys.stdout.write(f"{im.width} {im.height} {im.mode}\\n")
            sys.stdout.flush()
            sys.stdout.buffer.write(im.tobytes())
            """
        let output = try run(["-c", script, path])
        guard let newline = output.firstIndex(of: 0x0A) else { throw ReferenceError.malformedOutput }
        let header = String(decoding: output[..<newline], as: UTF8.self).split(separator: " ")
        guard header.count == 3, let width = Int(header[0]), let height = Int(header[1]) else {
            throw ReferenceError.malformedOutput
        }
        let format: PixelFormat = header[2] == "L" ? .gray8 : .rgb8
        let pixels = Array(output[(newline + 1)...])
        guard pixels.count == width * height * format.channels else { throw ReferenceError.malformedOutput }
        return Image(width: width, height: height, format: format, pixels: pixels)
    }

    enum ReferenceError: Error { case failed(Int32), malformedOutput }

    private static func run(_ arguments: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestData.python)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ReferenceError.failed(process.terminationStatus) }
        return [UInt8](data)
    }
}
