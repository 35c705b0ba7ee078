import BlindsightCore
import Panoptic
import Testing

@testable import Compositor

@Suite("Keep-sets")
struct KeepSetTests {
    // Ids as large as COCO's; areas 400 (dog 2000123), 300 (sky), 200 (dog 2000456), 100 (person).
    let segmentation = Scene.segmentation(
        Scene.map(width: 20, height: 50) { _, y in
            y < 20 ? 2_000_123 : (y < 35 ? 1_900_000 : (y < 45 ? 2_000_456 : 77))
        },
        labels: [2_000_123: "dog", 1_900_000: "sky", 2_000_456: "dog", 77: "person"])
    var table: AreaTable { AreaTable(segmentation: segmentation) }

    @Test("display numbers resolve through the area table to source ids")
    func numbers() throws {
        #expect(try KeepSet(numbers: [1, 3]).resolve(in: segmentation, table: table) == [2_000_123, 2_000_456])
        #expect(try KeepSet(numbers: [4]).resolve(in: segmentation, table: table) == [77])
    }

    @Test("source ids are taken as they are")
    func sourceIDs() throws {
        #expect(try KeepSet(sourceIDs: [1_900_000, 77]).resolve(in: segmentation, table: table) == [1_900_000, 77])
    }

    @Test("a label keeps every segment carrying it, in any case")
    func labelsExpand() throws {
        #expect(try KeepSet(labels: ["Dog"]).resolve(in: segmentation, table: table) == [2_000_123, 2_000_456])
        let mixed = try KeepSet(numbers: [4], labels: ["sky"]).resolve(in: segmentation, table: table)
        #expect(mixed == [77, 1_900_000])
    }

    @Test("unknown numbers, ids and labels are bad input naming every culprit")
    func unknowns() {
        let cases: [(KeepSet, [String])] = [
            (KeepSet(numbers: [2, 9, 12]), ["9", "12", "1–4"]),
            (KeepSet(sourceIDs: [2_000_123, 5, 3_000_000]), ["5", "3000000"]),
            (KeepSet(labels: ["cat", "dog"]), ["\"cat\"", "person"]),
            (KeepSet(), ["empty"]),
        ]
        for (keep, fragments) in cases {
            #expect {
                try keep.resolve(in: segmentation, table: table)
            } throws: { error in
                guard let error = error as? CompositorError, error.exitStatus == .badInput else { return false }
                return fragments.allSatisfy { error.message.contains($0) }
            }
        }
    }
}
