import BlindsightCore

/// Why a keep-set could not be turned into a cutout. Every case is bad input (exit status 3).
public enum CompositorError: UserFacingError, Equatable {
    /// Display numbers that are not rows of the area table.
    case unknownNumbers([Int], available: ClosedRange<Int>?)
    /// Source segment ids that are not in the segmentation.
    case unknownSourceIDs([Int])
    /// Labels that no segment carries.
    case unknownLabels([String], available: [String])
    /// The keep-set names nothing.
    case emptyKeepSet
    /// Two images that must have the same size do not.
    case sizeMismatch(what: String, expected: (width: Int, height: Int), actual: (width: Int, height: Int))

    public var message: String {
        switch self {
        case .unknownNumbers(let numbers, let available):
            let range = available.map { "the table has numbers \($0.lowerBound)–\($0.upperBound)" } ?? "the table is empty"
            return "segment number\(numbers.count == 1 ? "" : "s") \(Self.list(numbers)) not in the area table (\(range)); "
                + "use --keep-id for source ids"
        case .unknownSourceIDs(let ids):
            return "segment id\(ids.count == 1 ? "" : "s") \(Self.list(ids)) not in the id map; "
                + "use --keep for the table's display numbers"
        case .unknownLabels(let labels, let available):
            let known = available.prefix(12).joined(separator: ", ") + (available.count > 12 ? ", …" : "")
            return "no segment labelled \(labels.map { "\"\($0)\"" }.joined(separator: ", ")) (labels present: \(known))"
        case .emptyKeepSet:
            return "the keep-set is empty: name segments with --keep, --keep-id or --keep-label"
        case .sizeMismatch(let what, let expected, let actual):
            return "\(what) is \(actual.width)x\(actual.height) but the image is \(expected.width)x\(expected.height)"
        }
    }

    public var exitStatus: ExitStatus { .badInput }

    public static func == (lhs: CompositorError, rhs: CompositorError) -> Bool { lhs.message == rhs.message }

    private static func list(_ values: [Int]) -> String {
        values.map(String.init).joined(separator: ", ")
    }
}
