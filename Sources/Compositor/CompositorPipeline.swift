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
    /// The same as ``composite(image:mask:options:)``, but for large photos: the mask moves into the
    /// cutout's alpha channel first and the photo is decoded only then, so the photo's pixels, a
    /// separate mask and the RGBA cutout are never held together (peak ≈ RGBA + RGB instead of
    /// RGBA + RGB + mask). Options that need the photo and the mask side by side (a crop, a
    /// background, foreground estimation at soft edges) take the ordinary path.
    /// - Parameter decodeImage: produces the photo; called once.
    public static func composite(
        mask maskToOwn: consuming Image, options: CompositeOptions, decodingImage decodeImage: () throws -> Image
    ) throws -> CompositeResult {
        var mask = consume maskToOwn
        let lean = mask.format == .gray8 && options.background == .transparent && options.cropMargin == nil
            && !(options.estimateForeground && AlphaSource(mask).hasPartialValues())
        guard lean else { return try composite(image: decodeImage(), mask: mask, options: options) }
        let width = mask.width, height = mask.height, count = width * height
        var rgba = [UInt8](repeating: 0, count: count * 4)
        for pixel in 0..<count { rgba[pixel * 4 + 3] = mask.pixels[pixel] }
        mask = Image(width: 0, height: 0, format: .gray8)
        do {
            let image = try decodeImage()
            guard image.width == width, image.height == height else {
                throw CompositorError.sizeMismatch(what: "the mask", expected: (image.width, image.height), actual: (width, height))
            }
            let colors = ColorSource(image)
            colors.samples.withUnsafeBufferPointer { source in
                rgba.withUnsafeMutableBufferPointer { target in
                    for pixel in 0..<count where target[pixel * 4 + 3] != 0 {
                        let color = pixel * colors.stride
                        target[pixel * 4] = source[color]
                        target[pixel * 4 + 1] = source[color + 1]
                        target[pixel * 4 + 2] = source[color + 2]
                    }
                }
            }
        }
        let alpha = (0..<count).map { rgba[$0 * 4 + 3] }
        return CompositeResult(
            cutout: Image(width: width, height: height, format: .rgba8, pixels: rgba),
            mask: Image(width: width, height: height, format: .gray8, pixels: alpha),
            frame: BoundingBox(x: 0, y: 0, width: width, height: height))
    }
}
