import BlindsightCore
import Foundation

/// A transfer failed before a complete response arrived. Exit status 4.
///
/// The message names the URL without user information, query or fragment, and never includes
/// header values, so API keys cannot leak through it.
public struct HTTPError: UserFacingError, Equatable {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// The URL is malformed or uses a scheme libcurl cannot speak.
        case invalidURL
        /// The host name could not be resolved, or the connection was refused or timed out.
        case couldNotConnect
        /// TLS failed (certificate not trusted, handshake error).
        case tls
        /// The whole transfer took longer than the total timeout.
        case timedOut
        /// No bytes arrived for longer than the idle timeout.
        case idleStall
        /// The response body is larger than ``HTTPLimits/maxBodyBytes`` (announced or actual).
        case bodyTooLarge
        /// The transfer went slower than ``HTTPLimits/minimumRate``.
        case tooSlow
        /// The connection broke or the server closed it before the response was complete.
        case connectionLost
        /// The caller cancelled the transfer (task cancellation, Ctrl-C).
        case cancelled
        /// Any other libcurl failure.
        case transferFailed
    }

    public let code: Code
    /// The safe form of the URL (see ``HTTPError/displayURL(_:)``).
    public let url: String
    /// libcurl's explanation or ours; never holds header values.
    public let detail: String

    public init(_ code: Code, url: String, detail: String = "") {
        self.code = code
        self.url = url
        self.detail = detail
    }

    /// A limit of ``HTTPLimits`` or ``HTTPTimeouts`` was broken: `limit` says which and its value,
    /// `advice` which setting changes it (empty when the caller gave none).
    public static func limitExceeded(_ code: Code, url: String, limit: String, advice: String) -> HTTPError {
        HTTPError(code, url: url, detail: advice.isEmpty ? limit : "\(limit); to change it, set \(advice)")
    }

    /// Whether trying again may succeed (connection problems, stalls, broken streams). A transfer
    /// that ran out its total time, went too slowly or sent too much is not tried again: it would
    /// cost as much again.
    public var isTransient: Bool {
        switch code {
        case .couldNotConnect, .idleStall, .connectionLost: true
        case .invalidURL, .tls, .timedOut, .bodyTooLarge, .tooSlow, .cancelled, .transferFailed: false
        }
    }

    public var message: String {
        let suffix = detail.isEmpty ? "" : " (\(detail))"
        switch code {
        case .invalidURL: return "invalid URL \(url)\(suffix)"
        case .couldNotConnect: return "cannot connect to \(url)\(suffix); is the server running and the URL right?"
        case .tls: return "TLS failure talking to \(url)\(suffix)"
        case .timedOut: return "request to \(url) took longer than its time limit\(suffix)"
        case .idleStall: return "\(url) stopped sending data\(suffix)"
        case .bodyTooLarge: return "the response from \(url) is larger than allowed\(suffix)"
        case .tooSlow: return "\(url) sent its response too slowly\(suffix)"
        case .connectionLost: return "connection to \(url) broke before the response was complete\(suffix)"
        case .cancelled: return "request to \(url) was cancelled"
        case .transferFailed: return "request to \(url) failed\(suffix)"
        }
    }

    public var exitStatus: ExitStatus { code == .cancelled ? .interrupted : .serviceFailure }

    /// `text` with the credentials of `url` (user information, query values) redacted, in case
    /// libcurl's explanation quotes them.
    static func redacting(_ text: String, secretsOf url: String) -> String {
        Secrets(Secrets.credentials(inURL: url)).redact(text)
    }

    /// `url` reduced to scheme, host, port and path: user information (`user:password@`), query
    /// (`?key=…`) and fragment are dropped, since they may carry secrets.
    public static func displayURL(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.host != nil else {
            // Not parseable: keep only what precedes any '@', '?' or '#'.
            let cut = url.prefix { $0 != "?" && $0 != "#" }
            if let at = cut.lastIndex(of: "@"), let scheme = cut.range(of: "://") {
                return String(cut[..<scheme.upperBound]) + String(cut[cut.index(after: at)...])
            }
            return String(cut)
        }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? url
    }
}
