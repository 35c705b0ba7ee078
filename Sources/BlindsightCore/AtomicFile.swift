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
        try produce(Output(fd: fd, path: path))
        guard fsync(fd) == 0 else { throw FileOutputError(path: path, reason: lastErrorText()) }
        fchmod(fd, 0o644)
        closed = true
        guard close(fd) == 0 else { throw FileOutputError(path: path, reason: lastErrorText()) }
        guard rename(temporaryPath, path) == 0 else { throw FileOutputError(path: path, reason: lastErrorText()) }
        succeeded = true
    }

    /// The temporary file that ``write(to:_:)`` fills.
    public struct Output {
        fileprivate let fd: Int32
        fileprivate let path: String

        /// Appends `bytes` to the file.
        /// - Throws: ``FileOutputError`` (a full disk, for example).
        public func append(_ bytes: UnsafeRawBufferPointer) throws(FileOutputError) {
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
        }
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
