/// Streams box-window sums over a `width × height` field with `channels` integer values per pixel.
///
/// Rows are produced on demand and each enters and leaves the vertical running sum once, so the cost
/// is O(1) per pixel and channel whatever the radius, and memory stays at three rows whatever the
/// image size. Sums are exact integers (no drift over thousands of rows). Windows are clipped to the
/// image; ``count(x:y:)`` gives the number of pixels a window covers, for means.
struct BoxSums {
    let width: Int
    let height: Int
    let channels: Int
    let radius: Int

    /// Pixels in the window centred on column `x` and row `y`.
    func count(x: Int, y: Int) -> Int { span(x, width) * span(y, height) }

    /// Calls `produce(y, row)` to fill row `y` (`width * channels` interleaved values) as needed,
    /// and `consume(y, sums)` once per row, top to bottom, with the window sums of that row.
    func run(
        produce: (_ y: Int, _ row: UnsafeMutableBufferPointer<Int>) -> Void,
        consume: (_ y: Int, _ sums: UnsafeBufferPointer<Int>) -> Void
    ) {
        guard width > 0, height > 0 else { return }
        let stride = width * channels
        var row = [Int](repeating: 0, count: stride)
        var horizontal = [Int](repeating: 0, count: stride)
        var column = [Int](repeating: 0, count: stride)
        row.withUnsafeMutableBufferPointer { row in
            horizontal.withUnsafeMutableBufferPointer { horizontal in
                column.withUnsafeMutableBufferPointer { column in
                    func accumulate(_ y: Int, sign: Int) {
                        produce(y, row)
                        horizontalSums(of: UnsafeBufferPointer(row), into: horizontal)
                        for index in 0..<stride { column[index] += sign * horizontal[index] }
                    }
                    for y in 0...min(radius, height - 1) { accumulate(y, sign: 1) }
                    for y in 0..<height {
                        consume(y, UnsafeBufferPointer(column))
                        if y + radius + 1 < height { accumulate(y + radius + 1, sign: 1) }
                        if y - radius >= 0 { accumulate(y - radius, sign: -1) }
                    }
                }
            }
        }
    }

    private func span(_ position: Int, _ extent: Int) -> Int {
        min(position + radius, extent - 1) - max(position - radius, 0) + 1
    }

    private func horizontalSums(of row: UnsafeBufferPointer<Int>, into sums: UnsafeMutableBufferPointer<Int>) {
        let k = channels
        for channel in 0..<k {
            var sum = 0
            for x in 0...min(radius, width - 1) { sum += row[x * k + channel] }
            for x in 0..<width {
                sums[x * k + channel] = sum
                if x + radius + 1 < width { sum += row[(x + radius + 1) * k + channel] }
                if x - radius >= 0 { sum -= row[(x - radius) * k + channel] }
            }
        }
    }
}
