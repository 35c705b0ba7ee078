import BlindsightCore
import Imaging
import Panoptic
import Foundation
import Testing
import TestSupport

@testable import Compositor

@Suite("Cutouts from masks")
struct CompositeTests {
    /// A 40×30 photo-like image with distinct colours per pixel.
    let image = Scene.image(width: 40, height: 30) { x, y in (UInt8(x * 6), UInt8(y * 8), UInt8((x + y) * 3)) }
    /// Kept: a 10×8 rectangle at (12, 9).
    let rectangle = Scene.map(width: 40, height: 30) { x, y in x >= 12 && x < 22 && y >= 9 && y < 17 ? 1 : 2 }

    @Test("the cutout has straight alpha, the image's colour where kept and RGB 0 where transparent")
    func straightAlpha() throws {
        let mask = Compositor.mask(idMap: rectangle, keep: [1], options: CompositeOptions())
        let result = try Compositor.composite(image: image, mask: mask, options: CompositeOptions())
        #expect(result.cutout.format == .rgba8)
        #expect(result.mask == mask)
        #expect(result.frame == BoundingBox(x: 0, y: 0, width: 40, height: 30))
        for pixel in 0..<(40 * 30) {
            let out = Array(result.cutout.pixels[(pixel * 4)..<(pixel * 4 + 4)])
            if mask.pixels[pixel] == 0 {
                #expect(out == [0, 0, 0, 0])
            } else {
                #expect(out == Array(image.pixels[(pixel * 3)..<(pixel * 3 + 3)]) + [255])
            }
        }
    }

