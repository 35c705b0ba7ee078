import BlindsightCore
import Foundation
import Imaging
import Panoptic

/// What the right answer is for one image: a mask of foreground pixels, and/or the segment ids and
/// labels that make up the foreground, and the segment ids whose pixels are not scored.
public struct TruthEntry: Sendable, Hashable, Codable {
    /// A mask file (PNG or JPEG; a pixel's grey value ≥ 128 is foreground).
    public var mask: String?
    public var foregroundIDs: [Int]?
    public var foregroundLabels: [String]?
    public var ignoreIDs: [Int]?

    enum CodingKeys: String, CodingKey {
        case mask
        case foregroundIDs = "foreground_ids"
        case foregroundLabels = "foreground_labels"
        case ignoreIDs = "ignore_ids"
    }

    public init(mask: String? = nil, foregroundIDs: [Int]? = nil, foregroundLabels: [String]? = nil, ignoreIDs: [Int]? = nil) {
        self.mask = mask
        self.foregroundIDs = foregroundIDs
        self.foregroundLabels = foregroundLabels
        self.ignoreIDs = ignoreIDs
    }
}

/// The ground truth of an experiment: a folder of masks named like the images (the DUTS / DIS layout,
/// `GT/x.png` for `Imgs/x.jpg`), or a `truth.json` naming, per image file name, a mask and/or segments.
public struct Truth: Sendable {
    /// Where the truth came from (a folder or a JSON file).
    public let location: String
    private let entries: [String: TruthEntry]
    private let maskFolder: String?

    /// Reads `path`: a folder of masks, or a `truth.json` (mask paths relative to the JSON's folder).
    /// - Throws: ``ExperimentError`` (exit 3) when it is missing or unreadable.
    public init(path: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ExperimentError("truth \(path) does not exist (give a folder of masks or a truth.json)")
        }
        location = path
        if isFolder.boolValue {
            maskFolder = path
            entries = [:]
            return
        }
        maskFolder = nil
        struct File: Decodable { var images: [String: TruthEntry] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError("cannot read truth file \(path)")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw ExperimentError("truth file \(path) is not valid: expected {\"images\": {\"NAME\": {\"mask\": …, \"foreground_ids\": […]}}}")
        }
        let base = (path as NSString).deletingLastPathComponent
        entries = file.images.mapValues { entry in
            var entry = entry
            if let mask = entry.mask, !mask.hasPrefix("/") { entry.mask = base.isEmpty ? mask : "\(base)/\(mask)" }
            return entry
        }
    }

    /// The truth for the image at `imagePath`, or nil when none is given for it.
    public func entry(forImageAt imagePath: String) -> TruthEntry? {
        let fileName = (imagePath as NSString).lastPathComponent
        guard let maskFolder else { return entries[fileName] }
        let stem = (fileName as NSString).deletingPathExtension
        for candidate in ["\(stem).png", fileName, "\(stem).jpg", "\(stem).jpeg"] {
            let path = "\(maskFolder)/\(candidate)"
            if FileManager.default.fileExists(atPath: path) { return TruthEntry(mask: path) }
        }
        return nil
    }

    /// Every file the truth reads for these images, for the plan's digest.
    public func digest(forImages images: [String]) -> String {
        let parts = images.map { image -> String in
            guard let entry = entry(forImageAt: image) else { return "\(image): none" }
            let maskDigest = entry.mask.flatMap { FileManager.default.contents(atPath: $0) }.map { SHA256.hex($0) } ?? "-"
            return "\(image): \(maskDigest) \(entry.foregroundIDs ?? []) \(entry.foregroundLabels ?? []) \(entry.ignoreIDs ?? [])"
        }
        return SHA256.hex(of: parts.joined(separator: "\n"))
    }
}

/// One image's truth laid over its segmentation: which pixels are foreground and which are scored.
public struct ScoredTruth: Sendable {
    public let width: Int
    public let height: Int
    /// 1 where the truth says foreground.
    public let foreground: [UInt8]
    /// 1 where the pixel counts (not in an ignored segment).
    public let scored: [UInt8]
    /// The segment ids the truth names as foreground (from ids and labels), when it names any.
    public let foregroundIDs: Set<Int>?

    /// Builds the truth for `segmentation` from `entry`: the mask when given, else the named segments.
    /// - Throws: ``ExperimentError`` when the mask cannot be read or has another size, or nothing is named.
    public init(entry: TruthEntry, segmentation: PanopticSegmentation) throws {
        let map = segmentation.idMap
        width = map.width
        height = map.height
        var named: Set<Int>?
        if entry.foregroundIDs != nil || entry.foregroundLabels != nil {
            let labels = Set((entry.foregroundLabels ?? []).map { $0.lowercased() })
            let byLabel = segmentation.segments.filter { labels.contains($0.label.lowercased()) }.map(\.id)
            named = Set(entry.foregroundIDs ?? []).union(byLabel)
        }
        foregroundIDs = named
        let ignored = Set((entry.ignoreIDs ?? []).map { UInt32(truncatingIfNeeded: $0) })
        scored = map.ids.map { ignored.contains($0) ? 0 : 1 }
        if let maskPath = entry.mask {
            foreground = try Self.readMask(maskPath, width: map.width, height: map.height)
        } else if let named {
            let keep = Set(named.map { UInt32(truncatingIfNeeded: $0) })
            foreground = map.ids.map { keep.contains($0) ? 1 : 0 }
        } else {
            throw ExperimentError("the truth entry names no mask, foreground_ids or foreground_labels")
        }
    }

    private static func readMask(_ path: String, width: Int, height: Int) throws -> [UInt8] {
        let image: Image
        do {
            image = try ImageDecoder.decodeFile(atPath: path)
        } catch {
            throw ExperimentError("cannot read truth mask \(path): \(error.message)")
        }
        guard image.width == width, image.height == height else {
            throw ExperimentError(
                "truth mask \(path) is \(image.width)×\(image.height) but the image is \(width)×\(height)")
        }
        let channels = image.format.channels
        var mask = [UInt8](repeating: 0, count: width * height)
        for index in 0..<(width * height) where image.pixels[index * channels] >= 128 { mask[index] = 1 }
        return mask
    }
}
