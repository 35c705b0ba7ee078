import Foundation

/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Values may hold secrets (API keys), so this type deliberately has no `description` that prints
/// them; error messages built by this module never include header values.
public struct HTTPHeaders: Sendable, Hashable, Sequence {
    /// One header field as sent or received.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields in order.
    public private(set) var fields: [Field]

    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    /// Appends a field (an existing field of the same name stays).
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field called `name` (any case) by one with `value`.
    public mutating func set(_ name: String, _ value: String) {
        fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        add(name, value)
    }

    /// The first value of the field called `name`, compared case-insensitively, or nil.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

/// How long a transfer may take, in seconds. `nil` means no limit.
public struct HTTPTimeouts: Sendable, Hashable {
    /// Time allowed to resolve the host and establish the connection (TCP and TLS).
    public var connect: Double?
    /// Time allowed for the whole transfer, from start to the last byte.
    public var total: Double?
    /// Longest silence allowed once the request is sent: no response bytes for this long aborts the
    /// transfer with ``HTTPError/Code/idleStall``. Covers a model that never starts answering and a
    /// stream that stops mid-way.
    public var idle: Double?

    public init(connect: Double? = 10, total: Double? = nil, idle: Double? = 300) {
        self.connect = connect
        self.total = total
        self.idle = idle
    }
}

/// What one response may cost besides time (see ``HTTPTimeouts``): its size and its pace. A peer
/// that breaks a limit ends the transfer with an ``HTTPError`` whose message names the limit and,
/// from ``advice``, the setting that raises it.
public struct HTTPLimits: Sendable, Hashable {
    /// The slowest pace accepted: averaging fewer than `bytesPerSecond` for `seconds` in a row aborts
    /// the transfer (libcurl's low-speed limit; waiting for the first byte counts as slow too).
    public struct MinimumRate: Sendable, Hashable {
        public var bytesPerSecond: Int
        public var seconds: Double

        public init(bytesPerSecond: Int, seconds: Double) {
            self.bytesPerSecond = bytesPerSecond
            self.seconds = seconds
        }
    }

    /// How a user raises each limit (a configuration key, flag or variable), quoted in messages.
    public struct Advice: Sendable, Hashable {
        public var bodySize: String
        public var totalTime: String
        public var minimumRate: String
        public var idle: String

        public init(bodySize: String = "", totalTime: String = "", minimumRate: String = "", idle: String = "") {
            self.bodySize = bodySize
            self.totalTime = totalTime
            self.minimumRate = minimumRate
            self.idle = idle
        }
    }

    /// The largest response body accepted, in bytes: a larger `Content-Length` is refused as soon as
    /// the headers arrive, and a body that grows past it (chunked, endless) is cut there. Nil: none.
    public var maxBodyBytes: Int?
    public var minimumRate: MinimumRate?
    public var advice: Advice

    public init(maxBodyBytes: Int? = nil, minimumRate: MinimumRate? = nil, advice: Advice = Advice()) {
        self.maxBodyBytes = maxBodyBytes
        self.minimumRate = minimumRate
        self.advice = advice
    }
}

/// Limits written for people, in messages.
public enum LimitText {
    /// Seconds: whole numbers without decimals (`120`), else one decimal (`1.5`); never a trapping
    /// conversion, whatever the value.
    public static func seconds(_ value: Double) -> String {
        String(format: value.rounded() == value ? "%.0f" : "%.1f", value)
    }

    /// Bytes in the largest binary unit that keeps a whole number (`8 MiB`, `1536 KiB`, `100 bytes`).
    public static func bytes(_ count: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where count >= size && count % size == 0 {
            return "\(count / size) \(unit)"
        }
        return "\(count) bytes"
    }
}

/// An HTTP request. The URL may be `http` or `https`; proxies come from the environment the way
/// curl reads them (`http_proxy`, `https_proxy`, `no_proxy`).
public struct HTTPRequest: Sendable, Hashable {
    /// "GET", "POST", …
    public var method: String
    /// The absolute URL.
    public var url: String
    public var headers: HTTPHeaders
    public var body: Data?
    public var timeouts: HTTPTimeouts
    public var limits: HTTPLimits
    /// Whether the connection may be kept for later requests to the same server. Nil (the default)
    /// keeps HTTPS connections, where a new TLS handshake costs round trips, and closes plain-HTTP
    /// ones: those are mostly local servers, where connecting is nearly free and a reused connection
    /// can meet a server's Nagle delay (40 ms) on its first bytes.
    public var keepAlive: Bool?

    public init(
        method: String = "GET", url: String, headers: HTTPHeaders = HTTPHeaders(), body: Data? = nil,
        timeouts: HTTPTimeouts = HTTPTimeouts(), limits: HTTPLimits = HTTPLimits(), keepAlive: Bool? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.limits = limits
        self.keepAlive = keepAlive
    }

    /// ``keepAlive`` with the default applied.
    var reusesConnection: Bool { keepAlive ?? url.lowercased().hasPrefix("https:") }

    /// A POST of a JSON body, with `Content-Type: application/json`.
    public static func postJSON(
        url: String, body: Data, headers: HTTPHeaders = HTTPHeaders(), timeouts: HTTPTimeouts = HTTPTimeouts(),
        limits: HTTPLimits = HTTPLimits()
    ) -> HTTPRequest {
        var all = headers
        all.set("Content-Type", "application/json")
        return HTTPRequest(method: "POST", url: url, headers: all, body: body, timeouts: timeouts, limits: limits)
    }
}

/// A complete response: status, headers and the whole body.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data

    public init(status: Int, headers: HTTPHeaders, body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// A response whose status and headers have arrived and whose body is still streaming.
///
/// Iterate `body` to receive chunks as the server sends them. The sequence finishes when the server
/// ends the response, throws an ``HTTPError`` when the transfer fails, and stops the transfer when the
/// consuming task is cancelled or the sequence is dropped.
public struct HTTPStreamingResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: AsyncThrowingStream<Data, any Error>
    /// The request's URL without user information, query or fragment (safe to show).
    public var displayURL: String

    public init(status: Int, headers: HTTPHeaders, body: AsyncThrowingStream<Data, any Error>, displayURL: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.displayURL = displayURL
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// Reads the rest of the body into memory.
    public func collect() async throws(HTTPError) -> HTTPResponse {
        var data = Data()
        do {
            for try await chunk in body { data.append(chunk) }
        } catch let error as HTTPError {
            throw error
        } catch {
            throw HTTPError(.transferFailed, url: displayURL, detail: "\(error)")
        }
        if Task.isCancelled { throw HTTPError(.cancelled, url: displayURL) }
        return HTTPResponse(status: status, headers: headers, body: data)
    }
}
