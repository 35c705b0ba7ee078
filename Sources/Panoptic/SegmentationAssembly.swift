import BlindsightCore

/// Checks a segments document against its id map and builds the segmentation.
///
/// Policy, documented in the README: areas and boxes always come from the id map; a segment the JSON
/// lists but the map lacks is an error (the files belong to different images), unless the JSON itself
/// says its area is 0; ids in the map the JSON does not list become void (0) with a warning; stated
/// areas or boxes that disagree with the map give a warning.
enum SegmentationAssembly {
    static func assemble(
        idMap: SegmentIDMap, document: SegmentsDocument, mapName: String, segmentsName: String
    ) throws(PanopticError) -> PanopticSegmentation {
        if let width = document.width, let height = document.height, width != idMap.width || height != idMap.height {
            throw .file(
                segmentsName,
                "describes a \(width)×\(height) image but the id map \(mapName) is \(idMap.width)×\(idMap.height)")
        }
        let statistics = idMap.statistics()
        let absent = document.segments.filter { statistics[UInt32($0.id)] == nil && $0.area != 0 }.map(\.id)
        guard absent.isEmpty else {
            throw .file(
                segmentsName,
                "lists segment\(absent.count == 1 ? "" : "s") \(idList(absent)) that \(mapName) does not contain; "
                    + "are the id map and the JSON from the same image?")
        }
        var warnings = document.warnings
        var segments: [Segment] = []
        var disagreeing: [Int] = []
        for described in document.segments {
            guard let stats = statistics[UInt32(described.id)] else { continue }
            if let area = described.area, area != stats.area {
                disagreeing.append(described.id)
            } else if let bbox = described.bbox, bbox != stats.bbox {
                disagreeing.append(described.id)
            }
            segments.append(
                Segment(
                    id: described.id, categoryID: described.categoryID, label: described.label,
                    isThing: described.isThing, isCrowd: described.isCrowd, score: described.score,
                    area: stats.area, bbox: stats.bbox))
        }
        if !disagreeing.isEmpty {
            warnings.append(
                "\(segmentsName): stated area or bbox of segment\(disagreeing.count == 1 ? "" : "s") "
                    + "\(idList(disagreeing)) differ from \(mapName); using the id map's")
        }
        let listed = Set(segments.map { UInt32($0.id) })
        let unlisted = statistics.keys.filter { !listed.contains($0) }.sorted()
        var map = idMap
        if !unlisted.isEmpty {
            let unlistedSet = Set(unlisted)
            let pixels = unlisted.reduce(0) { $0 + (statistics[$1]?.area ?? 0) }
            map.ids.withUnsafeMutableBufferPointer { ids in
                var lastID: UInt32 = 0
                var lastUnlisted = false
                for index in ids.indices where ids[index] != 0 {
                    if ids[index] != lastID {
                        lastID = ids[index]
                        lastUnlisted = unlistedSet.contains(lastID)
                    }
                    if lastUnlisted { ids[index] = 0 }
                }
            }
            warnings.append(
                "\(mapName): \(pixels) pixels carry id\(unlisted.count == 1 ? "" : "s") "
                    + "\(idList(unlisted.map(Int.init))) that \(segmentsName) does not list; treated as unlabelled")
        }
        return PanopticSegmentation(idMap: map, segments: segments, warnings: warnings)
    }

    /// Reads a "2-channel" map (R = category id, G = instance number, B = 0; G = 255 marks a crowd):
    /// decoded as COCO, each id is category + 256·instance.
    static func twoChannel(idMap: SegmentIDMap, categories: CategorySet) -> PanopticSegmentation? {
        let statistics = idMap.statistics()
        guard !statistics.isEmpty else { return nil }
        var segments: [Segment] = []
        for (id, stats) in statistics {
            guard id < 65536, let category = categories.category(id: Int(id & 0xFF)) else { return nil }
            segments.append(
                Segment(
                    id: Int(id), categoryID: category.id, label: category.label, isThing: category.isThing,
                    isCrowd: id >> 8 == 255, area: stats.area, bbox: stats.bbox))
        }
        return PanopticSegmentation(idMap: idMap, segments: segments.sorted { $0.id < $1.id })
    }

    /// "1, 2, 3" — at most six ids, then "…".
    static func idList(_ ids: [Int]) -> String {
        let shown = ids.prefix(6).map(String.init).joined(separator: ", ")
        return ids.count > 6 ? shown + ", …" : shown
    }
}
