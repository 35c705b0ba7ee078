import BlindsightCore
import Imaging
import Panoptic

extension Compositor {
    /// From a foreground decision to the outputs: resolves `keep` against the area table, fits the id
    /// map to the image (nearest-neighbour rescale, reported in ``CompositeResult/notes``), builds
    /// the mask and composites.
    ///
    /// - Parameters:
    ///   - table: the table whose display numbers `keep` uses; nil computes it from `segmentation`.
    ///   - mapName: how notes and errors name the id map (its path).
    /// - Throws: ``CompositorError`` for names that match no segment; `PanopticError` when the id map
    ///   has another shape than the image (it belongs to another picture). Both exit 3.
    public static func cutout(
        image: Image, segmentation: PanopticSegmentation, keep: KeepSet, options: CompositeOptions,
        table: AreaTable? = nil, mapName: String = "the id map"
    ) throws -> CompositeResult {
        let table = table ?? AreaTable(segmentation: segmentation)
        let kept = try keep.resolve(in: segmentation, table: table)
        let fitted = try segmentation.fitted(toWidth: image.width, height: image.height, mapName: mapName)
        let mask = mask(idMap: fitted.idMap, keep: kept, options: options)
        var result = try composite(image: image, mask: mask, options: options)
        result.notes.insert(contentsOf: fitted.warnings.filter { !segmentation.warnings.contains($0) }, at: 0)
        return result
    }
}

extension Compositor {
    /// Whether ``writeCutout(mask:photo:toPath:effort:)`` makes the cutout that
    /// ``composite(image:mask:options:)`` would: a Gray8 mask on transparency, uncropped, with no soft
    /// edge that asks for foreground estimation.
    public static func canStream(mask: Image, options: CompositeOptions) -> Bool {
        mask.format == .gray8 && options.background == .transparent && options.cropMargin == nil
            && !(options.estimateForeground && AlphaSource(mask).hasPartialValues())
    }

    /// Writes the straight-alpha cutout of `photo` under `mask` (RGB 0 where alpha is 0) to a PNG at
    /// `path`, a band of rows at a time, as the photo is decoded: neither the photo nor the RGBA cutout
    /// is ever whole in memory, so a 12 MP cutout needs little more than its mask. The file is the
    /// same as ``composite(image:mask:options:)``'s cutout when ``canStream(mask:options:)`` holds.
    /// - Returns: the bytes written.
    /// - Throws: ``CompositorError/sizeMismatch(what:expected:actual:)`` when the sizes differ; the
    ///   photo's `ImageError`; `FileOutputError`. Nothing is left at `path` on failure.
    @discardableResult
    public static func writeCutout(mask: Image, photo: ImageRowReader, toPath path: String, effort: PNGEffort) throws -> Int {
        let staged = try stageCutout(mask: mask, photo: photo, toPath: path, effort: effort)
        try AtomicFile.publish([staged])
        return staged.byteCount
    }

    /// ``writeCutout(mask:photo:toPath:effort:)`` into a temporary file, published later with
    /// `AtomicFile.publish` (so a cutout and its mask appear together).
    public static func stageCutout(mask: Image, photo: ImageRowReader, toPath path: String, effort: PNGEffort) throws
        -> AtomicFile.Staged
    {
        guard mask.format == .gray8, mask.width == photo.width, mask.height == photo.height else {
            throw CompositorError.sizeMismatch(what: "the mask", expected: (photo.width, photo.height), actual: (mask.width, mask.height))
        }
        let width = mask.width
        var colour: [UInt8] = []
        return try mask.pixels.withUnsafeBufferPointer { alpha in
            try ImageFile.stagePNG(width: width, height: mask.height, format: .rgba8, toPath: path, effort: effort) { first, rows in
                let count = rows.count / 4
                if colour.count < count * 3 { colour = [UInt8](repeating: 0, count: count * 3) }
                try colour.withUnsafeMutableBufferPointer { rgb in
                    try photo.read(into: UnsafeMutableBufferPointer(rebasing: rgb[0..<(count * 3)]))
                    let base = first * width
                    for pixel in 0..<count {
                        let a = alpha[base + pixel]
                        let keep: UInt8 = a == 0 ? 0 : 0xFF
                        rows[4 * pixel] = rgb[3 * pixel] & keep
                        rows[4 * pixel + 1] = rgb[3 * pixel + 1] & keep
                        rows[4 * pixel + 2] = rgb[3 * pixel + 2] & keep
                        rows[4 * pixel + 3] = a
                    }
                }
            }
        }
    }
}
