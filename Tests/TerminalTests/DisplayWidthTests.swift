import Terminal
import Testing

/// Widths in terminal cells and wrapping by them.
@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("dog", 3), ("狗和人", 6), ("개", 2), ("ｄｏｇ", 6), ("🐕", 2), ("❤️", 2), ("e\u{301}", 1), ("👍🏽", 2),
        ("a\u{200B}b", 2), ("\u{1B}[35mred\u{1B}[0m", 3), ("", 0),
    ])
    func measuresCells(text: String, cells: Int) {
        #expect(DisplayWidth.of(text) == cells)
    }

    @Test func wrapsAtSpacesWithinTheWidthInCells() {
        let lines = DisplayWidth.wrap("the dog lies on the grass next to the person", width: 12, indent: "  ")
        #expect(lines == ["the dog lies", "  on the", "  grass next", "  to the", "  person"])
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 12 })
    }

    @Test func wrapsChineseAndEmojiByTwoCellsEach() {
        let lines = DisplayWidth.wrap("狗在草地上躺着🐕🐕", width: 8)
        #expect(lines == ["狗在草地", "上躺着🐕", "🐕"])
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 8 })
    }

    @Test func keepsLineFeedsAndNeverReturnsNothing() {
        #expect(DisplayWidth.wrap("a\n\nb", width: 10) == ["a", "", "b"])
        #expect(DisplayWidth.wrap("", width: 10) == [""])
    }

    @Test func aLongLineWrapsInOnePass() {
        let text = String(repeating: "狗 dog ", count: 20_000)
        let lines = DisplayWidth.wrap(text, width: 80)
        #expect(lines.count > 1000 && lines.allSatisfy { DisplayWidth.of($0) <= 80 })
    }

    @Test func tailsAndTruncationsFitTheirWidth() {
        #expect(DisplayWidth.tail("abc\ndef", width: 5) == "c def")
        #expect(DisplayWidth.truncated("狗狗狗狗", width: 5) == "狗狗…")
        #expect(DisplayWidth.truncated("dog", width: 5) == "dog")
    }
}

extension DisplayWidthTests {
    @Test func anIndentedParagraphStaysIndented() {
        #expect(DisplayWidth.wrap("  the dog lies on the grass", width: 14, indent: "  ") == ["  the dog lies", "  on the grass"])
    }
}
