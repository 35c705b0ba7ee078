/// What the id map says about one segment: its pixel count, tight box and centroid.
public struct SegmentStatistics: Sendable, Equatable {
    /// Pixel count.
    public var area: Int
    /// Tight bounding box.
    public var bbox: BoundingBox
    /// Mean x of the segment's pixel centres (pixel (0, 0) has its centre at 0.5, 0.5).
    public var centroidX: Double
    /// Mean y of the segment's pixel centres.
    public var centroidY: Double
}

/// Running sums for one segment: pixel count, coordinate sums and extremes.
private struct Accumulator {
    var count = 0
    var sumX = 0
    var sumY = 0
    var minX: Int
    var maxX: Int
    var minY: Int
    var maxY: Int

    init(firstX: Int, firstY: Int) {
        minX = firstX
        maxX = firstX
        minY = firstY
        maxY = firstY
    }

    mutating func add(run: Range<Int>, y: Int) {
        let length = run.count
        count += length
        sumX += (run.lowerBound + run.upperBound - 1) * length / 2
        sumY += y * length
        minX = min(minX, run.lowerBound)
        maxX = max(maxX, run.upperBound - 1)
        maxY = y
    }

    var statistics: SegmentStatistics {
        let pixels = Double(count)
        return SegmentStatistics(
            area: count,
            bbox: BoundingBox(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1),
            centroidX: Double(sumX) / pixels + 0.5, centroidY: Double(sumY) / pixels + 0.5)
    }
}

extension SegmentIDMap {
    /// Area, box and centroid of every non-void id present in the map, in one pass over runs of equal ids.
    public func statistics() -> [UInt32: SegmentStatistics] {
        var accumulators: [Accumulator] = []
        var slotByID: [UInt32: Int] = [:]
        var lastID: UInt32 = 0
        var lastSlot = -1
        ids.withUnsafeBufferPointer { buffer in
            for y in 0..<height {
                let row = y * width
                var start = 0
                while start < width {
                    let id = buffer[row + start]
                    var end = start + 1
                    while end < width, buffer[row + end] == id { end += 1 }
                    if id != 0 {
                        if id != lastID || lastSlot < 0 {
                            if let known = slotByID[id] {
                                lastSlot = known
                            } else {
                                lastSlot = accumulators.count
                                slotByID[id] = lastSlot
                                accumulators.append(Accumulator(firstX: start, firstY: y))
                            }
                            lastID = id
                        }
                        accumulators[lastSlot].add(run: start..<end, y: y)
                    }
                    start = end
                }
            }
        }
        var result: [UInt32: SegmentStatistics] = [:]
        for (id, slot) in slotByID {
            result[id] = accumulators[slot].statistics
        }
        return result
    }

    /// Number of void (id 0) pixels.
    public var voidPixelCount: Int {
        ids.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
    }

    /// This map resampled to `width`×`height` by nearest neighbour (each output pixel takes the id under
    /// its centre), so no new ids appear.
    public func rescaled(toWidth newWidth: Int, height newHeight: Int) -> SegmentIDMap {
        if newWidth == width, newHeight == height { return self }
        guard width > 0, height > 0, newWidth > 0, newHeight > 0 else {
            return SegmentIDMap(
                width: max(newWidth, 0), height: max(newHeight, 0),
                ids: [UInt32](repeating: 0, count: max(newWidth, 0) * max(newHeight, 0)))
        }
        let sourceColumns = (0..<newWidth).map { min(width - 1, (2 * $0 + 1) * width / (2 * newWidth)) }
        var output = [UInt32](repeating: 0, count: newWidth * newHeight)
        ids.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for y in 0..<newHeight {
                    let sourceRow = min(height - 1, (2 * y + 1) * height / (2 * newHeight)) * width
                    let targetRow = y * newWidth
                    for x in 0..<newWidth {
                        target[targetRow + x] = source[sourceRow + sourceColumns[x]]
                    }
                }
            }
        }
        return SegmentIDMap(width: newWidth, height: newHeight, ids: output)
    }
}

extension PanopticSegmentation {
    /// The segmentation with every segment's area and box recomputed from the id map, and segments
    /// absent from the map dropped. Use after editing or rescaling the map.
    public func recomputedStatistics() -> PanopticSegmentation {
        let statistics = idMap.statistics()
        var copy = self
        copy.segments = segments.compactMap { segment in
            guard segment.id > 0, segment.id <= Int(UInt32.max), let stats = statistics[UInt32(segment.id)] else {
                return nil
            }
            var updated = segment
            updated.area = stats.area
            updated.bbox = stats.bbox
            return updated
        }
        return copy
    }

    /// The segmentation fitted to an image of `width`×`height`: unchanged when the sizes agree; rescaled
    /// nearest-neighbour (with a warning) when only the scale differs; an error when the aspect ratios
    /// differ by more than 2 % or one pixel, which means the map belongs to another image.
    public func fitted(toWidth width: Int, height: Int, mapName: String) throws(PanopticError) -> PanopticSegmentation {
        let map = idMap
        if map.width == width, map.height == height { return self }
        let expectedHeight = Double(map.height) * Double(width) / Double(max(map.width, 1))
        let tolerance = max(1.0, 0.02 * Double(height))
        guard map.width > 0, map.height > 0, abs(expectedHeight - Double(height)) <= tolerance else {
            throw .file(
                mapName,
                "the id map is \(map.width)×\(map.height) but the image is \(width)×\(height) (a different "
                    + "shape); is it the segmentation of another image?")
        }
        var copy = self
        copy.idMap = map.rescaled(toWidth: width, height: height)
        copy = copy.recomputedStatistics()
        copy.warnings.append(
            "\(mapName): id map \(map.width)×\(map.height) rescaled to the image's \(width)×\(height) "
                + "(nearest neighbour)")
        return copy
    }
}
