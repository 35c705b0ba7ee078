import Foundation
import Panoptic
import TestSupport
import Testing

@Suite("Category sets and natural labels")
struct CategorySetTests {
    @Test("the bundled COCO panoptic set has 133 categories, 80 of them things, in contiguous order")
    func bundledSet() throws {
        let set = CategorySet.cocoPanoptic
        #expect(set.categories.count == 133)
        #expect(set.categories.filter(\.isThing).count == 80)
        #expect(set.category(id: 1)?.name == "person")
        #expect(set.category(id: 18)?.isThing == true)
        #expect(set.category(id: 200)?.name == "rug-merged")
        #expect(set.category(contiguousIndex: 0)?.name == "person")
        #expect(set.category(contiguousIndex: 132)?.name == "rug-merged")
        #expect(set.category(contiguousIndex: 133) == nil)
        #expect(set.category(id: 12) == nil, "COCO ids have gaps")
    }

    @Test(
        "COCO names read naturally",
        arguments: [
            ("tree-merged", "tree"), ("sky-other-merged", "sky"), ("wall-other-merged", "wall (other)"),
            ("playingfield", "playingfield"), ("door-stuff", "door"), ("floor-wood", "floor (wood)"),
            ("floor-other-merged", "floor (other)"), ("water-other", "water"), ("window-blind", "window blind"),
            ("window-other", "window (other)"), ("building-other-merged", "building"), ("person", "person"),
            ("wall-brick", "wall (brick)"),
        ])
    func naturalLabels(name: String, label: String) throws {
        let category = try #require(CategorySet.cocoPanoptic.category(named: name))
        #expect(category.label == label)
        #expect(CategorySet.cocoPanoptic.category(named: label)?.name == name, "labels find their category too")
    }

    @Test("the panopticapi category file loads as a custom set")
    func panopticapiFile() throws {
        let folder = try TestData.temporaryFolder()
        let path = folder.appendingPathComponent("cats.json").path
        try Data(
            """
            [{"id": 7, "name": "kite-thing", "isthing": 1, "supercategory": "sports", "color": [1, 2, 3]},
             {"id": 9, "name": "ground-other", "isthing": 0},
             {"id": 10, "name": "ground-mud", "isthing": false, "label": "mud"}]
            """.utf8
        ).write(to: URL(fileURLWithPath: path))
        let set = try CategorySet.load(path: path)
        #expect(set.categories.map(\.id) == [7, 9, 10])
        #expect(set.category(id: 7)?.isThing == true)
        #expect(set.category(id: 9)?.label == "ground (other)")
        #expect(set.category(id: 10)?.label == "mud", "an explicit label wins")
    }

    @Test("a broken category file names the file and exits 3")
    func brokenFile() throws {
        let folder = try TestData.temporaryFolder()
        let path = folder.appendingPathComponent("cats.json").path
        try Data(#"{"categories": [{"id": "seven", "name": "x"}]}"#.utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: PanopticError.self) { try CategorySet.load(path: path) }
        #expect(error.message.contains(path))
        #expect(error.message.contains("\"id\""))
        #expect(error.exitStatus == .badInput)
        let missing = try #require(throws: PanopticError.self) {
            try CategorySet.load(path: folder.appendingPathComponent("absent.json").path)
        }
        #expect(missing.message.contains("absent.json"))
    }
}

@Suite("Embedded COCO category table")
struct EmbeddedCategoryTableTests {
    @Test("the table compiled into the binary matches data/coco-panoptic-categories.json")
    func embeddedTableMatchesDataFile() throws {
        let path = TestData.packageRoot.appendingPathComponent("data/coco-panoptic-categories.json").path
        let fromFile = try CategorySet.load(path: path)
        #expect(fromFile.categories == CategorySet.cocoPanoptic.categories)
        #expect(CategorySet.cocoPanoptic.categories.count == 133)
    }
}
