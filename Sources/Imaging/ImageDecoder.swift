#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes PNG and JPEG files into ``Image``s. Every function is safe to call concurrently.
public enum ImageDecoder {
    /// Decodes `bytes`; `name` is the file name used in error messages.
    public static func decode(_ bytes: [UInt8], name: String, options: DecodeOptions = .init()) throws(ImageError) -> Image {
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
            throw ImageError(.unknownFormat, file: name,
                             detail: bytes.isEmpty ? "the file is empty" : "unrecognised signature")
        }
        return format
    }

    /// The whole file's bytes.
    static func readFile(atPath path: String) throws(ImageError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ImageError(.readFailed, file: path, detail: systemReason()) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw ImageError(.readFailed, file: path, detail: systemReason()) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw ImageError(.readFailed, file: path, detail: "not a regular file")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(status.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ImageError(.readFailed, file: path, detail: systemReason())
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    private static func systemReason() -> String { String(cString: strerror(errno)) }
}
