import BlindsightCore
import Testing

@Suite("Terminal-safe text")
struct TerminalTextTests {
    @Test("An OSC 52 clipboard write, a title change and a screen clear arrive as visible text")
    func neutralisesEscapeSequences() {
        let hostile = "ok \u{1B}]52;c;ZXZpbA==\u{07} \u{1B}]0;pwned\u{1B}\\ \u{1B}[2J done"
        let safe = TerminalText.safe(hostile)
        #expect(!safe.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        #expect(safe == "ok ␛]52;c;ZXZpbA==␇ ␛]0;pwned␛\\ ␛[2J done")
    }

    @Test("C1 controls (CSI, OSC), DEL and bidirectional overrides are shown, not obeyed")
    func neutralisesC1AndBidi() {
        #expect(TerminalText.safe("a\u{9B}2Jb\u{9D}0;t\u{7F}") == "a⟨U+009B⟩2Jb⟨U+009D⟩0;t␡")
        #expect(TerminalText.safe("x\u{202E}y\u{2066}") == "x⟨U+202E⟩y⟨U+2066⟩")
    }

    @Test("Ordinary text, Chinese, emoji, tabs and newlines pass unchanged; CRLF becomes LF")
    func keepsOrdinaryText() {
        let text = "狗在草地上 🐕\tdog\nsecond line"
        #expect(TerminalText.safe(text) == text)
        #expect(TerminalText.isSafe(text))
        #expect(TerminalText.safe("a\r\nb") == "a\nb")
        #expect(TerminalText.safe("50%\rXX") == "50%␍XX")
    }

    @Test("One-line mode shows line feeds too")
    func oneLine() {
        #expect(TerminalText.safe("a\nb", keepNewlines: false) == "a␊b")
    }

    @Test("Linear in the input: a megabyte of escapes is neutralised quickly")
    func linear() {
        let big = String(repeating: "\u{1B}[2J", count: 250_000)
        let safe = TerminalText.safe(big)
        #expect(safe.unicodeScalars.count == 1_000_000)
        #expect(!safe.contains("\u{1B}"))
    }
}
