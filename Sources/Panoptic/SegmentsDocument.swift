import BlindsightCore

/// The JSON forms of a segment list that Blindsight reads. The form is detected from the entries
/// (see ``SegmentsFormat/detect(_:)``) unless the document names it in a top-level `"format"` member.
public enum SegmentsFormat: String, Sendable, CaseIterable {
    /// COCO panoptic `segments_info`: `id`, `category_id` (a dataset id such as COCO's 1…200), `iscrowd`,
    /// `area`, `bbox`. The panoptic service's answer is this form plus `label`, `isthing` and `score`.
    case coco
    /// HuggingFace transformers `post_process_panoptic_segmentation`: `id`, `label_id` (an index into the
    /// model's `id2label`), `score`, `was_fused`.
    case transformers
    /// detectron2 / Mask2Former `panoptic_seg` segments: `id`, `category_id` (the contiguous index into
    /// the category set's order), `isthing`.
    case detectron2

    /// The form of a list of segment entries: any `label_id` means transformers; `isthing` without
    /// `bbox` means detectron2; anything else is COCO.
    static func detect(_ entries: [JSONValue]) -> SegmentsFormat {
        if entries.contains(where: { $0["label_id"] != nil }) { return .transformers }
        if entries.contains(where: { $0["isthing"] != nil && $0["bbox"] == nil }) { return .detectron2 }
        return .coco
    }
}

/// A segment as a JSON document describes it, before it is checked against the id map.
struct DescribedSegment: Sendable, Equatable {
    var id: Int
    var categoryID: Int?
    var label: String
    var isThing: Bool
    var isCrowd: Bool
    var score: Double?
    var area: Int?
    var bbox: BoundingBox?
}

/// A parsed segments JSON document in any of the ``SegmentsFormat``s.
struct SegmentsDocument: Sendable {
    var format: SegmentsFormat
    var segments: [DescribedSegment]
    /// The image size the document states, if any (`width`/`height` members).
    var width: Int?
    var height: Int?
    var warnings: [String] = []

    /// Parses `json` read from `origin`.
    /// - Parameters:
    ///   - mapFileName: the id map's file name, used to pick the annotation out of a full COCO annotations file.
    ///   - categories: the category set to use; nil means the document's own `categories`, else COCO panoptic.
    ///   - knownFormat: the form when the caller knows it (the panoptic service answers in COCO form).
    static func parse(
        _ json: JSONValue, origin: String, mapFileName: String?, categories explicit: CategorySet?,
        knownFormat: SegmentsFormat? = nil
    ) throws(PanopticError) -> SegmentsDocument {
        var categories = CategorySet.cocoPanoptic
        if let explicit {
            categories = explicit
        } else if let embedded = try embeddedCategories(json, origin: origin) {
            categories = embedded
        }
        let entries = try segmentEntries(json, origin: origin, mapFileName: mapFileName)
        let format: SegmentsFormat
        if let knownFormat {
            format = knownFormat
        } else if let named = json["format"]?.stringValue {
            guard let known = SegmentsFormat(rawValue: named) else {
                throw .file(origin, "unknown \"format\" \"\(named)\" (use coco, transformers or detectron2)")
            }
            format = known
        } else {
            format = SegmentsFormat.detect(entries)
        }
        let id2label = try labelTable(json, origin: origin)
        var document = SegmentsDocument(
            format: format, segments: [],
            width: try PanopticJSON.optionalInt(json["width"], "width", in: "the document", of: origin),
            height: try PanopticJSON.optionalInt(json["height"], "height", in: "the document", of: origin))
        var seen: Set<Int> = []
        var uncategorised: [String] = []
        for (position, entry) in entries.enumerated() {
            let place = "segment \(position + 1)"
            let segment = try describe(
                entry, format: format, place: place, origin: origin, categories: categories, id2label: id2label,
                uncategorised: &uncategorised)
            guard seen.insert(segment.id).inserted else {
                throw .file(origin, "segment id \(segment.id) is listed twice")
            }
            document.segments.append(segment)
        }
        if !uncategorised.isEmpty {
            // Labels come from the file: at most a dozen are named, each cut like a table cell.
            let distinct = Set(uncategorised).sorted()
            let labels = distinct.prefix(AreaTable.listedNumbers).map(AreaTable.clipped).joined(separator: ", ")
                + (distinct.count > AreaTable.listedNumbers ? ", …" : "")
            document.warnings.append(
                "\(origin): \(uncategorised.count) segment\(uncategorised.count == 1 ? "" : "s") (\(labels)) not in "
                    + "\(categories.name); shown with their own labels and treated as things")
        }
        return document
    }

    // MARK: Locating the parts

    private static func embeddedCategories(_ json: JSONValue, origin: String) throws(PanopticError) -> CategorySet? {
        guard case .array? = json["categories"] else { return nil }
        return try CategorySet.parse(json, origin: origin, name: "\(origin) categories")
    }

