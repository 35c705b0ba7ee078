/// A built-in 5×7 bitmap font for the digits of mark badges, scaled by whole pixels.
enum BadgeFont {
    static let glyphWidth = 5
    static let glyphHeight = 7
    /// Blank columns between two digits, in font cells.
    static let spacing = 1

    /// Rows top to bottom; "#" is ink.
    private static let glyphs: [Character: [String]] = [
        "0": [" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "],
        "1": ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
        "2": [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
        "3": ["#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "],
        "4": ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
        "5": ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
        "6": ["  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "],
        "7": ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
        "8": [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
        "9": [" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "],
    ]

    /// Width in font cells of `text` (digits only).
    static func cellWidth(of text: String) -> Int {
        text.isEmpty ? 0 : text.count * glyphWidth + (text.count - 1) * spacing
    }

    /// Whether the font cell (`column`, `row`) of `text` is ink.
    static func isInk(_ text: String, column: Int, row: Int) -> Bool {
        guard row >= 0, row < glyphHeight, column >= 0 else { return false }
        let advance = glyphWidth + spacing
        let index = column / advance
        let within = column % advance
        guard index < text.count, within < glyphWidth else { return false }
        let character = text[text.index(text.startIndex, offsetBy: index)]
        guard let rows = glyphs[character] else { return false }
        let line = rows[row]
        return line[line.index(line.startIndex, offsetBy: within)] == "#"
    }
}

/// Well-separated colours for segment outlines and badges: Kelly's colours of maximum contrast
/// (white and black left out), then golden-angle hues for any further segments.
enum MarkPalette {
    private static let kelly: [UInt32] = [
        0xF3C300, 0x875692, 0xF38400, 0xA1CAF1, 0xBE0032, 0xC2B280, 0x848482, 0x008856, 0xE68FAC, 0x0067A5,
        0xF99379, 0x604E97, 0xF6A600, 0xB3446C, 0xDCD300, 0x882D17, 0x8DB600, 0x654522, 0xE25822, 0x2B3D26,
    ]

    /// The colour of display number `number` (1-based).
    static func color(for number: Int) -> RGBColor {
        let index = max(number - 1, 0)
        if index < kelly.count {
            let value = kelly[index]
            return RGBColor(red: UInt8(value >> 16 & 0xFF), green: UInt8(value >> 8 & 0xFF), blue: UInt8(value & 0xFF))
        }
        let hue = (Double(index) * 137.508).truncatingRemainder(dividingBy: 360) / 60
        let value = index % 2 == 0 ? 0.95 : 0.7
        let saturation = 0.85
        let chroma = value * saturation
        let secondary = chroma * (1 - abs(hue.truncatingRemainder(dividingBy: 2) - 1))
        let (r, g, b): (Double, Double, Double) =
            switch Int(hue) {
            case 0: (chroma, secondary, 0)
            case 1: (secondary, chroma, 0)
            case 2: (0, chroma, secondary)
            case 3: (0, secondary, chroma)
            case 4: (secondary, 0, chroma)
            default: (chroma, 0, secondary)
            }
        let lift = value - chroma
        func byte(_ component: Double) -> UInt8 { UInt8(min(max((component + lift) * 255, 0), 255).rounded()) }
        return RGBColor(red: byte(r), green: byte(g), blue: byte(b))
    }

    /// Black or white, whichever reads better on `color`.
    static func ink(on color: RGBColor) -> RGBColor {
        let luminance = 0.299 * Double(color.red) + 0.587 * Double(color.green) + 0.114 * Double(color.blue)
        return luminance > 150 ? RGBColor(red: 0, green: 0, blue: 0) : RGBColor(red: 255, green: 255, blue: 255)
    }
}
