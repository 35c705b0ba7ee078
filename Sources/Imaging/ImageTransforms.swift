extension Image {
    /// This image turned upright according to an EXIF orientation (1-8; other values = 1).
    ///
    /// 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse,
    /// 8 rotate 90 counter-clockwise. Orientations 5-8 swap width and height.
    public func oriented(_ orientation: Int) -> Image {
        guard (2...8).contains(orientation), width > 0, height > 0 else { return self }
        let w = width
        let h = height
        // Upright pixel (x, y) comes from stored pixel index origin + x * stepX + y * stepY.
        let (origin, stepX, stepY): (Int, Int, Int) =
            switch orientation {
            case 2: (w - 1, -1, w)
            case 3: ((h - 1) * w + w - 1, -1, -w)
            case 4: ((h - 1) * w, 1, -w)
            case 5: (0, w, 1)
            case 6: ((h - 1) * w, -w, 1)
            case 7: ((h - 1) * w + w - 1, -w, -1)
            default: (w - 1, w, -1)
            }
        let swapped = orientation >= 5
        let outWidth = swapped ? h : w
        let outHeight = swapped ? w : h
        let channels = format.channels
        let result = makePixels(count: pixels.count) { out in
            pixels.withUnsafeBufferPointer { source in
                var target = 0
                for y in 0..<outHeight {
                    var index = origin + y * stepY
                    for _ in 0..<outWidth {
                        let base = index * channels
                        for c in 0..<channels { out[target + c] = source[base + c] }
                        target += channels
                        index += stepX
                    }
                }
            }
        }
        return Image(width: outWidth, height: outHeight, format: format, pixels: result)
    }

    /// This image in another pixel format. Gray is replicated to colour; colour becomes gray by
    /// ITU-R BT.601 luma (as Pillow's "L"); adding alpha makes it opaque; dropping alpha discards it
    /// (no compositing over a background).
    public func converted(to target: PixelFormat) -> Image {
        guard target != format else { return self }
        let count = width * height
        let sourceChannels = format.channels
        let targetChannels = target.channels
        let result = makePixels(count: count * targetChannels) { out in
            pixels.withUnsafeBufferPointer { source in
                for index in 0..<count {
                    let s = index * sourceChannels
                    let t = index * targetChannels
                    let (r, g, b): (UInt8, UInt8, UInt8) =
                        sourceChannels == 1
                        ? (source[s], source[s], source[s]) : (source[s], source[s + 1], source[s + 2])
                    let alpha: UInt8 = sourceChannels == 4 ? source[s + 3] : 255
                    switch target {
                    case .gray8:
                        out[t] = sourceChannels == 1 ? r : luma(r, g, b)
                    case .rgb8:
                        out[t] = r
                        out[t + 1] = g
                        out[t + 2] = b
                    case .rgba8:
                        out[t] = r
                        out[t + 1] = g
                        out[t + 2] = b
                        out[t + 3] = alpha
                    }
                }
            }
        }
        return Image(width: width, height: height, format: target, pixels: result)
    }

    private func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let weighted: Int = Int(r) * 299 + Int(g) * 587 + Int(b) * 114
        return UInt8((weighted + 500) / 1000)
    }
}
