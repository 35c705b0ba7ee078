import BlindsightCore
import Foundation
import Imaging
import Panoptic
import Testing
import TestSupport

@testable import Compositor

/// Masks and marks on real COCO panoptic annotations and on the synthetic park scene.
@Suite("Compositing real segmentations")
struct RealSegmentationTests {
    static let cocoImages = ["000000142238", "000000439180"]

    /// The photo and its COCO panoptic segmentation from the shared data.
    static func coco(_ name: String) throws -> (image: Image, segmentation: PanopticSegmentation) {
        let mapPath = TestData.url("coco-panoptic/panoptic_examples/\(name).png").path
        let map = SegmentIDMap(idMapImage: try ImageDecoder.decodeFile(atPath: mapPath))
        let json = try Data(contentsOf: TestData.url("coco-panoptic/panoptic_examples.json"))
        let segmentation = try PanopticReader.segmentation(
            idMap: map, segmentsJSON: json, mapName: mapPath, segmentsName: "panoptic_examples.json")
        let image = try ImageDecoder.decodeFile(atPath: TestData.url("coco-panoptic/input_images/\(name).jpg").path)
        return (image, segmentation)
    }

    /// Several keep-sets for one segmentation: single numbers, pairs, a label, a mix with source ids.
    static func keepSets(for segmentation: PanopticSegmentation, table: AreaTable) -> [KeepSet] {
        let things = table.rows.filter(\.isThing)
        return [
            KeepSet(numbers: [1]),
            KeepSet(numbers: [2, 3]),
            KeepSet(numbers: Array(table.rows.suffix(3).map(\.number))),
            KeepSet(labels: [things.first?.label ?? table.rows[0].label]),
            KeepSet(numbers: [table.rows.count], sourceIDs: [table.rows[0].sourceID]),
        ]
    }

    /// The ids each keep-set must keep, computed from the segments themselves.
    static func expectedIDs(_ keep: KeepSet, segmentation: PanopticSegmentation, table: AreaTable) -> Set<UInt32> {
        var ids = Set(keep.sourceIDs.map(UInt32.init))
        for number in keep.numbers { if let row = table.row(number: number) { ids.insert(UInt32(row.sourceID)) } }
        for segment in segmentation.segments where keep.labels.contains(segment.label) { ids.insert(UInt32(segment.id)) }
        return ids
    }

    @Test("COCO: with feather 0 the mask is exactly the kept ids' pixels, for several keep-sets per image",
          .enabled(if: TestData.exists("coco-panoptic/panoptic_examples.json"), "COCO panoptic samples absent"),
          arguments: cocoImages)
    func cocoMasks(name: String) throws {
        let (image, segmentation) = try Self.coco(name)
        let table = AreaTable(segmentation: segmentation)
        for keep in Self.keepSets(for: segmentation, table: table) {
            let expected = Self.expectedIDs(keep, segmentation: segmentation, table: table)
            let result = try Compositor.cutout(image: image, segmentation: segmentation, keep: keep, options: CompositeOptions())
            #expect(result.notes.isEmpty)
            var mismatches = 0
            for (index, id) in segmentation.idMap.ids.enumerated() {
                let alpha = result.mask.pixels[index]
                if alpha != (expected.contains(id) ? 255 : 0) { mismatches += 1 }
                if result.cutout.pixels[index * 4 + 3] != alpha { mismatches += 1 }
            }
            #expect(mismatches == 0, "\(name) keep \(keep)")
        }
    }

    @Test("COCO: every badge is centred inside its segment, and wholly inside when it fits",
          .enabled(if: TestData.exists("coco-panoptic/panoptic_examples.json"), "COCO panoptic samples absent"),
          arguments: cocoImages)
    func cocoBadges(name: String) throws {
        let (_, segmentation) = try Self.coco(name)
        let map = segmentation.idMap
        let table = AreaTable(segmentation: segmentation)
        let badges = MarkOverlay.badges(idMap: map, table: table)
        #expect(badges.count == table.rows.count)
        for badge in badges {
            #expect(map.ids[badge.centerY * map.width + badge.centerX] == UInt32(badge.sourceID))
            guard badge.fitsInside else { continue }
            for y in badge.box.y..<(badge.box.y + badge.box.height) {
                for x in badge.box.x..<(badge.box.x + badge.box.width) where badge.covers(x: x, y: y) {
                    #expect(map.ids[y * map.width + x] == UInt32(badge.sourceID), "\(name) badge \(badge.number)")
                }
            }
        }
        #expect(badges.filter(\.fitsInside).count * 10 >= badges.count * 7, "most segments should hold their badge")
    }

    @Test("COCO: unknown display numbers and ids are bad input",
          .enabled(if: TestData.exists("coco-panoptic/panoptic_examples.json"), "COCO panoptic samples absent"))
    func cocoUnknownIDs() throws {
        let (image, segmentation) = try Self.coco("000000142238")
        for keep in [KeepSet(numbers: [99]), KeepSet(sourceIDs: [1234567])] {
            #expect(throws: CompositorError.self) {
                try Compositor.cutout(image: image, segmentation: segmentation, keep: keep, options: CompositeOptions())
            }
        }
    }

    @Test("synthetic scene: a label keeps every segment carrying it, display numbers follow the table")
    func syntheticLabelsAndNumbers() throws {
        let scene = SyntheticScene(width: 160, height: 120, crowd: 4)
        let table = AreaTable(segmentation: scene.segmentation)
        let dogNumber = try #require(table.row(sourceID: SyntheticScene.dogID)).number
        let keep = KeepSet(numbers: [dogNumber], labels: ["person"])
        let result = try Compositor.cutout(
            image: scene.image, segmentation: scene.segmentation, keep: keep, options: CompositeOptions())
        let people = Set(scene.segmentation.segments.filter { $0.label == "person" }.map { UInt32($0.id) })
        #expect(people.count > 1, "the scene should hold several people")
        for (index, id) in scene.segmentation.idMap.ids.enumerated() {
            let kept = id == UInt32(SyntheticScene.dogID) || people.contains(id)
            #expect(result.mask.pixels[index] == (kept ? 255 : 0))
        }
    }

    @Test("an id map at another scale is rescaled nearest-neighbour, and the result says so")
    func rescaledMap() throws {
        let large = SyntheticScene(width: 200, height: 150)
        let small = SyntheticScene(width: 100, height: 75)
        let keep = KeepSet(sourceIDs: [SyntheticScene.dogID])
        let result = try Compositor.cutout(
            image: large.image, segmentation: small.segmentation, keep: keep, options: CompositeOptions(),
            mapName: "photo.panoptic.png")
        #expect(result.mask.width == 200 && result.mask.height == 150)
        #expect(result.notes.contains { $0.contains("photo.panoptic.png") && $0.contains("rescaled") })
        for y in 0..<150 {
            for x in 0..<200 {
                let source = small.segmentation.idMap.ids[(y / 2) * 100 + x / 2]
                #expect(result.mask.pixels[y * 200 + x] == (source == UInt32(SyntheticScene.dogID) ? 255 : 0))
            }
        }
    }

    @Test("an id map of another shape is a clean bad-input error")
    func wrongShape() {
        let scene = SyntheticScene(width: 160, height: 120)
        let other = SyntheticScene(width: 120, height: 120)
        #expect {
            try Compositor.cutout(
                image: scene.image, segmentation: other.segmentation, keep: KeepSet(numbers: [1]), options: CompositeOptions())
        } throws: { error in
            (error as? any UserFacingError)?.exitStatus == .badInput
        }
    }
}
