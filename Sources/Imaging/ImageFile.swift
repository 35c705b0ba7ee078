import BlindsightCore

/// Writes encoded images atomically (temporary file, then rename): a failure leaves no partial file.
public enum ImageFile {
    /// Encodes `image` as PNG and writes it to `path`. Returns the number of bytes written.
    @discardableResult
    public static func writePNG(_ image: Image, toPath path: String, effort: PNGEffort = .fast) throws -> Int {
        let bytes = try PNGEncoder.encode(image, effort: effort)
        try AtomicFile.write(bytes, to: path)
        return bytes.count
    }

    /// Encodes `image` as JPEG (alpha dropped) and writes it to `path`. Returns the number of bytes written.
    @discardableResult
    public static func writeJPEG(_ image: Image, toPath path: String, quality: Int = 90) throws -> Int {
        let bytes = try JPEGEncoder.encode(image, quality: quality)
        try AtomicFile.write(bytes, to: path)
        return bytes.count
    }
}
