import Imaging
import Testing

@Suite struct RoundTripTests {
    @Test(arguments: PixelFormat.allCases, PNGEffort.allCases)
    func pngRoundTripIsExact(format: PixelFormat, effort: PNGEffort) throws {
        let image = SyntheticImage.noise(width: 37, height: 23, format: format, seed: 7)
        let decoded = try ImageDecoder.decode(PNGEncoder.encode(image, effort: effort), name: "mem.png")
        #expect(decoded == image)
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
        let low = try JPEGEncoder.encode(image, quality: 20), high = try JPEGEncoder.encode(image, quality: 95)
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
