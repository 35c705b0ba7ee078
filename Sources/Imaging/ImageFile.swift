import BlindsightCore

/// Writes encoded images atomically (temporary file, then rename): a failure leaves no partial file.
public enum ImageFile {
    /// Encodes `image` as PNG and writes it to `path`. Returns the number of bytes written.
    @discardableResult
    public static func writePNG(_ image: Image, toPath path: String, effort: PNGEffort = .fast) throws -> Int {
        try writeStreamed(to: path) { output in try PNGEncoder.encode(image, effort: effort, output: output) }
    }

    /// Encodes as PNG an image that `fillRows` produces top to bottom (see
    /// ``PNGEncoder/encode(width:height:format:effort:rows:output:)``) and writes it to `path`
    /// atomically as it is encoded: the image is never whole in memory. Returns the bytes written.
    @discardableResult
    public static func writePNG(
        width: Int, height: Int, format: PixelFormat, toPath path: String, effort: PNGEffort = .fast,
        rows fillRows: (_ firstRow: Int, _ rows: UnsafeMutableBufferPointer<UInt8>) throws -> Void
    ) throws -> Int {
        try writeStreamed(to: path) { output in
            try PNGEncoder.encode(width: width, height: height, format: format, effort: effort, rows: fillRows, output: output)
        }
    }

    /// Writes the bytes `encode` hands to its output to `path` atomically, as they come; returns their count.
    private static func writeStreamed(
        to path: String, _ encode: (_ output: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws -> Int {
        var count = 0
        try AtomicFile.write(to: path) { file in
            try encode { bytes in
                try file.append(bytes)
                count += bytes.count
            }
        }
        return count
    }

    /// Encodes `image` as JPEG (alpha dropped) and writes it to `path`. Returns the number of bytes written.
    @discardableResult
    public static func writeJPEG(_ image: Image, toPath path: String, quality: Int = 90) throws -> Int {
        let bytes = try JPEGEncoder.encode(image, quality: quality)
        try AtomicFile.write(bytes, to: path)
        return bytes.count
    }
}
