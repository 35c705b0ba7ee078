import Foundation
import Panoptic
import TestSupport
import Testing

/// The segments JSON forms, read against the synthetic scene's id map.
@Suite("Segments JSON forms and consistency checks")
struct SegmentsJSONTests {
    let scene = SyntheticScene()

    func read(_ json: String, categories: CategorySet? = nil, map: SegmentIDMap? = nil) throws -> PanopticSegmentation {
        try PanopticReader.segmentation(
            idMap: map ?? scene.segmentation.idMap, segmentsJSON: Data(json.utf8), mapName: "scene.png",
            segmentsName: "scene.json", categories: categories)
    }

    /// The scene's map with its ids replaced by 1, 2, 3 … (the small ids transformers and detectron2 use).
    func smallIDMap() -> (SegmentIDMap, [Int: Int]) {
        var small: [Int: Int] = [:]
        for (index, segment) in scene.segmentation.segments.enumerated() { small[segment.id] = index + 1 }
        let map = scene.segmentation.idMap
        return (
            SegmentIDMap(width: map.width, height: map.height, ids: map.ids.map { UInt32(small[Int($0)] ?? 0) }), small
        )
    }

    func cocoEntries(omitting omitted: Set<Int> = []) -> String {
        scene.segmentation.segments.filter { !omitted.contains($0.id) }.map {
            #"{"id": \#($0.id), "category_id": \#($0.categoryID ?? 0), "iscrowd": 0}"#
        }.joined(separator: ", ")
    }

