import Foundation
import TestSupport
import Testing
@testable import Transcripts

/// `blindsight transcripts list` shows what files say, but never lets a file drive the terminal.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct TranscriptListingTerminalTests {
    @Test("image names and labels with escape codes or line breaks are listed as one visible line each")
    func hostileTranscriptIsListedSafely() async throws {
        let folder = try TestData.temporaryFolder("listing")
        var header = TranscriptFixtures.header()
        header.image.path = "/photos/pwned\u{1B}]0;title\u{07}\n.jpg"
        header.panoptic.table.rows[1].label = "dog\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J"
        let path = try TranscriptFixtures.write(in: folder, header: header)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains(#"dog\u001b]52;c;ZXZpbA==\u0007\u001b[2J"#),
                "the file keeps the original text")
        let result = try await BlindsightProcess.run(["transcripts", "list", "--dir", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2, "\(result.stdout)")
        #expect(lines.last?.contains("pwned␛]0;title␇␊.jpg") == true, "\(result.stdout)")
        #expect(lines.last?.contains("2 dog␛]52;c;ZXZpbA==␇␛[2J") == true, "\(result.stdout)")
    }
}
