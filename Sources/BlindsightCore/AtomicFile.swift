#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes files atomically: the bytes go to a temporary file in the destination's folder, which is
/// flushed and then renamed over the destination. A failure at any point removes the temporary file,
/// so readers see either the old file, the complete new file, or nothing — never a partial file.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    /// - Throws: ``FileOutputError`` naming the path and the system's reason.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(FileOutputError) {
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let folder = directory.isEmpty ? "." : directory
        var template = Array("\(folder)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileOutputError(path: path, reason: lastErrorText()) }
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporaryPath) }
        }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        try writeAll(bytes, to: fd, path: path)
        guard fsync(fd) == 0 else { throw FileOutputError(path: path, reason: lastErrorText()) }
        fchmod(fd, 0o644)
        closed = true
        guard close(fd) == 0 else { throw FileOutputError(path: path, reason: lastErrorText()) }
        guard rename(temporaryPath, path) == 0 else { throw FileOutputError(path: path, reason: lastErrorText()) }
        succeeded = true
    }

    private static func writeAll(_ bytes: some Collection<UInt8>, to fd: Int32, path: String) throws(FileOutputError) {
        let contiguous = ContiguousArray(bytes)
        var offset = 0
        while offset < contiguous.count {
            let written = contiguous.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileOutputError(path: path, reason: lastErrorText())
            }
            offset += written
        }
    }

    private static func lastErrorText() -> String { String(cString: strerror(errno)) }
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
