import BlindsightCore
import HTTPTransport

/// A model server failed, refused the request or sent something unusable. Exit status 4.
///
/// Messages name the server (its base URL, without secrets) and the model, quote the server's own
/// error text, and never include API keys or other header values.
public struct ModelServiceError: UserFacingError, Equatable {
    public enum Kind: Sendable, Hashable {
        /// The server answered with an HTTP error status.
        case httpStatus(Int)
        /// The stream ended before its end marker (`[DONE]`, `done: true`).
        case streamCut
        /// The server reported an error inside a stream that had started with HTTP 200.
        case streamError
        /// A reply could not be understood.
        case badResponse
        /// The transfer failed (see ``HTTPError``).
        case transport(HTTPError.Code)
        /// Retrying stopped: the server asked to wait longer than allowed, or attempts/time ran out.
        case gaveUp
        /// The model spec or provider cannot make a backend.
        case unsupported
    }

    public let kind: Kind
    /// "ollama qwq at http://localhost:11434" style description of the endpoint.
    public let endpoint: String
    /// The explanation (the server's own message where there is one).
    public let detail: String
    /// HTTP attempts made before this error.
    public let attempts: Int

    public init(_ kind: Kind, endpoint: String, detail: String, attempts: Int = 1) {
        self.kind = kind
        self.endpoint = endpoint
        self.detail = detail
        self.attempts = attempts
    }

    public var message: String {
        let tries = attempts > 1 ? " after \(attempts) attempts" : ""
        switch kind {
        case .httpStatus(let status): return "\(endpoint) answered HTTP \(status)\(tries): \(detail)"
        case .streamCut: return "\(endpoint) ended the reply before it was complete\(tries): \(detail)"
        case .streamError: return "\(endpoint) reported an error mid-reply\(tries): \(detail)"
        case .badResponse: return "\(endpoint) sent a reply that cannot be read: \(detail)"
        case .transport: return "\(endpoint)\(tries): \(detail)"
        case .gaveUp: return "\(endpoint): gave up\(tries): \(detail)"
        case .unsupported: return "\(endpoint): \(detail)"
        }
    }

    public var exitStatus: ExitStatus {
        if case .transport(.cancelled) = kind { return .interrupted }
        return .serviceFailure
    }
}
