import Imaging
import Panoptic
import Testing

@testable import Compositor

@Suite("Set-of-Mark overlay")
struct MarkOverlayTests {
    /// A big block, an L shape, a thin 2-px strip, a tall narrow column, a 1-px dot and void.
    let map = Scene.map(width: 120, height: 90) { x, y in
        if y >= 80 && y < 82 { return 3 }  // thin horizontal strip
        if x >= 110 && y < 60 { return 4 }  // narrow column, 10 px wide
        if (x, y) == (60, 86) { return 5 }  // a single pixel
        if x < 50 && y < 70 { return 1 }
        if x >= 50 && x < 110 && (y < 20 || x >= 90) && y < 75 { return 2 }  // L shape
        return y >= 85 ? 0 : 6
    }
    var table: AreaTable { AreaTable(segmentation: Scene.segmentation(map)) }

    @Test("every badge is centred inside its segment, and lies wholly inside where the segment is big enough")
    func badgesInside() throws {
        let badges = MarkOverlay.badges(idMap: map, table: table)
        #expect(Set(badges.map(\.sourceID)) == [1, 2, 3, 4, 5, 6])
        for badge in badges {
            #expect(map.ids[badge.centerY * map.width + badge.centerX] == UInt32(badge.sourceID))
            let row = try #require(table.row(sourceID: badge.sourceID))
            #expect(badge.number == row.number)
            guard badge.fitsInside else { continue }
            for y in badge.box.y..<(badge.box.y + badge.box.height) {
                for x in badge.box.x..<(badge.box.x + badge.box.width) where badge.covers(x: x, y: y) {
                    #expect(x >= 0 && y >= 0 && x < map.width && y < map.height)
                    #expect(map.ids[y * map.width + x] == UInt32(badge.sourceID), "badge \(badge.number) at \(x),\(y)")
                }
            }
        }
        let fitting = Set(badges.filter(\.fitsInside).map(\.sourceID))
        #expect(fitting.isSuperset(of: [1, 2, 4, 6]))
        #expect(!fitting.contains(5))
    }

    @Test("badges sit at the point deepest inside the segment")
    func deepestPoint() throws {
        let square = Scene.map(width: 41, height: 41) { x, y in x >= 5 && x < 36 && y >= 5 && y < 36 ? 1 : 2 }
        let table = AreaTable(segmentation: Scene.segmentation(square))
        let badge = try #require(MarkOverlay.badges(idMap: square, table: table).first { $0.sourceID == 1 })
        #expect(badge.centerX == 20 && badge.centerY == 20)
    }

    @Test("badges grow with the image")
    func badgeScale() throws {
        func badge(side: Int) throws -> MarkBadge {
            let square = Scene.map(width: side, height: side) { _, _ in 1 }
            return try #require(MarkOverlay.badges(idMap: square, table: AreaTable(segmentation: Scene.segmentation(square))).first)
        }
        let small = try badge(side: 300), large = try badge(side: 1000)
        #expect(large.scale > small.scale)
        #expect(large.box.height > small.box.height)
    }

    @Test("the overlay outlines segments in distinct colours and writes the numbers in the badges")
    func render() throws {
        let photo = Scene.image(width: 120, height: 90) { _, _ in (128, 128, 128) }
        let marked = MarkOverlay.render(image: photo, idMap: map, table: table)
        #expect(marked.format == .rgb8 && marked.width == 120 && marked.height == 90)
        func color(_ x: Int, _ y: Int) -> [UInt8] { Array(marked.pixels[((y * 120 + x) * 3)..<((y * 120 + x) * 3 + 3)]) }
        // Boundary pixels on either side of the block/L border take their own segment's colour.
        let left = color(49, 10), right = color(50, 10)
        #expect(left != [128, 128, 128] && right != [128, 128, 128] && left != right)
        // Deep inside a segment, away from the badge, the photo is untouched.
        #expect(color(5, 60) == [128, 128, 128])
        // Each fitting badge shows its fill colour and contrasting ink.
        for badge in MarkOverlay.badges(idMap: map, table: table) where badge.fitsInside {
            var shades = Set<[UInt8]>()
            for y in badge.box.y..<(badge.box.y + badge.box.height) {
                for x in badge.box.x..<(badge.box.x + badge.box.width) where badge.covers(x: x, y: y) { shades.insert(color(x, y)) }
            }
            #expect(shades.count == 2, "badge \(badge.number) should have fill and ink")
        }
    }

    @Test("an id map of another size is rescaled to the image")
    func rescaledMap() {
        let photo = Scene.image(width: 240, height: 180) { _, _ in (0, 0, 0) }
        let marked = MarkOverlay.render(image: photo, idMap: map, table: table)
        #expect(marked.width == 240 && marked.height == 180)
    }

    @Test("palette colours are distinct for many segments")
    func palette() {
        let colors = (1...40).map(MarkPalette.color(for:))
        #expect(Set(colors).count == 40)
    }
}
