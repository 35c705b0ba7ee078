#if canImport(Glibc)
import Glibc
#endif

/// A loopback address that refuses every connection for as long as this value lives.
///
/// It is a socket bound to 127.0.0.1 on a free port that never listens, so a connection attempt gets
/// ECONNREFUSED at once. Tests of "server down" use it instead of stopping a server: a stopped server's
/// port can be taken by another test's server running in parallel, which then answers.
public final class RefusingPort: Sendable {
    /// The reserved port.
    public let port: Int
    private let descriptor: Int32

    /// Reserves a free loopback port. Throws when the system has no socket or port to give.
    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RefusingPortError(reason: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw RefusingPortError(reason: "bind() to 127.0.0.1 failed")
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }

    /// `http://127.0.0.1:PORT`, like a fake server's base URL.
    public var baseURL: String { "http://127.0.0.1:\(port)" }
}

/// Reserving a refusing port failed.
public struct RefusingPortError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "RefusingPort: \(reason)" }
}

/// Anything tests can point a client at: a fake server, or a port that refuses connections.
public protocol LoopbackEndpoint: Sendable {
    /// `http://127.0.0.1:PORT`.
    var baseURL: String { get }
}

extension RefusingPort: LoopbackEndpoint {}
extension FakeModelServer: LoopbackEndpoint {}
extension FakePanopticServer: LoopbackEndpoint {}
