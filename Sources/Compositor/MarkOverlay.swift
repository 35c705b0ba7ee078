import Foundation
import Imaging
import Panoptic

/// Where one segment's numbered badge sits in a Set-of-Mark overlay: a filled pill around the
/// segment's display number, centred on the point deepest inside the segment.
public struct MarkBadge: Sendable, Equatable {
    /// The display number written in the badge.
    public var number: Int
    /// The segment's source id.
    public var sourceID: Int
    /// The badge centre: the pixel farthest from the segment's boundary (distance-transform maximum).
    public var centerX: Int
    public var centerY: Int
    /// The badge's bounding rectangle, in image pixels.
    public var box: BoundingBox
    /// Image pixels per font cell; badges shrink (down to 1) until they fit inside their segment.
    public var scale: Int
    /// Whether every pixel of the badge lies inside its segment (false only for segments too thin
    /// for even the smallest badge; the centre is inside regardless).
    public var fitsInside: Bool

    /// Whether the badge paints the pixel (`x`, `y`): inside the rounded rectangle.
    public func covers(x: Int, y: Int) -> Bool {
        guard x >= box.x, x < box.x + box.width, y >= box.y, y < box.y + box.height else { return false }
        let radius = Double(min(box.width, box.height)) / 2
        let px = Double(x) + 0.5, py = Double(y) + 0.5
        let dx = max(Double(box.x) + radius - px, 0, px - (Double(box.x + box.width) - radius))
        let dy = max(Double(box.y) + radius - py, 0, py - (Double(box.y + box.height) - radius))
        return dx * dx + dy * dy <= radius * radius
    }

    fileprivate var text: String { String(number) }
    fileprivate var padding: (x: Int, y: Int) { (2 * scale, scale + (scale + 1) / 2) }

    fileprivate init(number: Int, sourceID: Int, centerX: Int, centerY: Int, scale: Int) {
        self.number = number
        self.sourceID = sourceID
        self.centerX = centerX
        self.centerY = centerY
        self.scale = scale
        box = BoundingBox(x: 0, y: 0, width: 0, height: 0)
        fitsInside = false
        let width = BadgeFont.cellWidth(of: text) * scale + 2 * padding.x
        let height = BadgeFont.glyphHeight * scale + 2 * padding.y
        box = BoundingBox(x: centerX - width / 2, y: centerY - height / 2, width: width, height: height)
    }
}

/// The Set-of-Mark overlay (Microsoft's SoM visual prompting): every segment outlined in its own
/// colour, its display number in a badge at the point deepest inside it, so a vision model can refer
/// to segments by number.
public enum MarkOverlay {
    /// Font scale for an image: the badges' digits grow with the image (7 px tall up to ~600 px wide).
    public static func fontScale(width: Int, height: Int) -> Int {
        max(1, Int((Double(max(width, height)) / 400).rounded()))
    }

    /// The image (RGB) with outlines and numbered badges drawn over it. The id map is rescaled
    /// nearest-neighbour to the image's size when they differ.
    public static func render(image: Image, idMap: SegmentIDMap, table: AreaTable) -> Image {
        let map = idMap.rescaled(toWidth: image.width, height: image.height)
        let geometry = SegmentGeometry(idMap: map, table: table)
        let source = ColorSource(image)
        var pixels = [UInt8](repeating: 0, count: image.width * image.height * 3)
        for pixel in 0..<(image.width * image.height) {
            for c in 0..<3 { pixels[pixel * 3 + c] = source.samples[pixel * source.stride + c] }
        }
        func paint(_ pixel: Int, _ color: RGBColor) {
            pixels[pixel * 3] = color.red
            pixels[pixel * 3 + 1] = color.green
            pixels[pixel * 3 + 2] = color.blue
        }
        let scale = fontScale(width: image.width, height: image.height)
        let thickness = Float(max(1, (scale + 1) / 3))
        var lookup = geometry.rowLookup()
        for pixel in 0..<map.ids.count where geometry.boundaryDistance[pixel] < thickness * thickness {
            if let row = lookup.slot(of: map.ids[pixel]) { paint(pixel, MarkPalette.color(for: table.rows[row].number)) }
        }
        for badge in geometry.badges(maximumScale: scale) {
            let fill = MarkPalette.color(for: badge.number)
            let ink = MarkPalette.ink(on: fill)
            let origin = (x: badge.box.x + badge.padding.x, y: badge.box.y + badge.padding.y)
            for y in max(badge.box.y, 0)..<min(badge.box.y + badge.box.height, map.height) {
                for x in max(badge.box.x, 0)..<min(badge.box.x + badge.box.width, map.width)
                where badge.covers(x: x, y: y) {
                    let cellX = x - origin.x, cellY = y - origin.y
                    let isInk = cellX >= 0 && cellY >= 0
                        && BadgeFont.isInk(badge.text, column: cellX / badge.scale, row: cellY / badge.scale)
                    paint(y * map.width + x, isInk ? ink : fill)
                }
            }
        }
        return Image(width: image.width, height: image.height, format: .rgb8, pixels: pixels)
    }

