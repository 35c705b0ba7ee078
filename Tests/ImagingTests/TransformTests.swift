import Imaging
import Testing

/// Orientation, format conversion and downscaling on small hand-checked images.
@Suite struct TransformTests {
    /// A 3x2 gray image with samples 1...6, row by row.
    static let sample = Image(width: 3, height: 2, format: .gray8, pixels: [1, 2, 3, 4, 5, 6])

    @Test func orientationsMoveThePixelsAsEXIFDefines() {
        let expected: [Int: (Int, Int, [UInt8])] = [
            1: (3, 2, [1, 2, 3, 4, 5, 6]),
            2: (3, 2, [3, 2, 1, 6, 5, 4]),
            3: (3, 2, [6, 5, 4, 3, 2, 1]),
            4: (3, 2, [4, 5, 6, 1, 2, 3]),
            5: (2, 3, [1, 4, 2, 5, 3, 6]),
            6: (2, 3, [4, 1, 5, 2, 6, 3]),
            7: (2, 3, [6, 3, 5, 2, 4, 1]),
            8: (2, 3, [3, 6, 2, 5, 1, 4]),
        ]
        for (orientation, (width, height, pixels)) in expected {
            let turned = Self.sample.oriented(orientation)
            #expect(
                turned.width == width && turned.height == height && turned.pixels == pixels,
                "orientation \(orientation)")
        }
    }

    @Test func conversionsKeepOrDeriveSamples() {
        let rgba = Image(width: 2, height: 1, format: .rgba8, pixels: [255, 0, 0, 128, 10, 20, 30, 255])
        #expect(rgba.converted(to: .rgb8).pixels == [255, 0, 0, 10, 20, 30])
        #expect(rgba.converted(to: .gray8).pixels == [76, 18])
        let gray = Image(width: 2, height: 1, format: .gray8, pixels: [7, 200])
        #expect(gray.converted(to: .rgba8).pixels == [7, 7, 7, 255, 200, 200, 200, 255])
        #expect(gray.converted(to: .rgb8).converted(to: .gray8) == gray)
    }

    @Test func downscaleAveragesWholeBlocks() {
        let image = Image(width: 4, height: 2, format: .gray8, pixels: [0, 100, 200, 250, 50, 50, 0, 10])
        let half = image.downscaled(toMaxSide: 2)
        #expect(half.width == 2 && half.height == 1)
        #expect(half.pixels == [50, 115])  // (0+100+50+50)/4, (200+250+0+10)/4
    }

    @Test func downscaleWithFractionalRatioIsAreaWeighted() {
        // 3 -> 2: output 0 covers source 0 fully and half of source 1.
        let image = Image(width: 3, height: 1, format: .gray8, pixels: [0, 90, 180])
        #expect(image.downscaled(toMaxSide: 2).pixels == [30, 150])
    }

    @Test func downscaleKeepsFlatAreasFlatAndAspect() {
        let flat = Image(width: 1001, height: 333, format: .rgba8, fill: 77)
        let small = flat.downscaled(toMaxSide: 100)
        #expect(small.width == 100 && small.height == 33)
        #expect(small.pixels.allSatisfy { $0 == 77 })
    }

    /// Over a megapixel the work is split into bands of rows on all cores; every output pixel must still
    /// be the mean of its 10x10 block (±1 for the two rounding passes).
    @Test func largeDownscaleMatchesBlockMeans() {
        let image = SyntheticImage.noise(width: 1100, height: 1000, format: .rgb8, seed: 11)
        let small = image.downscaled(toMaxSide: 110)
        #expect(small.width == 110 && small.height == 100)
        var worst = 0
        for y in 0..<100 {
            for x in 0..<110 {
                for c in 0..<3 {
                    var total = 0
                    for dy in 0..<10 {
                        for dx in 0..<10 { total += Int(image.pixels[((y * 10 + dy) * 1100 + x * 10 + dx) * 3 + c]) }
                    }
                    worst = max(worst, abs(Int(small.pixels[(y * 110 + x) * 3 + c]) - (total + 50) / 100))
                }
            }
        }
        #expect(worst <= 1)
    }

    @Test func downscaleIsANoOpWhenSmallEnough() {
        #expect(Self.sample.downscaled(toMaxSide: 3) == Self.sample)
        #expect(Self.sample.downscaled(toMaxSide: 1000) == Self.sample)
    }

    @Test func downscaleDoesNotAliasFineStripes() {
        // One-pixel stripes: nearest-neighbour gives black or white; averaging 5.4 pixels gives mid grey
        // (113 to 142 depending on how many white stripes each output pixel covers).
        let stripes = Image(
            width: 200, height: 10, format: .gray8,
            pixels: (0..<2000).map { ($0 % 2 == 0) ? 0 : 255 })
        let small = stripes.downscaled(toMaxSide: 37)
        #expect(small.pixels.allSatisfy { (105...150).contains($0) })
    }

    @Test func jpegDecodeWithMaxSideUsesTheExactTargetSize() throws {
        let image = SyntheticImage.smooth(width: 640, height: 480)
        let jpeg = try JPEGEncoder.encode(image, quality: 92)
        for maxSide in [100, 160, 320, 333, 500] {
            let small = try ImageDecoder.decode(jpeg, name: "a.jpg", options: .init(maxSide: maxSide))
            #expect(small.width == maxSide && small.height == Int((Double(maxSide) * 0.75).rounded()))
            let reference = image.downscaled(toMaxSide: maxSide)
            #expect(meanAbsoluteDifference(small, reference) < 3, "max side \(maxSide)")
        }
    }
}
