import Foundation
import Imaging
import Terminal
import Testing

/// Pictures in the terminal: which protocol a terminal gets, and what each encoder writes.
@Suite struct InlineImageTests {
    static func detect(_ environment: [String: String], terminal: Bool = true, sixel: Bool = false) -> InlineImageProtocol {
        InlineImageProtocol.detect(environment: environment, isTerminal: terminal, sixelAnswered: { sixel })
    }

    @Test func detectsTheProtocolFromTheEnvironment() {
        #expect(Self.detect(["TERM": "xterm-kitty"]) == .kitty)
        #expect(Self.detect(["TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"]) == .kitty)
        #expect(Self.detect(["TERM": "xterm-ghostty"]) == .kitty)
        #expect(Self.detect(["TERM_PROGRAM": "iTerm.app", "TERM": "xterm-256color"]) == .iterm)
        #expect(Self.detect(["LC_TERMINAL": "iTerm2"]) == .iterm)
        #expect(Self.detect(["TERM_PROGRAM": "WezTerm"]) == .iterm)
        #expect(Self.detect(["WEZTERM_PANE": "0"]) == .iterm)
        #expect(Self.detect(["TERM": "xterm-256color"], sixel: true) == .sixel)
        #expect(Self.detect(["TERM": "xterm-256color"]) == .blocks)
        #expect(Self.detect(["TERM": "xterm-kitty"], terminal: false) == .none)
        #expect(Self.detect(["TERM": "dumb"]) == .none)
        #expect(Self.detect(["TERM": "xterm-256color", "NO_COLOR": "1"]) == .none)
    }

    @Test func readsSixelFromTheDeviceAttributesReply() {
        #expect(SixelQuery.listsSixel(Array("\u{1B}[?62;4;22c".utf8)))
        #expect(SixelQuery.listsSixel(Array("\u{1B}[?4c".utf8)))
        #expect(!SixelQuery.listsSixel(Array("\u{1B}[?62;22;44c".utf8)))
        #expect(!SixelQuery.listsSixel(Array("\u{1B}[?1;2".utf8)))
    }

    @Test func kittySendsThePNGInChunksOfAtMost4096Base64Characters() throws {
        let png = [UInt8](repeating: 7, count: 10_000)
        let text = InlineImageEncoders.kitty(png: png, columns: 40)
        let commands = text.components(separatedBy: "\u{1B}\\").filter { $0.hasPrefix("\u{1B}_G") }
        #expect(commands.count == 4)
        #expect(commands.first?.hasPrefix("\u{1B}_Gf=100,a=T,q=2,c=40,m=1;") == true)
        #expect(commands.dropFirst().dropLast().allSatisfy { $0.hasPrefix("\u{1B}_Gm=1;") })
        #expect(commands.last?.hasPrefix("\u{1B}_Gm=0;") == true)
        let payload = commands.map { String($0.split(separator: ";", maxSplits: 1)[1]) }
        #expect(payload.allSatisfy { $0.count <= 4096 })
        #expect(Data(base64Encoded: payload.joined()) == Data(png))
    }

    @Test func itermSendsOneOSC1337WithTheSizeAndWidth() {
        let png: [UInt8] = [1, 2, 3, 4, 5]
        #expect(InlineImageEncoders.iterm(png: png, columns: 30)
            == "\u{1B}]1337;File=inline=1;size=5;width=30;preserveAspectRatio=1:AQIDBAU=\u{07}\n")
    }

    /// 4 × 2 pixels: red, green / blue, white.
    static let quad = Image(width: 2, height: 2, format: .rgb8, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])

    @Test func halfBlocksPutTheUpperPixelInFrontAndTheLowerBehind() {
        let text = HalfBlocks.render(Self.quad)
        #expect(text == "\u{1B}[38;2;255;0;0;48;2;0;0;255m▀\u{1B}[38;2;0;255;0;48;2;255;255;255m▀\u{1B}[0m\n")
    }

    @Test func sixelsUseTheColourCubeAndOneBandPerSixRows() {
        let text = SixelEncoder.encode(Self.quad)
        #expect(text.hasPrefix("\u{1B}P0;1;0q\"1;1;2;2") && text.hasSuffix("-\u{1B}\\"))
        // Red (register 180) is the upper-left pixel only: bit 0 set, then nothing: "@?".
        #expect(text.contains("#180@?$"))
        // White (215) is the lower-right pixel: "?A".
        #expect(text.contains("#215?A$"))
        #expect(text.components(separatedBy: "-").count == 2, "one band")
    }

    @Test func picturesFitTheColumnsAndRowsGiven() throws {
        #expect(TerminalImage.fit(width: 480, height: 360, columns: 80, rows: 12) == (32, 12))
        #expect(TerminalImage.fit(width: 480, height: 360, columns: 40, rows: 20) == (40, 15))
        let photo = Image(width: 480, height: 360, format: .rgb8, fill: 128)
        let blocks = try TerminalImage.render(photo, with: .blocks, columns: 40, rows: 20)
        let lines = blocks.split(separator: "\n")
        #expect(lines.count == 15 && lines.allSatisfy { $0.components(separatedBy: "▀").count - 1 == 40 })
        #expect(try TerminalImage.render(photo, with: .none, columns: 40, rows: 20).isEmpty)
    }
}
