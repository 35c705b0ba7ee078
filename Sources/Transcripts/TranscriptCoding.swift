import Foundation

/// The JSON conventions of transcript lines: one object per line, sorted keys, unescaped slashes,
/// times as ISO 8601 UTC with exactly three decimals (milliseconds), so a time read back and written
/// again is the same text.
enum TranscriptCoding {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an ISO 8601 time")
            }
            return date
        }
        return decoder
    }

    /// `2026-11-22T03:10:05.123Z`.
    static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = fraction < 0 ? (seconds - 1, fraction + 1000) : (seconds, fraction)
        let base = wholeSeconds.format(Date(timeIntervalSince1970: TimeInterval(whole.0)))
        return String(base.dropLast()) + "." + String(whole.1 + 1000).dropFirst() + "Z"
    }

    /// Parses ISO 8601 with or without a fraction; the result is rounded to milliseconds.
    static func parse(_ text: String) -> Date? {
        var base = text
        var fraction = 0.0
        if let dot = text.firstIndex(of: "."), let end = text[dot...].firstIndex(where: { !$0.isNumber && $0 != "." }) {
            fraction = Double("0" + text[dot..<end]) ?? 0
            base = String(text[..<dot] + text[end...])
        }
        guard let date = try? wholeSeconds.parse(base) else { return nil }
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded() + (fraction * 1000).rounded()
        return Date(timeIntervalSince1970: milliseconds / 1000)
    }

    private static let wholeSeconds = Date.ISO8601FormatStyle()
}
