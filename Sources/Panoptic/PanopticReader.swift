import BlindsightCore
import Foundation

/// Reads panoptic segmentations: an id map plus a segments JSON in any ``SegmentsFormat``, or a
/// "2-channel" map alone.
public enum PanopticReader {
    /// The segmentation described by `segmentsJSON` over `idMap`.
    ///
    /// Areas and boxes come from the map. JSON segments absent from the map are an error; map ids the
    /// JSON does not list become unlabelled (0) with a warning in ``PanopticSegmentation/warnings``.
    /// - Parameters:
    ///   - mapName: the id map's path, for messages and to pick the annotation out of a full COCO file.
    ///   - segmentsName: the JSON's path or origin, for messages.
    ///   - categories: the category set; nil means the JSON's own `categories`, else COCO panoptic.
    /// - Throws: ``PanopticError`` (exit 3) naming the file and the problem.
    public static func segmentation(
        idMap: SegmentIDMap, segmentsJSON: Data, mapName: String, segmentsName: String,
        categories: CategorySet? = nil
    ) throws(PanopticError) -> PanopticSegmentation {
        let json = try PanopticJSON.parse(segmentsJSON, origin: segmentsName)
        let document = try SegmentsDocument.parse(
            json, origin: segmentsName, mapFileName: (mapName as NSString).lastPathComponent, categories: categories)
        return try SegmentationAssembly.assemble(
            idMap: idMap, document: document, mapName: mapName, segmentsName: segmentsName)
    }

    /// The segmentation of a "2-channel" panoptic map (R = category id, G = instance number, B = 0,
    /// G = 255 for crowd regions), which needs no JSON.
    /// - Throws: ``PanopticError`` when the map does not have that form.
    public static func twoChannelSegmentation(
        idMap: SegmentIDMap, mapName: String, categories: CategorySet = .cocoPanoptic
    ) throws(PanopticError) -> PanopticSegmentation {
        guard let segmentation = SegmentationAssembly.twoChannel(idMap: idMap, categories: categories) else {
            throw .file(mapName, "is not a 2-channel panoptic map (R = category id of \(categories.name), B = 0)")
        }
        return segmentation
    }

    /// The segments JSON expected beside an id map: the same path with the extension `.json`
    /// (`photo.panoptic.png` → `photo.panoptic.json`).
    public static func segmentsPath(besideMap mapPath: String) -> String {
        (mapPath as NSString).deletingPathExtension + ".json"
    }
}
