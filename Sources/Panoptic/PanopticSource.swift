import BlindsightCore
import Foundation
import Imaging

/// Where a panoptic segmentation comes from: files or a segmentation service.
public protocol PanopticSource: Sendable {
    /// What the source is, for messages ("sidecar photo.panoptic.png", "panoptic service http://…").
    var description: String { get }

    /// The segmentation of the image at `path`, fitted to `image`'s size (rescaled nearest-neighbour with
    /// a warning when only the scale differs).
    /// - Parameters:
    ///   - image: the decoded, upright image.
    ///   - imageBytes: the file's bytes, for sources that send the image elsewhere.
    func segmentation(forImageAt path: String, image: Image, imageBytes: [UInt8]) async throws -> PanopticSegmentation
}

/// A segmentation read from an id map PNG plus its segments JSON (`--panoptic FILE.png [--segments FILE.json]`,
/// or the sidecar files found beside the image), or from a saved panoptic service answer (`--panoptic FILE.json`).
public struct FilePanopticSource: PanopticSource {
    /// The id map PNG.
    public let mapPath: String
    /// The segments JSON; nil means the map's path with `.json`.
    public let segmentsPath: String?
    /// The category set; nil means the JSON's own, else COCO panoptic.
    public let categories: CategorySet?
    /// True when found by the sidecar convention.
    public let isSidecar: Bool

    public init(mapPath: String, segmentsPath: String? = nil, categories: CategorySet? = nil, isSidecar: Bool = false) {
        self.mapPath = mapPath
        self.segmentsPath = segmentsPath
        self.categories = categories
        self.isSidecar = isSidecar
    }

    /// True when `mapPath` is a self-contained JSON (a saved service answer, or transformers results with
    /// the map as a nested list) rather than an id map PNG.
    public var isSelfContainedJSON: Bool { mapPath.lowercased().hasSuffix(".json") }

    public var description: String {
        if isSelfContainedJSON { return "segmentation JSON \(mapPath)" }
        let json = segmentsPath ?? PanopticReader.segmentsPath(besideMap: mapPath)
        return "\(isSidecar ? "sidecar " : "")\(mapPath) + \(json)"
    }

    public func segmentation(forImageAt path: String, image: Image, imageBytes: [UInt8]) async throws
        -> PanopticSegmentation
    {
        try segmentation(fittedToWidth: image.width, height: image.height)
    }

    /// The segmentation fitted to an upright image of `width` × `height` (the photo need not be decoded).
    public func segmentation(fittedToWidth width: Int, height: Int) throws -> PanopticSegmentation {
        let segmentation =
            isSelfContainedJSON
            ? try PanopticReader.segmentation(
                selfContainedJSON: Data(FileReading.bytes(atPath: mapPath)), origin: mapPath, categories: categories)
            : try PanopticReader.read(mapPath: mapPath, segmentsPath: segmentsPath, categories: categories)
        return try segmentation.fitted(toWidth: width, height: height, mapName: mapPath)
    }

    /// The sidecar files for the image at `imagePath`: for `photo.jpg`, `photo.panoptic.png` and
    /// `photo.panoptic.json` beside it. Nil when the PNG does not exist.
    public static func sidecar(forImageAt imagePath: String, categories: CategorySet? = nil) -> FilePanopticSource? {
        let stem = (imagePath as NSString).deletingPathExtension
        let mapPath = stem + ".panoptic.png"
        guard FileManager.default.fileExists(atPath: mapPath) else { return nil }
        return FilePanopticSource(mapPath: mapPath, segmentsPath: nil, categories: categories, isSidecar: true)
    }
}

/// Chooses the panoptic source from the command line's `--panoptic` and `--segments`.
public enum PanopticSourceResolver {
    /// Whether `--panoptic VALUE` names a panoptic service (an http or https URL) rather than a file.
    public static func isService(_ value: String?) -> Bool {
        value.map { $0.hasPrefix("http://") || $0.hasPrefix("https://") } ?? false
    }

    /// - `--panoptic http(s)://host:port` → the panoptic service;
    /// - `--panoptic FILE.png` → that id map, with `--segments FILE.json` or the JSON beside it;
    /// - `--panoptic FILE.json` → map and segments in one file (a saved service answer, or transformers
    ///   results with the map as a nested list);
    /// - neither → the sidecar files beside the image (`photo.panoptic.png` + `photo.panoptic.json`).
    /// - Parameter service: the limits and retries for a panoptic service (the configuration's).
    /// - Throws: ``PanopticError``: exit 2 for contradictory flags, exit 3 when no segmentation can be found.
    public static func resolve(
        panoptic: String?, segments: String?, imagePath: String, categories: CategorySet? = nil,
        service: HTTPPanopticSource.Settings = .standard
    ) throws(PanopticError) -> any PanopticSource {
        if let panoptic, isService(panoptic) {
            guard segments == nil else {
                throw PanopticError(
                    "--segments applies to an id map file, not to a panoptic service", exitStatus: .usage)
            }
            return HTTPPanopticSource(url: panoptic, categories: categories ?? .cocoPanoptic, settings: service)
        }
        if let panoptic {
            guard FileManager.default.fileExists(atPath: panoptic) else {
                throw .file(panoptic, "no such id map file (give a PNG or an http://host:port panoptic service)")
            }
            if let segments, !FileManager.default.fileExists(atPath: segments) {
                throw .file(segments, "no such segments JSON file")
            }
            if segments != nil, panoptic.lowercased().hasSuffix(".json") {
                throw PanopticError(
                    "--segments applies to an id map PNG; \(panoptic) holds its own segments", exitStatus: .usage)
            }
            return FilePanopticSource(mapPath: panoptic, segmentsPath: segments, categories: categories)
        }
        guard segments == nil else {
            throw PanopticError("--segments needs --panoptic FILE.png (the id map it describes)", exitStatus: .usage)
        }
        if let sidecar = FilePanopticSource.sidecar(forImageAt: imagePath, categories: categories) {
            return sidecar
        }
        let stem = (imagePath as NSString).deletingPathExtension
        throw PanopticError(
            "no segmentation for \(imagePath): put \(stem).panoptic.png and \(stem).panoptic.json beside it, "
                + "or give --panoptic FILE.png [--segments FILE.json] or --panoptic http://host:port "
                + "(see servers/panoptic)")
    }
}
