import Foundation
import Imaging
import TestSupport
import Testing

/// `blindsight image info|convert`, run as the built binary, the way users and scripts run it.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct ImageCommandTests {
    @Test(TestData.required("pngsuite"), arguments: PngSuiteTests.brokenFiles)
    func brokenPNGExitsThreeWithOneLineAndNoOutput(file: String) async throws {
        let folder = try TestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.png").path
        let result = try await BlindsightProcess.run([
            "image", "convert", TestData.url("pngsuite/\(file)").path, output,
        ])
        #expect(result.status == 3)
        #expect(
            result.stderr.split(separator: "\n", omittingEmptySubsequences: false).count == 2,
            "one line plus its newline: \(result.stderr)")
        #expect(result.stderr.contains(file))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "no output or temporary file")
    }

    @Test func convertTurnsUprightDownscalesAndWritesPNG() async throws {
        let folder = try TestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("photo.jpg").path
        let picture = SyntheticImage.smooth(width: 120, height: 80)
        try ImageFile.writeJPEG(picture, toPath: input, quality: 92)
        let output = folder.appendingPathComponent("small.png").path
        let result = try await BlindsightProcess.run([
            "image", "convert", input, output, "--max-side", "60", "--effort", "small",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try ImageDecoder.decodeFile(atPath: output)
        #expect(written.width == 60 && written.height == 40 && written.format == .rgb8)
        #expect(try ImageDecoder.infoFile(atPath: output).format == .png)
    }

    @Test func infoPrintsTheHeaderAsTextAndJSON() async throws {
        let folder = try TestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("gray.png").path
        try ImageFile.writePNG(Image(width: 7, height: 5, format: .gray8, fill: 9), toPath: input)
        let text = try await BlindsightProcess.run(["image", "info", input])
        #expect(text.status == 0)
        #expect(
            text.stdout.contains("format: png") && text.stdout.contains("7x5") && text.stdout.contains("bit depth: 8"))
        let json = try await BlindsightProcess.run(["image", "info", "--json", input])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["format"] as? String == "png")
        #expect(object?["width"] as? Int == 7 && object?["colorType"] as? String == "gray")
    }

    @Test func missingInputAndBadFlagsUseTheDocumentedExitCodes() async throws {
        let missing = try await BlindsightProcess.run(["image", "info", "/nonexistent/x.png"])
        #expect(missing.status == 3 && missing.stderr.contains("/nonexistent/x.png"))
        let usage = try await BlindsightProcess.run(["image", "convert", "a.png", "b.png", "--max-side", "0"])
        #expect(usage.status == 2)
        let unknownExtension = try await BlindsightProcess.run(["image", "convert", "a.png", "b.webp"])
        #expect(unknownExtension.status == 2)
    }
}
