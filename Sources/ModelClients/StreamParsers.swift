import Foundation

/// Splits a byte stream into lines. Bytes are kept until a line is complete, so chunks may end
/// anywhere — inside a line, inside `\r\n`, inside a multi-byte UTF-8 character — without harm.
/// Accepts `\n` and `\r\n` line ends.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Adds bytes; returns the lines they completed (without line ends).
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [String] {
        if let lines = bytes.withContiguousStorageIfAvailable({ feed(buffer: $0) }) { return lines }
        return Array(bytes).withUnsafeBufferPointer { feed(buffer: $0) }
    }

    private mutating func feed(buffer: UnsafeBufferPointer<UInt8>) -> [String] {
        var lines: [String] = []
        var start = 0
        while let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = UnsafeBufferPointer(rebasing: buffer[start..<newline])
            if pending.isEmpty {
                if line.last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
                lines.append(String(decoding: line, as: UTF8.self))
            } else {
                pending.append(contentsOf: line)
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                lines.append(String(decoding: pending, as: UTF8.self))
                pending.removeAll(keepingCapacity: true)
            }
            start = newline + 1
        }
        pending.append(contentsOf: buffer[start...])
        return lines
    }

    /// The unterminated last line, if any bytes are left.
    public mutating func finish() -> String? {
        defer { pending.removeAll() }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }
}

/// One server-sent event.
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field, when given.
    public var event: String?
    /// The `data:` lines joined with `\n`.
    public var data: String

    public init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }
}

/// Parses `text/event-stream` bodies (the parts of the WHATWG rules chat servers use): `data:`
/// with or without the space, multi-line data, `event:`, `: comment` lines (keep-alives) ignored,
/// events dispatched at a blank line.
public struct SSEParser: Sendable {
    private var lines = LineSplitter()
    private var dataLines: [String] = []
    private var eventName: String?

    public init() {}

    /// Adds bytes; returns the events they completed.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [SSEEvent] {
        lines.feed(bytes).compactMap { consume(line: $0) }
    }

    /// Ends the stream: an event whose data lines were complete but that lacked the final blank
    /// line is still delivered; a half-received line is dropped.
    public mutating func finish() -> [SSEEvent] {
        _ = lines.finish()
        return dispatch().map { [$0] } ?? []
    }

    private mutating func consume(line: String) -> SSEEvent? {
        if line.isEmpty { return dispatch() }
        if line.hasPrefix(":") { return nil }
        let field: Substring
        var value: Substring
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            value = line[line.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = Substring(line)
            value = ""
        }
        switch field {
        case "data": dataLines.append(String(value))
        case "event": eventName = String(value)
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            dataLines.removeAll()
            eventName = nil
        }
        guard !dataLines.isEmpty else { return nil }
        return SSEEvent(event: eventName, data: dataLines.joined(separator: "\n"))
    }
}

/// Parses newline-delimited JSON (Ollama's streaming format) into its non-blank lines.
public struct NDJSONLineParser: Sendable {
    private var lines = LineSplitter()

    public init() {}

    /// Adds bytes; returns the complete non-blank lines.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [String] {
        lines.feed(bytes).filter { !$0.allSatisfy(\.isWhitespace) }
    }

    /// Ends the stream: returns a last line that had no newline, if any.
    public mutating func finish() -> [String] {
        guard let last = lines.finish(), !last.allSatisfy(\.isWhitespace) else { return [] }
        return [last]
    }
}
