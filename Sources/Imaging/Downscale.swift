import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Image {
    /// This image reduced by area averaging so its longer side is `maxSide` (aspect ratio kept, each
    /// side at least 1). Every source pixel contributes in proportion to the area it covers, so there
    /// is no nearest-neighbour aliasing. Returns the image unchanged when it is already small enough.
    public func downscaled(toMaxSide maxSide: Int) -> Image {
        let longSide = Swift.max(width, height)
        guard maxSide > 0, longSide > maxSide else { return self }
        let targetWidth: Int
        let targetHeight: Int
        if width >= height {
            targetWidth = maxSide
            targetHeight = Swift.max(1, Int((Double(height) * Double(maxSide) / Double(width)).rounded()))
        } else {
            targetHeight = maxSide
            targetWidth = Swift.max(1, Int((Double(width) * Double(maxSide) / Double(height)).rounded()))
        }
        return areaAveraged(width: targetWidth, height: targetHeight)
    }

    /// This image resampled to exactly `width` x `height` (each no larger than the current size) by
    /// area averaging with 14-bit fixed-point weights: for each output row, a vertical pass over the
    /// source rows it covers, then a horizontal pass. Large images are split into bands of output rows
    /// that run on all cores.
    public func areaAveraged(width targetWidth: Int, height targetHeight: Int) -> Image {
        precondition(
            targetWidth >= 1 && targetHeight >= 1 && targetWidth <= width && targetHeight <= height,
            "areaAveraged only reduces")
        if targetWidth == width && targetHeight == height { return self }
        let channels = format.channels
        let columns = AreaWeights(source: width, target: targetWidth)
        let rows = AreaWeights(source: height, target: targetHeight)
        let sourceRowLength = width * channels
        let targetRowLength = targetWidth * channels
        let bands = Self.bandCount(sourcePixels: width * height, outputRows: targetHeight)
        let result = makePixels(count: targetRowLength * targetHeight) { out in
            pixels.withUnsafeBufferPointer { source in
                let sourceBase = BandPointer(source.baseAddress!)
                let outBase = BandPointer(out.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: bands) { band in
                    var sums = [UInt32](repeating: 0, count: sourceRowLength)
                    var line = [UInt8](repeating: 0, count: sourceRowLength)
                    for y in (targetHeight * band / bands)..<(targetHeight * (band + 1) / bands) {
                        rows.blendRows(
                            for: y, of: sourceBase.address, rowLength: sourceRowLength, sums: &sums, into: &line)
                        line.withUnsafeBufferPointer { blended in
                            columns.resampleRow(
                                blended.baseAddress!, into: outBase.address + y * targetRowLength,
                                channels: channels)
                        }
                    }
                }
            }
        }
        return Image(width: targetWidth, height: targetHeight, format: format, pixels: result)
    }

    /// One band per core for images of a megapixel or more, each band at least 16 output rows.
    private static func bandCount(sourcePixels: Int, outputRows: Int) -> Int {
        guard sourcePixels >= 1_000_000 else { return 1 }
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        return max(1, min(cores, outputRows / 16))
    }
}

/// A pointer shared by parallel bands that read a common source or write disjoint rows of one output.
private struct BandPointer: @unchecked Sendable {
    let address: UnsafeMutablePointer<UInt8>
    init(_ address: UnsafeMutablePointer<UInt8>) { self.address = address }
    init(_ address: UnsafePointer<UInt8>) { self.address = UnsafeMutablePointer(mutating: address) }
}

/// Fixed-point area-coverage weights for reducing `source` samples to `target` along one axis.
struct AreaWeights {
    static let shift: UInt32 = 14
    static let one: UInt32 = 1 << shift
    static let half: UInt32 = 1 << (shift - 1)

    /// First source index of each target sample.
    var starts: [Int] = []
    /// Number of contributing source samples of each target sample.
    var counts: [Int] = []
    /// `stride` weights per target sample, summing to `one`.
    var weights: [UInt32] = []
    var stride = 0

