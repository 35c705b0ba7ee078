import BlindsightCore
import Foundation
import Imaging

extension PanopticReader {
    /// Reads an id map PNG and its segments JSON.
    ///
    /// - Parameters:
    ///   - mapPath: the id map: a COCO panoptic RGB PNG (id = R + 256·G + 65536·B) or an 8-bit gray PNG
    ///     of small ids.
    ///   - segmentsPath: the segments JSON; nil means the same path as the map with `.json`
    ///     (see ``segmentsPath(besideMap:)``), and when that does not exist, a 2-channel map is accepted.
    ///   - categories: the category set; nil means the JSON's own `categories`, else COCO panoptic.
    /// - Throws: ``PanopticError`` or the imaging error for an unreadable PNG (exit 3).
    public static func read(mapPath: String, segmentsPath: String? = nil, categories: CategorySet? = nil) throws
        -> PanopticSegmentation
    {
        let (map, isGray) = try decodedIDMap(pngBytes: FileReading.bytes(atPath: mapPath), name: mapPath)
        let jsonPath = segmentsPath ?? self.segmentsPath(besideMap: mapPath)
        if segmentsPath == nil, !FileManager.default.fileExists(atPath: jsonPath) {
            // Only a colour PNG can be 2-channel: a gray map of small ids would pass for one.
            guard !isGray,
                var segmentation = SegmentationAssembly.twoChannel(idMap: map, categories: categories ?? .cocoPanoptic)
            else {
                throw PanopticError.file(
                    mapPath, "no segments JSON beside it (looked for \(jsonPath)); give one with --segments FILE.json")
            }
            segmentation.warnings.append(
                "\(mapPath): no segments JSON beside it; read as a 2-channel map (R = category, G = instance)")
            return segmentation
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: jsonPath))
        } catch {
            throw PanopticError.file(jsonPath, "cannot read: \(FileReading.reason(error))")
        }
        return try segmentation(
            idMap: map, segmentsJSON: data, mapName: mapPath, segmentsName: jsonPath, categories: categories)
    }

    /// The segmentation in one self-contained JSON document: a panoptic service answer
    /// (`{"width", "height", "segments", "png": "<base64 COCO panoptic PNG>"}`, received over HTTP or
    /// saved to a file), or transformers results dumped with the map as a nested list
    /// (`{"segmentation": [[0, 1, …], …], "segments_info": […], "id2label"?: {…}}`, -1 = unlabelled).
    /// `origin` names it in errors.
    public static func segmentation(selfContainedJSON data: Data, origin: String, categories: CategorySet? = nil) throws
        -> PanopticSegmentation
    {
        let json = try PanopticJSON.parse(data, origin: origin)
        let map: SegmentIDMap
        let knownFormat: SegmentsFormat?
        if let encoded = json["png"]?.stringValue {
            guard let png = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                throw PanopticError.file(origin, "the answer's \"png\" is not base64")
            }
            map = try idMap(pngBytes: [UInt8](png), name: "\(origin) png")
            knownFormat = .coco
        } else if let rows = json["segmentation"] {
            map = try PanopticJSON.idMap(rows: rows, origin: origin)
            knownFormat = nil
        } else {
            throw PanopticError.file(origin, "has no id map (expected \"png\" or a \"segmentation\" list of rows)")
        }
        let document = try SegmentsDocument.parse(
            json, origin: origin, mapFileName: nil, categories: categories, knownFormat: knownFormat)
        return try SegmentationAssembly.assemble(
            idMap: map, document: document, mapName: "\(origin) id map", segmentsName: origin)
    }

    /// Decodes the id map PNG at `path`.
    public static func idMap(atPath path: String) throws -> SegmentIDMap {
        try idMap(pngBytes: FileReading.bytes(atPath: path), name: path)
    }

    /// Decodes id map PNG bytes; `name` names them in errors. JPEG (lossy) and 16-bit PNGs are refused,
    /// since their samples would not be the ids.
    public static func idMap(pngBytes bytes: [UInt8], name: String) throws -> SegmentIDMap {
        try decodedIDMap(pngBytes: bytes, name: name).map
    }

    /// The id map, decoded row by row straight into ids (a 12 MP map never exists as an RGB image as
    /// well), and whether the PNG is gray (small ids).
    private static func decodedIDMap(pngBytes bytes: [UInt8], name: String) throws -> (map: SegmentIDMap, isGray: Bool) {
        let info = try ImageDecoder.info(bytes, name: name)
        guard info.format == .png else {
            throw PanopticError.file(name, "an id map must be a PNG (JPEG is lossy and changes the ids)")
        }
        guard info.bitDepth <= 8 else {
            throw PanopticError.file(
                name,
                "16-bit id maps are not supported; save the ids as a COCO panoptic RGB PNG (id = R + 256·G + 65536·B)")
        }
        guard info.colorType != "gray+alpha" else {
            throw PanopticError.file(name, "a gray+alpha PNG is not an id map; use RGB (COCO) or 8-bit gray")
        }
        return (SegmentIDMap(words: try ImageDecoder.decodePNGWords(bytes, name: name)), info.colorType == "gray")
    }
}
