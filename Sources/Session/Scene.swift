import BlindsightCore
import Dialogue
import Foundation
import Imaging
import Panoptic
import Transcripts

/// Where a scene's segmentation comes from: `--panoptic`, `--segments`, `--categories` as given (nil:
/// the sidecar files beside the photo, or for a recorded scene the source the transcript recorded).
public struct SegmentationChoice: Sendable {
    public var panoptic: String?
    public var segments: String?
    public var categories: String?
    /// Limits and retries for a panoptic service (the configuration's), used when the source is one.
    public var service: HTTPPanopticSource.Settings

    public init(
        panoptic: String? = nil, segments: String? = nil, categories: String? = nil,
        service: HTTPPanopticSource.Settings = .standard
    ) {
        self.panoptic = panoptic
        self.segments = segments
        self.categories = categories
        self.service = service
    }
}

/// One photo and its panoptic segmentation, loaded the same way for every command: the file's bytes,
/// the decoded upright image, the source, the segmentation fitted to the image, the area table and
/// the notes a user should hear about (a rescaled id map, unlisted ids), returned as data.
public struct Scene: Sendable {
    /// The photo's path as the user (or the transcript) named it.
    public let imagePath: String
    /// The photo file's bytes.
    public let imageBytes: [UInt8]
    /// The photo's upright width and height.
    public let width: Int
    public let height: Int
    /// The decoded, upright photo; nil for a scene loaded without it.
    private let decoded: Image?
    /// Where the segmentation came from.
    public let source: any PanopticSource
    /// The segmentation, fitted to the photo's size.
    public let segmentation: PanopticSegmentation
    /// The area table: the live one, or for a recorded scene the one the transcript recorded.
    public let table: AreaTable
    /// The files this scene was read from (photo, id map, segments JSON, categories): inputs that no
    /// output may overwrite.
    public let inputFiles: [NamedFile]

    /// The segmentation's warnings, for the front-end to show (the CLI prints them as `note:` lines).
    public var notes: [String] { segmentation.warnings }

    /// The decoded, upright photo: the one decoded when the scene was loaded, else decoded now (a
    /// scene loaded with `decodingPhoto: false` reads it again from ``imageBytes`` each time).
    public func image() throws -> Image {
        if let decoded { return decoded }
        return try ImageDecoder.decode(imageBytes, name: imagePath)
    }

    /// The photo's rows, top to bottom, for outputs streamed band by band: from the decoded photo,
    /// or (a scene loaded without it) decoded from the file's scanlines as they are read.
    public func rows() throws -> ImageRowReader {
        if let decoded { return ImageRowReader(image: decoded, name: imagePath) }
        return try ImageRowReader(bytes: imageBytes, name: imagePath)
    }

    /// The photo's name without folder.
    public var imageName: String { (imagePath as NSString).lastPathComponent }

    /// What a dialogue about this scene is about: `instruction`, the photo's name and size, the table.
    public func task(instruction: String?) -> DialogueTask {
        DialogueTask(instruction: instruction, imageName: imageName, imageWidth: width, imageHeight: height, table: table)
    }

    /// Loads the photo at `imagePath` and its segmentation from `choice`.
    /// - Parameter decodingPhoto: false keeps only the file's bytes (when the segmentation comes from
    ///   files), for work that streams the photo (`composite`): a 12 MP photo is then never whole in memory.
    /// - Throws: `ImageError` (unreadable photo), `PanopticError` (no or bad segmentation), the
    ///   panoptic service's error (exit 4).
    public static func load(imagePath: String, choice: SegmentationChoice = .init(), decodingPhoto: Bool = true)
        async throws -> Scene
    {
        let bytes = try ImageDecoder.readFile(atPath: imagePath)
        let categories = try choice.categories.map { path throws(PanopticError) in try CategorySet.load(path: path) }
        let source = try PanopticSourceResolver.resolve(
            panoptic: choice.panoptic, segments: choice.segments, imagePath: imagePath, categories: categories,
            service: choice.service)
        return try await load(
            imagePath: imagePath, bytes: bytes, source: source, choice: choice, recordedTable: nil, decodingPhoto: decodingPhoto)
    }

