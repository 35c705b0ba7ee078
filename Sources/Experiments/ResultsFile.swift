import BlindsightCore
import Foundation
import Synchronization

/// `results.jsonl`: one JSON line per finished run. Lines are appended whole, with one `write(2)` each, so
/// a run killed mid-write leaves at most one incomplete last line, which readers skip and the next
/// append cuts off.
public final class ResultsFile: Sendable {
    public let path: String
    private let descriptor: Mutex<Int32>

    /// Opens (creating) the file for appending, first dropping an incomplete last line.
    /// - Throws: ``ExperimentError`` when it cannot be opened.
    public init(path: String) throws {
        self.path = path
        let existing = FileManager.default.contents(atPath: path) ?? Data()
        if let last = existing.last, last != UInt8(ascii: "\n") {
            let keep = existing.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            guard truncate(path, off_t(keep)) == 0 else {
                throw ExperimentError("cannot repair \(path): \(String(cString: strerror(errno)))")
            }
        }
        let opened = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard opened >= 0 else { throw ExperimentError("cannot open \(path): \(String(cString: strerror(errno)))") }
        descriptor = Mutex(opened)
    }

    deinit {
        descriptor.withLock { if $0 >= 0 { close($0) } }
    }

    /// Appends `row` as one line.
    public func append(_ row: ResultRow) throws {
        var line = try Self.encoder.encode(row)
        line.append(UInt8(ascii: "\n"))
        try descriptor.withLock { descriptor in
            let written = line.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written == line.count else {
                throw ExperimentError("cannot append to \(path): \(written < 0 ? String(cString: strerror(errno)) : "short write")")
            }
        }
    }

    /// The complete rows of the file at `path` (none when it does not exist), in file order. A line that
    /// does not decode is skipped and named in `notes`.
    public static func read(path: String) -> (rows: [ResultRow], notes: [String]) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], []) }
        var rows: [ResultRow] = []
        var notes: [String] = []
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() where !line.isEmpty {
            if number == lines.count - 1 { break }  // no newline yet: a line cut off mid-write
            if let row = try? JSONDecoder().decode(ResultRow.self, from: Data(line)) {
                rows.append(row)
            } else {
                notes.append("\(path): line \(number + 1) is not a result row; skipped")
            }
        }
        return (rows, notes)
    }

    /// Writes `rows` as a whole new file, atomically.
    public static func write(_ rows: [ResultRow], to path: String) throws {
        var bytes = Data()
        for row in rows {
            bytes.append(try encoder.encode(row))
            bytes.append(UInt8(ascii: "\n"))
        }
        try AtomicFile.write(bytes, to: path)
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
