import BlindsightCore

/// Writes encoded images atomically (temporary file, then rename): a failure leaves no partial file.
public enum ImageFile {
    /// Encodes `image` as PNG and writes it to `path`. Returns the number of bytes written.
    @discardableResult
    public static func writePNG(_ image: Image, toPath path: String, effort: PNGEffort = .fast) throws -> Int {
        let staged = try stagePNG(image, toPath: path, effort: effort)
        try AtomicFile.publish([staged])
        return staged.byteCount
    }

    /// Encodes as PNG an image that `fillRows` produces top to bottom (see
    /// ``PNGEncoder/encode(width:height:format:effort:rows:output:)``) and writes it to `path`
    /// atomically as it is encoded: the image is never whole in memory. Returns the bytes written.
    @discardableResult
    public static func writePNG(
        width: Int, height: Int, format: PixelFormat, toPath path: String, effort: PNGEffort = .fast,
        rows fillRows: (_ firstRow: Int, _ rows: UnsafeMutableBufferPointer<UInt8>) throws -> Void
    ) throws -> Int {
        let staged = try stagePNG(width: width, height: height, format: format, toPath: path, effort: effort, rows: fillRows)
        try AtomicFile.publish([staged])
        return staged.byteCount
    }

    /// Encodes `image` as PNG into a temporary file for `path`, published later with
    /// `AtomicFile.publish` (so several outputs appear together).
    public static func stagePNG(_ image: Image, toPath path: String, effort: PNGEffort = .fast) throws -> AtomicFile.Staged {
        try AtomicFile.stage(to: path) { file in
            try PNGEncoder.encode(image, effort: effort) { try file.append($0) }
        }
    }

    /// The streamed form of ``stagePNG(_:toPath:effort:)``: rows from `fillRows`, bytes to the
    /// temporary file as they are encoded.
    public static func stagePNG(
        width: Int, height: Int, format: PixelFormat, toPath path: String, effort: PNGEffort = .fast,
        rows fillRows: (_ firstRow: Int, _ rows: UnsafeMutableBufferPointer<UInt8>) throws -> Void
    ) throws -> AtomicFile.Staged {
        try AtomicFile.stage(to: path) { file in
            try PNGEncoder.encode(
                width: width, height: height, format: format, effort: effort, rows: fillRows, output: { try file.append($0) })
        }
    }

    /// Encodes `image` as JPEG (alpha dropped) and writes it to `path`. Returns the number of bytes written.
    @discardableResult
    public static func writeJPEG(_ image: Image, toPath path: String, quality: Int = 90) throws -> Int {
        let bytes = try JPEGEncoder.encode(image, quality: quality)
        try AtomicFile.write(bytes, to: path)
        return bytes.count
    }
}
