import Foundation
import Imaging
import TestSupport
import Testing

@Suite struct RoundTripTests {
    @Test(arguments: PixelFormat.allCases, PNGEffort.allCases)
    func pngRoundTripIsExact(format: PixelFormat, effort: PNGEffort) throws {
        let image = SyntheticImage.noise(width: 37, height: 23, format: format, seed: 7)
        let decoded = try ImageDecoder.decode(PNGEncoder.encode(image, effort: effort), name: "mem.png")
        #expect(decoded == image)
    }

    /// Over 2 MB of filtered rows the encoder deflates bands in parallel; the result must still be one
    /// valid zlib stream (libpng checks every CRC and the Adler-32).
    @Test(arguments: PNGEffort.allCases)
    func largePNGRoundTripIsExact(effort: PNGEffort) throws {
        let noisy = SyntheticImage.noise(width: 1000, height: 300, format: .rgba8, seed: 9).pixels
        let smooth = SyntheticImage.smooth(width: 1000, height: 300).converted(to: .rgba8).pixels
        let image = Image(width: 1000, height: 600, format: .rgba8, pixels: smooth + noisy)
        let bytes = try PNGEncoder.encode(image, effort: effort)
        #expect(try ImageDecoder.decode(bytes, name: "large.png") == image)
    }

    /// An independent decoder (Pillow) reads our PNGs, including the parallel-band path, exactly.
    @Test(PillowReference.requirement, arguments: PNGEffort.allCases)
    func pillowReadsOurPNGExactly(effort: PNGEffort) throws {
        let image = SyntheticImage.noise(width: 900, height: 900, format: .rgb8, seed: 4)
        let folder = try TestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ours.png").path
        try ImageFile.writePNG(image, toPath: path, effort: effort)
        #expect(try PillowReference.decode(path) == image)
    }

    @Test func smallEffortIsSmaller() throws {
        let image = SyntheticImage.smooth(width: 300, height: 200)
        #expect(try PNGEncoder.encode(image, effort: .small).count < PNGEncoder.encode(image, effort: .fast).count)
    }
}

@Suite struct JPEGRoundTripTests {
    @Test(arguments: [PixelFormat.rgb8, .rgba8])
    func colourRoundTripIsClose(format: PixelFormat) throws {
        let image = SyntheticImage.smooth(width: 64, height: 48).converted(to: format)
        let decoded = try ImageDecoder.decode(JPEGEncoder.encode(image, quality: 95), name: "mem.jpg")
        #expect(decoded.format == .rgb8)
        #expect(decoded.width == 64 && decoded.height == 48)
        #expect(meanAbsoluteDifference(decoded, image.converted(to: .rgb8)) < 3)
    }

    @Test func grayStaysGray() throws {
        let image = SyntheticImage.smooth(width: 40, height: 30).converted(to: .gray8)
        let decoded = try ImageDecoder.decode(JPEGEncoder.encode(image, quality: 90), name: "mem.jpg")
        #expect(decoded.format == .gray8)
        #expect(meanAbsoluteDifference(decoded, image) < 3)
    }

    @Test func higherQualityIsCloserAndLarger() throws {
        let image = SyntheticImage.noise(width: 64, height: 64, format: .rgb8, seed: 3)
        let low = try JPEGEncoder.encode(image, quality: 20)
        let high = try JPEGEncoder.encode(image, quality: 95)
        #expect(high.count > low.count)
        let lowError = meanAbsoluteDifference(try ImageDecoder.decode(low, name: "low.jpg"), image)
        let highError = meanAbsoluteDifference(try ImageDecoder.decode(high, name: "high.jpg"), image)
        #expect(highError < lowError)
    }
}

/// Mean absolute difference per sample of two images of the same size and format.
func meanAbsoluteDifference(_ a: Image, _ b: Image) -> Double {
    precondition(a.pixels.count == b.pixels.count, "images differ in size")
    let total = a.pixels.withUnsafeBufferPointer { x in
        b.pixels.withUnsafeBufferPointer { y in
            var sum = 0
            for index in 0..<x.count { sum += abs(Int(x[index]) - Int(y[index])) }
            return sum
        }
    }
    return Double(total) / Double(max(1, a.pixels.count))
}