    @Test("soft edges keep straight alpha: RGB 0 exactly where alpha is 0, the mask's alpha everywhere")
    func softEdgesStayStraight() throws {
        let options = CompositeOptions(featherRadius: 3)
        let mask = Compositor.mask(idMap: rectangle, keep: [1], options: options)
        let result = try Compositor.composite(image: image, mask: mask, options: options)
        #expect(mask.pixels.contains { $0 > 0 && $0 < 255 })
        for pixel in 0..<(40 * 30) {
            #expect(result.cutout.pixels[pixel * 4 + 3] == mask.pixels[pixel])
            if mask.pixels[pixel] == 0 { #expect(result.cutout.pixels[(pixel * 4)..<(pixel * 4 + 3)].allSatisfy { $0 == 0 }) }
        }
    }

    @Test("a soft-edged white object on black leaves no dark halo: edge colours stay near white")
    func noDarkHalo() throws {
        // The photo is what a camera sees: at the edge, white and black mixed in the mask's proportion.
        let disc = Scene.map(width: 64, height: 64) { x, y in (x - 32) * (x - 32) + (y - 32) * (y - 32) < 400 ? 1 : 2 }
        let options = CompositeOptions(featherRadius: 4)
        let mask = Compositor.mask(idMap: disc, keep: [1], options: options)
        let photo = Scene.image(width: 64, height: 64) { x, y in
            let level = mask.pixels[y * 64 + x]
            return (level, level, level)
        }
        let estimated = try Compositor.composite(image: photo, mask: mask, options: options)
        var naive = options
        naive.estimateForeground = false
        let unestimated = try Compositor.composite(image: photo, mask: mask, options: naive)
        var partial = 0
        var darkWithoutEstimation = 0
        for pixel in 0..<(64 * 64) where mask.pixels[pixel] >= 8 && mask.pixels[pixel] < 255 {
            partial += 1
            let rgb = estimated.cutout.pixels[(pixel * 4)..<(pixel * 4 + 3)]
            #expect(rgb.allSatisfy { $0 >= 220 }, "dark edge at \(pixel): \(Array(rgb)) under alpha \(mask.pixels[pixel])")
            if unestimated.cutout.pixels[pixel * 4] < 128 { darkWithoutEstimation += 1 }
        }
        #expect(partial > 100)
        #expect(darkWithoutEstimation > 0, "the fixture should show a halo when the foreground is not estimated")
    }

    @Test("a background colour is blended once: F·α + B·(1−α), opaque RGB")
    func backgroundColourOnce() throws {
        let gray = Scene.image(width: 4, height: 1) { _, _ in (200, 100, 40) }
        let mask = Image(width: 4, height: 1, format: .gray8, pixels: [0, 64, 128, 255])
        let options = CompositeOptions(background: .color(RGBColor(red: 0, green: 0, blue: 255)), estimateForeground: false)
        let result = try Compositor.composite(image: gray, mask: mask, options: options)
        #expect(result.cutout.format == .rgb8)
        for (pixel, alpha) in [0, 64, 128, 255].enumerated() {
            let expected = [200.0, 100, 40].enumerated().map { c, f in
                (f * Double(alpha) + (c == 2 ? 255.0 : 0) * Double(255 - alpha)) / 255
            }
            for c in 0..<3 {
                #expect(abs(Double(result.cutout.pixels[pixel * 3 + c]) - expected[c]) <= 1, "pixel \(pixel) channel \(c)")
            }
        }
        #expect(result.preview() == result.cutout)
        #expect(result.mask == mask)
    }

    @Test("a replacement image shows through where the mask is transparent")
    func backgroundImage() throws {
        let backdrop = Scene.image(width: 20, height: 15) { _, _ in (10, 200, 30) }
        let mask = Compositor.mask(idMap: rectangle, keep: [1], options: CompositeOptions())
        let result = try Compositor.composite(
            image: image, mask: mask, options: CompositeOptions(background: .image(backdrop)))
        #expect(result.cutout.format == .rgb8 && result.cutout.width == 40 && result.cutout.height == 30)
        for pixel in 0..<(40 * 30) {
            let out = Array(result.cutout.pixels[(pixel * 3)..<(pixel * 3 + 3)])
            #expect(out == (mask.pixels[pixel] == 255 ? Array(image.pixels[(pixel * 3)..<(pixel * 3 + 3)]) : [10, 200, 30]))
        }
    }

    @Test("crop keeps the content box plus the margin, clamped to the image", arguments: [0, 3, 50])
    func crop(margin: Int) throws {
        let options = CompositeOptions(cropMargin: margin)
        let mask = Compositor.mask(idMap: rectangle, keep: [1], options: options)
        let result = try Compositor.composite(image: image, mask: mask, options: options)
        let left = max(0, 12 - margin), top = max(0, 9 - margin)
        let right = min(40, 22 + margin), bottom = min(30, 17 + margin)
        #expect(result.frame == BoundingBox(x: left, y: top, width: right - left, height: bottom - top))
        #expect(result.cutout.width == right - left && result.cutout.height == bottom - top)
        #expect(result.mask.width == right - left && result.mask.height == bottom - top)
        let source = ((12 * 40) + 12) * 3
        let target = ((12 - top) * (right - left) + (12 - left)) * 4
        #expect(Array(result.cutout.pixels[target..<(target + 3)]) == Array(image.pixels[source..<(source + 3)]))
    }

    @Test("cropping an empty mask keeps the full frame and says why")
    func cropEmpty() throws {
        let empty = Image(width: 40, height: 30, format: .gray8)
        let result = try Compositor.composite(image: image, mask: empty, options: CompositeOptions(cropMargin: 4))
        #expect(result.frame == BoundingBox(x: 0, y: 0, width: 40, height: 30))
        #expect(result.notes.contains { $0.contains("empty") })
    }

    @Test("the preview shows the checkerboard through transparency and the image where opaque")
    func preview() throws {
        let mask = Compositor.mask(idMap: rectangle, keep: [1], options: CompositeOptions())
        let preview = try Compositor.composite(image: image, mask: mask, options: CompositeOptions()).preview()
        #expect(preview.format == .rgb8 && preview.width == 40 && preview.height == 30)
        var checkerShades = Set<[UInt8]>()
        for pixel in 0..<(40 * 30) {
            let out = Array(preview.pixels[(pixel * 3)..<(pixel * 3 + 3)])
            if mask.pixels[pixel] == 255 {
                #expect(out == Array(image.pixels[(pixel * 3)..<(pixel * 3 + 3)]))
            } else {
                #expect(out[0] == out[1] && out[1] == out[2] && out[0] >= 200)
                checkerShades.insert(out)
            }
        }
        #expect(checkerShades.count == 2)
    }

    @Test("a mask of another size is a clean bad-input error")
    func sizeMismatch() {
        let mask = Image(width: 20, height: 30, format: .gray8)
        #expect {
            try Compositor.composite(image: image, mask: mask, options: CompositeOptions())
        } throws: { error in
            guard let error = error as? CompositorError else { return false }
            return error.exitStatus == .badInput && error.message.contains("20x30") && error.message.contains("40x30")
        }
    }

    @Test("background colours parse from #RRGGBB and refuse anything else")
    func colourParsing() {
        #expect(RGBColor(hex: "#1a2B3c") == RGBColor(red: 0x1A, green: 0x2B, blue: 0x3C))
        #expect(RGBColor(hex: "ffffff") == RGBColor(red: 255, green: 255, blue: 255))
        #expect(RGBColor(hex: "#12345") == nil)
        #expect(RGBColor(hex: "#12345g") == nil)
        #expect(RGBColor(red: 1, green: 171, blue: 255).hex == "#01abff")
    }
}

