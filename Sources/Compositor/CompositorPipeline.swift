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
        return try mask.pixels.withUnsafeBufferPointer { pixels in
            try stageCutout(width: width, height: mask.height, photo: photo, toPath: path, effort: effort) { first, alpha in
                UnsafeMutableRawBufferPointer(alpha).copyMemory(
                    from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: pixels[(first * width)..<(first * width + alpha.count)])))
            }.staged
        }
    }

    /// The cutout of a plain decision (see ``KeptAlphaRows``) streamed like
    /// ``stageCutout(mask:photo:toPath:effort:)``, its alpha made from the id map row by row, so no
    /// whole mask exists either. Returns the staged file and how many pixels are visible.
    public static func stageCutout(keeping kept: KeptAlphaRows, photo: ImageRowReader, toPath path: String, effort: PNGEffort)
        throws -> (staged: AtomicFile.Staged, visiblePixels: Int)
    {
        guard kept.idMap.width == photo.width, kept.idMap.height == photo.height else {
            throw CompositorError.sizeMismatch(
                what: "the id map", expected: (photo.width, photo.height), actual: (kept.idMap.width, kept.idMap.height))
        }
        var lookup = kept.lookup()
        return try stageCutout(width: photo.width, height: photo.height, photo: photo, toPath: path, effort: effort) {
            kept.fill(firstRow: $0, into: $1, lookup: &lookup)
        }
    }

    /// The mask PNG (Gray8) of a plain decision, made from the id map row by row.
    public static func stageMask(keeping kept: KeptAlphaRows, toPath path: String, effort: PNGEffort) throws
        -> AtomicFile.Staged
    {
        var lookup = kept.lookup()
        return try ImageFile.stagePNG(
            width: kept.idMap.width, height: kept.idMap.height, format: .gray8, toPath: path, effort: effort
        ) { first, rows in
            kept.fill(firstRow: first, into: rows, lookup: &lookup)
        }
    }

    /// Streams the straight-alpha cutout: each band's alpha from `fillAlpha`, its colours from the photo.
    private static func stageCutout(
        width: Int, height: Int, photo: ImageRowReader, toPath path: String, effort: PNGEffort,
        alpha fillAlpha: (_ firstRow: Int, _ alpha: UnsafeMutableBufferPointer<UInt8>) -> Void
    ) throws -> (staged: AtomicFile.Staged, visiblePixels: Int) {
        var colour: [UInt8] = []
        var alpha: [UInt8] = []
        var visible = 0
        let staged = try ImageFile.stagePNG(width: width, height: height, format: .rgba8, toPath: path, effort: effort) {
            first, rows in
            let count = rows.count / 4
            if colour.count < count * 3 { colour = [UInt8](repeating: 0, count: count * 3) }
            if alpha.count < count { alpha = [UInt8](repeating: 0, count: count) }
            try colour.withUnsafeMutableBufferPointer { rgb in
                try photo.read(into: UnsafeMutableBufferPointer(rebasing: rgb[0..<(count * 3)]))
                alpha.withUnsafeMutableBufferPointer { alpha in
                    fillAlpha(first, UnsafeMutableBufferPointer(rebasing: alpha[0..<count]))
                    for pixel in 0..<count {
                        let a = alpha[pixel]
                        let keep: UInt8 = a == 0 ? 0 : 0xFF
                        visible &+= Int(keep & 1)
                        rows[4 * pixel] = rgb[3 * pixel] & keep
                        rows[4 * pixel + 1] = rgb[3 * pixel + 1] & keep
                        rows[4 * pixel + 2] = rgb[3 * pixel + 2] & keep
                        rows[4 * pixel + 3] = a
                    }
                }
            }
        }
        return (staged, visible)
    }
}

/// The binary alpha of a plain decision (kept ids, maybe inverted; no feather, holes, islands,
/// background or crop), made from the id map a band of rows at a time: what a streamed cutout and its
/// mask need, without a whole mask in memory.
public struct KeptAlphaRows: Sendable {
    public let idMap: SegmentIDMap
    public let keep: Set<UInt32>
    public let invert: Bool

    public init(idMap: SegmentIDMap, keep: Set<UInt32>, invert: Bool = false) {
        self.idMap = idMap
        self.keep = keep
        self.invert = invert
    }

    /// Whether `options` make the plain binary mask (``Compositor/mask(idMap:keep:options:)`` would then
    /// be 255 exactly on the kept pixels) and a transparent, uncropped cutout.
    public static func applies(to options: CompositeOptions) -> Bool {
        options.featherRadius == 0 && !options.fillHoles && options.minimumIslandArea <= 1
            && options.background == .transparent && options.cropMargin == nil
    }

    func lookup() -> KeptIDLookup { KeptIDLookup(keep) }

    /// Fills `alpha` (whole rows from `firstRow` on) with 255 where kept, else 0 (the reverse when inverted).
    func fill(firstRow: Int, into alpha: UnsafeMutableBufferPointer<UInt8>, lookup: inout KeptIDLookup) {
        let inside: UInt8 = invert ? 0 : 255
        let outside: UInt8 = 255 - inside
        let base = firstRow * idMap.width
        idMap.ids.withUnsafeBufferPointer { ids in
            for index in 0..<alpha.count { alpha[index] = lookup.contains(ids[base + index]) ? inside : outside }
        }
    }
}