    private static func segmentEntries(_ json: JSONValue, origin: String, mapFileName: String?) throws(PanopticError)
        -> [JSONValue]
    {
        switch json {
        case .array(let entries):
            return entries
        case .object:
            if case .array(let annotations)? = json["annotations"] {
                let annotation = try pickAnnotation(annotations, origin: origin, mapFileName: mapFileName)
                return try segmentEntries(annotation, origin: origin, mapFileName: nil)
            }
            for key in ["segments_info", "segments"] {
                if case .array(let entries)? = json[key] { return entries }
            }
            throw .file(
                origin,
                "found no segment list (expected \"segments_info\", \"segments\", \"annotations\" or a bare list)")
        default:
            throw .file(origin, "expected a JSON object or list of segments")
        }
    }

    private static func pickAnnotation(_ annotations: [JSONValue], origin: String, mapFileName: String?)
        throws(PanopticError) -> JSONValue
    {
        if let mapFileName {
            // "photo.panoptic.png" also matches an annotation for "photo.png".
            let sidecarBase = mapFileName.replacingOccurrences(of: ".panoptic.png", with: ".png")
            for name in [mapFileName, sidecarBase] {
                if let match = annotations.first(where: { $0["file_name"]?.stringValue == name }) { return match }
            }
        }
        if annotations.count == 1 { return annotations[0] }
        let names = annotations.compactMap { $0["file_name"]?.stringValue }.prefix(3).joined(separator: ", ")
        throw .file(
            origin,
            "has \(annotations.count) annotations and none for \(mapFileName ?? "this id map") (file names: \(names)…)")
    }

    private static func labelTable(_ json: JSONValue, origin: String) throws(PanopticError) -> [Int: String]? {
        guard let value = json["id2label"] else { return nil }
        guard case .object(let members) = value else {
            throw .file(origin, "\"id2label\" must be an object such as {\"0\": \"person\"}")
        }
        var table: [Int: String] = [:]
        for (key, name) in members {
            guard let index = Int(key), let label = name.stringValue else {
                throw .file(origin, "\"id2label\" entry \"\(key)\" must map an integer to a label")
            }
            table[index] = label
        }
        return table
    }

    // MARK: One entry

    private static func describe(
        _ entry: JSONValue, format: SegmentsFormat, place: String, origin: String, categories: CategorySet,
        id2label: [Int: String]?, uncategorised: inout [String]
    ) throws(PanopticError) -> DescribedSegment {
        guard case .object = entry else { throw .file(origin, "\(place) is not an object") }
        let id = try PanopticJSON.int(entry["id"], "id", in: place, of: origin)
        guard id > 0, id <= 0xFF_FFFF else { throw .file(origin, "\(place): id \(id) is outside 1…16777215") }
        let category: PanopticCategory?
        var statedCategoryID: Int?
        var fallbackLabel = entry["label"]?.stringValue
        /// Why the entry has no category, said when it has no label either.
        let unknown: String
        let setName = "the \(categories.categories.count) categories of \(categories.name)"
        switch format {
        case .coco:
            let categoryID = try PanopticJSON.int(entry["category_id"], "category_id", in: place, of: origin)
            statedCategoryID = categoryID
            category = categories.category(id: categoryID)
            unknown = "category_id \(categoryID) is not in \(setName) (give the right set with --categories)"
        case .detectron2:
            let index = try PanopticJSON.int(entry["category_id"], "category_id", in: place, of: origin)
            category = categories.category(contiguousIndex: index)
            unknown =
                "category_id \(index) is past \(setName) (detectron2 ids are contiguous indices; give --categories)"
        case .transformers:
            let index = try PanopticJSON.int(entry["label_id"], "label_id", in: place, of: origin)
            if let id2label {
                guard let name = id2label[index] else {
                    throw .file(origin, "\(place): label_id \(index) is not in \"id2label\"")
                }
                category = categories.category(named: name)
                fallbackLabel = fallbackLabel ?? name
            } else {
                category = categories.category(contiguousIndex: index)
            }
            unknown = "label_id \(index) is past \(setName) (add \"id2label\" to the JSON or give --categories)"
        }
        if category == nil, fallbackLabel == nil { throw .file(origin, "\(place): \(unknown)") }
        let statedThing = try PanopticJSON.bool(entry["isthing"], "isthing", in: place, of: origin)
        let isThing = statedThing ?? category?.isThing ?? true
        if category == nil, statedThing == nil {
            uncategorised.append(fallbackLabel ?? "?")
        }
        return DescribedSegment(
            id: id, categoryID: category?.id ?? statedCategoryID,
            label: category?.label ?? categories.naturalLabel(for: fallbackLabel ?? "unknown"),
            isThing: isThing,
            isCrowd: try PanopticJSON.bool(entry["iscrowd"], "iscrowd", in: place, of: origin) ?? false,
            score: try PanopticJSON.optionalDouble(entry["score"], "score", in: place, of: origin),
            area: try PanopticJSON.optionalInt(entry["area"], "area", in: place, of: origin),
            bbox: try PanopticJSON.bbox(entry["bbox"], in: place, of: origin))
    }
}
