import Foundation
import Panoptic

/// The segments a foreground decision keeps, named the way a user or the reasoner names them:
/// by the area table's display numbers, by the source's segment ids, or by label (a label keeps
/// every segment that carries it).
public struct KeepSet: Sendable, Hashable, Codable {
    /// Display numbers (1, 2, 3 … as in the area table and the marks).
    public var numbers: [Int]
    /// Source segment ids (the values in the id map; COCO ids are 7-digit numbers).
    public var sourceIDs: [Int]
    /// Labels such as "dog"; matched case-insensitively against every segment's label.
    public var labels: [String]

    public init(numbers: [Int] = [], sourceIDs: [Int] = [], labels: [String] = []) {
        self.numbers = numbers
        self.sourceIDs = sourceIDs
        self.labels = labels
    }

    /// True when the set names nothing.
    public var isEmpty: Bool { numbers.isEmpty && sourceIDs.isEmpty && labels.isEmpty }

    /// The source ids this set keeps.
    ///
    /// - Throws: ``CompositorError`` naming every display number, source id or label that matches no
    ///   segment, or ``CompositorError/emptyKeepSet`` when the set names nothing.
    public func resolve(in segmentation: PanopticSegmentation, table: AreaTable) throws(CompositorError) -> Set<UInt32> {
        guard !isEmpty else { throw .emptyKeepSet }
        var kept = Set<UInt32>()

        var unknownNumbers: [Int] = []
        for number in numbers {
            if let row = table.row(number: number) { kept.insert(UInt32(truncatingIfNeeded: row.sourceID)) } else {
                unknownNumbers.append(number)
            }
        }
        if !unknownNumbers.isEmpty {
            let numbers = table.rows.map(\.number)
            let range = numbers.min().flatMap { low in numbers.max().map { low...$0 } }
            throw .unknownNumbers(unknownNumbers, available: range)
        }

        let knownIDs = Set(segmentation.segments.map(\.id)).union(table.rows.map(\.sourceID))
        let unknownIDs = sourceIDs.filter { !knownIDs.contains($0) || $0 <= 0 || $0 > Int(UInt32.max) }
        if !unknownIDs.isEmpty { throw .unknownSourceIDs(unknownIDs) }
        kept.formUnion(sourceIDs.map { UInt32($0) })

        var unknownLabels: [String] = []
        for label in labels {
            let wanted = Self.normalized(label)
            let matches = segmentation.segments.filter { Self.normalized($0.label) == wanted }
                .map { UInt32(truncatingIfNeeded: $0.id) }
                + table.rows.filter { Self.normalized($0.label) == wanted }.map { UInt32(truncatingIfNeeded: $0.sourceID) }
            if matches.isEmpty { unknownLabels.append(label) } else { kept.formUnion(matches) }
        }
        if !unknownLabels.isEmpty {
            var seen = Set<String>()
            let available = segmentation.segments.map(\.label).filter { seen.insert($0).inserted }
            throw .unknownLabels(unknownLabels, available: available)
        }
        return kept
    }

    private static func normalized(_ label: String) -> String {
        label.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
