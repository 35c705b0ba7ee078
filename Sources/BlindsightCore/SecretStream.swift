/// Redacts text that arrives in pieces (a streamed model reply), where a secret may be split across
/// two pieces: the tail that could still grow into a secret is held back until the next piece shows
/// whether it does, so no part of a secret is ever passed on.
///
/// What is held back is at most one secret's length; ``flush()`` releases it when the text ends.
public struct SecretStream: Sendable {
    private let secrets: Secrets
    private var pending: [UInt8] = []

    public init(_ secrets: Secrets) {
        self.secrets = secrets
    }

    /// The redacted text that can be passed on now that `piece` has arrived (possibly empty).
    public mutating func feed(_ piece: String) -> String {
        guard !secrets.isEmpty else { return piece }
        pending += piece.utf8
        let (ranges, openSuffix) = secrets.coverage(of: pending)
        // Keep back the open suffix and any match that reaches into it.
        var cut = pending.count - openSuffix
        for range in ranges.reversed() where range.upperBound > cut { cut = min(cut, range.lowerBound) }
        let released = Array(pending[..<cut])
        pending.removeFirst(cut)
        return Secrets.replace(ranges.filter { $0.upperBound <= cut }, in: released)
    }

    /// Everything still held back, redacted; the stream starts afresh.
    public mutating func flush() -> String {
        defer { pending = [] }
        return Secrets.replace(secrets.coverage(of: pending).ranges, in: pending)
    }
}

extension Secrets {
    /// Where secrets occur in `bytes`, and how long a suffix could still become one.
    func coverage(of bytes: [UInt8]) -> (ranges: [Range<Int>], openSuffix: Int) {
        matcher.coveredRanges(in: bytes)
    }
}
