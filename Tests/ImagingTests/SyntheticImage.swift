import Imaging

/// Deterministic test images made in the test itself.
enum SyntheticImage {
    /// Pseudo-random samples (xorshift), reproducible from `seed`.
    static func noise(width: Int, height: Int, format: PixelFormat, seed: UInt64) -> Image {
        var state = seed | 1
        let pixels = (0..<(width * height * format.channels)).map { _ -> UInt8 in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        return Image(width: width, height: height, format: format, pixels: pixels)
    }

    /// A smooth picture (gradients and a disc) that JPEG reproduces closely.
    static func smooth(width: Int, height: Int) -> Image {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let dx = x - width / 2
                let dy = y - height / 2
                let inside = dx * dx + dy * dy < (min(width, height) / 4) * (min(width, height) / 4)
                pixels.append(UInt8(x * 255 / max(1, width - 1)))
                pixels.append(UInt8(y * 255 / max(1, height - 1)))
                pixels.append(inside ? 220 : 40)
            }
        }
        return Image(width: width, height: height, format: .rgb8, pixels: pixels)
    }
}
