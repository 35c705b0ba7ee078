import Experiments
import Foundation
import TestSupport
import Testing

/// Headless Chromium (Debian's `chromium` package), when installed.
enum Chromium {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs Chromium headless on `page` and returns what it printed.
    static func run(_ arguments: [String], page: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "/usr/bin/chromium")
        let profile = try TestData.temporaryFolder("chromium")
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
            "--virtual-time-budget=3000",
        ] + arguments + [URL(fileURLWithPath: page).absoluteString]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// `report.html` opened in a real browser: headless Chromium renders it, runs its script, and dumps the DOM.
@Suite(.enabled(if: Chromium.path != nil, "chromium is not installed (apt-get install chromium)"))
struct ReportBrowserTests {

    @Test func theReportRendersWithEveryRowImageAndNoScriptError() async throws {
        let fixture = try ExperimentFixture()
        let server = try await scriptedServer(ScriptedDialogueModels(
            decisions: ["reasoner-dog": ["dog"], "reasoner-both": ["dog", "person"]],
            answer: "The dog <script>alert(1)</script> is brown & small."))
        defer { Task { await server.stop() } }
        let out = fixture.path("out")
        let rows = try await fixture.run(fixture.plan(reasoners: ["reasoner-dog", "reasoner-both"]), server: server, out: out)
        let page = "\(out)/report.html"
        let dom = try Chromium.run(["--dump-dom"], page: page)
        #expect(dom.contains(#"data-ready="yes""#), "the page's script did not finish")
        #expect(!dom.contains(#"data-script-errors=""#), "a script error was reported")
        // 3 configurations in the summary table; per image a photo, overlay, truth and one cutout per run.
        #expect(dom.components(separatedBy: "<td data-value=").count - 1 == 3 * 15)
        let images = 2 * 3 + rows.count
        #expect(dom.contains(#"data-images="\#(images) \#(images)""#), "not every image loaded")
        #expect(dom.components(separatedBy: #"<figure class="run""#).count - 1 == rows.count)
        #expect(dom.contains("reasoner asks:") && dom.contains("seer answers:") && dom.contains("reasoner keeps #"))
        // A model's words reach the page as text, never as markup.
        #expect(!dom.contains("<script>alert"))
        #expect(dom.contains("The dog &lt;script&gt;alert(1)&lt;/script&gt; is brown &amp; small."))
    }
}
