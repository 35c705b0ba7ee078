import CImagingShims

/// PNG decoding through libpng's classic API (see the `CImagingShims` C target).
///
/// Samples come out exactly as stored: no gamma, no ICC, no sBIT shift. Palettes and tRNS are
/// expanded; 16-bit samples are reduced with rounding, `(v * 255 + 32767) / 65535`. Gray -> gray8,
/// rgb/palette -> rgb8, anything with alpha or tRNS -> rgba8 (gray+alpha becomes rgba8).
enum PNGDecoder {
    static func info(_ bytes: [UInt8], name: String) throws(ImageError) -> ImageInfo {
        let header = try withReader(bytes, name: name) { _, header in header }
        return imageInfo(header)
    }

    static func decode(_ bytes: [UInt8], name: String, maxPixels: Int) throws(ImageError) -> Image {
        try withReader(bytes, name: name) { (reader, header) throws(ImageError) -> Image in
            let width = Int(header.width)
            let height = Int(header.height)
            let channels = Int(header.out_channels)
            try checkPixelLimit(width: width, height: height, maxPixels: maxPixels, name: name)
            let count = width * height * channels
            var status = BSIMG_OK
            var message = [CChar](repeating: 0, count: 256)
            let pixels = makePixels(count: count) { buffer in
                status = bsimg_png_read(reader, buffer.baseAddress, count, &message, message.count)
            }
            guard status == BSIMG_OK else { throw error(status, message, name: name) }
            let format: PixelFormat = channels == 1 ? .gray8 : channels == 3 ? .rgb8 : .rgba8
            return Image(width: width, height: height, format: format, pixels: pixels)
        }
    }

    /// Runs `body` with an open libpng reader over `bytes` (read in place until the reader closes).
    private static func withReader<T>(
        _ bytes: [UInt8], name: String,
        _ body: (OpaquePointer, bsimg_png_header) throws(ImageError) -> T
    ) throws(ImageError) -> T {
        try bytes.withUnsafeBufferPointer { (data) throws(ImageError) -> T in
            var reader: OpaquePointer?
            var header = bsimg_png_header()
            var message = [CChar](repeating: 0, count: 256)
            let status = bsimg_png_open(data.baseAddress, data.count, &reader, &header, &message, message.count)
            guard status == BSIMG_OK, let reader else { throw error(status, message, name: name) }
            defer { bsimg_png_close(reader) }
            return try body(reader, header)
        }
    }

    private static func imageInfo(_ header: bsimg_png_header) -> ImageInfo {
        let (colorType, channels): (String, Int) =
            switch header.color_type {
            case 0: ("gray", 1)
            case 2: ("rgb", 3)
            case 3: ("palette", 1)
            case 4: ("gray+alpha", 2)
            default: ("rgba", 4)
            }
        return ImageInfo(
            format: .png, width: Int(header.width), height: Int(header.height), orientation: 1,
            colorType: colorType, bitDepth: Int(header.bit_depth), channels: channels,
            encoding: header.interlaced != 0 ? "interlaced" : "non-interlaced", hasICCProfile: header.has_iccp != 0)
    }

    private static func error(_ status: bsimg_status, _ message: [CChar], name: String) -> ImageError {
        let text = shimMessage(message)
        let detail = text.isEmpty ? "libpng failed" : text
        switch status {
        case BSIMG_ERR_SIGNATURE, BSIMG_ERR_HEADER: return ImageError(.badHeader, file: name, detail: detail)
        case BSIMG_ERR_MEMORY: return ImageError(.tooLarge, file: name, detail: "out of memory")
        default:
            let truncated = text.contains("truncated") || text.contains("Not enough image data")
            return ImageError(truncated ? .truncated : .corrupt, file: name, detail: detail)
        }
    }
}

/// The NUL-terminated message a `bsimg_` C function wrote into `buffer`.
func shimMessage(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Refuses images over the pixel limit, from header dimensions, before allocating.
func checkPixelLimit(width: Int, height: Int, maxPixels: Int, name: String) throws(ImageError) {
    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
    guard !overflow, pixels <= maxPixels else {
        throw ImageError(
            .tooLarge, file: name,
            detail: "\(width)x\(height) exceeds the limit of \(maxPixels) pixels")
    }
    guard width > 0, height > 0 else {
        throw ImageError(.badHeader, file: name, detail: "image has no pixels (\(width)x\(height))")
    }
}

/// How hard the PNG encoder compresses.
public enum PNGEffort: String, Sendable, CaseIterable, Codable {
    /// Quick, larger files: previews, transcripts, model inputs (zlib level 1, Up filter).
    case fast
    /// Slower, smaller files: final cutouts (zlib level 5, default strategy, adaptive filtering per row).
    case small
}
