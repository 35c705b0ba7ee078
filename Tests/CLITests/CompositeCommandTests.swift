import BlindsightCLI
import Compositor
import Foundation
import Imaging
import Panoptic
import Testing
import TestSupport

@Suite("blindsight composite")
struct CompositeCommandTests {
    /// A PNG photo (exact pixels) with its sidecar segmentation in a fresh folder.
    static func sceneFiles(width: Int = 96, height: Int = 72) throws -> (SyntheticScene, SyntheticScene.Files, String) {
        let folder = try TestData.temporaryFolder("composite-cli").path
        let scene = SyntheticScene(width: width, height: height)
        return (scene, try scene.write(to: folder, stem: "photo", jpeg: false), folder)
    }

    static func decode(_ path: String) throws -> Image { try ImageDecoder.decodeFile(atPath: path) }

    @Test("the dog, named by label, display number or source id, becomes the cutout beside the photo (mask and preview when asked)")
    func keepsTheDog() async throws {
        let (scene, files, folder) = try Self.sceneFiles()
        let table = AreaTable(segmentation: scene.segmentation)
        let dogNumber = try #require(table.row(sourceID: SyntheticScene.dogID)).number
        let original = try Data(contentsOf: URL(fileURLWithPath: files.image))
        for keep in [["--keep-label", "dog"], ["--keep", String(dogNumber)], ["--keep-id", String(SyntheticScene.dogID)]] {
            let asked = ["--mask", folder + "/photo.mask.png", "--preview", folder + "/photo.preview.png"]
            let status = await BlindsightMain.run(arguments: ["composite", files.image] + keep + asked)
            #expect(status == 0, "\(keep)")
            let mask = try Self.decode(folder + "/photo.mask.png")
            let cutout = try Self.decode(folder + "/photo.cutout.png")
            let preview = try Self.decode(folder + "/photo.preview.png")
            #expect(mask.format == .gray8 && cutout.format == .rgba8 && preview.width == scene.image.width)
            for (index, id) in scene.segmentation.idMap.ids.enumerated() {
                let kept = id == UInt32(SyntheticScene.dogID)
                #expect(mask.pixels[index] == (kept ? 255 : 0))
                #expect(cutout.pixels[index * 4 + 3] == mask.pixels[index])
                let rgb = Array(cutout.pixels[(index * 4)..<(index * 4 + 3)])
                #expect(rgb == (kept ? Array(scene.image.pixels[(index * 3)..<(index * 3 + 3)]) : [0, 0, 0]))
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: files.image)) == original)
    }

    @Test("explicit output paths, a background colour and a crop with margin")
    func backgroundAndCrop() async throws {
        let (scene, files, folder) = try Self.sceneFiles()
        let out = folder + "/dog.png", mask = folder + "/dog-mask.png", preview = folder + "/dog-preview.png"
        let status = await BlindsightMain.run(arguments: [
            "composite", files.image, "--keep-label", "dog", "--background", "#00FF00", "--crop", "--margin", "3",
            "--out", out, "--mask", mask, "--preview", preview,
        ])
        #expect(status == 0)
        let box = try #require(scene.segmentation.segment(id: SyntheticScene.dogID)).bbox
        let cutout = try Self.decode(out)
        #expect(cutout.format == .rgb8)
        #expect(cutout.width == min(box.x + box.width + 3, 96) - max(box.x - 3, 0))
        #expect(cutout.height == min(box.y + box.height + 3, 72) - max(box.y - 3, 0))
        #expect(Array(cutout.pixels[0..<3]) == [0, 255, 0])
        #expect(try Self.decode(mask).width == cutout.width)
        #expect(FileManager.default.fileExists(atPath: preview))
        #expect(!FileManager.default.fileExists(atPath: folder + "/photo.cutout.png"))
    }

    @Test("shaping flags reach the mask: invert, islands, feather; fill holes closes the inverted dog")
    func shapingFlags() async throws {
        let (scene, files, folder) = try Self.sceneFiles()
        let status = await BlindsightMain.run(arguments: [
            "composite", files.image, "--keep-label", "dog", "--invert", "--min-island", "5", "--feather", "2",
            "--mask", folder + "/photo.mask.png",
        ])
        #expect(status == 0)
        let mask = try Self.decode(folder + "/photo.mask.png")
        #expect(mask.pixels.contains { $0 > 0 && $0 < 255 })
        let box = try #require(scene.segmentation.segment(id: SyntheticScene.dogID)).bbox
        let centre = (box.y + box.height / 2) * 96 + box.x + box.width / 2
        #expect(scene.segmentation.idMap.ids[centre] == UInt32(SyntheticScene.dogID))
        #expect(mask.pixels[centre] == 0)
        #expect(mask.pixels[0] == 255)
        // Inverted, the dog is a hole in the kept region; --fill-holes closes it.
        let filled = await BlindsightMain.run(arguments: [
            "composite", files.image, "--keep-label", "dog", "--invert", "--fill-holes", "--mask", folder + "/photo.mask.png",
        ])
        #expect(filled == 0)
        #expect(try Self.decode(folder + "/photo.mask.png").pixels[centre] == 255)
    }

    @Test("usage mistakes exit 2, bad input exits 3, and nothing overwrites the photo")
    func exitCodes() async throws {
        let (_, files, folder) = try Self.sceneFiles()
        let original = try Data(contentsOf: URL(fileURLWithPath: files.image))
        let other = SyntheticScene(width: 50, height: 50)
        let wrongMap = folder + "/square.png"
        try ImageFile.writePNG(other.segmentation.idMap.cocoPanopticImage(), toPath: wrongMap)
        try other.cocoSegmentsJSON(fileName: "square.png").write(to: URL(fileURLWithPath: folder + "/square.json"))
        let cases: [([String], Int32)] = [
            ([], 2),
            (["--keep", "one"], 2),
            (["--keep", "1", "--out", files.image], 2),
            (["--keep", "1", "--mask", folder + "/same.png", "--preview", folder + "/same.png"], 2),
            (["--keep", "1", "--background", "green"], 2),
            (["--keep", "1", "--background", "#000000", "--background-image", files.image], 2),
            (["--keep", "1", "--margin", "4"], 2),
            (["--keep", "99"], 3),
            (["--keep-id", "123"], 3),
            (["--keep-label", "giraffe"], 3),
            (["--keep", "1", "--panoptic", wrongMap], 3),
            (["--keep", "1", "--background-image", folder + "/missing.png"], 3),
        ]
        for (arguments, expected) in cases {
            let status = await BlindsightMain.run(arguments: ["composite", files.image] + arguments)
            #expect(status == expected, "\(arguments)")
        }
        #expect(await BlindsightMain.run(arguments: ["composite", folder + "/missing.jpg", "--keep", "1"]) == 3)
        #expect(try Data(contentsOf: URL(fileURLWithPath: files.image)) == original)
    }

    @Test("a half-size id map is rescaled to the photo")
    func rescaledMap() async throws {
        let (_, files, folder) = try Self.sceneFiles(width: 96, height: 72)
        let small = SyntheticScene(width: 48, height: 36)
        try ImageFile.writePNG(small.segmentation.idMap.cocoPanopticImage(), toPath: folder + "/small.png")
        try small.cocoSegmentsJSON(fileName: "small.png").write(to: URL(fileURLWithPath: folder + "/small.json"))
        let status = await BlindsightMain.run(arguments: [
            "composite", files.image, "--panoptic", folder + "/small.png", "--keep-label", "dog",
            "--mask", folder + "/photo.mask.png",
        ])
        #expect(status == 0)
        let mask = try Self.decode(folder + "/photo.mask.png")
        #expect(mask.width == 96 && mask.height == 72)
        #expect(mask.pixels.contains(255))
    }
}

