/// Exact Euclidean distance transform (Felzenszwalb & Huttenlocher, "Distance Transforms of Sampled
/// Functions", 2012): two separable passes of a 1-D lower-envelope-of-parabolas scan, O(n) overall.
enum DistanceTransform {
    /// Squared distance from every pixel to the nearest pixel where `features` is true, in pixel
    /// units; `.infinity` everywhere when there is no feature.
    static func squaredDistances(width: Int, height: Int, features: [Bool]) -> [Float] {
        let unreachable = Double.greatestFiniteMagnitude / 4
        var plane = features.map { $0 ? Float(0) : Float.infinity }
        guard width > 0, height > 0 else { return plane }
        let longest = max(width, height)
        var line = [Double](repeating: 0, count: longest)
        var output = [Double](repeating: 0, count: longest)
        var scratch = EnvelopeScratch(capacity: longest)
        for x in 0..<width {
            for y in 0..<height { line[y] = plane[y * width + x].isFinite ? Double(plane[y * width + x]) : unreachable }
            transform1D(line, count: height, into: &output, scratch: &scratch)
            for y in 0..<height { plane[y * width + x] = Float(output[y]) }
        }
        for y in 0..<height {
            for x in 0..<width { line[x] = plane[y * width + x].isFinite ? Double(plane[y * width + x]) : unreachable }
            transform1D(line, count: width, into: &output, scratch: &scratch)
            for x in 0..<width { plane[y * width + x] = output[x] >= unreachable / 2 ? .infinity : Float(output[x]) }
        }
        return plane
    }

    /// Reusable buffers of the envelope scan: parabola vertices and the boundaries between them.
    private struct EnvelopeScratch {
        var vertices: [Int]
        var boundaries: [Double]

        init(capacity: Int) {
            vertices = [Int](repeating: 0, count: capacity)
            boundaries = [Double](repeating: 0, count: capacity + 1)
        }
    }

    /// `output[q] = min over p of (q − p)² + f[p]`.
    private static func transform1D(_ f: [Double], count n: Int, into output: inout [Double], scratch: inout EnvelopeScratch) {
        var k = 0
        scratch.vertices[0] = 0
        scratch.boundaries[0] = -.infinity
        scratch.boundaries[1] = .infinity
        for q in 1..<max(n, 1) {
            var s = intersection(f, q, scratch.vertices[k])
            while s <= scratch.boundaries[k] {
                k -= 1
                s = intersection(f, q, scratch.vertices[k])
            }
            k += 1
            scratch.vertices[k] = q
            scratch.boundaries[k] = s
            scratch.boundaries[k + 1] = .infinity
        }
        k = 0
        for q in 0..<n {
            while scratch.boundaries[k + 1] < Double(q) { k += 1 }
            let p = scratch.vertices[k]
            output[q] = Double((q - p) * (q - p)) + f[p]
        }
    }

    @inline(__always)
    private static func intersection(_ f: [Double], _ q: Int, _ p: Int) -> Double {
        ((f[q] + Double(q * q)) - (f[p] + Double(p * p))) / Double(2 * q - 2 * p)
    }
}
