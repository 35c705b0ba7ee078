import Imaging

/// An opaque colour, 8 bits per channel.
public struct RGBColor: Sendable, Hashable, Codable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Parses `#RRGGBB` or `RRGGBB` (hex digits, either case); nil for anything else.
    public init?(hex: String) {
        let digits = hex.hasPrefix("#") ? hex.dropFirst() : Substring(hex)
        guard digits.count == 6, digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else {
            return nil
        }
        self.init(red: UInt8(value >> 16 & 0xFF), green: UInt8(value >> 8 & 0xFF), blue: UInt8(value & 0xFF))
    }

    /// `#rrggbb`.
    public var hex: String {
        "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// What replaces the removed background.
public enum CompositeBackground: Sendable, Equatable {
    /// Transparency: the cutout is RGBA with straight alpha.
    case transparent
    /// An opaque colour: the cutout is RGB, `foreground·α + colour·(1−α)`, blended once.
    case color(RGBColor)
    /// An opaque image, scaled to cover the cutout (centred, aspect kept): the cutout is RGB.
    case image(Image)
}

/// How a keep-set becomes a mask and the mask a cutout.
public struct CompositeOptions: Sendable, Equatable {
    /// Width in pixels of the soft alpha ramp on each side of the boundary; 0 gives a hard mask
    /// that is exactly the kept pixels.
    public var featherRadius: Int
    /// Whether enclosed background regions inside the kept area become part of it.
    public var fillHoles: Bool
    /// Kept regions (8-connected) smaller than this many pixels are dropped; 0 keeps all.
    public var minimumIslandArea: Int
    /// Keep everything except the named segments.
    public var invert: Bool
    /// Crop the outputs to the bounding box of the non-transparent pixels plus this margin
    /// (pixels, clamped to the image); nil keeps the full frame.
    public var cropMargin: Int?
    /// Transparency, or an opaque colour or image behind the cutout.
    public var background: CompositeBackground
    /// Estimate the true foreground colour at partially transparent pixels (blur-fusion, as in
    /// BiRefNet), so edges carry no halo of the old background. Matters only when the mask is soft.
    public var estimateForeground: Bool

    public init(
        featherRadius: Int = 0, fillHoles: Bool = false, minimumIslandArea: Int = 0, invert: Bool = false,
        cropMargin: Int? = nil, background: CompositeBackground = .transparent, estimateForeground: Bool = true
    ) {
        self.featherRadius = max(0, featherRadius)
        self.fillHoles = fillHoles
        self.minimumIslandArea = max(0, minimumIslandArea)
        self.invert = invert
        self.cropMargin = cropMargin.map { max(0, $0) }
        self.background = background
        self.estimateForeground = estimateForeground
    }
}
