import Imaging

/// A picture drawn in the terminal with one of the ``InlineImageProtocol``s, scaled to fit.
public enum TerminalImage {
    /// Pixels per cell assumed for sixels (terminals do not all report their cell size).
    static let sixelPixelsPerColumn = 8
    /// Longest side sent to kitty and iTerm2 (they scale it to the cells asked for).
    static let largestSentSide = 1024

    /// The text that draws `image` at most `columns` cells wide and about `rows` cells tall (the
    /// aspect ratio kept; cells taken as twice as tall as wide), or "" for ``InlineImageProtocol/none``.
    /// - Throws: `ImageError` if the PNG encoder fails (kitty, iTerm2).
    public static func render(
        _ image: Image, with protocol: InlineImageProtocol, columns: Int, rows: Int
    ) throws -> String {
        guard image.width > 0, image.height > 0, columns > 0, rows > 0 else { return "" }
        let (cellsWide, cellsHigh) = fit(width: image.width, height: image.height, columns: columns, rows: rows)
        switch `protocol` {
        case .none: return ""
        case .kitty, .iterm:
            let png = try PNGEncoder.encode(image.downscaled(toMaxSide: largestSentSide))
            return `protocol` == .kitty
                ? InlineImageEncoders.kitty(png: png, columns: cellsWide)
                : InlineImageEncoders.iterm(png: png, columns: cellsWide)
        case .sixel:
            let width = cellsWide * sixelPixelsPerColumn
            let height = max(1, width * image.height / image.width)
            return SixelEncoder.encode(reduced(image, width: width, height: height)) + "\n"
        case .blocks:
            return HalfBlocks.render(reduced(image, width: cellsWide, height: cellsHigh * 2))
        }
    }

    /// The cells (wide, high) an image of `width` × `height` pixels takes within `columns` × `rows`.
    public static func fit(width: Int, height: Int, columns: Int, rows: Int) -> (columns: Int, rows: Int) {
        // A cell is about twice as tall as wide: an image row of cells shows 2 pixels' height per column.
        var wide = columns
        var high = max(1, (wide * height + width) / (2 * width))
        if high > rows {
            high = rows
            wide = max(1, min(columns, 2 * rows * width / height))
        }
        return (wide, high)
    }

    /// The image reduced to at most `width` × `height` (never enlarged).
    private static func reduced(_ image: Image, width: Int, height: Int) -> Image {
        image.areaAveraged(width: min(max(1, width), image.width), height: min(max(1, height), image.height))
    }
}
