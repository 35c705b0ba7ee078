import BlindsightCore
import Foundation
import Testing

@Suite("Atomic file output")
struct AtomicFileTests {
    private func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("writes the bytes and leaves no temporary file behind")
    func writesCompleteFile() throws {
        let folder = try temporaryDirectory()
        let path = folder + "/out.bin"
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try AtomicFile.write(bytes, to: path)
        #expect(FileManager.default.contents(atPath: path) == Data(bytes))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out.bin"])
    }

    @Test("replaces an existing file in one step")
    func replacesExisting() throws {
        let folder = try temporaryDirectory()
        let path = folder + "/out.txt"
        try AtomicFile.write(Array("old".utf8), to: path)
        try AtomicFile.write(Array("new contents".utf8), to: path)
        #expect(String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) == "new contents")
    }

    @Test("a missing folder gives an error naming the path, exit status 3, and no file")
    func missingFolder() throws {
        let path = "/nonexistent-\(UUID().uuidString)/out.png"
        #expect(throws: FileOutputError.self) { try AtomicFile.write([1, 2, 3], to: path) }
        do {
            try AtomicFile.write([1, 2, 3], to: path)
        } catch {
            #expect(error.message.contains(path))
            #expect(error.exitStatus == .badInput)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
