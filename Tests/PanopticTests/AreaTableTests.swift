import Foundation
import Panoptic
import TestSupport
import Testing

@Suite("The area table")
struct AreaTableTests {
    /// A map of `width`×1 built from runs of (id, length).
    func strip(_ runs: [(UInt32, Int)], labels: [UInt32: (String, Bool)]) -> PanopticSegmentation {
        let ids = runs.flatMap { Array(repeating: $0.0, count: $0.1) }
        let map = SegmentIDMap(width: ids.count, height: 1, ids: ids)
        let segments = labels.map { id, value in
            Segment(
                id: Int(id), categoryID: nil, label: value.0, isThing: value.1, area: 0,
                bbox: BoundingBox(x: 0, y: 0, width: 0, height: 0))
        }
        return PanopticSegmentation(idMap: map, segments: segments)
    }

    @Test("rows are numbered by decreasing area, ties by source id, and carry the source ids")
    func numbering() throws {
        let segmentation = strip(
            [(30, 2), (10, 5), (20, 2), (0, 1)],
            labels: [10: ("a", true), 20: ("b", false), 30: ("c", true), 40: ("absent", true)])
        let table = AreaTable(segmentation: segmentation)
        #expect(table.rows.map(\.sourceID) == [10, 20, 30])
        #expect(table.rows.map(\.number) == [1, 2, 3])
        #expect(table.rows.map(\.areaPercent) == [50, 20, 20])
        #expect(table.voidPercent == 10)
        #expect(table.sourceIDsByNumber == [1: 10, 2: 20, 3: 30])
        #expect(table.rows[0].bbox == BoundingBox(x: 2, y: 0, width: 5, height: 1))
    }

    @Test("percentages have one decimal and, with the void share, sum to exactly 100")
    func percentagesSumTo100() throws {
        for crowd in [0, 3, 17] {
            let scene = SyntheticScene(width: 97, height: 61, crowd: crowd, voidOutline: true)
            let table = AreaTable(segmentation: scene.segmentation)
            let tenths =
                table.rows.map { Int(($0.areaPercent * 10).rounded()) } + [Int((table.voidPercent * 10).rounded())]
            #expect(tenths.reduce(0, +) == 1000)
            for row in table.rows {
                #expect(abs(row.areaPercent * 10 - (row.areaPercent * 10).rounded()) < 1e-9)
                let exact = Double(scene.segmentation.segment(id: row.sourceID)!.area) * 100 / Double(97 * 61)
                #expect(abs(row.areaPercent - exact) < 0.1 + 1e-9)
            }
            #expect(table.unlabelledPixels == scene.segmentation.idMap.voidPixelCount)
        }
    }

    @Test("locations come from the centroid on a 3×3 grid")
    func locations() throws {
        #expect(AreaTable.locationPhrase(x: 0.1, y: 0.1) == "upper left")
        #expect(AreaTable.locationPhrase(x: 0.5, y: 0.1) == "top")
        #expect(AreaTable.locationPhrase(x: 0.9, y: 0.2) == "upper right")
        #expect(AreaTable.locationPhrase(x: 0.2, y: 0.5) == "left")
        #expect(AreaTable.locationPhrase(x: 0.5, y: 0.5) == "centre")
        #expect(AreaTable.locationPhrase(x: 0.8, y: 0.6) == "right")
        #expect(AreaTable.locationPhrase(x: 0.0, y: 1.0) == "lower left")
        #expect(AreaTable.locationPhrase(x: 0.5, y: 0.9) == "bottom")
        #expect(AreaTable.locationPhrase(x: 1.0, y: 0.99) == "lower right")
        let table = AreaTable(segmentation: SyntheticScene().segmentation)
        #expect(table.row(sourceID: SyntheticScene.skyID)?.location == "top")
        #expect(table.row(sourceID: SyntheticScene.grassID)?.location == "bottom")
        #expect(table.row(sourceID: SyntheticScene.treeID)?.location == "upper right")
    }

