import CImagingShims

/// Encodes images as 8-bit PNG (gray, rgb or rgba as the image's format says): our own filtering
/// and chunk writing, zlib deflate in parallel 1 MiB bands (see `bsimg_png_encode_stream`).
public enum PNGEncoder {
    /// The PNG file bytes for `image`.
    public static func encode(_ image: Image, effort: PNGEffort = .fast) throws(ImageError) -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            try encode(image, effort: effort) { bytes.append(contentsOf: $0) }
        } catch let error as ImageError {
            throw error
        } catch {
            throw ImageError(.encodeFailed, file: "image", detail: "\(error)")
        }
        return bytes
    }

    /// Encodes `image`, handing the file's bytes to `output` piece by piece.
    public static func encode(
        _ image: Image, effort: PNGEffort, output: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let rowBytes = image.width * image.format.channels
        try image.pixels.withUnsafeBufferPointer { pixels in
            try encode(
                width: image.width, height: image.height, format: image.format, effort: effort,
                rows: { first, rows in
                    let start = first * rowBytes
                    _ = rows.update(fromContentsOf: pixels[start..<(start + rows.count)])
                }, output: output)
        }
    }

    /// Encodes an image that `fillRows` produces top to bottom, a band of rows at a time, handing the
    /// file's bytes to `output` as they are ready: neither the image nor the file is ever whole in memory.
    /// - Parameters:
    ///   - fillRows: called with the first row's index and a buffer for whole rows (width × channels
    ///     bytes each), in order, each row once.
    ///   - output: takes the next bytes of the file.
    /// - Throws: the first error of `fillRows` or `output`, or ``ImageError`` when encoding fails.
    public static func encode(
        width: Int, height: Int, format: PixelFormat, effort: PNGEffort,
        rows fillRows: (_ firstRow: Int, _ rows: UnsafeMutableBufferPointer<UInt8>) throws -> Void,
        output: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw ImageError(.encodeFailed, file: "image", detail: "PNG needs 1 to 2³¹−1 pixels a side, not \(width)x\(height)")
        }
        let (level, adaptive): (Int32, Int32) =
            switch effort {
            case .fast: (1, 0)
            case .small: (5, 1)
            }
        var message = [CChar](repeating: 0, count: 256)
        let status = try withoutActuallyEscaping(fillRows) { fill in
            try withoutActuallyEscaping(output) { write in
                let context = StreamContext(rowBytes: width * format.channels, fill: fill, write: write)
                let status = bsimg_png_encode_stream(
                    UInt32(width), UInt32(height), Int32(format.channels), level, adaptive,
                    { context, first, count, rows in
                        StreamContext.from(context).fill(first: Int(first), count: Int(count), into: rows)
                    }, Unmanaged.passUnretained(context).toOpaque(),
                    { context, bytes, count in
                        StreamContext.from(context).write(UnsafeRawBufferPointer(start: bytes, count: count))
                    }, Unmanaged.passUnretained(context).toOpaque(), &message, message.count)
                if let failure = context.failure { throw failure }
                return status
            }
        }
        guard status == BSIMG_OK else {
            let text = shimMessage(message)
            throw ImageError(.encodeFailed, file: "image", detail: text.isEmpty ? "PNG encoding failed" : text)
        }
    }
}

/// The Swift side of one streamed encoding: the C encoder calls back into it (always on the calling
/// thread) for rows and with bytes; the first error stops the encoding and is rethrown.
private final class StreamContext {
    let rowBytes: Int
    let fillRows: (Int, UnsafeMutableBufferPointer<UInt8>) throws -> Void
    let writeBytes: (UnsafeRawBufferPointer) throws -> Void
    var failure: (any Error)?

    init(
        rowBytes: Int, fill: @escaping (Int, UnsafeMutableBufferPointer<UInt8>) throws -> Void,
        write: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) {
        self.rowBytes = rowBytes
        self.fillRows = fill
        self.writeBytes = write
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> StreamContext {
        Unmanaged<StreamContext>.fromOpaque(pointer!).takeUnretainedValue()
    }

    /// 0 when the rows were filled, 1 (abort) after an error.
    func fill(first: Int, count: Int, into rows: UnsafeMutablePointer<UInt8>?) -> Int32 {
        guard let rows else { return 1 }
        return attempt { try fillRows(first, UnsafeMutableBufferPointer(start: rows, count: count * rowBytes)) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Int32 { attempt { try writeBytes(bytes) } }

    private func attempt(_ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return 0
        } catch {
            failure = error
            return 1
        }
    }
}
