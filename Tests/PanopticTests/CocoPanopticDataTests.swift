import Foundation
import Imaging
import Panoptic
import TestSupport
import Testing

/// The panopticapi sample data and the transformers fixture (third-party; skipped when absent).
@Suite("COCO panoptic sample data", TestData.required("coco-panoptic"))
struct CocoPanopticDataTests {
    static let examples = ["000000142238", "000000439180"]

    /// The JSON's own segments_info entries for `stem`, read independently of the reader.
    func expectedSegments(_ stem: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: TestData.url("coco-panoptic/panoptic_examples.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let annotations = try #require(root["annotations"] as? [[String: Any]])
        let annotation = try #require(annotations.first { $0["file_name"] as? String == "\(stem).png" })
        return try #require(annotation["segments_info"] as? [[String: Any]])
    }

    @Test(
        "segments read from panoptic_examples.json match the PNG's pixel counts and boxes exactly", arguments: examples)
    func areasAndBoxes(stem: String) throws {
        let segmentation = try PanopticReader.read(
            mapPath: TestData.url("coco-panoptic/panoptic_examples/\(stem).png").path,
            segmentsPath: TestData.url("coco-panoptic/panoptic_examples.json").path)
        let expected = try expectedSegments(stem)
        #expect(segmentation.segments.count == expected.count)
        #expect(segmentation.warnings.isEmpty, "\(segmentation.warnings)")
        for entry in expected {
            let id = try #require(entry["id"] as? Int)
            let segment = try #require(segmentation.segment(id: id))
            #expect(segment.area == entry["area"] as? Int)
            #expect(
                [segment.bbox.x, segment.bbox.y, segment.bbox.width, segment.bbox.height] == entry["bbox"] as? [Int])
            #expect(segment.categoryID == entry["category_id"] as? Int)
            #expect(segment.isCrowd == (entry["iscrowd"] as? Int == 1))
        }
        let table = AreaTable(segmentation: segmentation)
        let tenths =
            table.rows.reduce(0) { $0 + Int(($1.areaPercent * 10).rounded()) } + Int((table.voidPercent * 10).rounded())
        #expect(tenths == 1000, "the table's areas sum to 100 %")
        #expect(table.unlabelledPixels == (stem == "000000142238" ? 2712 : 7189))
        #expect(table.rows.count == expected.count)
    }

    @Test("the 2-channel PNGs give the same regions as the COCO PNGs, crowds included", arguments: examples)
    func twoChannel(stem: String) throws {
        let coco = try PanopticReader.read(
            mapPath: TestData.url("coco-panoptic/panoptic_examples/\(stem).png").path,
            segmentsPath: TestData.url("coco-panoptic/panoptic_examples.json").path)
        let twoChannel = try PanopticReader.read(
            mapPath: TestData.url("coco-panoptic/panoptic_examples_2ch_format/\(stem).png").path)
        #expect(twoChannel.warnings.contains { $0.contains("2-channel") })
        func signature(_ segment: Segment) -> String {
            "\(segment.categoryID ?? -1) \(segment.isCrowd) \(segment.area) \(segment.bbox)"
        }
        #expect(Set(twoChannel.segments.map(signature)) == Set(coco.segments.map(signature)))
    }

    @Test("the transformers fixture's bare segments_info list reads with exact areas")
    func transformersFixture() throws {
        let segmentation = try PanopticReader.read(
            mapPath: TestData.url("coco-panoptic/hf-transformers-fixture/coco_panoptic/000000039769.png").path,
            segmentsPath: TestData.url("coco-panoptic/hf-transformers-fixture/coco_panoptic_annotations.txt").path)
        #expect(segmentation.segments.map(\.label) == ["cat", "cat", "couch", "remote", "remote", "blanket"])
        #expect(segmentation.segments.map(\.area) == [53306, 59627, 174579, 4068, 2118, 2750])
        #expect(segmentation.warnings.isEmpty)
        let table = AreaTable(segmentation: segmentation)
        #expect(table.rows.first?.label == "couch")
        #expect(table.renderText().contains("cat"))
    }

    @Test("a map of another image is refused: wrong shape for the photo, or ids the JSON does not know")
    func wrongMap() async throws {
        let photo = TestData.url("coco-panoptic/input_images/000000142238.jpg").path
        let image = try ImageDecoder.decodeFile(atPath: photo)
        let otherMap = TestData.url("coco-panoptic/panoptic_examples/000000439180.png").path
        let source = FilePanopticSource(
            mapPath: otherMap, segmentsPath: TestData.url("coco-panoptic/panoptic_examples.json").path)
        let shape = await #expect(throws: PanopticError.self) {
            try await source.segmentation(forImageAt: photo, image: image, imageBytes: [])
        }
        #expect(shape?.message.contains("640×360") == true)
        #expect(shape?.exitStatus == .badInput)

        let mismatched = try PanopticReader.idMap(atPath: otherMap)
        let error = try #require(throws: PanopticError.self) {
            try PanopticReader.segmentation(
                idMap: mismatched,
                segmentsJSON: try Data(
                    contentsOf: TestData.url("coco-panoptic/hf-transformers-fixture/coco_panoptic_annotations.txt")),
                mapName: otherMap, segmentsName: "annotations.txt")
        }
        #expect(error.message.contains("same image"))
    }
}
