import BlindsightCore
import Foundation

extension AreaTable {
    /// One line of the table as shown: a segment, several instances of one class summarised together,
    /// tiny stuff regions folded into "other", or the unlabelled share.
    public struct Line: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable {
            case segment, group, other, unlabelled
        }

        public var kind: Kind
        /// The display numbers this line covers (one for a segment, none for the unlabelled line).
        public var numbers: [Int]
        /// The label as shown, without counts ("person", "other", "unlabelled").
        public var label: String
        public var isThing: Bool
        /// True when the line covers at least one crowd segment.
        public var isCrowd: Bool
        /// Share of the image in percent (one decimal; the lines of a table sum to 100).
        public var areaPercent: Double
        /// Where it lies ("centre"; "various" for a group spread over several places; empty for unlabelled).
        public var location: String
        /// The segment's box, or the union of a group's boxes; nil for the unlabelled line.
        public var bbox: BoundingBox?
    }

    /// Stuff regions smaller than this share (percent) may be folded into "other" past the row cap.
    public static let tinyStuffPercent = 1.0

    /// The lines to show, at most about `rowCap` (plus the unlabelled line).
    ///
    /// Up to the cap every segment has its own line. Past it, classes with several instances are
    /// summarised (most instances first; each class's smallest instances are merged into one line, its
    /// largest keep their own lines as far as the cap allows), then stuff regions
    /// under ``tinyStuffPercent`` are folded into one "other" line. Every thing class keeps a line of its
    /// own and every display number stays listed, so no possible subject disappears; a table that still
    /// does not fit is shown longer than the cap rather than hiding more.
    public func lines(rowCap: Int = 25) -> [Line] {
        var lines = rows.map { row in
            Line(
                kind: .segment, numbers: [row.number], label: row.label, isThing: row.isThing, isCrowd: row.isCrowd,
                areaPercent: row.areaPercent, location: row.location, bbox: row.bbox)
        }
        let cap = max(1, rowCap)
        if lines.count > cap { summariseClasses(&lines, cap: cap) }
        if lines.count > cap { foldTinyStuff(&lines, cap: cap) }
        if voidPercent > 0 || unlabelledPixels > 0 {
            lines.append(
                Line(
                    kind: .unlabelled, numbers: [], label: "unlabelled", isThing: false, isCrowd: false,
                    areaPercent: voidPercent, location: "", bbox: nil))
        }
        return lines
    }

    /// The table as compact aligned text for prompts and terminals, ending with a newline. Labels and
    /// places longer than ``maximumCellLength`` characters are cut (ending in "…"), so one absurd label
    /// from a file or service cannot widen every line; the work is linear in the table's size.
    public func renderText(rowCap: Int = 25) -> String {
        let shown = lines(rowCap: rowCap)
        let cells = shown.map { line -> [String] in
            [
                line.kind == .segment ? String(line.numbers[0]) : "",
                AreaTable.clipped(AreaTable.displayLabel(line)),
                line.kind == .unlabelled ? "" : (line.isThing ? "thing" : "stuff"),
                AreaTable.percentText(line.areaPercent),
                AreaTable.clipped(line.location),
                line.bbox.map { "\($0.x),\($0.y) \($0.width)×\($0.height)" } ?? "",
            ]
        }
        let header = ["#", "segment", "kind", "area", "where", "box (x,y w×h)"]
        let widths = header.indices.map { column in
            ([header] + cells).map { $0[column].count }.max() ?? 0
        }
        func format(_ cells: [String]) -> String {
            let padded = cells.indices.map { column -> String in
                let cell = cells[column]
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 || column == 3 ? padding + cell : cell + padding
            }
            var text = padded.joined(separator: "  ")
            while text.last?.isWhitespace == true { text.removeLast() }
            return text
        }
        let count = rows.count
        var text =
            "Segments of the \(width)×\(height) image: \(count) segment\(count == 1 ? "" : "s"), "
            + "numbered by area (largest first).\n"
        text += format(header) + "\n"
        for line in cells { text += format(line) + "\n" }
        return text
    }

    // MARK: Summarising

    private func summariseClasses(_ lines: inout [Line], cap: Int) {
        let segmentLines = lines.filter { $0.kind == .segment }
        let byClass: [String: [Line]] = Dictionary(grouping: segmentLines) { (line: Line) -> String in
            "\(line.isThing) \(line.label)"
        }
        let groups: [[Line]] = byClass.values.filter { $0.count >= 2 }.sorted { (a: [Line], b: [Line]) -> Bool in
            a.count != b.count ? a.count > b.count : a[0].numbers[0] < b[0].numbers[0]
        }
        for members in groups where lines.count > cap {
            // Merging m lines into one saves m - 1; the largest instances keep lines of their own.
            let merging = min(members.count, lines.count - cap + 1)
            guard merging >= 2 else { continue }
            let merged = Array(members.suffix(merging))
            let numbers = Set(merged.flatMap { $0.numbers })
            guard let position = lines.firstIndex(where: { $0.kind == .segment && numbers.contains($0.numbers[0]) })
            else { continue }
            let summary = AreaTable.merged(merged, kind: .group, label: merged[0].label, isThing: merged[0].isThing)
            lines.removeAll { $0.kind == .segment && numbers.contains($0.numbers[0]) }
            lines.insert(summary, at: position)
        }
    }

    private func foldTinyStuff(_ lines: inout [Line], cap: Int) {
        let tiny = lines.filter { $0.kind == .segment && !$0.isThing && $0.areaPercent < AreaTable.tinyStuffPercent }
            .sorted { $0.numbers[0] > $1.numbers[0] }
        let needed = min(tiny.count, lines.count - cap + 1)
        guard needed >= 2 else { return }
        let folded = Array(tiny.prefix(needed)).sorted { $0.numbers[0] < $1.numbers[0] }
        let numbers = Set(folded.flatMap(\.numbers))
        lines.removeAll { $0.kind == .segment && numbers.contains($0.numbers[0]) }
        lines.append(AreaTable.merged(folded, kind: .other, label: "other", isThing: false))
    }

    private static func merged(_ members: [Line], kind: Line.Kind, label: String, isThing: Bool) -> Line {
        let tenths = members.reduce(0) { $0 + UntrustedInput.clampedInt(($1.areaPercent * 10).rounded(), to: 0...1000) }
        let locations = Set(members.map(\.location))
        var union: BoundingBox?
        for box in members.compactMap(\.bbox) {
            union = union.map { $0.union(box) } ?? box
        }
        return Line(
            kind: kind, numbers: members.flatMap(\.numbers).sorted(), label: label, isThing: isThing,
            isCrowd: members.contains { $0.isCrowd }, areaPercent: Double(tenths) / 10,
            location: locations.count == 1 ? (locations.first ?? "") : "various", bbox: union)
    }

    // MARK: Text pieces

    /// The most characters a label or place cell shows in ``renderText(rowCap:)``.
    public static let maximumCellLength = 80

    /// `text`, cut to ``maximumCellLength`` characters with a final "…" when longer.
    static func clipped(_ text: String) -> String {
        guard text.utf8.count > maximumCellLength, text.count > maximumCellLength else { return text }
        return String(text.prefix(maximumCellLength - 1)) + "…"
    }

    /// At most this many numbers are listed in a summary line before "…".
    static let listedNumbers = 12

    static func displayLabel(_ line: Line) -> String {
        switch line.kind {
        case .segment, .unlabelled:
            return line.label + (line.isCrowd ? " (crowd)" : "")
        case .group, .other:
            var listed = line.numbers.prefix(listedNumbers).map(String.init)
            if line.numbers.count > listedNumbers { listed.append("…") }
            let crowd = line.isCrowd ? " incl. crowd" : ""
            return "\(line.label) ×\(line.numbers.count)\(crowd) (\(listed.joined(separator: ", ")))"
        }
    }

    static func percentText(_ percent: Double) -> String {
        percent == 0 ? "<0.1 %" : String(format: "%.1f %%", percent)
    }
}
