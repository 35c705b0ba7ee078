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
