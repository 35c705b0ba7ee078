/// Guards for numbers and JSON texts that come from files, models and servers, so that no input can
/// trap a conversion or drive a recursive decoder (Foundation's JSON parsers and `Codable` recurse once
/// per nesting level) past a known depth.
public enum UntrustedInput {
    /// The deepest nesting of `[` and `{` accepted in JSON from outside. Real inputs (transcripts, JSON
    /// schemas, segment lists, model replies) stay below 10 levels; Foundation's own parsers refuse
    /// more than 512.
    public static let maximumJSONDepth = 256

    /// The deepest nesting of JSON arrays and objects in `bytes` (brackets inside strings not counted),
    /// found in one pass without recursion. It stops early, returning a value above `limit`, as soon as
    /// the nesting passes `limit`.
    public static func jsonDepth(of bytes: some Sequence<UInt8>, limit: Int = maximumJSONDepth) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > limit { return deepest }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(depth - 1, 0)
            default: break
            }
        }
        return deepest
    }

    /// Whether `bytes` nests JSON arrays and objects no deeper than ``maximumJSONDepth``.
    public static func jsonNestingIsAcceptable(_ bytes: some Sequence<UInt8>) -> Bool {
        jsonDepth(of: bytes) <= maximumJSONDepth
    }

    /// `value` rounded toward zero and clamped into `range`; NaN becomes `range.lowerBound`. Never traps,
    /// unlike `Int(_:)` on a double that is infinite or out of range.
    public static func clampedInt(_ value: Double, to range: ClosedRange<Int> = Int.min...Int.max) -> Int {
        guard !value.isNaN else { return range.lowerBound }
        if value <= Double(range.lowerBound) { return range.lowerBound }
        // Double(Int.max) rounds up to 2^63, which Int cannot hold: compare before converting.
        if value >= Double(range.upperBound) { return range.upperBound }
        return Int(value)
    }

    /// `value` converted exactly when it is a whole number inside `range`, else nil.
    public static func exactInt(_ value: Double, in range: ClosedRange<Int> = Int.min...Int.max) -> Int? {
        guard let whole = Int(exactly: value), range.contains(whole) else { return nil }
        return whole
    }
}
