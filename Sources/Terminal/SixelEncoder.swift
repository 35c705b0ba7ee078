import Imaging

/// DEC sixel graphics for an RGB image: colours quantised to a fixed 6 × 6 × 6 cube (216 registers,
/// the same for every picture, so no search is needed), then bands of six pixel rows, one pass per
/// colour used in the band, with run-length compression (`!n c`). One pass over the pixels per band
/// and colour; memory is one band.
public enum SixelEncoder {
    /// `DCS q … ST` for `image` (RGB, RGBA — drawn over black — or gray).
    public static func encode(_ image: Image) -> String {
        let width = image.width
        let height = image.height
        var out = "\u{1B}P0;1;0q\"1;1;\(width);\(height)"
        for index in 0..<216 {
            let (r, g, b) = (index / 36, (index / 6) % 6, index % 6)
            out += "#\(index);2;\(r * 20);\(g * 20);\(b * 20)"
        }
        let channels = image.format.channels
        var band = [UInt8](repeating: 0, count: width * 6)
        var bandTop = 0
        while bandTop < height {
            var used = [Bool](repeating: false, count: 216)
            for dy in 0..<6 {
                let y = bandTop + dy
                for x in 0..<width {
                    let register = y < height ? registerOf(image, offset: (y * width + x) * channels) : 0
                    band[dy * width + x] = register
                    if y < height { used[Int(register)] = true }
                }
            }
            for register in 0..<216 where used[register] {
                out += "#\(register)"
                appendRow(of: UInt8(register), band: band, width: width, rows: min(6, height - bandTop), to: &out)
                out += "$"
            }
            out += "-"
            bandTop += 6
        }
        return out + "\u{1B}\\"
    }

    /// The cube register nearest a pixel.
    private static func registerOf(_ image: Image, offset: Int) -> UInt8 {
        let pixels = image.pixels
        let level: (UInt8) -> Int = { (Int($0) * 5 + 127) / 255 }
        switch image.format {
        case .gray8:
            let value = level(pixels[offset])
            return UInt8(value * 43)
        case .rgb8, .rgba8:
            let alpha = image.format == .rgba8 ? Int(pixels[offset + 3]) : 255
            let scale: (UInt8) -> UInt8 = { UInt8(Int($0) * alpha / 255) }
            return UInt8(level(scale(pixels[offset])) * 36 + level(scale(pixels[offset + 1])) * 6
                + level(scale(pixels[offset + 2])))
        }
    }

    /// One colour's sixels across the band, run-length encoded.
    private static func appendRow(of register: UInt8, band: [UInt8], width: Int, rows: Int, to out: inout String) {
        var previous: UInt8 = 0
        var run = 0
        func flush() {
            guard run > 0 else { return }
            let character = Character(Unicode.Scalar(previous + 63))
            out += run > 3 ? "!\(run)\(character)" : String(repeating: character, count: run)
        }
        for x in 0..<width {
            var bits: UInt8 = 0
            for dy in 0..<rows where band[dy * width + x] == register { bits |= 1 << UInt8(dy) }
            if bits == previous {
                run += 1
            } else {
                flush()
                previous = bits
                run = 1
            }
        }
        flush()
    }
}

/// Unicode upper half blocks: each cell shows two pixels, the upper as the foreground colour of `▀`
/// and the lower as the background, in 24-bit colour. Works in any terminal with true colour.
public enum HalfBlocks {
    /// The lines for `image` (RGB; RGBA is drawn over black; gray as gray), one per two pixel rows,
    /// each ending with a colour reset and a line feed.
    public static func render(_ image: Image) -> String {
        var out = ""
        var y = 0
        while y < image.height {
            for x in 0..<image.width {
                let top = rgb(image, x: x, y: y)
                let bottom = y + 1 < image.height ? rgb(image, x: x, y: y + 1) : (0, 0, 0)
                out += "\u{1B}[38;2;\(top.0);\(top.1);\(top.2);48;2;\(bottom.0);\(bottom.1);\(bottom.2)m▀"
            }
            out += "\u{1B}[0m\n"
            y += 2
        }
        return out
    }

    private static func rgb(_ image: Image, x: Int, y: Int) -> (Int, Int, Int) {
        let channels = image.format.channels
        let offset = (y * image.width + x) * channels
        let pixels = image.pixels
        switch image.format {
        case .gray8: return (Int(pixels[offset]), Int(pixels[offset]), Int(pixels[offset]))
        case .rgb8: return (Int(pixels[offset]), Int(pixels[offset + 1]), Int(pixels[offset + 2]))
        case .rgba8:
            let alpha = Int(pixels[offset + 3])
            return (Int(pixels[offset]) * alpha / 255, Int(pixels[offset + 1]) * alpha / 255,
                    Int(pixels[offset + 2]) * alpha / 255)
        }
    }
}
