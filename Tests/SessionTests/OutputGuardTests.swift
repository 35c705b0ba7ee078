import Foundation
import Session
import Testing
import TestSupport

@Suite("Output guard")
struct OutputGuardTests {
    /// A folder holding `photo.jpg` (bytes "photo"); returns the folder's path.
    static func folder() throws -> String {
        let folder = try TestData.temporaryFolder("guard").path
        try Data("photo".utf8).write(to: URL(fileURLWithPath: folder + "/photo.jpg"))
        return folder
    }

    static func refusal(outputs: [NamedFile], created: [NamedFile] = [], inputs: [NamedFile]) -> OutputRefused? {
        do {
            try OutputGuard.check(outputs: outputs, created: created, inputs: inputs)
            return nil
        } catch {
            return error
        }
    }

    @Test("an output that is the input, by the same path, ./path, a symlinked folder or a hard link, is refused naming both")
    func sameFileInDisguise() throws {
        let folder = try Self.folder()
        let photo = NamedFile("the photo", folder + "/photo.jpg")
        try FileManager.default.createSymbolicLink(atPath: folder + "/linked", withDestinationPath: folder)
        try FileManager.default.linkItem(atPath: folder + "/photo.jpg", toPath: folder + "/hard.png")
        for path in [photo.path, folder + "/./photo.jpg", folder + "/linked/photo.jpg", folder + "/hard.png"] {
            let refused = try #require(Self.refusal(outputs: [NamedFile("the cutout", path)], inputs: [photo]), "\(path)")
            #expect(refused.exitStatus == .usage)
            #expect(refused.message.contains(path) && refused.message.contains(photo.path))
        }
        let cwd = FileManager.default.currentDirectoryPath
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        FileManager.default.changeCurrentDirectoryPath(folder)
        #expect(Self.refusal(outputs: [NamedFile("the cutout", "./photo.jpg")], inputs: [NamedFile("the photo", "photo.jpg")]) != nil)
    }

    @Test("an output path that is a symbolic link is refused, even to a new file")
    func symbolicLink() throws {
        let folder = try Self.folder()
        try FileManager.default.createSymbolicLink(atPath: folder + "/out.png", withDestinationPath: folder + "/elsewhere.png")
        let refused = Self.refusal(outputs: [NamedFile("the cutout", folder + "/out.png")], inputs: [])
        #expect(refused?.message.contains("symbolic link") == true)
        #expect(!FileManager.default.fileExists(atPath: folder + "/elsewhere.png"))
    }

    @Test("two outputs on one file, an existing transcript, a missing folder are refused; distinct new files pass")
    func otherRefusals() throws {
        let folder = try Self.folder()
        let photo = NamedFile("the photo", folder + "/photo.jpg")
        #expect(Self.refusal(
            outputs: [NamedFile("the cutout", folder + "/x.png"), NamedFile("the mask", folder + "/./x.png")],
            inputs: [photo])?.message.contains("the cutout goes to \(folder)/x.png") == true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: folder + "/t.jsonl"))
        #expect(Self.refusal(outputs: [], created: [NamedFile("the transcript", folder + "/t.jsonl")], inputs: [])?
            .message.contains("never overwritten") == true)
        #expect(Self.refusal(outputs: [NamedFile("the cutout", folder + "/no/x.png")], inputs: [])?
            .message.contains("does not exist") == true)
        #expect(Self.refusal(
            outputs: [NamedFile("the cutout", folder + "/c.png"), NamedFile("the mask", folder + "/m.png")],
            created: [NamedFile("the transcript", folder + "/new.jsonl")], inputs: [photo]) == nil)
    }
}
