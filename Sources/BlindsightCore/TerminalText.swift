/// The one gate between text Blindsight does not control (model replies, segment labels, transcripts,
/// server error bodies, file names) and a person's terminal.
///
/// A terminal obeys control characters: `ESC ] 52 ; c ; …` writes the clipboard, `ESC ] 0 ; …` sets the
/// window title, `ESC [ 2 J` clears the screen, `CSI` (U+009B) starts a sequence on its own, BEL rings,
/// a bare carriage return lets later text overwrite what came before. ``safe(_:keepNewlines:)`` turns
/// every such character into a visible, harmless stand-in, so the user sees that something was there
/// and nothing is executed. It is linear in the text's length and never drops other characters.
public enum TerminalText {
    /// `text` with control characters neutralised:
    /// - C0 controls (U+0000–U+001F, except line feed and tab) become their Control Pictures glyphs
    ///   (ESC → `␛`, BEL → `␇`, CR → `␍`); a CR directly before a line feed is dropped (Windows line ends);
    /// - DEL (U+007F) becomes `␡`;
    /// - C1 controls (U+0080–U+009F, CSI and OSC among them) and the bidirectional overrides and isolates
    ///   (U+202A–U+202E, U+2066–U+2069), which can make text read differently from what it is, become `⟨U+XXXX⟩`.
    /// - Parameter keepNewlines: false turns line feeds into `␊` too (for one-line messages); tabs stay.
    public static func safe(_ text: String, keepNewlines: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { needsReplacement($0) || (!keepNewlines && $0 == "\n") }) else {
            return text
        }
        var result = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let value = scalar.value
            switch value {
            case 0x0A where keepNewlines, 0x09:
                result.append(scalar)
            case 0x0D where keepNewlines && index + 1 < scalars.count && scalars[index + 1].value == 0x0A:
                continue
            case 0x00...0x1F:
                result.append(Unicode.Scalar(0x2400 + value) ?? "?")
            case 0x7F:
                result.append("\u{2421}")
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                result.append(contentsOf: "⟨U+\(hex4(value))⟩".unicodeScalars)
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Whether `text` would be changed by ``safe(_:keepNewlines:)`` with newlines kept.
    public static func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains(where: needsReplacement)
    }

    private static func needsReplacement(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
