import Foundation

/// Every secret value a run knows (API keys, `api_key_cmd` output, header values, credentials and
/// query values of base URLs), collected once from the configuration and removed from every text
/// that leaves the process: terminal lines, error messages, transcripts, `config show`.
///
/// Values are matched exactly, and also in the forms a server may echo them in: JSON-escaped and
/// percent-encoded. Occurrences are replaced by ``replacement``; secrets that contain or overlap each
/// other are removed whole. Redaction takes one pass over the text, whatever the number of secrets.
///
/// Values shorter than ``minimumLength`` characters are ignored: such a value would match ordinary
/// words and numbers everywhere (a query value `json`, a user name `admin`), and a credential that
/// short protects nothing anyway.
public struct Secrets: Sendable, Hashable {
    /// What replaces a secret.
    public static let replacement = "[REDACTED]"
    /// The shortest value treated as a secret, in characters.
    public static let minimumLength = 6

    /// The values, as given (at least ``minimumLength`` characters each).
    public let values: Set<String>
    let matcher: SecretMatcher

    /// A set holding `values` (shorter ones are dropped, see ``minimumLength``).
    public init(_ values: some Sequence<String> = []) {
        self.values = Set(values.filter { $0.count >= Self.minimumLength })
        matcher = Self.compile(self.values)
    }

    /// Whether there is nothing to redact.
    public var isEmpty: Bool { values.isEmpty }

    /// This set and `other`'s values.
    public func union(_ other: Secrets) -> Secrets {
        other.values.isSubset(of: values) ? self : Secrets(values.union(other.values))
    }

    /// This set plus `more`.
    public func adding(_ more: some Sequence<String>) -> Secrets { union(Secrets(more)) }

    /// `text` with every occurrence of every secret (in any of its echoed forms) replaced.
    public func redact(_ text: String) -> String {
        guard !values.isEmpty else { return text }
        let bytes = Array(text.utf8)
        let ranges = matcher.coveredRanges(in: bytes).ranges
        return ranges.isEmpty ? text : Self.replace(ranges, in: bytes)
    }

    /// Whether `text` contains a secret.
    public func occurs(in text: String) -> Bool {
        !values.isEmpty && !matcher.coveredRanges(in: text.utf8).ranges.isEmpty
    }

    /// The secrets a URL carries: its user name and password, every query value, and the
    /// `Authorization: Basic` token made from them (both as written and percent-decoded).
    public static func credentials(inURL url: String) -> [String] {
        guard let components = URLComponents(string: url) else {
            // Unparseable: treat what lies between "://" and "@", and after "?", as secret.
            let afterScheme = url.components(separatedBy: "://").dropFirst().joined(separator: "://")
            let userInfo = afterScheme.contains("@") ? afterScheme.components(separatedBy: "@").dropLast() : []
            let query = url.split(separator: "?", maxSplits: 1).dropFirst().flatMap { $0.split(separator: "&") }
            return userInfo.flatMap { $0.split(separator: ":").map(String.init) }
                + query.map { String($0.split(separator: "=", maxSplits: 1).last ?? $0) }
        }
        var found = [components.percentEncodedUser, components.user, components.percentEncodedPassword, components.password]
            .compactMap { $0 }
        if let user = components.user {
            found.append(Data("\(user):\(components.password ?? "")".utf8).base64EncodedString())
        }
        for item in components.percentEncodedQueryItems ?? [] {
            guard let value = item.value else { continue }
            found += [value, value.removingPercentEncoding ?? value]
        }
        return found
    }

    public static func == (lhs: Secrets, rhs: Secrets) -> Bool { lhs.values == rhs.values }
    public func hash(into hasher: inout Hasher) { hasher.combine(values) }

    /// The byte patterns for `values`: each value, and its JSON-escaped and percent-encoded forms.
    private static func compile(_ values: Set<String>) -> SecretMatcher {
        var patterns: Set<[UInt8]> = []
        for value in values {
            patterns.insert(Array(value.utf8))
            patterns.insert(Array(jsonEscaped(value, slashes: true).utf8))
            patterns.insert(Array(jsonEscaped(value, slashes: false).utf8))
            for allowed in percentEncodingSets {
                guard let encoded = value.addingPercentEncoding(withAllowedCharacters: allowed) else { continue }
                patterns.insert(Array(encoded.utf8))
                patterns.insert(Array(lowercasedEscapes(encoded).utf8))
            }
        }
        return SecretMatcher(patterns: patterns.sorted { $0.count > $1.count })
    }

    /// The characters common encoders leave as they are: RFC 3986 unreserved (Go, curl), plus `/`
    /// (Python's `quote`), plus `!*'()` (JavaScript's `encodeURIComponent`).
    private static let percentEncodingSets: [CharacterSet] = {
        let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
        return [unreserved, unreserved + "/", unreserved + "!*'()"].map { CharacterSet(charactersIn: $0) }
    }()

    /// `encoded` with the hex digits of its `%XX` escapes in lower case (some encoders write them so).
    private static func lowercasedEscapes(_ encoded: String) -> String {
        var result = ""
        var remainingHex = 0
        for character in encoded {
            if remainingHex > 0 {
                result += character.lowercased()
                remainingHex -= 1
            } else {
                result.append(character)
                if character == "%" { remainingHex = 2 }
            }
        }
        return result
    }

    /// `value` as it appears inside a JSON string (quotes, backslashes and controls escaped; slashes
    /// too when `slashes`, as some encoders do).
    private static func jsonEscaped(_ value: String, slashes: Bool) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "/" where slashes: result += "\\/"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `bytes` with each range replaced by ``replacement``. A range preceded by an odd run of
    /// backslashes takes the last one with it, so a JSON escape is never left dangling.
    static func replace(_ ranges: [Range<Int>], in bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0
        for range in ranges {
            var start = range.lowerBound
            var backslashes = 0
            while start - backslashes - 1 >= copied, bytes[start - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
            if backslashes % 2 == 1 { start -= 1 }
            output += bytes[copied..<start]
            output += replacement.utf8
            copied = range.upperBound
        }
        output += bytes[copied...]
        return String(decoding: output, as: UTF8.self)
    }
}
