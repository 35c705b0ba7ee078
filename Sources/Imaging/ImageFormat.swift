/// A file format the decoder understands, recognised from the first bytes (never the file name).
public enum ImageFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case png
    case jpeg

    /// The format whose signature starts `bytes`, or nil.
    public static func sniff(_ bytes: some Collection<UInt8>) -> ImageFormat? {
        let head = Array(bytes.prefix(8))
        if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF { return .jpeg }
        return nil
    }
}

/// What a file's header says, read without decoding the pixels.
public struct ImageInfo: Sendable, Equatable, Codable {
    /// The sniffed format.
    public var format: ImageFormat
    /// Width as stored in the file (before EXIF orientation).
    public var width: Int
    /// Height as stored in the file (before EXIF orientation).
    public var height: Int
    /// EXIF orientation 1-8 (1 when absent or malformed; always 1 for PNG).
    public var orientation: Int
    /// Width as shown upright (after orientation; swapped for orientations 5-8).
    public var uprightWidth: Int
    /// Height as shown upright.
    public var uprightHeight: Int
    /// The stored colour type: PNG "gray", "rgb", "palette", "gray+alpha", "rgba"; JPEG "gray",
    /// "ycbcr", "rgb", "cmyk", "ycck".
    public var colorType: String
    /// Bits per sample as stored (PNG 1-16, JPEG 8 or 12).
    public var bitDepth: Int
    /// Samples per pixel as stored (palette PNG: 1).
    public var channels: Int
    /// How the data is laid out: PNG "non-interlaced" or "interlaced"; JPEG "baseline", "extended",
    /// "progressive", "lossless", with " arithmetic" appended for arithmetic coding.
    public var encoding: String
    /// Whether the file embeds an ICC colour profile (PNG iCCP, JPEG APP2). It is never applied.
    public var hasICCProfile: Bool

    public init(
        format: ImageFormat, width: Int, height: Int, orientation: Int, colorType: String,
        bitDepth: Int, channels: Int, encoding: String = "", hasICCProfile: Bool = false
    ) {
        self.format = format
        self.width = width
        self.height = height
        self.orientation = (1...8).contains(orientation) ? orientation : 1
        let swapped = self.orientation >= 5
        self.uprightWidth = swapped ? height : width
        self.uprightHeight = swapped ? width : height
        self.colorType = colorType
        self.bitDepth = bitDepth
        self.channels = channels
        self.encoding = encoding
        self.hasICCProfile = hasICCProfile
    }
}

/// How to decode.
public struct DecodeOptions: Sendable, Equatable {
    /// Files whose header claims more pixels than this are refused before any pixel memory is
    /// allocated. Default 100 million (100 MP).
    public var maxPixels: Int
    /// When set, the upright result is downscaled (area averaging) so its longer side is at most this.
    /// JPEGs reduced to 1/2 or less use libjpeg-turbo's DCT scaling first, which is much faster.
    public var maxSide: Int?
    /// Apply the EXIF orientation so the pixels come out upright. Default true.
    public var applyOrientation: Bool

    /// The default pixel limit.
    public static let defaultMaxPixels = 100_000_000

    public init(maxPixels: Int = DecodeOptions.defaultMaxPixels, maxSide: Int? = nil, applyOrientation: Bool = true) {
        self.maxPixels = maxPixels
        self.maxSide = maxSide
        self.applyOrientation = applyOrientation
    }
}

extension ImageInfo {
    /// The turn the decoder applies to the stored pixels to show them upright, in words.
    public var orientationName: String {
        switch orientation {
        case 2: "mirror horizontally"
        case 3: "rotate 180°"
        case 4: "mirror vertically"
        case 5: "transpose (mirror, then rotate 90° counter-clockwise)"
        case 6: "rotate 90° clockwise"
        case 7: "transverse (mirror, then rotate 90° clockwise)"
        case 8: "rotate 90° counter-clockwise"
        default: "none: stored upright"
        }
    }
}
