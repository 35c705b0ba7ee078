import Foundation
import Imaging
import TestSupport
import Testing

/// JPEG edge cases from ../shared/data/jpeg.
@Suite(TestData.required("jpeg"))
struct JPEGConformanceTests {
    static func path(_ relative: String) -> String { TestData.url("jpeg/\(relative)").path }

    static func decode(_ relative: String, options: DecodeOptions = .init()) throws -> Image {
        try ImageDecoder.decodeFile(atPath: path(relative), options: options)
    }

    /// Decoded at 360 px (DCT scaling + area averaging, also under test) to keep the suite fast.
    @Test(arguments: ["Landscape", "Portrait"], 0...8)
    func exifOrientationGivesTheUprightImage(series: String, orientation: Int) throws {
        let small = DecodeOptions(maxSide: 360)
        let reference = try Self.decode("exif-orientation/\(series)_1.jpg", options: small)
        let image = try Self.decode("exif-orientation/\(series)_\(orientation).jpg", options: small)
        #expect(image.width == reference.width && image.height == reference.height)
        #expect(image.width == (series == "Landscape" ? 360 : 240))
        #expect(meanAbsoluteDifference(image, reference) < 4)
        let info = try ImageDecoder.infoFile(atPath: Self.path("exif-orientation/\(series)_\(orientation).jpg"))
        #expect(info.orientation == max(1, orientation))
        #expect(info.uprightWidth == (series == "Landscape" ? 1800 : 1200))
    }

    @Test(arguments: 2...8)
    func hopperOrientationGivesTheUprightImage(orientation: Int) throws {
        let reference = try Self.decode("pillow/hopper.jpg")
        let image = try Self.decode("pillow/hopper_orientation_\(orientation).jpg")
        #expect(image.width == 128 && image.height == 128)
        // Each file is a separate lossy encoding of the turned picture, so some noise remains.
        #expect(meanAbsoluteDifference(image, reference) < 6)
        let unrotated = try Self.decode(
            "pillow/hopper_orientation_\(orientation).jpg",
            options: DecodeOptions(applyOrientation: false))
        #expect(meanAbsoluteDifference(unrotated, reference) > 10, "orientation \(orientation) changes the pixels")
    }

    @Test func orientationSwapsTheSidesOfARectangle() throws {
        let info = try ImageDecoder.infoFile(atPath: Self.path("pillow/orientation_rectangle.jpg"))
        #expect(info.orientation == 8)
        #expect(info.width == 2 && info.height == 1 && info.uprightWidth == 1 && info.uprightHeight == 2)
        let image = try Self.decode("pillow/orientation_rectangle.jpg")
        #expect(image.width == 1 && image.height == 2)
    }

    @Test(arguments: [
        "pillow/hopper_bad_exif.jpg", "pillow/invalid-exif.jpg", "pillow/multiple_exif.jpg",
        "pillow/flower.jpg", "pillow/flower2.jpg", "image-rs/progressive_cat.jpg",
    ])
    func unusualEXIFDecodesWithItsOrientation(file: String) throws {
        let info = try ImageDecoder.infoFile(atPath: Self.path(file))
        #expect((1...8).contains(info.orientation))
        let image = try Self.decode(file)
        #expect(image.width == info.uprightWidth && image.height == info.uprightHeight)
    }

    @Test(
        PillowReference.requirement,
        arguments: [
            "pillow/pil_sample_cmyk.jpg", "jpeg-decoder/jpg-cmyk-1.jpg", "jpeg-decoder/jpg-cmyk-2.jpg",
            "jpeg-decoder/jpg-progressive.jpg", "jpeg-decoder/progressive3.jpg",
            "pillow/icc_profile_big.jpg", "image-rs/progressive_cat.jpg", "pillow/hopper_gray.jpg",
            "jpeg-decoder/jpg-gray.jpg", "pillow/hopper_bad_exif.jpg", "jpeg-decoder/restarts.jpg",
            "libjpeg-turbo/testimgari.jpg", "libjpeg-turbo/testorig.jpg", "image-rs/portrait_2.jpg",
            "jpeg-decoder/non-interleaved-mcu.jpg", "pillow/junk_jpeg_header.jpg",
            "jpeg-decoder/extraneous-data.jpg", "pillow/hopper_16bit_qtables.jpg",
        ])
    func decodesCloseToPillow(file: String) throws {
        let image = try Self.decode(file)
        let reference = try PillowReference.decode(Self.path(file))
        #expect(image.format == reference.format)
        try #require(image.width == reference.width && image.height == reference.height)
        for channel in 0..<image.format.channels {
            #expect(meanAbsoluteDifference(image, reference, channel: channel) <= 2, "\(file) channel \(channel)")
        }
    }

    @Test func cmykMatchesTheSamePictureInRGB() throws {
        let cmyk = try Self.decode("pillow/pil_sample_cmyk.jpg")
        let rgb = try Self.decode("pillow/pil_sample_rgb.jpg")
        #expect(cmyk.format == .rgb8)
        #expect(meanAbsoluteDifference(cmyk, rgb) < 12)
    }

    @Test func infoDescribesTheHeader() throws {
        let gray = try ImageDecoder.infoFile(atPath: Self.path("pillow/hopper_gray.jpg"))
        let expected = ImageInfo(
            format: .jpeg, width: 128, height: 128, orientation: 1, colorType: "gray", bitDepth: 8, channels: 1,
            encoding: "baseline", hasICCProfile: false)
        #expect(gray == expected)
        let cmyk = try ImageDecoder.infoFile(atPath: Self.path("pillow/pil_sample_cmyk.jpg"))
        #expect(cmyk.colorType == "ycck" && cmyk.channels == 4)
        let monkey = try ImageDecoder.infoFile(atPath: Self.path("libjpeg-turbo/monkey12.jpg"))
        #expect(monkey.bitDepth == 12 && monkey.hasICCProfile)
        let encodings = try ["jpeg-decoder/progressive3.jpg", "libjpeg-turbo/testimgari.jpg"].map {
            try ImageDecoder.infoFile(atPath: Self.path($0)).encoding
        }
        #expect(encodings == ["progressive", "extended arithmetic"])  // SOF9: extended, arithmetic
        #expect(try ImageDecoder.infoFile(atPath: Self.path("pillow/icc-after-SOF.jpg")).hasICCProfile)
    }
    @Test(arguments: [
        ("libjpeg-turbo/monkey12.jpg", ImageError.Code.unsupported),
        ("pillow/truncated_jpeg.jpg", .truncated),
        ("jpeg-decoder/empty.jpg", .unknownFormat),
        ("pillow/ultrahdr.jpg", .truncated),
    ])
    func refusesWithATypedError(file: String, code: ImageError.Code) {
        #expect {
            try Self.decode(file)
        } throws: { error in
            (error as? ImageError)?.code == code
        }
    }
}

/// Mean absolute difference of one channel of two same-sized images.
func meanAbsoluteDifference(_ a: Image, _ b: Image, channel: Int) -> Double {
    let channels = a.format.channels
    var total = 0
    for index in stride(from: channel, to: a.pixels.count, by: channels) {
        total += abs(Int(a.pixels[index]) - Int(b.pixels[index]))
    }
    return Double(total) / Double(max(1, a.width * a.height))
}
