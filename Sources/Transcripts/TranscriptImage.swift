import BlindsightCore
import Foundation
import Imaging

/// The image a transcript is about, found and checked: replay and re-run need exactly the recorded
/// image (its sha256 must match), and nothing else but the transcript and the segmentation files.
public struct TranscriptImage: Sendable {
    public var path: String
    public var bytes: [UInt8]

    /// Finds the image: `override` (from `--image`) when given, else the recorded path (as recorded,
    /// or relative to the transcript's folder). Its sha256 must be the recorded one.
    /// - Throws: ``TranscriptError/imageMissing(path:)`` or ``TranscriptError/imageMismatch(path:expected:found:)``
    ///   (exit 3).
    public init(for transcript: Transcript, override: String? = nil) throws(TranscriptError) {
        let path = override ?? transcript.resolvedImagePath
        guard let data = FileManager.default.contents(atPath: path) else { throw .imageMissing(path: path) }
        let bytes = [UInt8](data)
        let digest = SHA256.hex(bytes)
        guard digest == transcript.header.image.sha256 else {
            throw .imageMismatch(path: path, expected: transcript.header.image.sha256, found: digest)
        }
        self.path = path
        self.bytes = bytes
    }

    /// Decodes the image (upright, as a live run decodes it).
    public func decoded() throws -> Image { try ImageDecoder.decode(bytes, name: path) }
}
