/// The layout of one pixel in an ``Image``: 8 bits per sample, samples interleaved.
public enum PixelFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// One sample: luminance.
    case gray8
    /// Three samples: red, green, blue.
    case rgb8
    /// Four samples: red, green, blue, straight (not premultiplied) alpha.
    case rgba8

    /// Samples per pixel.
    public var channels: Int {
        switch self {
        case .gray8: 1
        case .rgb8: 3
        case .rgba8: 4
        }
    }
}

/// A decoded image in memory: rows top to bottom, pixels left to right, no row padding.
///
/// Pixels are already upright (EXIF orientation applied by the decoder). Alpha, when present, is
/// straight. This is the one image type every module exchanges.
public struct Image: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// The pixel layout.
    public let format: PixelFormat
    /// `width * height * format.channels` samples.
    public var pixels: [UInt8]

    /// Wraps existing samples. The caller guarantees `pixels.count == width * height * format.channels`.
    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) {
        precondition(
            width >= 0 && height >= 0 && pixels.count == width * height * format.channels,
            "Image: sample count does not match \(width)x\(height) \(format)")
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// A new image with every sample set to `fill`.
    public init(width: Int, height: Int, format: PixelFormat, fill: UInt8 = 0) {
        self.init(
            width: width, height: height, format: format,
            pixels: [UInt8](repeating: fill, count: width * height * format.channels))
    }

    /// Bytes per row.
    public var rowStride: Int { width * format.channels }
}
