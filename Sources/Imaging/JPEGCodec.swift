import CImagingShims
import CJPEG

/// JPEG decoding through libjpeg-turbo's classic libjpeg API (see the `CImagingShims` C target):
/// baseline, extended, progressive, arithmetic, restart markers; gray -> gray8, colour -> rgb8,
/// CMYK/YCCK -> rgb8 (Adobe-inverted when an Adobe APP14 segment is present, as Photoshop writes them).
/// EXIF orientation is applied afterwards.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], name: String, options: DecodeOptions) throws(ImageError) -> Image {
        let markers = try JPEGMarkers.scan(bytes, name: name)
        guard markers.precision == 8 else {
            throw ImageError(
                .unsupported, file: name,
                detail: "\(markers.precision)-bit JPEG (only 8-bit samples are supported)")
        }
        guard markers.frameMarker != 0xC3, markers.frameMarker != 0xCB else {
            throw ImageError(.unsupported, file: name, detail: "lossless JPEG")
        }
        try checkPixelLimit(width: markers.width, height: markers.height, maxPixels: options.maxPixels, name: name)
        let scale = scaleEighths(markers, maxSide: options.maxSide)
        // libjpeg reads the bytes in place until the reader is closed, inside this closure.
        var image = try bytes.withUnsafeBufferPointer { (data) throws(ImageError) -> Image in
            try decodePixels(data, name: name, maxPixels: options.maxPixels, scaleEighths: scale)
        }
        if options.applyOrientation { image = image.oriented(markers.orientation) }
        if let maxSide = options.maxSide { image = image.downscaled(toMaxSide: maxSide) }
        return image
    }

    /// Runs libjpeg: header, DCT-scaled decompression, CMYK conversion.
    private static func decodePixels(
        _ data: UnsafeBufferPointer<UInt8>, name: String, maxPixels: Int,
        scaleEighths: Int
    ) throws(ImageError) -> Image {
        let started = try StartedReader(data, name: name, maxPixels: maxPixels, scaleEighths: scaleEighths)
        defer { bsimg_jpeg_close(started.reader) }
        let (width, height, channels) = (started.width, started.height, started.channels)
        let count = width * height * channels
        var message = [CChar](repeating: 0, count: 256)
        var status = BSIMG_OK
        let samples = makePixels(count: count) { buffer in
            status = bsimg_jpeg_read(started.reader, buffer.baseAddress, count, &message, message.count)
        }
        guard status == BSIMG_OK else { throw error(status, message, name: name) }
        switch channels {
        case 1: return Image(width: width, height: height, format: .gray8, pixels: samples)
        case 3: return Image(width: width, height: height, format: .rgb8, pixels: samples)
        default:
            return Image(
                width: width, height: height, format: .rgb8,
                pixels: cmykToRGB(samples, inverted: started.header.saw_adobe != 0))
        }
    }

    /// A libjpeg reader over `data` with its header read, the pixel limit checked and decompression
    /// started at `scaleEighths`/8. The caller closes `reader`; on a thrown error it is already closed.
    struct StartedReader {
        let reader: OpaquePointer
        let header: bsimg_jpeg_header
        /// The output size and samples per pixel (1 gray, 3 RGB, 4 CMYK).
        let width: Int, height: Int, channels: Int

        init(_ data: UnsafeBufferPointer<UInt8>, name: String, maxPixels: Int, scaleEighths: Int) throws(ImageError) {
            var message = [CChar](repeating: 0, count: 256)
            var opened: OpaquePointer?
            var header = bsimg_jpeg_header()
            var status = bsimg_jpeg_open(data.baseAddress, data.count, &opened, &header, &message, message.count)
            guard status == BSIMG_OK, let reader = opened else { throw error(status, message, name: name) }
            var width: UInt32 = 0
            var height: UInt32 = 0
            do throws(ImageError) {
                try checkPixelLimit(width: Int(header.width), height: Int(header.height), maxPixels: maxPixels, name: name)
                status = bsimg_jpeg_start(reader, Int32(scaleEighths), &width, &height, &message, message.count)
                guard status == BSIMG_OK else { throw error(status, message, name: name) }
            } catch {
                bsimg_jpeg_close(reader)
                throw error
            }
            (self.reader, self.header, self.channels) = (reader, header, Int(header.output_channels))
            (self.width, self.height) = (Int(width), Int(height))
        }
    }

    /// libjpeg's DCT scaling, in eighths: the strongest of 1/8, 1/4, 1/2 that keeps the longer side at
    /// least `maxSide`; 8 (no scaling) when not even 1/2 applies. Only these three reductions have
    /// SIMD inverse DCTs in libjpeg-turbo (3/8 measured slower than a full decode).
    static func scaleEighths(_ markers: JPEGMarkers, maxSide: Int?) -> Int {
        guard let maxSide, maxSide > 0 else { return 8 }
        let longSide = max(markers.width, markers.height)
        for eighths in [1, 2, 4] where (longSide * eighths + 7) / 8 >= maxSide {
            return eighths
        }
        return 8
    }

    /// CMYK -> RGB the way Pillow does it: r = (255 - c) * (255 - k) / 255, on inverted samples when
    /// the file carries an Adobe marker.
    private static func cmykToRGB(_ cmyk: [UInt8], inverted: Bool) -> [UInt8] {
        let pixelCount = cmyk.count / 4
        return makePixels(count: pixelCount * 3) { rgb in
            cmyk.withUnsafeBufferPointer { source in
                for index in 0..<pixelCount {
                    var c = Int(source[4 * index])
                    var m = Int(source[4 * index + 1])
                    var y = Int(source[4 * index + 2])
                    var k = Int(source[4 * index + 3])
                    if !inverted { (c, m, y, k) = (255 - c, 255 - m, 255 - y, 255 - k) }
                    rgb[3 * index] = UInt8(divide255(c * k))
                    rgb[3 * index + 1] = UInt8(divide255(m * k))
                    rgb[3 * index + 2] = UInt8(divide255(y * k))
                }
            }
        }
    }

    private static func divide255(_ value: Int) -> Int { (value + 128 + ((value + 128) >> 8)) >> 8 }

    static func error(_ status: bsimg_status, _ message: [CChar], name: String) -> ImageError {
        let text = shimMessage(message)
        let detail = text.isEmpty ? "libjpeg failed" : text
        switch status {
        case BSIMG_ERR_TRUNCATED: return ImageError(.truncated, file: name, detail: detail)
        case BSIMG_ERR_MEMORY: return ImageError(.tooLarge, file: name, detail: "out of memory")
        case BSIMG_ERR_HEADER:
            let unsupported = text.contains("Unsupported") || text.contains("not supported")
            return ImageError(unsupported ? .unsupported : .badHeader, file: name, detail: detail)
        default: return ImageError(.corrupt, file: name, detail: detail)
        }
    }
}

