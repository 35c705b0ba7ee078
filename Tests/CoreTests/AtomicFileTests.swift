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

    @Test("a temporary left by a process that is gone, or over an hour old, is removed by the next write; fresh ones stay")
    func staleTemporaries() throws {
        let folder = try temporaryDirectory()
        let gone = folder + "/.cutout.png\(AtomicFile.temporaryMarker)2147483646-abcdef"
        let old = folder + "/.mask.png\(AtomicFile.temporaryMarker)1-abcdef"
        let running = folder + "/.preview.png\(AtomicFile.temporaryMarker)1-ghijkl"
        let ours = folder + "/.other.png\(AtomicFile.temporaryMarker)\(getpid())-mnopqr"
        for path in [gone, old, running, ours] { try Data("partial".utf8).write(to: URL(fileURLWithPath: path)) }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: old)
        try AtomicFile.write(Array("new".utf8), to: folder + "/out.txt")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(left == ["out.txt", (running as NSString).lastPathComponent, (ours as NSString).lastPathComponent])
    }

    @Test("staged files appear together on publish; unpublished ones leave nothing behind")
    func publishTogether() throws {
        let folder = try temporaryDirectory()
        let first = try AtomicFile.stage(to: folder + "/a.bin") { try $0.append(UnsafeRawBufferPointer(start: nil, count: 0)) }
        let second = try AtomicFile.stage(to: folder + "/b.bin") { output in
            try [UInt8](repeating: 7, count: 10).withUnsafeBytes { try output.append($0) }
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/a.bin"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { $0.contains(AtomicFile.temporaryMarker) })
        try AtomicFile.publish([first, second])
        #expect(second.byteCount == 10)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == ["a.bin", "b.bin"])
        do {
            _ = try AtomicFile.stage(to: folder + "/c.bin") { _ in }
        }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == ["a.bin", "b.bin"])
    }

    @Test("a write in a cancelled task stops, throws and removes its temporary")
    func cancelledWrite() async throws {
        let folder = try temporaryDirectory()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try AtomicFile.write(Array("never".utf8), to: folder + "/out.txt")
        }
        await #expect(throws: FileOutputError.self) { try await task.value }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}
