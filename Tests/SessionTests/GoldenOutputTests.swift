import Compositor
import Foundation
import Imaging
import Panoptic
import Session
import Testing
import TestSupport

/// The one decision → outputs path on a hand-made 4×3 scene, checked pixel by pixel.
///
///     A A B B      A: person (3 px)   display numbers by area: 1 = C, 2 = B, 3 = A
///     A C C B      B: grass  (4 px)
///     C C C B      C: dog    (5 px)
@Suite("Decision → outputs (golden images)")
struct GoldenOutputTests {
    let ids: [UInt32] = [3, 3, 4, 4, 3, 5, 5, 4, 5, 5, 5, 4]

    /// Photo pixel `i` is (10i+1, 10i+2, 10i+3).
    func photo(_ index: Int) -> [UInt8] { [UInt8(10 * index + 1), UInt8(10 * index + 2), UInt8(10 * index + 3)] }
    func kept(_ index: Int) -> [UInt8] { photo(index) + [255] }
    let clear: [UInt8] = [0, 0, 0, 0]

    /// Writes the photo and its sidecar segmentation into a fresh folder; returns the photo's path.
    func writeScene() throws -> String {
        let folder = try TestData.temporaryFolder("golden").path
        let path = folder + "/tiny.png"
        try ImageFile.writePNG(Image(width: 4, height: 3, format: .rgb8, pixels: (0..<12).flatMap(photo)), toPath: path)
        try ImageFile.writePNG(SegmentIDMap(width: 4, height: 3, ids: ids).cocoPanopticImage(), toPath: folder + "/tiny.panoptic.png")
        let json = """
            {"file_name": "tiny.panoptic.png", "segments_info": [
              {"id": 3, "category_id": 1, "iscrowd": 0, "area": 3, "bbox": [0, 0, 2, 2]},
              {"id": 4, "category_id": 193, "iscrowd": 0, "area": 4, "bbox": [2, 0, 2, 3]},
              {"id": 5, "category_id": 18, "iscrowd": 0, "area": 5, "bbox": [0, 1, 3, 2]}]}
            """
        try Data(json.utf8).write(to: URL(fileURLWithPath: folder + "/tiny.panoptic.json"))
        return path
    }

    /// Loads the scene, writes `keep` with `request` and returns the plan's result and the decoded cutout.
    func cut(_ keep: KeepSet, _ request: OutputRequest = .init()) async throws -> (WrittenOutputs, Image, String) {
        let photo = try writeScene()
        let scene = try await Scene.load(imagePath: photo)
        let written = try OutputPlan.checked(request, scene: scene).write(keeping: keep)
        return (written, try ImageDecoder.decodeFile(atPath: written.files[0].path), photo)
    }

    @Test("the dog by display number: a streamed straight-alpha cutout beside the photo, RGB 0 where transparent")
    func dogByNumber() async throws {
        let (written, cutout, photo) = try await cut(KeepSet(numbers: [1]))
        #expect(written.files.map(\.path) == [(photo as NSString).deletingPathExtension + ".cutout.png"])
        #expect(written.streamed)
        #expect(written.kept.map(\.label) == ["dog"])
        let expected = [clear, clear, clear, clear, clear, kept(5), kept(6), clear, kept(8), kept(9), kept(10), clear]
        #expect(cutout.format == .rgba8 && cutout.pixels == expected.flatMap { $0 })
    }

    @Test("labels and source ids name the same segments as numbers; the mask is 255 exactly on them")
    func maskByLabelAndID() async throws {
        let folder = try TestData.temporaryFolder("golden-mask").path
        let request = OutputRequest(cutout: folder + "/c.png", mask: folder + "/m.png")
        let (byLabel, cutout, _) = try await cut(KeepSet(labels: ["Dog"]), request)
        #expect(byLabel.files.map(\.purpose) == ["cutout", "mask"])
        let mask = try ImageDecoder.decodeFile(atPath: folder + "/m.png")
        #expect(mask.format == .gray8 && mask.pixels == [0, 0, 0, 0, 0, 255, 255, 0, 255, 255, 255, 0])
        let (_, byID, _) = try await cut(KeepSet(sourceIDs: [5]), request)
        #expect(byID == cutout)
    }

    @Test("--crop with margin 0 frames the kept person exactly")
    func cropToPerson() async throws {
        var request = OutputRequest()
        request.options.cropMargin = 0
        let (written, cutout, _) = try await cut(KeepSet(numbers: [3]), request)
        #expect(!written.streamed)
        #expect(cutout.width == 2 && cutout.height == 2)
        #expect(cutout.pixels == [kept(0), kept(1), kept(4), clear].flatMap { $0 })
    }

    @Test("a background colour makes an opaque RGB cutout: the grass over red")
    func backgroundColour() async throws {
        var request = OutputRequest()
        request.options.background = .color(RGBColor(red: 255, green: 0, blue: 0))
        let (_, cutout, _) = try await cut(KeepSet(labels: ["grass"]), request)
        let red: [UInt8] = [255, 0, 0]
        let expected = [red, red, photo(2), photo(3), red, red, red, photo(7), red, red, red, photo(11)]
        #expect(cutout.format == .rgb8 && cutout.pixels == expected.flatMap { $0 })
    }

    @Test("a decision that keeps nothing writes a fully transparent cutout")
    func keepsNothing() async throws {
        let (written, cutout, _) = try await cut(KeepSet())
        #expect(written.visibleShare == 0)
        #expect(cutout.pixels == [UInt8](repeating: 0, count: 48))
    }

    @Test("a name that matches no segment writes nothing (exit 3)")
    func unknownNumber() async throws {
        let photo = try writeScene()
        let scene = try await Scene.load(imagePath: photo)
        let plan = try OutputPlan.checked(.init(), scene: scene)
        #expect(throws: CompositorError.self) { try plan.write(keeping: KeepSet(numbers: [9])) }
        #expect(!FileManager.default.fileExists(atPath: plan.cutout))
    }
}
