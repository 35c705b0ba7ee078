import BlindsightCore

/// Reading, decoding or encoding an image failed. The message names the file and the problem.
public struct ImageError: UserFacingError, Equatable {
    /// The phase that failed.
    public enum Code: String, Sendable, Equatable {
        /// The file could not be read (missing, unreadable, a folder).
        case readFailed
        /// The bytes are neither PNG nor JPEG.
        case unknownFormat
        /// A valid file using a feature we do not decode (for example 12-bit JPEG).
        case unsupported
        /// The header is malformed (bad signature, bad IHDR, bad SOF, bad CRC in a header chunk).
        case badHeader
        /// The header claims more pixels than `DecodeOptions.maxPixels`.
        case tooLarge
        /// The file ends before the image data does.
        case truncated
        /// The image data is corrupt.
        case corrupt
        /// Encoding failed (invalid image, out of memory).
        case encodeFailed
    }

    /// What failed.
    public let code: Code
    /// The file name (or a description such as "image") used in the message.
    public let file: String
    /// The specific problem, one line.
    public let detail: String

    public init(_ code: Code, file: String, detail: String) {
        self.code = code
        self.file = file
        self.detail = detail.replacingOccurrences(of: "\n", with: " ")
    }

    public var message: String {
        switch code {
        case .readFailed: "cannot read \(file): \(detail)"
        case .unknownFormat: "\(file): not a PNG or JPEG file (\(detail))"
        case .unsupported: "\(file): unsupported image: \(detail)"
        case .badHeader: "\(file): invalid image header: \(detail)"
        case .tooLarge: "\(file): image too large: \(detail)"
        case .truncated: "\(file): truncated image: \(detail)"
        case .corrupt: "\(file): corrupt image data: \(detail)"
        case .encodeFailed: "cannot encode \(file): \(detail)"
        }
    }

    public var exitStatus: ExitStatus { .badInput }
}
