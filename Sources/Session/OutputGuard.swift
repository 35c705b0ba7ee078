#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BlindsightCore
import Foundation

/// An output the command refuses to write: it is one of the command's inputs, another of its outputs,
/// a symbolic link, an existing transcript, or in a folder that does not exist or cannot be written.
/// Exit 2; nothing is written.
public struct OutputRefused: UserFacingError, Equatable {
    public let message: String
    public var exitStatus: ExitStatus { .usage }

    public init(_ message: String) {
        self.message = message
    }
}

/// A file a command reads or writes, named by its role ("the photo", "the mask").
public struct NamedFile: Sendable, Hashable {
    public var role: String
    public var path: String

    public init(_ role: String, _ path: String) {
        self.role = role
        self.path = path
    }
}

/// The overwrite guard every command runs before any work that costs (model calls) or writes: outputs
/// never replace an input or one another, never go through a symbolic link, and their folders exist
/// and are writable. Files are compared as the system resolves them (symbolic links, `./x` and `x`,
/// hard links by device and inode).
public enum OutputGuard {
    /// - Parameters:
    ///   - outputs: files the command will write (replacing an older output is fine).
    ///   - created: files that must not exist yet (a new transcript: transcripts are never overwritten).
    ///   - inputs: files the command reads.
    /// - Throws: ``OutputRefused`` naming both paths of the first conflict.
    public static func check(outputs: [NamedFile], created: [NamedFile] = [], inputs: [NamedFile]) throws(OutputRefused) {
        let inputKeys = inputs.map { ($0, FileKey($0.path)) }
        var claimed: [(NamedFile, FileKey)] = []
        for file in created where FileKey.exists(file.path) {
            throw OutputRefused(
                "refusing to write \(file.role) to \(file.path): the file already exists (transcripts are never "
                    + "overwritten; choose a new path)")
        }
        for file in outputs + created {
            try checkWritable(file)
            let key = FileKey(file.path)
            if let input = inputKeys.first(where: { $0.1.matches(key) })?.0 {
                throw OutputRefused(
                    "refusing to write \(file.role) to \(file.path): that is \(input.role) \(input.path), an input of "
                        + "this command; choose another path")
            }
            if let other = claimed.first(where: { $0.1.matches(key) })?.0 {
                throw OutputRefused(
                    "refusing to write \(file.role) to \(file.path): \(other.role) goes to \(other.path), the same "
                        + "file; give each output its own path")
            }
            claimed.append((file, key))
        }
    }

    /// The output is not a link or a folder, and its folder exists and is writable.
    private static func checkWritable(_ file: NamedFile) throws(OutputRefused) {
        var status = stat()
        if lstat(file.path, &status) == 0 {
            if (status.st_mode & S_IFMT) == S_IFLNK {
                throw OutputRefused(
                    "refusing to write \(file.role) to \(file.path): it is a symbolic link, and blindsight never "
                        + "writes through a link it did not create; give the real path or another one")
            }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                throw OutputRefused("cannot write \(file.role) to \(file.path): it is a folder; give a file name")
            }
        }
        let folder = FileKey.folder(of: file.path)
        var folderStatus = stat()
        guard stat(folder, &folderStatus) == 0, (folderStatus.st_mode & S_IFMT) == S_IFDIR else {
            throw OutputRefused("cannot write \(file.role) to \(file.path): the folder \(folder) does not exist; create it first")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw OutputRefused("cannot write \(file.role) to \(file.path): the folder \(folder) is not writable")
        }
    }
}

/// How the system names a file: its device and inode when it exists, and its resolved absolute path.
private struct FileKey {
    var device: UInt64?
    var inode: UInt64?
    var resolved: String

    init(_ path: String) {
        var status = stat()
        if stat(path, &status) == 0 {
            device = UInt64(truncatingIfNeeded: status.st_dev)
            inode = UInt64(truncatingIfNeeded: status.st_ino)
        }
        let name = (path as NSString).lastPathComponent
        resolved = (Self.realPath(Self.folder(of: path)) as NSString).appendingPathComponent(name)
        if let full = Self.realPathIfExists(path) { resolved = full }
    }

    func matches(_ other: FileKey) -> Bool {
        if let device, let inode, device == other.device, inode == other.inode { return true }
        return resolved == other.resolved
    }

    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    private static func realPath(_ path: String) -> String {
        realPathIfExists(path) ?? URL(fileURLWithPath: path).standardizedFileURL.path
    }

    private static func realPathIfExists(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
