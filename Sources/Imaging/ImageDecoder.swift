#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decodes PNG and JPEG files into ``Image``s. Every function is safe to call concurrently.
public enum ImageDecoder {
    /// Decodes `bytes`; `name` is the file name used in error messages.
    public static func decode(_ bytes: [UInt8], name: String, options: DecodeOptions = .init()) throws(ImageError)
        -> Image
    {
        switch try format(of: bytes, name: name) {
        case .png:
            let image = try PNGDecoder.decode(bytes, name: name, maxPixels: options.maxPixels)
            guard let maxSide = options.maxSide else { return image }
            return image.downscaled(toMaxSide: maxSide)
        case .jpeg:
            return try JPEGDecoder.decode(bytes, name: name, options: options)
        }
    }

    /// Reads and decodes the file at `path`.
    public static func decodeFile(atPath path: String, options: DecodeOptions = .init()) throws(ImageError) -> Image {
        try decode(readFile(atPath: path), name: path, options: options)
    }

    /// The header facts of `bytes`, without decoding pixels.
    public static func info(_ bytes: [UInt8], name: String) throws(ImageError) -> ImageInfo {
        switch try format(of: bytes, name: name) {
        case .png: try PNGDecoder.info(bytes, name: name)
        case .jpeg: try JPEGMarkers.scan(bytes, name: name).info
        }
    }

    /// The header facts of the file at `path`.
    public static func infoFile(atPath path: String) throws(ImageError) -> ImageInfo {
        try info(readFile(atPath: path), name: path)
    }

    private static func format(of bytes: [UInt8], name: String) throws(ImageError) -> ImageFormat {
        guard let format = ImageFormat.sniff(bytes) else {
            throw ImageError(
                .unknownFormat, file: name,
                detail: bytes.isEmpty ? "the file is empty" : "unrecognised signature")
        }
        return format
    }

    /// The whole file's bytes (a regular file only; a missing or unreadable file is ``ImageError`` `.readFailed`).
    public static func readFile(atPath path: String) throws(ImageError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ImageError(.readFailed, file: path, detail: systemReason()) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw ImageError(.readFailed, file: path, detail: systemReason()) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw ImageError(.readFailed, file: path, detail: "not a regular file")
        }
        // Read straight into an array of the file's size; the file may have grown since fstat, so read
        // any rest in chunks.
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: max(0, Int(status.st_size))) { buffer, count in
            count = readFully(fd, into: buffer, failure: &failure)
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while failure == 0 {
            let got = chunk.withUnsafeMutableBufferPointer { readFully(fd, into: $0, failure: &failure) }
            bytes.append(contentsOf: chunk[0..<got])
            if got < chunk.count { break }
        }
        guard failure == 0 else {
            throw ImageError(.readFailed, file: path, detail: String(cString: strerror(failure)))
        }
        return bytes
    }

    /// Reads until `buffer` is full, the file ends, or an error (its errno goes to `failure`).
    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableBufferPointer<UInt8>, failure: inout Int32)
        -> Int
    {
        var count = 0
        while count < buffer.count, let base = buffer.baseAddress {
            let got = read(fd, base + count, buffer.count - count)
            if got < 0, errno == EINTR { continue }
            if got < 0 { failure = errno }
            if got <= 0 { break }
            count += got
        }
        return count
    }

    private static func systemReason() -> String { String(cString: strerror(errno)) }
}
