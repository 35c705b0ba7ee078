import Imaging

extension SegmentIDMap {
    /// Decodes an id map image: RGB (and RGBA, alpha ignored) as COCO panoptic, id = R + 256·G + 65536·B;
    /// 8-bit gray as id = the sample value (small-id maps such as transformers' and detectron2's).
    public init(idMapImage image: Image) {
        self.init(words: PixelWords(image))
    }

    /// An id map from pixel words (R | G << 8 | B << 16, or the gray sample): ids as the map stores them.
    public init(words: PixelWords) {
        self.init(width: words.width, height: words.height, ids: words.words)
    }

    /// The map as a COCO panoptic RGB image (R = id & 255, G = (id >> 8) & 255, B = (id >> 16) & 255).
    /// Ids above 16777215 do not fit the format and are truncated to their low 24 bits.
    public func cocoPanopticImage() -> Image {
        var pixels = [UInt8](repeating: 0, count: ids.count * 3)
        ids.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for index in 0..<source.count {
                    let id = source[index]
                    target[index * 3] = UInt8(truncatingIfNeeded: id)
                    target[index * 3 + 1] = UInt8(truncatingIfNeeded: id >> 8)
                    target[index * 3 + 2] = UInt8(truncatingIfNeeded: id >> 16)
                }
            }
        }
        return Image(width: width, height: height, format: .rgb8, pixels: pixels)
    }
}
