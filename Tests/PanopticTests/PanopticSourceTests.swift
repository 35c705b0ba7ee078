import BlindsightCore
import Foundation
import Imaging
import Panoptic
import TestSupport
import Testing

@Suite("Panoptic sources: files, sidecars and the resolver")
struct PanopticSourceTests {
    let scene = SyntheticScene()

    @Test("the sidecar files beside photo.jpg are found and read back exactly")
    func sidecar() async throws {
        let folder = try TestData.temporaryFolder().path
        let files = try scene.write(to: folder, stem: "photo")
        let source = try PanopticSourceResolver.resolve(panoptic: nil, segments: nil, imagePath: files.image)
        #expect(source.description.contains("photo.panoptic.png"))
        let image = try ImageDecoder.decodeFile(atPath: files.image)
        let segmentation = try await source.segmentation(forImageAt: files.image, image: image, imageBytes: [])
        #expect(segmentation == scene.segmentation)
    }

    @Test("without sidecar or flags the error says how to provide a segmentation")
    func missingSegmentation() throws {
        let folder = try TestData.temporaryFolder().path
        let files = try scene.write(to: folder, stem: "photo")
        try FileManager.default.removeItem(atPath: files.map)
        let error = try #require(throws: PanopticError.self) {
            try PanopticSourceResolver.resolve(panoptic: nil, segments: nil, imagePath: files.image)
        }
        #expect(error.exitStatus == .badInput)
        #expect(error.message.contains("photo.panoptic.png"))
        #expect(error.message.contains("--panoptic"))
        let usage = try #require(throws: PanopticError.self) {
            try PanopticSourceResolver.resolve(panoptic: nil, segments: files.segments, imagePath: files.image)
        }
        #expect(usage.exitStatus == .usage)
        let absent = try #require(throws: PanopticError.self) {
            try PanopticSourceResolver.resolve(panoptic: folder + "/nope.png", segments: nil, imagePath: files.image)
        }
        #expect(absent.message.contains("nope.png"))
    }

    @Test("--panoptic FILE with --segments FILE reads any names; the JSON beside the map is the default")
    func explicitFiles() async throws {
        let folder = try TestData.temporaryFolder().path
        let files = try scene.write(to: folder, stem: "photo")
        let mapPath = folder + "/ids.png"
        let jsonPath = folder + "/info.json"
        try FileManager.default.moveItem(atPath: files.map, toPath: mapPath)
        try FileManager.default.moveItem(atPath: files.segments, toPath: jsonPath)
        let image = try ImageDecoder.decodeFile(atPath: files.image)
        let explicit = try PanopticSourceResolver.resolve(panoptic: mapPath, segments: jsonPath, imagePath: files.image)
        #expect(
            try await explicit.segmentation(forImageAt: files.image, image: image, imageBytes: []) == scene.segmentation
        )
        try FileManager.default.moveItem(atPath: jsonPath, toPath: folder + "/ids.json")
        let beside = try PanopticSourceResolver.resolve(panoptic: mapPath, segments: nil, imagePath: files.image)
        #expect(
            try await beside.segmentation(forImageAt: files.image, image: image, imageBytes: []) == scene.segmentation)
    }

    @Test("a map at a different scale is rescaled nearest-neighbour, with a warning")
    func rescaled() async throws {
        let folder = try TestData.temporaryFolder().path
        let small = SyntheticScene(width: 80, height: 60)
        let files = try small.write(to: folder, stem: "photo")
        let large = SyntheticScene(width: 160, height: 120).image
        let source = try PanopticSourceResolver.resolve(panoptic: nil, segments: nil, imagePath: files.image)
        let segmentation = try await source.segmentation(forImageAt: files.image, image: large, imageBytes: [])
        #expect(segmentation.idMap.width == 160 && segmentation.idMap.height == 120)
        #expect(segmentation.warnings.contains { $0.contains("rescaled") && $0.contains("80×60") })
        for y in 0..<120 {
            for x in 0..<160 {
                #expect(segmentation.idMap.ids[y * 160 + x] == small.segmentation.idMap.ids[(y / 2) * 80 + x / 2])
            }
        }
        let total = segmentation.segments.reduce(0) { $0 + $1.area }
        #expect(total == 160 * 120, "areas are recomputed at the new size")
    }

    @Test("nearest-neighbour rescaling keeps ids and never invents new ones")
    func rescaleIDs() {
        let map = SegmentIDMap(width: 3, height: 2, ids: [1, 2, 3, 4, 5, 6])
        let up = map.rescaled(toWidth: 6, height: 4)
        #expect(up.ids == [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5, 6, 6])
        let down = up.rescaled(toWidth: 3, height: 2)
        #expect(down == map)
    }
}

@Suite("Id map files")
struct IDMapFileTests {
    @Test("a gray map of small ids without JSON is an error, not a 2-channel map")
    func grayMapNeedsJSON() throws {
        let folder = try TestData.temporaryFolder().path
        let path = folder + "/ids.png"
        let gray = Image(width: 4, height: 1, format: .gray8, pixels: [1, 1, 2, 3])
        try Data(PNGEncoder.encode(gray)).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: PanopticError.self) { try PanopticReader.read(mapPath: path) }
        #expect(error.message.contains("--segments"))
        try Data(#"[{"id": 1, "category_id": 18}, {"id": 2, "category_id": 1}, {"id": 3, "category_id": 1}]"#.utf8)
            .write(to: URL(fileURLWithPath: folder + "/ids.json"))
        let segmentation = try PanopticReader.read(mapPath: path)
        #expect(segmentation.segments.map(\.area) == [2, 1, 1])
    }

    @Test("a JPEG is refused as an id map")
    func jpegRefused() throws {
        let folder = try TestData.temporaryFolder().path
        let path = folder + "/ids.jpg"
        try Data(JPEGEncoder.encode(SyntheticScene().image)).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: PanopticError.self) { try PanopticReader.idMap(atPath: path) }
        #expect(error.message.contains("lossy"))
    }
}
