import BlindsightCLI
import Foundation
import Panoptic
import TestSupport
import Testing

/// `blindsight segments`: exit statuses for good and bad inputs (the table itself is tested in PanopticTests).
@Suite("blindsight segments")
struct SegmentsCommandTests {
    func run(_ arguments: String...) async -> Int32 {
        await BlindsightMain.run(arguments: ["segments"] + arguments)
    }

    @Test("a photo with sidecar files, or with --panoptic and --segments, exits 0 in text and JSON")
    func succeeds() async throws {
        let folder = try TestData.temporaryFolder().path
        let files = try SyntheticScene().write(to: folder, stem: "photo")
        #expect(await run(files.image) == 0)
        #expect(await run(files.image, "--json") == 0)
        #expect(await run(files.image, "--panoptic", files.map, "--segments", files.segments, "--row-cap", "3") == 0)
    }

    @Test("bad inputs exit 3, contradictory flags exit 2")
    func failures() async throws {
        let folder = try TestData.temporaryFolder().path
        let files = try SyntheticScene().write(to: folder, stem: "photo")
        #expect(await run(files.image, "--row-cap", "0") == 2)
        #expect(await run(files.image, "--segments", files.segments) == 2)
        try Data("{\"segments_info\": [".utf8).write(to: URL(fileURLWithPath: files.segments))
        #expect(await run(files.image) == 3)
        try FileManager.default.removeItem(atPath: files.map)
        #expect(await run(files.image) == 3)
        #expect(await run(folder + "/absent.jpg") == 3)
    }

    @Test("a failing panoptic service exits 4")
    func serviceFailure() async throws {
        let folder = try TestData.temporaryFolder().path
        let files = try SyntheticScene().write(to: folder, stem: "photo")
        let server = try await FakePanopticServer(answer: .error(status: 500, message: "out of memory"))
        defer { Task { await server.stop() } }
        #expect(await run(files.image, "--panoptic", server.baseURL) == 4)
        server.setAnswer(.segmentation(SyntheticScene().segmentation))
        #expect(await run(files.image, "--panoptic", server.baseURL) == 0)
    }

    @Test(
        "a label with escape codes reaches the terminal neutralised in the table, and escaped in --json",
        .enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built"))
    func hostileLabel() async throws {
        let folder = try TestData.temporaryFolder()
        let scene = SyntheticScene()
        let files = try scene.write(to: folder.path, stem: "photo")
        let dogCategory = try #require(scene.segmentation.segments.first { $0.label == "dog" }?.categoryID)
        let hostile = "dog\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m"
        let categories = Set(scene.segmentation.segments.compactMap(\.categoryID)).sorted().map { id in
            let name = id == dogCategory ? hostile : "thing \(id)"
            return ["id": id, "name": name, "label": name, "isthing": 1] as [String: Any]
        }
        let categoryFile = folder.appendingPathComponent("categories.json")
        try JSONSerialization.data(withJSONObject: categories).write(to: categoryFile)
        for format in [[], ["--json"]] {
            let result = try await BlindsightProcess.run(["segments", files.image, "--categories", categoryFile.path] + format)
            #expect(result.status == 0, "\(result.stderr)")
            let output = result.stdout + result.stderr
            #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" }, "\(output)")
            let shown = format.isEmpty ? "dog␛]52;c;ZXZpbA==␇␛]0;pwned␇␛[2J⟨U+009B⟩31m" : #"dog\u001b]52;c;ZXZpbA==\u0007\u001b]0;pwned\u0007\u001b[2J\u009B31m"#
            #expect(result.stdout.lowercased().contains(shown.lowercased()), "\(result.stdout)")
        }
    }

    @Test(
        "a panoptic service's error text with escape codes reaches stderr neutralised",
        .enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built"))
    func hostileServiceError() async throws {
        let folder = try TestData.temporaryFolder().path
        let files = try SyntheticScene().write(to: folder, stem: "photo")
        let server = try await FakePanopticServer(answer: .error(status: 400, message: "bad \u{1B}]0;pwned\u{07}\u{1B}[2J image"))
        defer { Task { await server.stop() } }
        let result = try await BlindsightProcess.run(["segments", files.image, "--panoptic", server.baseURL])
        #expect(result.status == 4)
        #expect(result.stderr.contains("bad ␛]0;pwned␇␛[2J image"), "\(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }
}
