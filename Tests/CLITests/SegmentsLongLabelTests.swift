import Foundation
import Panoptic
import TestSupport
import Testing

/// `blindsight segments` with a segments file whose label is 100,000 characters long: the table is
/// printed with the label cut to the documented cap (it used to take 73 s, a regular expression over
/// padded lines being quadratic).
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct SegmentsLongLabelTests {
    @Test func aHundredThousandCharacterLabelIsPrintedCut() async throws {
        let folder = try TestData.temporaryFolder().path
        let files = try SyntheticScene().write(to: folder, stem: "photo")
        let data = try Data(contentsOf: URL(fileURLWithPath: files.segments))
        var document = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        var entries = try #require(document["segments_info"] as? [[String: Any]])
        entries[0]["category_id"] = 99_999
        entries[0]["label"] = String(repeating: "w", count: 100_000)
        document["segments_info"] = entries
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: files.segments))

        let result = try await BlindsightProcess.run(["segments", files.image])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count >= 3)
        #expect(lines.allSatisfy { $0.count <= 200 }, "no line is widened by the label")
        let cut = String(repeating: "w", count: AreaTable.maximumCellLength - 1) + "…"
        #expect(lines.contains { $0.contains(cut) })
        #expect(result.stderr.contains(cut), "the note about the unknown category names the label, cut")
        #expect(result.stderr.count < 1000)
    }
}
