import Foundation

/// Defence in depth: scrubs anything that looks like a credential from a line before it is written.
///
/// Transcripts are built from records that hold no keys, but a key can still slip in (a model echoing
/// a prompt, a server error quoting a header, a base URL with a token). The redactor replaces known
/// key values (from the environment) and recognisable patterns (bearer tokens, `sk-…` keys,
/// `api_key=…` parameters) with `[REDACTED]`. It only touches runs of token characters, so it never
/// breaks the JSON around them.
public struct SecretRedactor: Sendable {
    /// What replaces a secret.
    public static let replacement = "[REDACTED]"

    /// Exact values to remove (longest first, so a key containing another is removed whole).
    public let knownSecrets: [String]

    public init(knownSecrets: [String]) {
        self.knownSecrets = Array(Set(knownSecrets.filter { $0.count >= 8 })).sorted { $0.count > $1.count }
    }

    /// A redactor that knows the values of every environment variable whose name suggests a secret
    /// (`*KEY*`, `*TOKEN*`, `*SECRET*`, `*PASSWORD*`, `*AUTH*`).
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, extra: [String] = []
    ) -> SecretRedactor {
        let markers = ["KEY", "TOKEN", "SECRET", "PASSWORD", "AUTH"]
        let values = environment.compactMap { name, value in
            markers.contains { name.uppercased().contains($0) } ? value : nil
        }
        return SecretRedactor(knownSecrets: values + extra)
    }

    /// `text` with every secret replaced.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in knownSecrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.replacement)
        }
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
