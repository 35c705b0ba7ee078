import FlyingFox
import FlyingSocks
import Foundation

/// One response the fake model server plays back: status, headers and a body made of pieces that
/// are written to the socket one by one (each byte piece is its own HTTP chunk), with optional
/// pauses, a stall, or an abrupt cut.
public struct ScriptedResponse: Sendable {
    /// One step of the body.
    public enum Piece: Sendable, Hashable {
        /// Bytes written as one chunk (empty pieces are skipped).
        case bytes(Data)
        /// A pause before the next piece, in seconds.
        case pause(Double)
        /// The connection is closed at this point without ending the chunked body properly.
        case cut
        /// These bytes again and again, `pause` seconds apart, for ever (a hostile server: an
        /// endless body, keep-alive comments only, a slow-loris trickle). Pieces after it never play.
        case forever(Data, pause: Double)
    }

    public var status: Int
    public var headers: [(String, String)]
    public var pieces: [Piece]
    /// Seconds to wait before sending the status line (a slow or stuck server).
    public var delayBeforeHeaders: Double
    /// Whether the body is sent with chunked encoding (streams) or with a Content-Length (errors,
    /// plain JSON replies). Pauses and cuts need chunked encoding.
    public var chunked: Bool
    /// A `Content-Length` to announce instead of the real one (the body's pieces are then sent
    /// unchunked, as they are): a server that lies about its size.
    public var declaredLength: Int?

    public init(
        status: Int = 200, headers: [(String, String)] = [], pieces: [Piece], delayBeforeHeaders: Double = 0,
        chunked: Bool = true, declaredLength: Int? = nil
    ) {
        self.status = status
        self.headers = headers
        self.pieces = pieces
        self.delayBeforeHeaders = delayBeforeHeaders
        self.chunked = chunked
        self.declaredLength = declaredLength
    }

    /// The body's bytes, without pauses and cuts.
    public var bodyBytes: Data {
        pieces.reduce(into: Data()) { data, piece in
            if case .bytes(let bytes) = piece { data.append(bytes) }
        }
    }

    /// The same body re-split into pieces of `size` bytes (splitting JSON, lines and multi-byte UTF-8
    /// characters anywhere), with `pause` seconds between pieces so they arrive in separate reads.
    public func rechunked(every size: Int, pause: Double = 0.001) -> ScriptedResponse {
        var copy = self
        let bytes = [UInt8](bodyBytes)
        var pieces: [Piece] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + max(1, size), bytes.count)
            if !pieces.isEmpty, pause > 0 { pieces.append(.pause(pause)) }
            pieces.append(.bytes(Data(bytes[start..<end])))
            start = end
        }
        copy.pieces = pieces
        return copy
    }

    /// The same body cut off (connection closed) after `count` bytes.
    public func cut(afterBytes count: Int) -> ScriptedResponse {
        var copy = self
        copy.pieces = [.bytes(bodyBytes.prefix(count)), .pause(0.01), .cut]
        copy.chunked = true
        return copy
    }

    /// The same body with a silence of `seconds` after `count` bytes (a stalled stream).
    public func stalling(afterBytes count: Int, for seconds: Double) -> ScriptedResponse {
        var copy = self
        let bytes = bodyBytes
        copy.pieces = [.bytes(bytes.prefix(count)), .pause(seconds), .bytes(bytes.dropFirst(count))]
        copy.chunked = true
        return copy
    }

    /// The same response, sent only after `seconds` of silence.
    public func delayed(by seconds: Double) -> ScriptedResponse {
        var copy = self
        copy.delayBeforeHeaders = seconds
        return copy
    }

    /// The FlyingFox response that plays this script.
    func httpResponse() -> FlyingFox.HTTPResponse {
        var headers = FlyingFox.HTTPHeaders()
        for (name, value) in self.headers { headers.addValue(value, for: HTTPHeader(name)) }
        let statusCode = HTTPStatusCode(status, phrase: Self.phrase(for: status))
        if let declaredLength {
            return FlyingFox.HTTPResponse(
                statusCode: statusCode, headers: headers,
                body: HTTPBodySequence(from: ScriptedBody(pieces: pieces), count: declaredLength))
        }
        if chunked {
            return FlyingFox.HTTPResponse(
                statusCode: statusCode, headers: headers, body: HTTPBodySequence(from: ScriptedBody(pieces: pieces)))
        }
        return FlyingFox.HTTPResponse(statusCode: statusCode, headers: headers, body: bodyBytes)
    }

    private static func phrase(for status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 408: "Request Timeout"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

/// The scripted pieces as a byte sequence FlyingFox sends with chunked encoding.
struct ScriptedBody: AsyncBufferedSequence {
    typealias Element = UInt8

    struct ConnectionCut: Error {}

    let pieces: [ScriptedResponse.Piece]

    func makeAsyncIterator() -> Iterator { Iterator(pieces: pieces[...]) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var pieces: ArraySlice<ScriptedResponse.Piece>

        mutating func next() async throws -> UInt8? {
            try await nextBuffer(suggested: 1)?.first
        }

        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            while let piece = pieces.popFirst() {
                switch piece {
                case .bytes(let data) where !data.isEmpty: return [UInt8](data)
                case .bytes: continue
                case .pause(let seconds): try await Task.sleep(for: .seconds(seconds))
                case .cut: throw ConnectionCut()
                case .forever(let data, let pause):
                    pieces = [piece]
                    if pause > 0 { try await Task.sleep(for: .seconds(pause)) }
                    return [UInt8](data)
                }
            }
            return nil
        }
    }
}