    init(source: Int, target: Int) {
        let scale = Double(source) / Double(target)
        stride = Int(scale.rounded(.up)) + 1
        weights = [UInt32](repeating: 0, count: stride * target)
        for index in 0..<target {
            let start = Double(index) * scale
            let end = Swift.min(Double(source), Double(index + 1) * scale)
            let first = Int(start.rounded(.down))
            let last = Swift.min(source, Int(end.rounded(.up)))
            starts.append(first)
            counts.append(last - first)
            var total: UInt32 = 0
            var largest = 0
            for k in 0..<(last - first) {
                let low = Swift.max(start, Double(first + k))
                let high = Swift.min(end, Double(first + k + 1))
                let weight = UInt32((Double(AreaWeights.one) * (high - low) / scale).rounded())
                weights[index * stride + k] = weight
                total += weight
                if weight > weights[index * stride + largest] { largest = k }
            }
            // Make the weights sum to exactly one, so flat areas stay exactly flat.
            weights[index * stride + largest] = weights[index * stride + largest] &+ AreaWeights.one &- total
        }
    }

    /// The weighted sum of the source rows covering output row `index` (vertical pass).
    func blendRows(
        for index: Int, of source: UnsafePointer<UInt8>, rowLength: Int, sums: inout [UInt32],
        into line: inout [UInt8]
    ) {
        let first = starts[index]
        let count = counts[index]
        sums.withUnsafeMutableBufferPointer { sums in
            for i in 0..<rowLength { sums[i] = AreaWeights.half }
            for k in 0..<count {
                let weight = weights[index * stride + k]
                let row = source + (first + k) * rowLength
                for i in 0..<rowLength { sums[i] &+= weight &* UInt32(row[i]) }
            }
            line.withUnsafeMutableBufferPointer { line in
                for i in 0..<rowLength { line[i] = UInt8(truncatingIfNeeded: sums[i] >> AreaWeights.shift) }
            }
        }
    }

    /// Resamples one row of interleaved samples (horizontal pass).
    func resampleRow(_ source: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>, channels: Int) {
        // Literal channel counts let the compiler specialise the inlined kernel for each layout.
        switch channels {
        case 1: resampleRow(source, into: out, fixedChannels: 1)
        case 3: resampleRow(source, into: out, fixedChannels: 3)
        default: resampleRow(source, into: out, fixedChannels: 4)
        }
    }

    @inline(__always)
    private func resampleRow(
        _ source: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>, fixedChannels channels: Int
    ) {
        weights.withUnsafeBufferPointer { weights in
            starts.withUnsafeBufferPointer { starts in
                counts.withUnsafeBufferPointer { counts in
                    for index in 0..<starts.count {
                        let base = source + starts[index] * channels
                        let w = weights.baseAddress! + index * stride
                        var s0 = AreaWeights.half
                        var s1 = AreaWeights.half
                        var s2 = AreaWeights.half
                        var s3 = AreaWeights.half
                        for k in 0..<counts[index] {
                            let p = base + k * channels
                            s0 &+= w[k] &* UInt32(p[0])
                            if channels > 1 {
                                s1 &+= w[k] &* UInt32(p[1])
                                s2 &+= w[k] &* UInt32(p[2])
                                if channels > 3 { s3 &+= w[k] &* UInt32(p[3]) }
                            }
                        }
                        let o = out + index * channels
                        o[0] = UInt8(truncatingIfNeeded: s0 >> AreaWeights.shift)
                        if channels > 1 {
                            o[1] = UInt8(truncatingIfNeeded: s1 >> AreaWeights.shift)
                            o[2] = UInt8(truncatingIfNeeded: s2 >> AreaWeights.shift)
                            if channels > 3 { o[3] = UInt8(truncatingIfNeeded: s3 >> AreaWeights.shift) }
                        }
                    }
                }
            }
        }
    }
}
