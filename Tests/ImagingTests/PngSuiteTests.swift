import Foundation
import Imaging
import TestSupport
import Testing

/// PngSuite conformance against the Luna Paint RGBA arrays shipped beside the images.
@Suite(TestData.required("pngsuite"))
struct PngSuiteTests {
    static let folder = TestData.url("pngsuite")

    /// The valid suite images: every .png except the deliberately broken x*.png and the suite's logo
    /// (PngSuite.png, which has no expected array).
    static var validFiles: [String] {
        pngFiles.filter { !$0.hasPrefix("x") && $0 != "PngSuite.png" }
    }

    /// The 14 deliberately broken files.
    static var brokenFiles: [String] {
        pngFiles.filter { $0.hasPrefix("x") }
    }

    private static var pngFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".png") }.sorted()
    }

    @Test func suiteIsComplete() {
        #expect(Self.validFiles.count == 161)
        #expect(Self.brokenFiles.count == 14)
    }

    @Test(arguments: validFiles)
    func decodesToExpectedPixels(file: String) throws {
        let path = Self.folder.appendingPathComponent(file).path
        let info = try ImageDecoder.infoFile(atPath: path)
        let image = try ImageDecoder.decodeFile(atPath: path)
        #expect(image.width == info.width && image.height == info.height)
        let expected = try Self.expectedRGBA(for: file)
        let actual = image.converted(to: .rgba8).pixels
        try #require(actual.count == expected.count, "\(file): sample count")
        let tolerance = info.bitDepth == 16 ? 1 : 0
        let worst = zip(actual, expected).map { abs(Int($0) - $1) }.max() ?? 0
        #expect(worst <= tolerance, "\(file): largest sample difference \(worst)")
    }

    @Test(arguments: brokenFiles)
    func refusesBrokenFile(file: String) {
        let path = Self.folder.appendingPathComponent(file).path
        #expect(throws: ImageError.self) { try ImageDecoder.decodeFile(atPath: path) }
    }

    @Test func outputFormatFollowsColourType() throws {
        let cases: [(String, PixelFormat)] = [
            ("basn0g08.png", .gray8), ("basn0g01.png", .gray8), ("basn2c16.png", .rgb8), ("basn3p08.png", .rgb8),
            ("tbbn3p08.png", .rgba8), ("basn4a08.png", .rgba8), ("tbbn0g04.png", .rgba8), ("basn6a16.png", .rgba8),
        ]
        for (file, format) in cases {
            let image = try ImageDecoder.decodeFile(atPath: Self.folder.appendingPathComponent(file).path)
            #expect(image.format == format, "\(file)")
        }
    }

    @Test func infoReportsInterlacingAndICCProfiles() throws {
        let interlaced = try ImageDecoder.infoFile(atPath: Self.folder.appendingPathComponent("basi2c08.png").path)
        #expect(interlaced.encoding == "interlaced" && !interlaced.hasICCProfile)
        let plain = try ImageDecoder.infoFile(atPath: Self.folder.appendingPathComponent("basn2c08.png").path)
        #expect(plain.encoding == "non-interlaced")
    }

    /// The expected 8-bit RGBA samples: the `_to8` array when present, else the plain array, whose
    /// 16-bit values (some arrays hold them) are reduced with rounding.
    static func expectedRGBA(for file: String) throws -> [Int] {
        let base = folder.appendingPathComponent("lunapaint-expected-rgba-json")
        let stem = String(file.dropLast(4))
        let reduced = base.appendingPathComponent("\(stem)_to8.json")
        let plain = base.appendingPathComponent("\(stem).json")
        let url = FileManager.default.fileExists(atPath: reduced.path) ? reduced : plain
        let values = try JSONDecoder().decode([Int].self, from: Data(contentsOf: url))
        guard values.contains(where: { $0 > 255 }) else { return values }
        return values.map { ($0 * 255 + 32767) / 65535 }
    }
}
