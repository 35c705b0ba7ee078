/// How many terminal cells text takes, and how to wrap it at a width in cells.
///
/// A character (grapheme cluster) takes the cells of its first scalar: two for East Asian Wide and
/// Fullwidth characters (CJK, Hangul syllables, emoji with emoji presentation, or any character
/// followed by the emoji variation selector U+FE0F), none for combining marks and format characters,
/// one otherwise. Control characters take none (untrusted text passes ``TerminalText`` first, which
/// turns them into visible one-cell pictures). Escape sequences this module writes itself (SGR
/// colours, `ESC [ … m`) take no cells. Everything is one pass over the text; lookups are binary
/// searches in the tables of `DisplayWidthTables.swift`.
public enum DisplayWidth {
    /// The cells of one scalar: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if value < 0x300 { return 1 }
        if contains(DisplayWidthTables.zero, value) { return 0 }
        return contains(DisplayWidthTables.wide, value) ? 2 : 1
    }

    /// The cells of one character.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        let width = of(first)
        if width == 1, scalars.contains("\u{FE0F}") { return 2 }
        return width
    }

    /// The cells `text` takes on one line, skipping SGR escape sequences.
    public static func of(_ text: some StringProtocol) -> Int {
        var total = 0
        var inEscape = false
        for character in text {
            if inEscape {
                if let scalar = character.unicodeScalars.first, (0x40...0x7E).contains(scalar.value), character != "[" {
                    inEscape = false
                }
                continue
            }
            if character == "\u{1B}" {
                inEscape = true
                continue
            }
            total += of(character)
        }
        return total
    }

    /// `text` wrapped into lines of at most `width` cells: at spaces where possible, inside a word
    /// only when the word alone is wider than a line. Line feeds start new lines. Lines after the
    /// first of each paragraph start with `indent` (counted in the width). Never returns an empty array.
    public static func wrap(_ text: String, width: Int, indent: String = "") -> [String] {
        let width = max(width, 8)
        let indentWidth = of(indent)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // The paragraph's own leading spaces stay (an indented line stays indented).
            var line = String(paragraph.prefix { $0 == " " }.prefix(width / 2))
            var lineWidth = line.count
            var pendingSpace = false
            func breakLine() {
                lines.append(line)
                line = indent
                lineWidth = indentWidth
                pendingSpace = false
            }
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                let wordWidth = of(word)
                let needed = wordWidth + (pendingSpace ? 1 : 0)
                if lineWidth + needed > width, lineWidth > indentWidth || (lineWidth > 0 && indentWidth == 0) {
                    breakLine()
                }
                if pendingSpace && lineWidth > indentWidth {
                    line += " "
                    lineWidth += 1
                }
                if lineWidth + wordWidth <= width {
                    line += word
                    lineWidth += wordWidth
                } else {
                    for character in word {
                        let cells = of(character)
                        if lineWidth + cells > width, lineWidth > indentWidth { breakLine() }
                        line.append(character)
                        lineWidth += cells
                    }
                }
                pendingSpace = true
            }
            lines.append(line)
        }
        return lines
    }

    /// The last `width` cells' worth of `text` on one line (line feeds as spaces), for a live ticker.
    public static func tail(_ text: String, width: Int) -> String {
        var kept: [Character] = []
        var cells = 0
        for character in text.reversed() {
            let shown: Character = character.isNewline ? " " : character
            let size = of(shown)
            if cells + size > width { break }
            kept.append(shown)
            cells += size
        }
        return String(kept.reversed())
    }

    /// The first `width` cells of `text`, ending in "…" when something was cut.
    public static func truncated(_ text: String, width: Int) -> String {
        guard of(text) > width else { return text }
        var result = ""
        var cells = 0
        for character in text {
            let size = of(character)
            if cells + size > width - 1 { break }
            result.append(character)
            cells += size
        }
        return result + "…"
    }

    private static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}