    /// Loads the photo a transcript is about (its sha256 checked; `imageOverride` from `--image`) and
    /// its segmentation: `choice`, else the sidecar files beside the photo, else the recorded source.
    /// The area table is the recorded one, so decisions' display numbers mean what they meant.
    /// - Throws: `TranscriptError` (missing or different photo), and as ``load(imagePath:choice:)``.
    public static func load(recordedIn transcript: Transcript, imageOverride: String? = nil,
                            choice: SegmentationChoice = .init()) async throws -> Scene {
        let located = try TranscriptImage(for: transcript, override: imageOverride)
        let categories = try choice.categories.map { path throws(PanopticError) in try CategorySet.load(path: path) }
        let source = try recordedSource(transcript, imagePath: located.path, choice: choice, categories: categories)
        return try await load(
            imagePath: located.path, bytes: located.bytes, source: source, choice: choice,
            recordedTable: transcript.header.panoptic.table, decodingPhoto: true)
    }

    private static func load(
        imagePath: String, bytes: [UInt8], source: any PanopticSource, choice: SegmentationChoice,
        recordedTable: AreaTable?, decodingPhoto: Bool
    ) async throws -> Scene {
        if let service = source as? HTTPPanopticSource {
            // A service URL given with credentials: redacted from every terminal line and transcript.
            KnownSecrets.register(Secrets(Secrets.credentials(inURL: service.url)))
        }
        let image: Image?
        let segmentation: PanopticSegmentation
        let info = try ImageDecoder.info(bytes, name: imagePath)
        if !decodingPhoto, let files = source as? FilePanopticSource {
            image = nil
            segmentation = try files.segmentation(fittedToWidth: info.uprightWidth, height: info.uprightHeight)
        } else {
            let decoded = try ImageDecoder.decode(bytes, name: imagePath)
            image = decoded
            segmentation = try await source.segmentation(forImageAt: imagePath, image: decoded, imageBytes: bytes)
        }
        return Scene(
            imagePath: imagePath, imageBytes: bytes, width: info.uprightWidth, height: info.uprightHeight, decoded: image,
            source: source, segmentation: segmentation,
            table: recordedTable ?? AreaTable(segmentation: segmentation),
            inputFiles: [NamedFile("the photo", imagePath)] + source.inputFiles
                + [choice.categories.map { NamedFile("the categories file", $0) }].compactMap { $0 })
    }

    /// `--panoptic`/`--segments` when given, else the sidecar files, else the recorded source (a URL,
    /// or a file as recorded or beside the photo).
    private static func recordedSource(
        _ transcript: Transcript, imagePath: String, choice: SegmentationChoice, categories: CategorySet?
    ) throws -> any PanopticSource {
        if choice.panoptic == nil, choice.segments == nil, FilePanopticSource.sidecar(forImageAt: imagePath) == nil {
            let recorded = transcript.header.panoptic.source
            let beside = ((imagePath as NSString).deletingLastPathComponent as NSString)
                .appendingPathComponent((recorded as NSString).lastPathComponent)
            let isService = PanopticSourceResolver.isService(recorded)
            if let found = isService ? recorded : [recorded, beside].first(where: FileManager.default.fileExists) {
                return try PanopticSourceResolver.resolve(
                    panoptic: found, segments: nil, imagePath: imagePath, categories: categories,
                    service: choice.service)
            }
        }
        return try PanopticSourceResolver.resolve(
            panoptic: choice.panoptic, segments: choice.segments, imagePath: imagePath, categories: categories,
            service: choice.service)
    }
}

extension PanopticSource {
    /// The files this source reads (none for a service).
    var inputFiles: [NamedFile] {
        guard let files = self as? FilePanopticSource else { return [] }
        if files.isSelfContainedJSON { return [NamedFile("the segmentation JSON", files.mapPath)] }
        return [
            NamedFile("the id map", files.mapPath),
            NamedFile("the segments JSON", files.segmentsPath ?? PanopticReader.segmentsPath(besideMap: files.mapPath)),
        ]
    }
}
