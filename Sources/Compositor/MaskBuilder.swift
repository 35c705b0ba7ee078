import Imaging

/// Answers "is this id kept?" for a stream of ids. Neighbouring pixels mostly share an id, so the
/// last answer is cached and the set is consulted only when the id changes.
struct KeptIDLookup {
    private let kept: Set<UInt32>
    private var lastID: UInt32
    private var lastAnswer: Bool

    init(_ kept: Set<UInt32>) {
        self.kept = kept
        lastID = 0
        lastAnswer = kept.contains(0)
    }

    @inline(__always)
    mutating func contains(_ id: UInt32) -> Bool {
        if id != lastID {
            lastID = id
            lastAnswer = kept.contains(id)
        }
        return lastAnswer
    }
}

/// Builds and refines binary and soft masks, one byte per pixel (0 = background, 255 = foreground).
enum MaskBuilder {
    /// 255 where the id is kept (or, with `invert`, where it is not), else 0.
    static func binaryMask(ids: [UInt32], keep: Set<UInt32>, invert: Bool) -> [UInt8] {
        ids.withUnsafeBufferPointer { ids in
            binaryMask(count: ids.count, keep: keep, invert: invert) { ids[$0] }
        }
    }

    /// The same, reading ids straight from a COCO panoptic image (id = R + 256·G + 65536·B), so no
    /// full-size id array is ever built.
    static func binaryMask(panoptic image: Image, keep: Set<UInt32>, invert: Bool) -> [UInt8] {
        let channels = image.format.channels
        return image.pixels.withUnsafeBufferPointer { samples in
            binaryMask(count: image.width * image.height, keep: keep, invert: invert) { index in
                let base = index * channels
                return channels < 3
                    ? UInt32(samples[base])
                    : UInt32(samples[base]) | UInt32(samples[base + 1]) << 8 | UInt32(samples[base + 2]) << 16
            }
        }
    }

    @inline(__always)
    private static func binaryMask(count: Int, keep: Set<UInt32>, invert: Bool, id: (Int) -> UInt32) -> [UInt8] {
        var lookup = KeptIDLookup(keep)
        let inside: UInt8 = invert ? 0 : 255
        let outside: UInt8 = 255 - inside
        var mask = [UInt8](repeating: 0, count: count)
        mask.withUnsafeMutableBufferPointer { mask in
            for index in 0..<count { mask[index] = lookup.contains(id(index)) ? inside : outside }
        }
        return mask
    }

    /// Applies the shape options (islands, holes, feather) to a binary mask, in that order.
    static func refine(_ mask: inout [UInt8], width: Int, height: Int, options: CompositeOptions) {
        guard width > 0, height > 0 else { return }
        if options.minimumIslandArea > 1 { dropIslands(&mask, width: width, height: height, below: options.minimumIslandArea) }
        if options.fillHoles { fillHoles(&mask, width: width, height: height) }
        if options.featherRadius > 0 { feather(&mask, width: width, height: height, radius: options.featherRadius) }
    }

    /// Clears every 8-connected foreground region with fewer than `minimumArea` pixels.
    static func dropIslands(_ mask: inout [UInt8], width: Int, height: Int, below minimumArea: Int) {
        let visited: UInt8 = 254
        var stack: [Int32] = []
        for seed in 0..<mask.count where mask[seed] == 255 {
            let area = flood(&mask, width: width, height: height, from: seed, matching: 255, paint: visited,
                             eightConnected: true, stack: &stack)
            if area < minimumArea {
                flood(&mask, width: width, height: height, from: seed, matching: visited, paint: 0,
                      eightConnected: true, stack: &stack)
            }
        }
        for index in 0..<mask.count where mask[index] == visited { mask[index] = 255 }
    }

    /// Turns every background region that does not touch the image border (4-connected) into foreground.
    static func fillHoles(_ mask: inout [UInt8], width: Int, height: Int) {
        let outside: UInt8 = 1
        var stack: [Int32] = []
        guard width > 0, height > 0 else { return }
        let lastRow = (height - 1) * width
        var border: [Int] = []
        for x in 0..<width { border += [x, lastRow + x] }
        for y in 0..<height { border += [y * width, y * width + width - 1] }
        for seed in border where mask[seed] == 0 {
            flood(&mask, width: width, height: height, from: seed, matching: 0, paint: outside,
                  eightConnected: false, stack: &stack)
        }
        for index in 0..<mask.count {
            mask[index] = mask[index] == outside ? 0 : 255
        }
    }

    /// Softens the edge: two box blurs (radii ⌈r/2⌉ and ⌊r/2⌋, a tent of half-width `radius`), so the
    /// alpha ramps linearly-to-smoothly across the boundary and is 0.5 on it.
    static func feather(_ mask: inout [UInt8], width: Int, height: Int, radius: Int) {
        for passRadius in [(radius + 1) / 2, radius / 2] where passRadius > 0 {
            let source = mask
            let box = BoxSums(width: width, height: height, channels: 1, radius: passRadius)
            box.run(
                produce: { y, row in
                    for x in 0..<width { row[x] = Int(source[y * width + x]) }
                },
                consume: { y, sums in
                    for x in 0..<width {
                        let count = box.count(x: x, y: y)
                        mask[y * width + x] = UInt8((sums[x] + count / 2) / count)
                    }
                })
        }
    }

    /// Paints the region of pixels equal to `value` connected to `seed`; returns its size.
    @discardableResult
    private static func flood(
        _ mask: inout [UInt8], width: Int, height: Int, from seed: Int, matching value: UInt8, paint: UInt8,
        eightConnected: Bool, stack: inout [Int32]
    ) -> Int {
        guard mask[seed] == value else { return 0 }
        var area = 0
        mask[seed] = paint
        stack.append(Int32(seed))
        while let last = stack.popLast() {
            let index = Int(last)
            area += 1
            let x = index % width
            let y = index / width
            for dy in -1...1 {
                let ny = y + dy
                guard ny >= 0, ny < height else { continue }
                for dx in -1...1 where (dx != 0 || dy != 0) && (eightConnected || dx == 0 || dy == 0) {
                    let nx = x + dx
                    guard nx >= 0, nx < width else { continue }
                    let neighbour = ny * width + nx
                    if mask[neighbour] == value {
                        mask[neighbour] = paint
                        stack.append(Int32(neighbour))
                    }
                }
            }
        }
        return area
    }
}
