import BlindsightCore
import Foundation
import Testing
import TestSupport

@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct InterruptedWriteTests {
    @Test("Ctrl-C while the outputs are written exits 130 and leaves neither output nor temporary file")
    func ctrlCWhileWriting() async throws {
        let folder = try TestData.temporaryFolder("interrupted-write").path
        let files = try SyntheticScene(width: 1600, height: 1200).write(to: folder, stem: "photo", jpeg: true)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        let result = try await BlindsightProcess.run(
            ["composite", files.image, "--keep-label", "dog", "--mask", folder + "/m.png", "--preview", folder + "/p.png",
             "--marks-out", folder + "/marks.png"],
            interruptWhen: {
                ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains {
                    $0.contains(AtomicFile.temporaryMarker)
                }
            })
        #expect(result.status == 130, "\(result.stderr)")
        #expect(result.stderr.contains("interrupted"))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == before)
    }
}