    /// Where the badges go for an image of the id map's size, one per table row present in the map.
    public static func badges(idMap: SegmentIDMap, table: AreaTable) -> [MarkBadge] {
        SegmentGeometry(idMap: idMap, table: table)
            .badges(maximumScale: fontScale(width: idMap.width, height: idMap.height))
    }
}

/// Per-segment geometry of an id map: distance to the nearest boundary, and each segment's deepest pixel.
private struct SegmentGeometry {
    let idMap: SegmentIDMap
    let table: AreaTable
    /// Squared distance from every pixel to the nearest boundary pixel (one with a 4-neighbour of another id).
    let boundaryDistance: [Float]
    /// For each table row, the deepest pixel of its segment (nearest the centroid among equals), or
    /// nil when the segment is absent from the map.
    private(set) var deepest: [Int?]

    init(idMap: SegmentIDMap, table: AreaTable) {
        self.idMap = idMap
        self.table = table
        let width = idMap.width, height = idMap.height, ids = idMap.ids
        var boundary = [Bool](repeating: false, count: ids.count)
        for y in 0..<height {
            for x in 0..<width {
                let pixel = y * width + x
                if x + 1 < width, ids[pixel] != ids[pixel + 1] { boundary[pixel] = true; boundary[pixel + 1] = true }
                if y + 1 < height, ids[pixel] != ids[pixel + width] {
                    boundary[pixel] = true
                    boundary[pixel + width] = true
                }
            }
        }
        boundaryDistance = DistanceTransform.squaredDistances(width: width, height: height, features: boundary)
        deepest = []
        // Depth of a pixel: the nearest pixel outside its segment lies one step beyond the nearest
        // boundary pixel, or just past the image border.
        func depth(_ pixel: Int) -> Float {
            let x = pixel % width, y = pixel / width
            let toBorder = Float(min(x + 1, width - x, y + 1, height - y))
            return min(boundaryDistance[pixel].squareRoot() + 1, toBorder)
        }
        // First pass: each segment's greatest depth and centroid; second: among its deepest pixels
        // (rectilinear shapes have many), the one nearest the centroid.
        var greatest = [Float](repeating: 0, count: table.rows.count)
        var sums = [(x: Int, y: Int, count: Int)](repeating: (0, 0, 0), count: table.rows.count)
        var lookup = rowLookup()
        for pixel in 0..<ids.count {
            guard let row = lookup.slot(of: ids[pixel]) else { continue }
            greatest[row] = max(greatest[row], depth(pixel))
            sums[row] = (sums[row].x + pixel % width, sums[row].y + pixel / width, sums[row].count + 1)
        }
        let centroids = sums.map { (x: Double($0.x) / Double(max($0.count, 1)), y: Double($0.y) / Double(max($0.count, 1))) }
        var best = [(pixel: Int, distance: Double)?](repeating: nil, count: table.rows.count)
        for pixel in 0..<ids.count {
            guard let row = lookup.slot(of: ids[pixel]), depth(pixel) >= greatest[row] - 1e-3 else { continue }
            let dx = Double(pixel % width) - centroids[row].x, dy = Double(pixel / width) - centroids[row].y
            let distance = dx * dx + dy * dy
            if distance < best[row]?.distance ?? .infinity { best[row] = (pixel, distance) }
        }
        deepest = best.map { $0?.pixel }
    }

    /// Maps ids to table-row slots, remembering the last answer (neighbouring pixels share ids).
    struct RowLookup {
        let slots: [UInt32: Int]
        var lastID: UInt32 = 0
        var lastSlot: Int?

        mutating func slot(of id: UInt32) -> Int? {
            if id != lastID {
                lastID = id
                lastSlot = slots[id]
            }
            return lastSlot
        }
    }

    func rowLookup() -> RowLookup {
        var slots: [UInt32: Int] = [:]
        for (slot, row) in table.rows.enumerated() where row.sourceID > 0 && row.sourceID <= Int(UInt32.max) {
            slots[UInt32(row.sourceID)] = slot
        }
        return RowLookup(slots: slots)
    }

    /// One badge per segment present, each as large as fits inside its segment (≤ `maximumScale`).
    func badges(maximumScale: Int) -> [MarkBadge] {
        table.rows.enumerated().compactMap { slot, row -> MarkBadge? in
            guard let pixel = deepest[slot] else { return nil }
            let centerX = pixel % idMap.width, centerY = pixel / idMap.width
            for scale in stride(from: maximumScale, through: 1, by: -1) {
                var badge = MarkBadge(number: row.number, sourceID: row.sourceID, centerX: centerX, centerY: centerY, scale: scale)
                if isInside(badge) {
                    badge.fitsInside = true
                    return badge
                }
            }
            return MarkBadge(number: row.number, sourceID: row.sourceID, centerX: centerX, centerY: centerY, scale: 1)
        }
    }

    private func isInside(_ badge: MarkBadge) -> Bool {
        let box = badge.box
        guard box.x >= 0, box.y >= 0, box.x + box.width <= idMap.width, box.y + box.height <= idMap.height else {
            return false
        }
        let id = UInt32(truncatingIfNeeded: badge.sourceID)
        for y in box.y..<(box.y + box.height) {
            for x in box.x..<(box.x + box.width) where badge.covers(x: x, y: y) {
                if idMap.ids[y * idMap.width + x] != id { return false }
            }
        }
        return true
    }
}
