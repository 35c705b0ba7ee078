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
}