/// Encodes images as baseline JPEG with libjpeg-turbo (4:2:0 chroma subsampling for colour).
/// JPEG has no alpha: for rgba8 images the alpha channel is dropped (not composited).
public enum JPEGEncoder {
    /// The JPEG file bytes for `image` at `quality` (1-100, clamped).
    public static func encode(_ image: Image, quality: Int = 90) throws(ImageError) -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw ImageError(.encodeFailed, file: "image", detail: "JPEG needs at least one pixel")
        }
        guard let handle = tjInitCompress() else {
            throw ImageError(.encodeFailed, file: "image", detail: "cannot start the JPEG encoder")
        }
        defer { tjDestroy(handle) }
        let (pixelFormat, subsampling): (TJPF, TJSAMP) =
            switch image.format {
            case .gray8: (TJPF_GRAY, TJSAMP_GRAY)
            case .rgb8: (TJPF_RGB, TJSAMP_420)
            case .rgba8: (TJPF_RGBX, TJSAMP_420)
            }
        let capacity = Int(tjBufSize(Int32(image.width), Int32(image.height), Int32(subsampling.rawValue)))
        var output = [UInt8](repeating: 0, count: capacity)
        var size = UInt(capacity)
        let status = output.withUnsafeMutableBufferPointer { out in
            image.pixels.withUnsafeBufferPointer { pixels in
                var destination: UnsafeMutablePointer<UInt8>? = out.baseAddress
                return tjCompress2(
                    handle, pixels.baseAddress, Int32(image.width), Int32(image.rowStride),
                    Int32(image.height), Int32(pixelFormat.rawValue), &destination, &size,
                    Int32(subsampling.rawValue), Int32(min(max(quality, 1), 100)), TJFLAG_NOREALLOC)
            }
        }
        guard status == 0 else {
            let text = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "libjpeg-turbo failed"
            throw ImageError(.encodeFailed, file: "image", detail: text)
        }
        output.removeLast(capacity - Int(size))
        return output
    }
}