@Suite("blindsight segments --marks")
struct SegmentsMarksTests {
    @Test("writes the Set-of-Mark overlay at the photo's size, badges inside their segments")
    func writesMarks() async throws {
        let (scene, files, folder) = try CompositeCommandTests.sceneFiles(width: 160, height: 120)
        let marked = folder + "/marked.png"
        #expect(await BlindsightMain.run(arguments: ["segments", files.image, "--marks", marked]) == 0)
        let overlay = try CompositeCommandTests.decode(marked)
        #expect(overlay.width == 160 && overlay.height == 120 && overlay.format == .rgb8)
        #expect(overlay.pixels != scene.image.pixels)
        // Pixels far from every boundary and badge keep the photo's colour.
        let table = AreaTable(segmentation: scene.segmentation)
        let badges = MarkOverlay.badges(idMap: scene.segmentation.idMap, table: table)
        var untouched = 0
        for index in 0..<(160 * 120) where !badges.contains(where: { $0.covers(x: index % 160, y: index / 160) }) {
            if overlay.pixels[(index * 3)..<(index * 3 + 3)] == scene.image.pixels[(index * 3)..<(index * 3 + 3)] { untouched += 1 }
        }
        #expect(untouched > 160 * 120 / 2)
    }

    @Test("refuses to write the overlay over the photo")
    func neverOverInput() async throws {
        let (_, files, _) = try CompositeCommandTests.sceneFiles()
        let original = try Data(contentsOf: URL(fileURLWithPath: files.image))
        #expect(await BlindsightMain.run(arguments: ["segments", files.image, "--marks", files.image]) == 2)
        #expect(try Data(contentsOf: URL(fileURLWithPath: files.image)) == original)
    }
}
