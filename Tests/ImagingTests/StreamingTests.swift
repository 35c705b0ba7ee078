import BlindsightCore
import Foundation
import Testing
import TestSupport

@testable import Imaging

/// Row-by-row decoding and encoding: what the streamed cutout stands on.
@Suite struct StreamingTests {
    /// Reads every row of `reader` in uneven bands (7 rows, then 50 at a time).
    static func allRows(_ reader: ImageRowReader) throws -> [UInt8] {
        var pixels: [UInt8] = []
        var band = 7
        while reader.rowsRead < reader.height {
            let count = min(band, reader.height - reader.rowsRead)
            var rows = [UInt8](repeating: 0, count: count * reader.width * 3)
            try rows.withUnsafeMutableBufferPointer { try reader.read(into: $0) }
            pixels += rows
            band = 50
        }
        return pixels
    }

    @Test("an upright colour or gray JPEG read row by row gives the pixels of a whole decode", arguments: [PixelFormat.rgb8, .gray8])
    func jpegRowsMatchTheWholeDecode(format: PixelFormat) throws {
        let file = try JPEGEncoder.encode(SyntheticImage.smooth(width: 301, height: 203).converted(to: format), quality: 85)
        let whole = try ImageDecoder.decode(file, name: "photo.jpg").converted(to: .rgb8)
        let reader = try ImageRowReader(bytes: file, name: "photo.jpg")
        #expect(reader.width == 301 && reader.height == 203)
        #expect(try Self.allRows(reader) == whole.pixels)
    }

    @Test("a rotated JPEG and a PNG come out as a whole decode shows them", arguments: [6, 8, 3])
    func rotatedJPEGRowsAreUpright(orientation: Int) throws {
        let jpeg = try JPEGEncoder.encode(SyntheticImage.smooth(width: 64, height: 40), quality: 90)
        let payload = EXIFTests.app1(littleEndian: true, value: UInt16(orientation))
        let length = payload.count + 2
        let file = [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + jpeg.dropFirst(2)
        let whole = try ImageDecoder.decode(file, name: "rotated.jpg").converted(to: .rgb8)
        let reader = try ImageRowReader(bytes: file, name: "rotated.jpg")
        #expect((reader.width, reader.height) == (orientation == 3 ? (64, 40) : (40, 64)))
        #expect(try Self.allRows(reader) == whole.pixels)

        let png = try PNGEncoder.encode(SyntheticImage.noise(width: 33, height: 21, format: .rgba8, seed: 2))
        let pngRows = try Self.allRows(ImageRowReader(bytes: png, name: "photo.png"))
        #expect(pngRows == (try ImageDecoder.decode(png, name: "photo.png").converted(to: .rgb8).pixels))
    }

    @Test("a JPEG cut short fails with a truncation error once the missing rows are asked for")
    func truncatedJPEGFails() throws {
        let file = try JPEGEncoder.encode(SyntheticImage.noise(width: 200, height: 160, format: .rgb8, seed: 5), quality: 90)
        let reader = try ImageRowReader(bytes: Array(file.prefix(file.count / 2)), name: "cut.jpg")
        #expect(throws: ImageError.self) { _ = try Self.allRows(reader) }
    }

    @Test("rows given band by band encode to exactly the PNG of the whole image", arguments: PNGEffort.allCases)
    func streamedRowsEncodeLikeTheWholeImage(effort: PNGEffort) throws {
        // 2.4 MB of RGBA: three 1 MiB bands, each primed from the rows before it.
        let image = SyntheticImage.noise(width: 1000, height: 600, format: .rgba8, seed: 11)
        var requested: [Int] = []
        var streamed: [UInt8] = []
        try PNGEncoder.encode(width: 1000, height: 600, format: .rgba8, effort: effort) { first, rows in
            requested.append(first)
            let start = first * image.rowStride
            _ = rows.update(fromContentsOf: image.pixels[start..<(start + rows.count)])
        } output: { streamed.append(contentsOf: $0) }
        #expect(requested.count > 1 && requested == requested.sorted())
        #expect(streamed == (try PNGEncoder.encode(image, effort: effort)))
        #expect(try ImageDecoder.decode(streamed, name: "streamed.png") == image)
    }

    @Test("images of one row per band (rows over 1 MiB), one pixel wide, or one pixel encode exactly", arguments: [
        (300_000, 3), (1, 70_000), (1, 1),
    ])
    func extremeShapesRoundTrip(width: Int, height: Int) throws {
        let image = SyntheticImage.noise(width: width, height: height, format: .rgba8, seed: 3)
        #expect(try ImageDecoder.decode(PNGEncoder.encode(image, effort: .small), name: "extreme.png") == image)
    }

    @Test("a failing row source stops the encoding with its own error and leaves no file")
    func failingSourceLeavesNoFile() throws {
        struct SourceFailed: Error {}
        let folder = try TestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.png").path
        #expect(throws: SourceFailed.self) {
            try ImageFile.writePNG(width: 2000, height: 1000, format: .rgb8, toPath: path) { first, _ in
                if first > 0 { throw SourceFailed() }
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