@Suite("Streamed cutouts")
struct StreamedCutoutTests {
    /// A 1100×700 photo (3 MB as RGBA: the cutout PNG spans several bands) and a mask of two blocks.
    let photo = Scene.image(width: 1100, height: 700) { x, y in (UInt8(x % 251), UInt8(y % 241), UInt8((x ^ y) & 0xFF)) }
    var mask: Image {
        let map = Scene.map(width: 1100, height: 700) { x, y in (x / 100 + y / 100) % 3 == 0 ? 1 : 2 }
        return Compositor.mask(idMap: map, keep: [1], options: CompositeOptions(featherRadius: 2, estimateForeground: false))
    }

    @Test("the streamed cutout is the cutout composite makes, read from a PNG and from a JPEG photo")
    func streamedEqualsComposite() throws {
        let folder = try TestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let options = CompositeOptions(featherRadius: 2, estimateForeground: false)
        #expect(Compositor.canStream(mask: mask, options: options))
        for (name, file) in [("photo.png", try PNGEncoder.encode(photo)), ("photo.jpg", try JPEGEncoder.encode(photo, quality: 90))] {
            let decoded = try ImageDecoder.decode(file, name: name)
            let expected = try Compositor.composite(image: decoded, mask: mask, options: options).cutout
            let path = folder.appendingPathComponent(name + ".cutout.png").path
            try Compositor.writeCutout(mask: mask, photo: ImageRowReader(bytes: file, name: name), toPath: path, effort: .fast)
            #expect(try ImageDecoder.decodeFile(atPath: path) == expected, "\(name)")
        }
    }

    @Test("a plain decision's cutout and mask, with alpha made from the id map row by row, equal the whole-mask ones",
          arguments: [false, true])
    func keptRowsEqualTheWholeMask(invert: Bool) throws {
        let folder = try TestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let map = Scene.map(width: 1100, height: 700) { x, y in UInt32((x / 90 + y / 70) % 4 + 1) }
        let options = CompositeOptions(invert: invert)
        #expect(KeptAlphaRows.applies(to: options))
        let whole = Compositor.mask(idMap: map, keep: [2, 3], options: options)
        let file = try PNGEncoder.encode(photo)
        let expected = try Compositor.composite(image: photo, mask: whole, options: options).cutout
        let rows = KeptAlphaRows(idMap: map, keep: [2, 3], invert: invert)
        let cutout = try Compositor.stageCutout(
            keeping: rows, photo: ImageRowReader(bytes: file, name: "photo.png"),
            toPath: folder.appendingPathComponent("c.png").path, effort: .fast)
        let mask = try Compositor.stageMask(keeping: rows, toPath: folder.appendingPathComponent("m.png").path, effort: .fast)
        try AtomicFile.publish([cutout.staged, mask])
        #expect(try ImageDecoder.decodeFile(atPath: folder.appendingPathComponent("c.png").path) == expected)
        #expect(try ImageDecoder.decodeFile(atPath: folder.appendingPathComponent("m.png").path) == whole)
        #expect(cutout.visiblePixels == whole.pixels.filter { $0 != 0 }.count)
        #expect(!KeptAlphaRows.applies(to: CompositeOptions(featherRadius: 1)))
        #expect(!KeptAlphaRows.applies(to: CompositeOptions(fillHoles: true)))
    }

    @Test("options that need the whole photo are not streamed", arguments: [
        CompositeOptions(featherRadius: 2), CompositeOptions(cropMargin: 1),
        CompositeOptions(background: .color(RGBColor(red: 1, green: 2, blue: 3))),
    ])
    func wholeImageOptions(options: CompositeOptions) {
        #expect(!Compositor.canStream(mask: Compositor.mask(idMap: Scene.blocks(), keep: [2, 6], options: options), options: options))
    }

    @Test("a photo of another size, or one cut short, is a clean error that leaves no file")
    func failuresLeaveNoFile() throws {
        let folder = try TestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("cutout.png").path
        let small = try PNGEncoder.encode(Image(width: 12, height: 10, format: .rgb8))
        #expect(throws: CompositorError.self) {
            try Compositor.writeCutout(mask: mask, photo: ImageRowReader(bytes: small, name: "small.png"), toPath: path, effort: .fast)
        }
        let jpeg = try JPEGEncoder.encode(photo, quality: 90)
        #expect(throws: ImageError.self) {
            try Compositor.writeCutout(
                mask: mask, photo: ImageRowReader(bytes: Array(jpeg.prefix(jpeg.count / 2)), name: "cut.jpg"), toPath: path,
                effort: .fast)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
