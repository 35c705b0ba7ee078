import BlindsightCore
import Foundation

/// Scrubs every secret from a line before it is written to a transcript.
///
/// Transcripts are built from records that hold no keys, but a key can still slip in (a model echoing
/// a prompt, a server error quoting a header, a base URL with a token). The redactor removes the
/// configuration's ``Secrets`` by value (see there: any source, any echoed form, one pass), the values
/// of environment variables whose names suggest a secret, and recognisable patterns (bearer tokens,
/// `sk-…` keys, `api_key=…` parameters), replacing each with `[REDACTED]`. It never breaks the JSON
/// around them.
public struct SecretRedactor: Sendable {
    /// What replaces a secret.
    public static let replacement = Secrets.replacement

    /// The values removed exactly.
    public let secrets: Secrets

    public init(secrets: Secrets) {
        self.secrets = secrets
    }

    public init(knownSecrets: [String]) {
        self.init(secrets: Secrets(knownSecrets))
    }

    /// A redactor that knows `secrets` (the configuration's) and the values of every environment
    /// variable whose name suggests a secret (`*KEY*`, `*TOKEN*`, `*SECRET*`, `*PASSWORD*`, `*AUTH*`).
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, adding secrets: Secrets = Secrets()
    ) -> SecretRedactor {
        let markers = ["KEY", "TOKEN", "SECRET", "PASSWORD", "AUTH"]
        let values = environment.compactMap { name, value in
            markers.contains { name.uppercased().contains($0) } ? value : nil
        }
        return SecretRedactor(secrets: secrets.adding(values))
    }

    /// `text` with every secret replaced.
    public func redact(_ text: String) -> String {
        var result = secrets.redact(text)
        for pattern in Self.patterns {
            let range = NSRange(result.startIndex..., in: result)
            result = pattern.expression.stringByReplacingMatches(
                in: result, range: range, withTemplate: pattern.template)
        }
        return result
    }

    private struct Pattern: @unchecked Sendable {
        let expression: NSRegularExpression
        let template: String
    }

    private static let token = "[A-Za-z0-9._~+/=-]"
    private static let patterns: [Pattern] = [
        // Authorization: Bearer <token>
        (#"(?i)(bearer\s+)"# + token + "{8,}", "$1" + replacement),
        // OpenAI-style keys: sk-…, sk-proj-…
        (#"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{8,}"#, replacement),
        // key=value / "api_key": "value" style parameters
        (#"(?i)((?:api[_-]?key|access[_-]?token|auth[_-]?token|x-api-key)\\?"?\s*[:=]\s*\\?"?)"# + token + "{8,}",
         "$1" + replacement),
    ].map { source, template in
        // The patterns are constants: a failure here is a programming error caught by the tests.
        Pattern(expression: try! NSRegularExpression(pattern: source), template: template)
    }
}
