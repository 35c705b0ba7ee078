#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Writes files atomically: the bytes go to a temporary file in the destination's folder, which is
/// flushed and then renamed over the destination. A failure at any point removes the temporary file,
/// so readers see either the old file, the complete new file, or nothing — never a partial file.
///
/// Temporary files are named `.NAME.blindsight-tmp-PID-XXXXXX`; one left behind by a process that was
/// killed (its PID is gone, or it is over an hour old) is removed by the next write into that folder.
/// A write in a cancelled task (Ctrl-C) stops at its next piece and removes its temporary file.
public enum AtomicFile {
    /// The marker in every temporary file's name.
    public static let temporaryMarker = ".blindsight-tmp-"

    /// Writes `bytes` to `path` atomically.
    /// - Throws: ``FileOutputError`` naming the path and the system's reason.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(FileOutputError) {
        do {
            try write(to: path) { output in
                if try bytes.withContiguousStorageIfAvailable({ try output.append(UnsafeRawBufferPointer($0)) }) == nil {
                    try ContiguousArray(bytes).withUnsafeBytes { try output.append($0) }
                }
            }
        } catch let error as FileOutputError {
            throw error
        } catch {
            throw FileOutputError(path: path, reason: "\(error)")
        }
    }

    /// Writes the file at `path` atomically from pieces that `produce` appends in order, so a large
    /// file never has to be in memory whole. When `produce` throws, nothing is left at `path` and
    /// its error is rethrown.
    /// - Throws: ``FileOutputError`` naming the path and the system's reason, or `produce`'s error.
    public static func write(to path: String, _ produce: (Output) throws -> Void) throws {
        try publish([try stage(to: path, produce)])
    }

    /// Writes the complete file for `path` into a temporary file beside it, flushed to disk, without
    /// publishing it: ``publish(_:)`` renames it into place; dropping the ``Staged`` value unpublished
    /// removes it. Stale temporaries in the folder are removed first.
    /// - Throws: ``FileOutputError``, or `produce`'s error (the temporary is removed).
    public static func stage(to path: String, _ produce: (Output) throws -> Void) throws -> Staged {
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let folder = directory.isEmpty ? "." : directory
        if sweptFolders.withLock({ $0.insert(folder).inserted }) { removeStaleTemporaries(in: folder) }
        var template = Array("\(folder)/.\(base)\(temporaryMarker)\(getpid())-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw FileOutputError(path: path, reason: lastErrorText()) }
        let temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let staged = Staged(path: path, temporaryPath: temporaryPath)
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        let output = Output(fd: fd, path: path)
        try produce(output)
        staged.byteCount = output.counter.count
        guard fsync(fd) == 0 else { throw FileOutputError(path: path, reason: lastErrorText()) }
        fchmod(fd, 0o644)
        closed = true
        guard close(fd) == 0 else { throw FileOutputError(path: path, reason: lastErrorText()) }
        return staged
    }

    /// Renames complete staged files onto their destinations, all of them only once every one is
    /// complete (so a cutout is never published without its mask). In a cancelled task nothing is
    /// published and the temporaries are removed.
    /// - Throws: ``FileOutputError`` for the first rename that fails (the rest stay unpublished and are removed).
    public static func publish(_ files: [Staged]) throws(FileOutputError) {
        if Task.isCancelled, let first = files.first {
            throw FileOutputError(path: first.path, reason: "interrupted before it was complete")
        }
        for file in files {
            guard rename(file.temporaryPath, file.path) == 0 else {
                throw FileOutputError(path: file.path, reason: lastErrorText())
            }
            file.published = true
        }
    }

    /// Folders this process has swept already: the first write into a folder removes the stale
    /// temporaries there, so an experiment writing thousands of files into one folder lists it once.
    private static let sweptFolders = Mutex(Set<String>())

    /// Removes temporaries in `folder` left by processes that no longer run, or older than an hour.
    /// Our own process's temporaries are left alone (they are being written).
    public static func removeStaleTemporaries(in folder: String, now: Date = Date()) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let ours = getpid()
        for name in names where name.hasPrefix(".") {
            guard let marker = name.range(of: temporaryMarker) else { continue }
            let pidText = name[marker.upperBound...].prefix { $0.isNumber }
            guard let pid = Int32(pidText), pid != ours else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            var status = stat()
            guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            let gone = kill(pid, 0) != 0 && errno == ESRCH
            let age = now.timeIntervalSince1970 - Double(status.st_mtim.tv_sec)
            if gone || age > 3600 { unlink(path) }
        }
    }

    /// A complete file waiting in its temporary file to be published by ``AtomicFile/publish(_:)``.
    /// Released unpublished, it removes its temporary file.
    public final class Staged {
        /// The destination.
        public let path: String
        /// The temporary file holding the complete content.
        public let temporaryPath: String
        /// The file's size in bytes.
        public fileprivate(set) var byteCount = 0
        fileprivate var published = false

        fileprivate init(path: String, temporaryPath: String) {
            self.path = path
            self.temporaryPath = temporaryPath
        }

        deinit {
            if !published { unlink(temporaryPath) }
        }
    }

    /// The temporary file that ``write(to:_:)`` fills.
    public struct Output {
        fileprivate let fd: Int32
        fileprivate let path: String
        fileprivate let counter = ByteCounter()

        /// Appends `bytes` to the file.
        /// - Throws: ``FileOutputError`` (a full disk, for example, or the task was cancelled).
        public func append(_ bytes: UnsafeRawBufferPointer) throws(FileOutputError) {
            guard !Task.isCancelled else { throw FileOutputError(path: path, reason: "interrupted before it was complete") }
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw FileOutputError(path: path, reason: lastErrorText())
                }
                offset += written
            }
            counter.count += bytes.count
        }
    }

    fileprivate final class ByteCounter {
        var count = 0
    }

    fileprivate static func lastErrorText() -> String { String(cString: strerror(errno)) }
}

/// Writing an output file failed; nothing was left at the destination.
public struct FileOutputError: UserFacingError, Equatable {
    /// The destination that could not be written.
    public let path: String
    /// The system's reason, for example "No such file or directory".
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var message: String { "cannot write \(path): \(reason)" }
    public var exitStatus: ExitStatus { .badInput }
}
