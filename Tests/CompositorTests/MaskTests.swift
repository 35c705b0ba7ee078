import Imaging
import Panoptic
import Testing

@testable import Compositor

@Suite("Masks from keep-sets")
struct MaskTests {
    @Test("feather 0 keeps exactly the pixels whose ids are kept", arguments: [[1], [2, 5], [1, 3, 4, 7], [6]])
    func exactMask(kept: [UInt32]) {
        let map = Scene.blocks()
        let mask = Compositor.mask(idMap: map, keep: Set(kept), options: CompositeOptions())
        #expect(mask.format == .gray8)
        #expect(mask.width == map.width && mask.height == map.height)
        for (index, id) in map.ids.enumerated() {
            #expect(mask.pixels[index] == (kept.contains(id) ? 255 : 0))
        }
    }

    @Test("invert keeps everything except the named segments, void included")
    func invert() {
        let map = Scene.blocks()
        let mask = Compositor.mask(idMap: map, keep: [2, 3], options: CompositeOptions(invert: true))
        for (index, id) in map.ids.enumerated() {
            #expect(mask.pixels[index] == ([2, 3].contains(id) ? 0 : 255))
        }
    }

    @Test("fill holes closes enclosed regions but not bays open to the border")
    func fillHoles() {
        // A ring (id 1) around a hole (id 2); a U shape (id 3) whose inside (id 4) reaches the border.
        let map = Scene.map(width: 40, height: 20) { x, y in
            if x < 20 {
                let inRing = x >= 2 && x < 18 && y >= 2 && y < 18
                let inHole = x >= 6 && x < 14 && y >= 6 && y < 14
                return inHole ? 2 : (inRing ? 1 : 0)
            }
            let inU = x >= 22 && x < 38 && y >= 4
            let inBay = x >= 26 && x < 34 && y >= 4 && y < 16
            return inBay ? 4 : (inU ? 3 : 0)
        }
        let mask = Compositor.mask(idMap: map, keep: [1, 3], options: CompositeOptions(fillHoles: true))
        for (index, id) in map.ids.enumerated() {
            let expected: UInt8 = [1, 2, 3].contains(id) ? 255 : 0
            #expect(mask.pixels[index] == expected, "pixel \(index) with id \(id)")
        }
    }

    @Test("islands smaller than the minimum are dropped, larger ones stay")
    func dropIslands() {
        // id 1: a 10×10 block, a 3×3 island and a diagonal pair (8-connected, 2 px).
        let map = Scene.map(width: 30, height: 20) { x, y in
            if x < 10 && y < 10 { return 1 }
            if x >= 20 && x < 23 && y >= 5 && y < 8 { return 1 }
            if (x, y) == (15, 15) || (x, y) == (16, 16) { return 1 }
            return 2
        }
        let dropped = Compositor.mask(idMap: map, keep: [1], options: CompositeOptions(minimumIslandArea: 10))
        let kept = Compositor.mask(idMap: map, keep: [1], options: CompositeOptions(minimumIslandArea: 2))
        for (index, id) in map.ids.enumerated() {
            let x = index % 30
            let inBlock = x < 10 && index / 30 < 10
            #expect(dropped.pixels[index] == (inBlock ? 255 : 0))
            #expect(kept.pixels[index] == (id == 1 ? 255 : 0))
        }
    }

    @Test("feathering ramps alpha smoothly and symmetrically across the boundary", arguments: [1, 2, 5])
    func featherRamp(radius: Int) {
        // Kept: columns 0..<20 of a 40-pixel-wide map; the boundary lies between columns 19 and 20.
        let map = Scene.map(width: 40, height: 30) { x, _ in x < 20 ? 1 : 2 }
        let mask = Compositor.mask(idMap: map, keep: [1], options: CompositeOptions(featherRadius: radius))
        let row = Array(mask.pixels[(15 * 40)..<(16 * 40)])
        for x in 1..<40 { #expect(row[x] <= row[x - 1], "alpha rises at column \(x)") }
        #expect(row[19 - radius] == 255)
        #expect(row[20 + radius] == 0)
        #expect(row[19] > 128 && row[19] < 255 && row[20] > 0 && row[20] < 128)
        for offset in 0..<radius {
            let sum = Int(row[19 - offset]) + Int(row[20 + offset])
            #expect(abs(sum - 255) <= 2, "ramp not symmetric at offset \(offset)")
        }
    }
}

@Suite("Masks straight from panoptic PNG pixels")
struct PanopticImageMaskTests {
    @Test("reading ids from the COCO colour encoding gives the same mask as the id map")
    func sameAsIDMap() {
        let map = Scene.map(width: 50, height: 40) { x, y in UInt32((x / 10) * 1_000_003 + y / 8 * 70_001) % 16_777_216 }
        let kept: Set<UInt32> = [map.ids[0], map.ids[1_999], map.ids[777]]
        for options in [CompositeOptions(), CompositeOptions(fillHoles: true, invert: true)] {
            let fromImage = Compositor.mask(panopticImage: map.cocoPanopticImage(), keep: kept, options: options)
            #expect(fromImage == Compositor.mask(idMap: map, keep: kept, options: options))
        }
    }
}
