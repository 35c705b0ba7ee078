import BlindsightCore
import Foundation

/// Reading JSON inputs and picking typed fields out of them with messages that name the file and the place.
enum PanopticJSON {
    /// The contents of the JSON file at `path`.
    static func read(path: String) throws(PanopticError) -> JSONValue {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .file(path, "cannot read: \(FileReading.reason(error))")
        }
        return try parse(data, origin: path)
    }

    /// Parses `data`; `origin` names the file or service in errors.
    static func parse(_ data: Data, origin: String) throws(PanopticError) -> JSONValue {
        // The decoder recurses once per nesting level: refuse absurd nesting before it starts.
        guard UntrustedInput.jsonNestingIsAcceptable(data) else {
            throw .file(origin, "not valid JSON (nested deeper than \(UntrustedInput.maximumJSONDepth) levels)")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .file(origin, "not valid JSON (\(syntaxProblem(in: data)))")
        }
    }

    /// Where the JSON syntax breaks, as Foundation's parser says it ("Invalid value around character 9.").
    private static func syntaxProblem(in data: Data) -> String {
        if data.isEmpty { return "the file is empty" }
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "unreadable value"
        } catch {
            let description = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return description ?? "syntax error"
        }
    }

    /// A required integer member.
    static func int(_ value: JSONValue?, _ key: String, in place: String, of origin: String) throws(PanopticError)
        -> Int
    {
        guard let value else { throw .file(origin, "\(place) has no \"\(key)\"") }
        let limit = 1 << 50
        guard let number = value.numberValue.flatMap({ UntrustedInput.exactInt($0, in: -limit...limit) }) else {
            throw .file(origin, "\(place): \"\(key)\" must be an integer")
        }
        return number
    }

    /// An optional integer member (nil when absent or null).
    static func optionalInt(_ value: JSONValue?, _ key: String, in place: String, of origin: String)
        throws(PanopticError) -> Int?
    {
        if value == nil || value == .null { return nil }
        return try int(value, key, in: place, of: origin)
    }

    /// An optional number member.
    static func optionalDouble(_ value: JSONValue?, _ key: String, in place: String, of origin: String)
        throws(PanopticError) -> Double?
    {
        guard let value, value != .null else { return nil }
        guard let number = value.numberValue else { throw .file(origin, "\(place): \"\(key)\" must be a number") }
        return number
    }

    /// An optional flag given as true/false or 1/0.
    static func bool(_ value: JSONValue?, _ key: String, in place: String, of origin: String) throws(PanopticError)
        -> Bool?
    {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case .number(let number)? where number == 0 || number == 1: return number == 1
        default: throw .file(origin, "\(place): \"\(key)\" must be true/false or 1/0")
        }
    }

    /// An id map given as a list of rows of integer ids (negative ids, transformers' "no segment", become 0).
    static func idMap(rows value: JSONValue, origin: String) throws(PanopticError) -> SegmentIDMap {
        guard case .array(let rows) = value, case .array(let first)? = rows.first, !first.isEmpty else {
            throw .file(origin, "\"segmentation\" must be a non-empty list of rows of ids")
        }
        let width = first.count
        var ids: [UInt32] = []
        // Reserved from the first row only up to a bound: the row count is not checked yet.
        let (cells, overflow) = width.multipliedReportingOverflow(by: rows.count)
        ids.reserveCapacity(overflow ? 1 << 24 : min(cells, 1 << 24))
        for (y, row) in rows.enumerated() {
            guard case .array(let cells) = row, cells.count == width else {
                throw .file(origin, "\"segmentation\" row \(y + 1) does not have \(width) ids like the first")
            }
            for cell in cells {
                guard let number = cell.numberValue, number.rounded() == number, number <= 0xFF_FFFF else {
                    throw .file(origin, "\"segmentation\" row \(y + 1) holds a value that is not a segment id")
                }
                ids.append(number > 0 ? UInt32(number) : 0)
            }
        }
        return SegmentIDMap(width: width, height: rows.count, ids: ids)
    }

    /// An optional COCO bbox `[x, y, w, h]`.
    static func bbox(_ value: JSONValue?, in place: String, of origin: String) throws(PanopticError) -> BoundingBox? {
        guard let value, value != .null else { return nil }
        guard case .array(let items) = value, items.count == 4 else {
            throw .file(origin, "\(place): \"bbox\" must be [x, y, width, height]")
        }
        var numbers: [Int] = []
        for item in items {
            numbers.append(try int(item, "bbox", in: place, of: origin))
        }
        return BoundingBox(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
    }
}

/// Turning file-system errors into short reasons.
enum FileReading {
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let posix = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError {
            return "no such file"
        }
        return nsError.localizedDescription
    }

    /// The bytes of the file at `path`.
    static func bytes(atPath path: String) throws(PanopticError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .file(path, "cannot read: \(reason(error))")
        }
    }
}
