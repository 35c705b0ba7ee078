import Imaging
import Testing

/// Pixel limits, truncated and malformed input: typed errors, never a crash, never a huge allocation.
@Suite struct LimitsAndErrorsTests {
    /// PNG claims 100000 x 100000 (10 GP); JPEG dimensions are 16-bit, so 65535 x 65535 (4.3 GP) is the
    /// largest claim a JPEG can make. Both are refused from the header, before any pixel allocation.
    @Test(arguments: [
        ("huge.png", TinyFiles.png(width: 100_000, height: 100_000), 100_000),
        ("huge.jpg", TinyFiles.jpeg(width: 65_535, height: 65_535), 65_535),
    ])
    func hugeClaimIsRefusedFromTheHeader(name: String, bytes: [UInt8], side: Int) throws {
        let info = try ImageDecoder.info(bytes, name: name)
        #expect(info.width == side && info.height == side)
        #expect {
            try ImageDecoder.decode(bytes, name: name)
        } throws: { ($0 as? ImageError)?.code == .tooLarge }
    }

    @Test func limitIsConfigurable() throws {
        let image = SyntheticImage.noise(width: 20, height: 10, format: .rgb8, seed: 1)
        let png = try PNGEncoder.encode(image)
        let jpeg = try JPEGEncoder.encode(image, quality: 80)
        for (bytes, name) in [(png, "a.png"), (jpeg, "a.jpg")] {
            #expect(throws: ImageError.self) {
                try ImageDecoder.decode(bytes, name: name, options: .init(maxPixels: 199))
            }
            #expect(try ImageDecoder.decode(bytes, name: name, options: .init(maxPixels: 200)).width == 20)
        }
    }

    @Test(arguments: [0.2, 0.5, 0.9])
    func truncatedFilesGiveATypedError(fraction: Double) throws {
        let image = SyntheticImage.noise(width: 64, height: 64, format: .rgb8, seed: 5)
        for (bytes, name) in [
            (try PNGEncoder.encode(image), "cut.png"), (try JPEGEncoder.encode(image, quality: 90), "cut.jpg"),
        ] {
            let cut = Array(bytes.prefix(Int(Double(bytes.count) * fraction)))
            #expect {
                try ImageDecoder.decode(cut, name: name)
            } throws: { error in
                guard let error = error as? ImageError else { return false }
                return error.code == .truncated && error.message.contains(name) && !error.message.contains("\n")
            }
        }
    }

    @Test func unknownBytesAreNotAnImage() {
        for bytes in [[], Array("GIF89a....".utf8), [0xFF, 0xD8]] as [[UInt8]] {
            #expect {
                try ImageDecoder.decode(bytes, name: "x.png")
            } throws: { ($0 as? ImageError)?.code == .unknownFormat }
        }
    }

    @Test func formatIsSniffedNotTakenFromTheName() throws {
        let image = SyntheticImage.noise(width: 8, height: 8, format: .rgba8, seed: 2)
        let decoded = try ImageDecoder.decode(PNGEncoder.encode(image), name: "misnamed.jpg")
        #expect(decoded == image)
        #expect(try ImageDecoder.info(PNGEncoder.encode(image), name: "misnamed.jpg").format == .png)
    }

    @Test func missingFileIsAReadError() {
        #expect {
            try ImageDecoder.decodeFile(atPath: "/nonexistent/photo.jpg")
        } throws: { error in
            (error as? ImageError)?.code == .readFailed
                && (error as? ImageError)?.message.contains("/nonexistent/photo.jpg") == true
        }
    }

    @Test func randomCorruptionNeverCrashes() throws {
        let image = SyntheticImage.smooth(width: 48, height: 32)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for original in [try PNGEncoder.encode(image), try JPEGEncoder.encode(image, quality: 85)] {
            for _ in 0..<200 {
                var bytes = original
                for _ in 0..<4 {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    bytes[Int(state >> 33) % bytes.count] = UInt8(truncatingIfNeeded: state >> 13)
                }
                if let decoded = try? ImageDecoder.decode(bytes, name: "fuzz") {
                    #expect(decoded.pixels.count == decoded.width * decoded.height * decoded.format.channels)
                }
                _ = try? ImageDecoder.info(bytes, name: "fuzz")
            }
        }
    }
}

/// Minimal files built byte by byte for header tests.
enum TinyFiles {
    /// A PNG whose IHDR claims `width` x `height` (8-bit RGB), with a token IDAT and IEND.
    static func png(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += chunk("IHDR", bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0])
        bytes += chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
        bytes += chunk("IEND", [])
        return bytes
    }

    /// A JPEG whose baseline frame header claims `width` x `height`, three components, no scan data.
    static func jpeg(width: UInt16, height: UInt16) -> [UInt8] {
        let frame: [UInt8] = [
            0xFF, 0xC0, 0x00, 17, 8, UInt8(height >> 8), UInt8(height & 0xFF),
            UInt8(width >> 8), UInt8(width & 0xFF), 3,
            1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0,
        ]
        return [0xFF, 0xD8] + frame + [0xFF, 0xD9]
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// CRC-32 (ISO 3309), as PNG chunks use.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