    @Test("a COCO annotation object, a bare list and a full annotations file give the same segments")
    func cocoForms() throws {
        let expected = scene.segmentation.segments
        let single = try read(#"{"file_name": "scene.png", "segments_info": [\#(cocoEntries())]}"#)
        let bare = try read("[\(cocoEntries())]")
        let full = try read(
            #"""
            {"annotations": [{"file_name": "other.png", "segments_info": []},
                             {"file_name": "scene.png", "segments_info": [\#(cocoEntries())]}]}
            """#)
        for segmentation in [single, bare, full] {
            #expect(segmentation.segments == expected)
            #expect(segmentation.warnings.isEmpty)
        }
    }

    @Test("a full annotations file without this map's annotation is an error naming the map")
    func annotationNotFound() throws {
        let error = try #require(throws: PanopticError.self) {
            try read(
                #"{"annotations": [{"file_name": "a.png", "segments_info": []}, {"file_name": "b.png", "segments_info": []}]}"#
            )
        }
        #expect(error.message.contains("scene.png"))
        #expect(error.exitStatus == .badInput)
    }

    @Test("transformers results map label_id through id2label, or through COCO contiguous order")
    func transformersForm() throws {
        let (map, small) = smallIDMap()
        let withTable = scene.segmentation.segments.map { segment in
            #"{"id": \#(small[segment.id]!), "label_id": \#(segment.categoryID!), "score": 0.9, "was_fused": false}"#
        }.joined(separator: ", ")
        let names = scene.segmentation.segments.compactMap {
            CategorySet.cocoPanoptic.category(id: $0.categoryID!)?.name
        }
        let table = scene.segmentation.segments.enumerated().map {
            #""\#($0.element.categoryID!)": "\#(names[$0.offset])""#
        }
        .joined(separator: ", ")
        let viaTable = try read(#"{"segments_info": [\#(withTable)], "id2label": {\#(table)}}"#, map: map)
        let contiguous = scene.segmentation.segments.map { segment in
            let index = CategorySet.cocoPanoptic.categories.firstIndex { $0.id == segment.categoryID }!
            return #"{"id": \#(small[segment.id]!), "label_id": \#(index), "score": 0.5, "was_fused": true}"#
        }.joined(separator: ", ")
        let viaOrder = try read("[\(contiguous)]", map: map)
        for segmentation in [viaTable, viaOrder] {
            #expect(segmentation.segments.map(\.label) == scene.segmentation.segments.map(\.label))
            #expect(segmentation.segments.map(\.isThing) == scene.segmentation.segments.map(\.isThing))
            #expect(segmentation.segments.map(\.categoryID) == scene.segmentation.segments.map(\.categoryID))
            #expect(segmentation.segments.map(\.area) == scene.segmentation.segments.map(\.area))
        }
        #expect(viaTable.segments.allSatisfy { $0.score == 0.9 })
    }

    @Test("detectron2 segments use contiguous category indices and their own isthing")
    func detectron2Form() throws {
        let (map, small) = smallIDMap()
        let entries = scene.segmentation.segments.map { segment in
            let index = CategorySet.cocoPanoptic.categories.firstIndex { $0.id == segment.categoryID }!
            return #"{"id": \#(small[segment.id]!), "category_id": \#(index), "isthing": \#(segment.isThing)}"#
        }.joined(separator: ", ")
        let segmentation = try read("[\(entries)]", map: map)
        #expect(segmentation.segments.map(\.label) == ["sky", "grass", "tree", "dog", "person"])
        #expect(segmentation.segments.map(\.isThing) == [false, false, false, true, true])
    }

    @Test("malformed JSON is a clean error naming the file")
    func malformed() throws {
        for text in [
            #"{"segments_info": [{"id": 1,}"#, #"{"segments_info": [{"category_id": 1}]}"#, "42",
            #"[{"id": 11829830, "category_id": 999}]"#, #"[{"id": "x", "category_id": 1}]"#,
        ] {
            let error = try #require(throws: PanopticError.self) { try read(text) }
            #expect(error.message.hasPrefix("scene.json: "), "\(error.message)")
            #expect(error.exitStatus == .badInput)
        }
    }

    @Test("a segment the JSON lists but the map lacks is an error; unlisted map ids become void with a warning")
    func consistency() throws {
        let extra = try #require(throws: PanopticError.self) {
            try read("[\(cocoEntries()), {\"id\": 4242, \"category_id\": 1}]")
        }
        #expect(extra.message.contains("4242"))
        #expect(extra.message.contains("scene.png"))

        let duplicate = try #require(throws: PanopticError.self) { try read("[\(cocoEntries()), \(cocoEntries())]") }
        #expect(duplicate.message.contains("twice"))

        let segmentation = try read("[\(cocoEntries(omitting: [SyntheticScene.dogID]))]")
        let dogArea = scene.segmentation.segment(id: SyntheticScene.dogID)!.area
        #expect(segmentation.segment(id: SyntheticScene.dogID) == nil)
        #expect(segmentation.idMap.voidPixelCount == dogArea)
        #expect(segmentation.warnings.count == 1)
        #expect(segmentation.warnings[0].contains("\(SyntheticScene.dogID)"))
    }

    @Test("a stated image size that differs from the map is an error; stated areas that differ are warned about")
    func statedSizes() throws {
        let map = scene.segmentation.idMap
        let error = try #require(throws: PanopticError.self) {
            try read(#"{"width": \#(map.width * 2), "height": \#(map.height), "segments": [\#(cocoEntries())]}"#)
        }
        #expect(error.message.contains("\(map.width)×\(map.height)"))
        let sky = scene.segmentation.segment(id: SyntheticScene.skyID)!
        let stated = try read(
            #"[{"id": \#(sky.id), "category_id": 187, "area": \#(sky.area + 5)}, \#(cocoEntries(omitting: [sky.id]))]"#)
        #expect(stated.segment(id: sky.id)?.area == sky.area)
        #expect(stated.warnings.contains { $0.contains("\(sky.id)") })
    }

    @Test("a 2-channel map reads without JSON; crowd instances (G = 255) are flagged")
    func twoChannel() throws {
        let map = SegmentIDMap(width: 4, height: 1, ids: [1 + 256, 1 + 255 * 256, 18 + 256, 0])
        let segmentation = try PanopticReader.twoChannelSegmentation(idMap: map, mapName: "m.png")
        #expect(segmentation.segments.map(\.label) == ["person", "dog", "person"])
        #expect(segmentation.segments.map(\.isCrowd) == [false, false, true])
        #expect(throws: PanopticError.self) {
            try PanopticReader.twoChannelSegmentation(idMap: scene.segmentation.idMap, mapName: "m.png")
        }
    }
}

@Suite("Segments JSON: labels outside the category set")
struct UncategorisedSegmentsTests {
    @Test("id2label names outside the set keep their labels, count as things, and give one warning")
    func foreignLabels() throws {
        let map = SegmentIDMap(width: 4, height: 1, ids: [1, 1, 2, 3])
        let json = #"""
            {"segments_info": [{"id": 1, "label_id": 0, "score": 0.9}, {"id": 2, "label_id": 1, "score": 0.8},
                               {"id": 3, "label_id": 2, "score": 0.7}],
             "id2label": {"0": "wall", "1": "windowpane", "2": "dog"}}
            """#
        let segmentation = try PanopticReader.segmentation(
            idMap: map, segmentsJSON: Data(json.utf8), mapName: "ade.png", segmentsName: "ade.json")
        #expect(segmentation.segments.map(\.label) == ["wall", "windowpane", "dog"])
        #expect(segmentation.segments.map(\.isThing) == [true, true, true])
        #expect(segmentation.segments.map(\.categoryID) == [nil, nil, 18])
        #expect(segmentation.warnings.count == 1)
        #expect(segmentation.warnings.first?.contains("wall, windowpane") == true)
    }

    @Test("a sidecar map photo.panoptic.png finds the annotation for photo.png in a full annotations file")
    func sidecarAnnotationName() throws {
        let map = SegmentIDMap(width: 2, height: 1, ids: [5, 5])
        let json = #"""
            {"annotations": [{"file_name": "other.png", "segments_info": [{"id": 9, "category_id": 1}]},
                             {"file_name": "photo.png", "segments_info": [{"id": 5, "category_id": 18}]}]}
            """#
        let segmentation = try PanopticReader.segmentation(
            idMap: map, segmentsJSON: Data(json.utf8), mapName: "dir/photo.panoptic.png", segmentsName: "all.json")
        #expect(segmentation.segments.map(\.label) == ["dog"])
    }
}
