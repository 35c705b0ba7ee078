extension AreaTable {
    /// The table of `segmentation`: areas, boxes and centroids from its id map; rows numbered 1… by
    /// decreasing area (ties by source id); percentages to one decimal that, with the void share, sum to
    /// exactly 100 (largest-remainder rounding). Segments absent from the map get no row.
    public init(segmentation: PanopticSegmentation) {
        let map = segmentation.idMap
        let statistics = map.statistics()
        let present = segmentation.segments
            .compactMap { segment -> (Segment, SegmentStatistics)? in
                guard segment.id > 0, segment.id <= Int(UInt32.max), let stats = statistics[UInt32(segment.id)]
                else { return nil }
                return (segment, stats)
            }
            .sorted { $0.1.area != $1.1.area ? $0.1.area > $1.1.area : $0.0.id < $1.0.id }
        let total = map.width * map.height
        let voidArea = total - present.reduce(0) { $0 + $1.1.area }
        let tenths = AreaTable.tenthsOfPercent(present.map(\.1.area) + [voidArea], total: total)
        let rows = present.enumerated().map { index, pair in
            let (segment, stats) = pair
            return Row(
                number: index + 1, sourceID: segment.id, label: segment.label, isThing: segment.isThing,
                isCrowd: segment.isCrowd, areaPercent: Double(tenths[index]) / 10,
                location: AreaTable.locationPhrase(
                    x: stats.centroidX / Double(map.width), y: stats.centroidY / Double(map.height)),
                bbox: stats.bbox, categoryID: segment.categoryID, score: segment.score)
        }
        self.init(
            width: map.width, height: map.height, rows: rows,
            voidPercent: tenths.last.map { Double($0) / 10 } ?? 0, unlabelledPixels: voidArea)
    }

    /// Each area in tenths of a percent of `total`, rounded so that they sum to 1000 (largest remainder).
    static func tenthsOfPercent(_ areas: [Int], total: Int) -> [Int] {
        guard total > 0 else { return areas.map { _ in 0 } }
        var floors = areas.map { $0 * 1000 / total }
        let remainders = areas.map { $0 * 1000 % total }
        let missing = 1000 - floors.reduce(0, +)
        let order = remainders.indices.sorted {
            remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1
        }
        for index in order.prefix(max(0, missing)) { floors[index] += 1 }
        return floors
    }

    /// The phrase for a point given as fractions of the frame: the cell of a 3×3 grid it falls in.
    public static func locationPhrase(x: Double, y: Double) -> String {
        let phrases = [
            ["upper left", "top", "upper right"],
            ["left", "centre", "right"],
            ["lower left", "bottom", "lower right"],
        ]
        let column = min(2, max(0, Int(x * 3)))
        let row = min(2, max(0, Int(y * 3)))
        return phrases[row][column]
    }
}
