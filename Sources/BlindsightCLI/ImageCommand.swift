import ArgumentParser
import BlindsightCore
import Foundation
import Imaging

/// `blindsight image`: shows exactly what the program sees in an image file.
struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Inspect and convert images the way Blindsight decodes them.",
        subcommands: [ImageInfoCommand.self, ImageConvertCommand.self]
    )
}

/// `blindsight image info FILE [--json]`.
struct ImageInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print an image's format, size, EXIF orientation, colour type and bit depth.",
        discussion: "The format is recognised from the file's bytes, not its name. Exit 3 on a bad file."
    )

    @Argument(help: "A PNG or JPEG file.")
    var file: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let info = try ImageDecoder.infoFile(atPath: file)
        if json {
            let report = InfoReport(file: file, info: info, orientationName: info.orientationName)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print(
            """
            file: \(file)
            format: \(info.format.rawValue)
            size: \(info.uprightWidth)x\(info.uprightHeight) upright (stored \(info.width)x\(info.height))
            orientation: \(info.orientation) (\(info.orientationName))
            colour type: \(info.colorType)
            bit depth: \(info.bitDepth)
            channels: \(info.channels)
            encoding: \(info.encoding)
            ICC profile: \(info.hasICCProfile ? "present (not applied: samples are used as stored)" : "none")
            """)
    }

    /// The JSON shape of `image info --json`.
    private struct InfoReport: Encodable {
        let file: String
        let info: ImageInfo
        let orientationName: String

        func encode(to encoder: any Encoder) throws {
            try info.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(file, forKey: .file)
            try container.encode(orientationName, forKey: .orientationName)
        }

        enum Key: String, CodingKey { case file, orientationName }
    }
}

/// `blindsight image convert IN OUT [--max-side N] [--effort fast|small] [--quality Q]`.
struct ImageConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Decode an image, turn it upright, optionally downscale it, and write PNG (or JPEG).",
        discussion: """
            The output format follows OUT's extension: .png, or .jpg/.jpeg (alpha dropped). The output is \
            written atomically: on any error no file is left.
            """
    )

    @Argument(help: "The input PNG or JPEG file.")
    var input: String

    @Argument(help: "The output file, normally OUT.png.")
    var output: String

    @Option(help: "Downscale (area averaging) so the longer side is at most N pixels.")
    var maxSide: Int?

    @Option(help: "PNG compression effort: fast or small.")
    var effort: PNGEffort = .fast

    @Option(help: "JPEG quality 1-100, for .jpg/.jpeg outputs.")
    var quality = 90

    @Option(help: "Refuse images with more pixels than this.")
    var maxPixels = DecodeOptions.defaultMaxPixels

    func validate() throws {
        if let maxSide, maxSide < 1 { throw ValidationError("--max-side must be at least 1") }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be between 1 and 100") }
        guard maxPixels >= 1 else { throw ValidationError("--max-pixels must be at least 1") }
        guard writesJPEG || output.lowercased().hasSuffix(".png") else {
            throw ValidationError("OUT must end in .png, .jpg or .jpeg: \(output)")
        }
    }

    private var writesJPEG: Bool {
        let lowercased = output.lowercased()
        return lowercased.hasSuffix(".jpg") || lowercased.hasSuffix(".jpeg")
    }

    func run() throws {
        let image = try ImageDecoder.decodeFile(
            atPath: input, options: DecodeOptions(maxPixels: maxPixels, maxSide: maxSide))
        let bytes: Int
        if writesJPEG {
            bytes = try ImageFile.writeJPEG(image, toPath: output, quality: quality)
        } else {
            bytes = try ImageFile.writePNG(image, toPath: output, effort: effort)
        }
        print("wrote \(output) (\(image.width)x\(image.height) \(image.format.rawValue), \(bytes) bytes)")
    }
}

extension PNGEffort: ExpressibleByArgument {}
