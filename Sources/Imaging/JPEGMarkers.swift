/// The facts of a JPEG header, read without libjpeg (for `image info` and checks before decoding):
/// size, frame type and precision, the Adobe APP14 transform, an ICC profile, the EXIF orientation.
/// A bounds-checked walk over the marker segments up to the first scan; it never reads past the buffer.
struct JPEGMarkers: Sendable, Equatable {
    var width = 0
    var height = 0
    var precision = 8
    var components = 0
    /// The SOF marker (0xC0 baseline, 0xC1 extended, 0xC2 progressive, 0xC9... arithmetic).
    var frameMarker: UInt8 = 0
    /// Whether an Adobe APP14 segment is present (CMYK samples are then stored inverted).
    var hasAdobe = false
    /// The Adobe transform: 0 none (RGB/CMYK), 1 YCbCr, 2 YCCK.
    var adobeTransform: Int?
    /// EXIF orientation of the first valid EXIF segment, 1 when none.
    var orientation = 1
    /// Whether an APP2 "ICC_PROFILE" segment is present.
    var hasICCProfile = false

    /// The coding process the frame marker names.
    var encoding: String {
        let process: String =
            switch frameMarker & 0x03 {
            case 0: "baseline"
            case 1: "extended"
            case 2: "progressive"
            default: "lossless"
            }
        // SOF9-SOF11 (and their differential forms) use arithmetic coding.
        return frameMarker & 0x08 != 0 ? process + " arithmetic" : process
    }

    var colorType: String {
        switch components {
        case 1: return "gray"
        case 3: return adobeTransform == 0 ? "rgb" : "ycbcr"
        case 4: return adobeTransform == 2 ? "ycck" : "cmyk"
        default: return "\(components)-component"
        }
    }

    var info: ImageInfo {
        ImageInfo(
            format: .jpeg, width: width, height: height, orientation: orientation, colorType: colorType,
            bitDepth: precision, channels: components, encoding: encoding, hasICCProfile: hasICCProfile)
    }

    static func scan(_ bytes: [UInt8], name: String) throws(ImageError) -> JPEGMarkers {
        var result = JPEGMarkers()
        var foundFrame = false
        var foundExif = false
        var position = 2
        while true {
            // Find the next marker, skipping junk and fill bytes as libjpeg does.
            while position < bytes.count, bytes[position] != 0xFF { position += 1 }
            while position < bytes.count, bytes[position] == 0xFF { position += 1 }
            guard position < bytes.count else { break }
            let marker = bytes[position]
            position += 1
            if marker == 0x01 || marker == 0xD8 || (0xD0...0xD7).contains(marker) { continue }
            if marker == 0xDA || marker == 0xD9 { break }
            guard position + 2 <= bytes.count else { break }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            guard length >= 2 else {
                throw ImageError(.badHeader, file: name, detail: "JPEG marker segment with invalid length")
            }
            let start = position + 2
            let end = min(position + length, bytes.count)
            let payload = bytes[start..<max(start, end)]
            position += length
            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                guard !foundFrame else { continue }
                guard payload.count >= 6 else {
                    throw ImageError(.badHeader, file: name, detail: "JPEG frame header too short")
                }
                let p = payload.startIndex
                result.frameMarker = marker
                result.precision = Int(payload[p])
                result.height = Int(payload[p + 1]) << 8 | Int(payload[p + 2])
                result.width = Int(payload[p + 3]) << 8 | Int(payload[p + 4])
                result.components = Int(payload[p + 5])
                foundFrame = true
            case 0xE1 where !foundExif:
                if let orientation = EXIF.orientation(inAPP1: payload) {
                    result.orientation = orientation
                    foundExif = true
                }
            case 0xE2:
                if payload.starts(with: Array("ICC_PROFILE".utf8)) { result.hasICCProfile = true }
            case 0xEE:
                if payload.starts(with: Array("Adobe".utf8)) {
                    result.hasAdobe = true
                    if payload.count >= 12 { result.adobeTransform = Int(payload[payload.startIndex + 11]) }
                }
            default:
                break
            }
        }
        guard foundFrame else {
            throw ImageError(
                position >= bytes.count ? .truncated : .badHeader, file: name,
                detail: "no JPEG frame header (SOF) before the image data")
        }
        guard result.width > 0, result.height > 0 else {
            throw ImageError(
                .badHeader, file: name, detail: "JPEG frame has no pixels (\(result.width)x\(result.height))")
        }
        return result
    }
}

/// A minimal, bounds-checked EXIF (TIFF) reader: just the orientation tag of IFD0.
enum EXIF {
    /// The orientation in an APP1 payload starting with "Exif\0\0": nil when the payload is not a
    /// readable EXIF block; 1 when the tag is missing or out of range.
    static func orientation(inAPP1 payload: ArraySlice<UInt8>) -> Int? {
        let signature: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0]
        guard payload.starts(with: signature) else { return nil }
        return orientation(inTIFF: Array(payload.dropFirst(6)))
    }

    /// The orientation in a TIFF structure, nil when malformed.
    static func orientation(inTIFF tiff: [UInt8]) -> Int? {
        guard tiff.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            let a = Int(tiff[at])
            let b = Int(tiff[at + 1])
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func u32(_ at: Int) -> Int? {
            guard let low = u16(littleEndian ? at : at + 2), let high = u16(littleEndian ? at + 2 : at) else {
                return nil
            }
            return high << 16 | low
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for index in 0..<count {
            let entry = ifd + 2 + index * 12
            guard entry + 12 <= tiff.count, let tag = u16(entry), let type = u16(entry + 2),
                let value = u16(entry + 8)
            else { return nil }
            guard tag == 0x0112 else { continue }
            guard type == 3 else { return 1 }
            return (1...8).contains(value) ? value : 1
        }
        return 1
    }
}