    @Test("the text lists every segment with number, label, kind, area and place, and a void line")
    func text() throws {
        let scene = SyntheticScene(voidOutline: true)
        let table = AreaTable(segmentation: scene.segmentation)
        let text = table.renderText()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 + table.rows.count + 1)
        for row in table.rows {
            let line = try #require(lines.first { $0.hasPrefix("\(row.number) ") })
            #expect(line.contains(row.label))
            #expect(line.contains(row.isThing ? "thing" : "stuff"))
            #expect(line.contains(String(format: "%.1f %%", row.areaPercent)))
            #expect(line.contains(row.location))
        }
        #expect(lines.last?.contains("unlabelled") == true)
        #expect(!AreaTable(segmentation: SyntheticScene().segmentation).renderText().contains("unlabelled"))
    }

    @Test("past the row cap, instances of one class are summarised but every thing class keeps a line")
    func rowCap() throws {
        let scene = SyntheticScene(width: 320, height: 200, crowd: 30)
        let table = AreaTable(segmentation: scene.segmentation)
        let people = scene.segmentation.segments.filter { $0.label == "person" }.count
        #expect(people > 20, "most of the crowd is visible")
        #expect(table.rows.count == people + 4)
        let lines = table.lines(rowCap: 10)
        #expect(lines.count == 10)
        let shownNumbers = lines.flatMap(\.numbers).sorted()
        #expect(shownNumbers == table.rows.map(\.number).sorted(), "every number stays listed")
        let thingClasses = Set(table.rows.filter(\.isThing).map(\.label))
        #expect(thingClasses.isSubset(of: Set(lines.filter(\.isThing).map(\.label))))
        let group = try #require(lines.first { $0.kind == .group && $0.label == "person" })
        #expect(group.numbers.count == people - 5, "the five largest people keep their own lines")
        #expect(lines.filter { $0.kind == .segment && $0.label == "person" }.count == 5)
        let total = lines.reduce(0) { $0 + Int(($1.areaPercent * 10).rounded()) }
        #expect(total == 1000)
        let text = table.renderText(rowCap: 10)
        #expect(text.contains("person ×\(people - 5) ("))
        #expect(text.contains("dog"))
        #expect(table.lines(rowCap: 40).count == table.rows.count, "under the cap nothing is summarised")
    }

    @Test("only tiny stuff regions are folded into other, and things never are")
    func tinyStuff() throws {
        var runs: [(UInt32, Int)] = [(1, 500), (2, 300)]
        var labels: [UInt32: (String, Bool)] = [1: ("sky", false), 2: ("dog", true)]
        for index in 0..<6 {
            runs.append((UInt32(10 + index), 5))
            labels[UInt32(10 + index)] = ("stuff \(index)", false)
        }
        runs.append((99, 4))
        labels[99] = ("cat", true)
        runs.append((50, 100))
        labels[50] = ("road", false)
        let table = AreaTable(segmentation: strip(runs, labels: labels))
        let lines = table.lines(rowCap: 5)
        #expect(lines.contains { $0.label == "cat" && $0.kind == .segment })
        #expect(lines.contains { $0.label == "road" && $0.kind == .segment }, "large stuff stays")
        let other = try #require(lines.first { $0.kind == .other })
        #expect(other.numbers.count >= 2)
        #expect(other.numbers.allSatisfy { table.row(number: $0)?.isThing == false })
    }

    @Test("the JSON carries the rows and the number → source id mapping, and decodes back")
    func json() throws {
        let table = AreaTable(segmentation: SyntheticScene(voidOutline: true).segmentation)
        let data = try JSONEncoder().encode(table)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let mapping = try #require(object["sourceIDsByNumber"] as? [String: Int])
        #expect(mapping["1"] == table.rows[0].sourceID)
        #expect(try JSONDecoder().decode(AreaTable.self, from: data) == table)
    }
}
