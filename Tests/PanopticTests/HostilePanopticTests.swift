import Foundation
import Panoptic
import Testing

/// Panoptic answers and segment files from services and users: absurd labels, nesting and numbers
/// give bounded output or one clear error, never a trap, a stack overflow or quadratic time.
@Suite struct HostilePanopticTests {
    static func table(label: String, location: String = "centre") -> AreaTable {
        let box = BoundingBox(x: 0, y: 0, width: 4, height: 2)
        return AreaTable(width: 4, height: 2, rows: [
            AreaTable.Row(number: 1, sourceID: 1, label: label, isThing: true, isCrowd: false, areaPercent: 60,
                          location: location, bbox: box),
            AreaTable.Row(number: 2, sourceID: 2, label: "grass", isThing: false, isCrowd: false, areaPercent: 40,
                          location: "left", bbox: box),
        ])
    }

    @Test func aHundredThousandCharacterLabelIsShownCutToTheCap() {
        let label = String(repeating: "ä", count: 100_000)
        let text = Self.table(label: label, location: String(repeating: "far ", count: 25_000)).renderText()
        let lines = text.split(separator: "\n")
        let cap = AreaTable.maximumCellLength
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { $0.count < 2 * cap + 60 }, "every line stays short")
        #expect(lines[2].contains(String(repeating: "ä", count: cap - 1) + "…"))
        #expect(!lines[2].contains(String(repeating: "ä", count: cap)))
        #expect(lines.allSatisfy { $0.last?.isWhitespace != true }, "no line ends in padding")
        #expect(lines[3].hasPrefix("2  grass"))
    }

    @Test func labelsUpToTheCapAreShownWhole() {
        let label = String(repeating: "b", count: AreaTable.maximumCellLength)
        #expect(Self.table(label: label).renderText().contains(label + "  thing"))
    }

    @Test func deeplyNestedJSONIsRefusedBeforeTheDecoderRecurses() {
        let nested = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect {
            try PanopticReader.segmentation(selfContainedJSON: nested, origin: "deep.json")
        } throws: { error in
            (error as? PanopticError)?.message == "deep.json: not valid JSON (nested deeper than 256 levels)"
        }
    }

    @Test func aWideFirstRowOverManyShortRowsIsAnErrorNotAHugeReservation() {
        let row = "[" + Array(repeating: "1", count: 50_000).joined(separator: ",") + "]"
        let json = #"{"segmentation": ["# + row + String(repeating: ",[]", count: 50_000) + #"], "segments_info": []}"#
        #expect {
            try PanopticReader.segmentation(selfContainedJSON: Data(json.utf8), origin: "wide.json")
        } throws: { error in
            (error as? PanopticError)?.message.contains("row 2 does not have 50000 ids like the first") == true
        }
    }

    @Test(arguments: ["1e300", "-1e300", "9223372036854775807", "1.5"])
    func hugeOrFractionalIdsAreRefusedByName(id: String) {
        let json = #"{"segmentation": [[1]], "segments_info": [{"id": "# + id + #", "category_id": 1}]}"#
        #expect {
            try PanopticReader.segmentation(selfContainedJSON: Data(json.utf8), origin: "ids.json")
        } throws: { error in
            let message = (error as? PanopticError)?.message ?? ""
            return message.contains("\"id\" must be an integer") || message.contains("is outside 1…16777215")
        }
    }
}
