import CImagingShims

/// Reads an image file's pixels as RGB8 rows, top to bottom, the way photo viewers show them (EXIF
/// orientation applied), for work that goes row by row (a cutout streamed into its PNG).
///
/// An upright colour or gray JPEG is decoded scanline by scanline as rows are asked for, so the
/// photo is never whole in memory; any other file (a PNG, a rotated or CMYK JPEG) is decoded whole
/// first and handed out from memory.
public final class ImageRowReader {
    /// Width of the rows.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// Rows handed out so far.
    public private(set) var rowsRead = 0
    private let name: String
    private var source: Source

    private enum Source {
        case scanlines(JPEGScanlines)
        case decoded(Image)
    }

    /// Opens the file at `path`. Over-limit and malformed headers fail here, before any pixel is decoded.
    public convenience init(path: String, maxPixels: Int = DecodeOptions.defaultMaxPixels) throws(ImageError) {
        try self.init(bytes: ImageDecoder.readFile(atPath: path), name: path, maxPixels: maxPixels)
    }

    /// Reads `bytes`; `name` is the file name used in error messages.
    public init(bytes: [UInt8], name: String, maxPixels: Int = DecodeOptions.defaultMaxPixels) throws(ImageError) {
        self.name = name
        if ImageFormat.sniff(bytes) == .jpeg, let scanlines = try JPEGScanlines.uprightColourOrGray(bytes, name: name, maxPixels: maxPixels) {
            source = .scanlines(scanlines)
            width = scanlines.width
            height = scanlines.height
        } else {
            let image = try ImageDecoder.decode(bytes, name: name, options: DecodeOptions(maxPixels: maxPixels))
                .converted(to: .rgb8)
            source = .decoded(image)
            width = image.width
            height = image.height
        }
    }

    /// Hands out the rows of an image already in memory (converted to RGB8 when it is not).
    public init(image: Image, name: String) {
        self.name = name
        let rgb = image.format == .rgb8 ? image : image.converted(to: .rgb8)
        source = .decoded(rgb)
        width = rgb.width
        height = rgb.height
    }

    /// Fills `rows` (a whole number of rows, width × 3 bytes each) with the next rows.
    /// - Throws: ``ImageError`` for corrupt or truncated data, or when asked for more rows than are left.
    public func read(into rows: UnsafeMutableBufferPointer<UInt8>) throws(ImageError) {
        let rowBytes = width * 3
        let count = rows.count / rowBytes
        guard rows.count % rowBytes == 0, rowsRead + count <= height else {
            throw ImageError(.corrupt, file: name, detail: "asked for rows past the end of the image")
        }
        switch source {
        case .scanlines(let scanlines):
            try scanlines.read(count: count, into: rows)
        case .decoded(let image):
            image.pixels.withUnsafeBufferPointer { pixels in
                let start = rowsRead * rowBytes
                _ = rows.update(fromContentsOf: pixels[start..<(start + rows.count)])
            }
        }
        rowsRead += count
    }
}

/// libjpeg's scanline reader over a private copy of the file's bytes (libjpeg reads them in place
/// until the reader closes).
final class JPEGScanlines {
    let width: Int
    let height: Int
    private let name: String
    private let channels: Int
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let reader: OpaquePointer
    private var scratch: [UInt8] = []

    /// A reader for an 8-bit, upright (EXIF orientation 1), three-channel or gray JPEG; nil for any
    /// other JPEG (rotated, CMYK/YCCK, 12-bit, lossless), which the caller decodes whole.
    static func uprightColourOrGray(_ file: [UInt8], name: String, maxPixels: Int) throws(ImageError) -> JPEGScanlines? {
        let markers = try JPEGMarkers.scan(file, name: name)
        guard markers.orientation == 1, markers.precision == 8, markers.components != 4, markers.frameMarker != 0xC3,
            markers.frameMarker != 0xCB
        else { return nil }
        return try JPEGScanlines(file, name: name, maxPixels: maxPixels)
    }

    private init(_ file: [UInt8], name: String, maxPixels: Int) throws(ImageError) {
        self.name = name
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(file.count, 1))
        _ = copy.initialize(from: file)
        let started: JPEGDecoder.StartedReader
        do throws(ImageError) {
            let data = UnsafeBufferPointer(rebasing: copy[0..<file.count])
            started = try JPEGDecoder.StartedReader(data, name: name, maxPixels: maxPixels, scaleEighths: 8)
        } catch {
            copy.deallocate()
            throw error
        }
        (self.bytes, self.reader, self.channels) = (copy, started.reader, started.channels)
        (self.width, self.height) = (started.width, started.height)
    }

    deinit {
        bsimg_jpeg_close(reader)
        bytes.deallocate()
    }

    /// Decodes the next `count` rows as RGB8 into `rows`.
    func read(count: Int, into rows: UnsafeMutableBufferPointer<UInt8>) throws(ImageError) {
        var message = [CChar](repeating: 0, count: 256)
        var done: UInt32 = 0
        let status: bsimg_status
        if channels == 3 {
            status = bsimg_jpeg_read_rows(reader, rows.baseAddress, rows.count, UInt32(count), &done, &message, message.count)
        } else {
            if scratch.count < count * width { scratch = [UInt8](repeating: 0, count: count * width) }
            status = scratch.withUnsafeMutableBufferPointer { gray in
                bsimg_jpeg_read_rows(reader, gray.baseAddress, gray.count, UInt32(count), &done, &message, message.count)
            }
            for index in 0..<(Int(done) * width) {
                let value = scratch[index]
                (rows[3 * index], rows[3 * index + 1], rows[3 * index + 2]) = (value, value, value)
            }
        }
        guard status == BSIMG_OK else { throw JPEGDecoder.error(status, message, name: name) }
        guard Int(done) == count else { throw ImageError(.truncated, file: name, detail: "the data ends before the image does") }
    }
}
