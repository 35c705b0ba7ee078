import Imaging
import Panoptic

/// An image's colour samples seen as RGB: `stride` bytes per pixel, red, green, blue first.
struct ColorSource {
    let samples: [UInt8]
    let stride: Int
    let width: Int

    init(samples: [UInt8], stride: Int, width: Int) {
        self.samples = samples
        self.stride = stride
        self.width = width
    }

    /// Gray images are expanded to RGB; RGB and RGBA are used as they are (alpha ignored).
    init(_ image: Image) {
        switch image.format {
        case .gray8:
            self.init(samples: image.pixels.flatMap { [$0, $0, $0] }, stride: 3, width: image.width)
        case .rgb8, .rgba8:
            self.init(samples: image.pixels, stride: image.format.channels, width: image.width)
        }
    }
}

/// One alpha byte per pixel: a Gray8 mask as it is, an RGBA image's alpha channel, else the first channel.
struct AlphaSource {
    let samples: [UInt8]
    let width: Int
    let height: Int

    init(_ image: Image) {
        switch image.format {
        case .gray8: samples = image.pixels
        case .rgba8: samples = (0..<(image.width * image.height)).map { image.pixels[$0 * 4 + 3] }
        case .rgb8: samples = (0..<(image.width * image.height)).map { image.pixels[$0 * 3] }
        }
        width = image.width
        height = image.height
    }

    /// The tight box around every pixel with alpha > 0, or nil when there is none.
    func contentBox() -> BoundingBox? {
        var minX = width, minY = height, maxX = -1, maxY = -1
        for y in 0..<height {
            let row = y * width
            guard let first = (0..<width).first(where: { samples[row + $0] != 0 }) else { continue }
            let last = (0..<width).last(where: { samples[row + $0] != 0 }) ?? first
            minX = min(minX, first)
            maxX = max(maxX, last)
            minY = min(minY, y)
            maxY = y
        }
        guard maxY >= 0 else { return nil }
        return BoundingBox(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }

    /// Whether any pixel is partially transparent (alpha strictly between 0 and 255).
    func hasPartialValues() -> Bool {
        samples.contains { $0 != 0 && $0 != 255 }
    }
}

/// The two ways a foreground meets what is behind it. Both blend at most once, in straight alpha.
enum Blending {
    /// RGBA with straight alpha over `frame`; RGB is the foreground where alpha > 0 and 0 where alpha = 0.
    static func straightAlpha(foreground: ColorSource, alpha: AlphaSource, frame: BoundingBox) -> Image {
        var pixels = [UInt8](repeating: 0, count: frame.width * frame.height * 4)
        foreground.samples.withUnsafeBufferPointer { colors in
            alpha.samples.withUnsafeBufferPointer { alphas in
                pixels.withUnsafeMutableBufferPointer { out in
                    for y in 0..<frame.height {
                        var source = (frame.y + y) * alpha.width + frame.x
                        var target = y * frame.width * 4
                        for _ in 0..<frame.width {
                            let a = alphas[source]
                            if a != 0 {
                                let color = source * foreground.stride
                                out[target] = colors[color]
                                out[target + 1] = colors[color + 1]
                                out[target + 2] = colors[color + 2]
                                out[target + 3] = a
                            }
                            source += 1
                            target += 4
                        }
                    }
                }
            }
        }
        return Image(width: frame.width, height: frame.height, format: .rgba8, pixels: pixels)
    }

    /// Opaque RGB over `frame`: `F·α + B·(1−α)`, once, with `background(x, y)` in frame coordinates.
    static func overOpaque(
        foreground: ColorSource, alpha: AlphaSource, frame: BoundingBox,
        background: (Int, Int) -> (UInt8, UInt8, UInt8)
    ) -> Image {
        var pixels = [UInt8](repeating: 0, count: frame.width * frame.height * 3)
        for y in 0..<frame.height {
            for x in 0..<frame.width {
                let source = (frame.y + y) * alpha.width + frame.x + x
                let a = Int(alpha.samples[source])
                let color = source * foreground.stride
                let behind = background(x, y)
                let target = (y * frame.width + x) * 3
                pixels[target] = mix(foreground.samples[color], behind.0, a)
                pixels[target + 1] = mix(foreground.samples[color + 1], behind.1, a)
                pixels[target + 2] = mix(foreground.samples[color + 2], behind.2, a)
            }
        }
        return Image(width: frame.width, height: frame.height, format: .rgb8, pixels: pixels)
    }

    @inline(__always)
    private static func mix(_ front: UInt8, _ back: UInt8, _ alpha: Int) -> UInt8 {
        UInt8((Int(front) * alpha + Int(back) * (255 - alpha) + 127) / 255)
    }
}

/// The light checkerboard behind transparent previews; squares scale with the image.
struct Checkerboard {
    let square: Int

    init(width: Int, height: Int) {
        square = max(8, max(width, height) / 48)
    }

    func color(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        (x / square + y / square) % 2 == 0 ? (255, 255, 255) : (204, 204, 204)
    }
}

/// Samples a replacement background scaled to cover a `width × height` frame (aspect kept, centred,
/// bilinear); its alpha, if any, is ignored.
struct CoverSampler {
    private let source: ColorSource
    private let sourceWidth: Int
    private let sourceHeight: Int
    private let scale: Double
    private let offsetX: Double
    private let offsetY: Double

    init(_ image: Image, width: Int, height: Int) {
        source = ColorSource(image)
        sourceWidth = image.width
        sourceHeight = image.height
        let scale = max(Double(width) / Double(max(image.width, 1)), Double(height) / Double(max(image.height, 1)))
        self.scale = scale
        offsetX = (Double(image.width) - Double(width) / scale) / 2
        offsetY = (Double(image.height) - Double(height) / scale) / 2
    }

    func color(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        guard sourceWidth > 0, sourceHeight > 0 else { return (0, 0, 0) }
        let sx = min(max((Double(x) + 0.5) / scale + offsetX - 0.5, 0), Double(sourceWidth - 1))
        let sy = min(max((Double(y) + 0.5) / scale + offsetY - 0.5, 0), Double(sourceHeight - 1))
        let x0 = Int(sx), y0 = Int(sy)
        let x1 = min(x0 + 1, sourceWidth - 1), y1 = min(y0 + 1, sourceHeight - 1)
        let fx = sx - Double(x0), fy = sy - Double(y0)
        func channel(_ c: Int) -> UInt8 {
            func at(_ px: Int, _ py: Int) -> Double { Double(source.samples[(py * sourceWidth + px) * source.stride + c]) }
            let top = at(x0, y0) * (1 - fx) + at(x1, y0) * fx
            let bottom = at(x0, y1) * (1 - fx) + at(x1, y1) * fx
            return UInt8(top * (1 - fy) + bottom * fy + 0.5)
        }
        return (channel(0), channel(1), channel(2))
    }
}
