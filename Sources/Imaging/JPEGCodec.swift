import CJPEG

/// JPEG decoding through TurboJPEG (libjpeg-turbo): baseline, extended, progressive, arithmetic,
/// restart markers; gray -> gray8, colour -> rgb8, CMYK/YCCK -> rgb8 (Adobe-inverted when an Adobe
/// APP14 segment is present, as Photoshop writes them). EXIF orientation is applied afterwards.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], name: String, options: DecodeOptions) throws(ImageError) -> Image {
        let markers = try JPEGMarkers.scan(bytes, name: name)
        guard markers.precision == 8 else {
            throw ImageError(.unsupported, file: name,
                             detail: "\(markers.precision)-bit JPEG (only 8-bit samples are supported)")
        }
        guard markers.frameMarker != 0xC3, markers.frameMarker != 0xCB else {
            throw ImageError(.unsupported, file: name, detail: "lossless JPEG")
        }
        try checkPixelLimit(width: markers.width, height: markers.height, maxPixels: options.maxPixels, name: name)
        guard let handle = tjInitDecompress() else {
            throw ImageError(.corrupt, file: name, detail: "cannot start the JPEG decoder")
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let headerStatus = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt($0.count), &width, &height, &subsampling, &colorspace)
        }
        guard headerStatus == 0 else { throw failure(handle, name: name, header: true) }
        let scale = scalingFactor(width: Int(width), height: Int(height), maxSide: options.maxSide)
        let scaledWidth = Int((Int64(width) * Int64(scale.num) + Int64(scale.denom) - 1) / Int64(scale.denom))
        let scaledHeight = Int((Int64(height) * Int64(scale.num) + Int64(scale.denom) - 1) / Int64(scale.denom))
        let (pixelFormat, channels): (TJPF, Int) = switch UInt32(bitPattern: colorspace) {
        case TJCS_GRAY.rawValue: (TJPF_GRAY, 1)
        case TJCS_CMYK.rawValue, TJCS_YCCK.rawValue: (TJPF_CMYK, 4)
        default: (TJPF_RGB, 3)
        }
        let count = scaledWidth * scaledHeight * channels
        var status: Int32 = 0
        let samples = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = bytes.withUnsafeBufferPointer {
                tjDecompress2(handle, $0.baseAddress, UInt($0.count), buffer.baseAddress, Int32(scaledWidth),
                              Int32(scaledWidth * channels), Int32(scaledHeight), Int32(pixelFormat.rawValue),
                              TJFLAG_LIMITSCANS)
            }
            initialized = count
        }
        if status != 0 {
            // Warnings (junk before a marker) still produce a full image; a premature end does not.
            let message = errorText(handle)
            if tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue) || message.contains("Premature end") {
                throw failure(handle, name: name, header: false)
            }
        }
        var image: Image
        if channels == 4 {
            image = Image(width: scaledWidth, height: scaledHeight, format: .rgb8,
                          pixels: cmykToRGB(samples, inverted: markers.hasAdobe))
        } else {
            image = Image(width: scaledWidth, height: scaledHeight, format: channels == 1 ? .gray8 : .rgb8,
                          pixels: samples)
        }
        if options.applyOrientation { image = image.oriented(markers.orientation) }
        if let maxSide = options.maxSide { image = image.downscaled(toMaxSide: maxSide) }
        return image
    }

    /// The smallest DCT scaling factor of 1/2 or less that keeps the longer side at least `maxSide`
    /// (1/1 when no such reduction applies).
    static func scalingFactor(width: Int, height: Int, maxSide: Int?) -> tjscalingfactor {
        let identity = tjscalingfactor(num: 1, denom: 1)
        guard let maxSide, maxSide > 0 else { return identity }
        let longSide = max(width, height)
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count) else { return identity }
        var best = identity
        for factor in UnsafeBufferPointer(start: factors, count: Int(count)) {
            guard factor.num * 2 <= factor.denom else { continue }
            let scaled = (longSide * Int(factor.num) + Int(factor.denom) - 1) / Int(factor.denom)
            guard scaled >= maxSide else { continue }
            if Int(factor.num) * Int(best.denom) < Int(best.num) * Int(factor.denom) { best = factor }
        }
        return best
    }

    /// CMYK -> RGB the way Pillow does it: r = (255 - c) * (255 - k) / 255, on inverted samples when
    /// the file carries an Adobe marker.
    private static func cmykToRGB(_ cmyk: [UInt8], inverted: Bool) -> [UInt8] {
        let pixelCount = cmyk.count / 4
        return [UInt8](unsafeUninitializedCapacity: pixelCount * 3) { rgb, initialized in
            cmyk.withUnsafeBufferPointer { source in
                for index in 0..<pixelCount {
                    var c = Int(source[4 * index]), m = Int(source[4 * index + 1])
                    var y = Int(source[4 * index + 2]), k = Int(source[4 * index + 3])
                    if !inverted { (c, m, y, k) = (255 - c, 255 - m, 255 - y, 255 - k) }
                    rgb[3 * index] = UInt8(divide255(c * k))
                    rgb[3 * index + 1] = UInt8(divide255(m * k))
                    rgb[3 * index + 2] = UInt8(divide255(y * k))
                }
            }
            initialized = pixelCount * 3
        }
    }

    private static func divide255(_ value: Int) -> Int { (value + 128 + ((value + 128) >> 8)) >> 8 }

    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "libjpeg-turbo failed" }
        return String(cString: text)
    }

    private static func failure(_ handle: tjhandle, name: String, header: Bool) -> ImageError {
        let text = errorText(handle)
        if text.contains("Premature end") || text.contains("truncated") {
            return ImageError(.truncated, file: name, detail: text)
        }
        if text.contains("Unsupported") || text.contains("not supported") {
            return ImageError(.unsupported, file: name, detail: text)
        }
        return ImageError(header ? .badHeader : .corrupt, file: name, detail: text)
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
        let (pixelFormat, subsampling): (TJPF, TJSAMP) = switch image.format {
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
                return tjCompress2(handle, pixels.baseAddress, Int32(image.width), Int32(image.rowStride),
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
