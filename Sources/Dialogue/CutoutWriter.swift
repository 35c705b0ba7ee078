import BlindsightCore
import Compositor
import Imaging
import Panoptic

/// Turns a foreground decision into files: the RGBA cutout and, when asked, the alpha mask (both PNG,
/// written atomically). Used by `run` and by anything that recomposes a recorded decision.
public enum CutoutWriter {
    /// Composites `image` with the decision's segments and writes the outputs.
    /// - Parameters:
    ///   - segmentation: the segmentation the decision's source ids refer to, at the image's size.
    /// - Returns: the files written, cutout first.
    /// - Throws: ``CompositorError`` on a size mismatch, `ImageError` or ``FileOutputError`` when writing fails.
    public static func write(
        decision: Decision, segmentation: PanopticSegmentation, image: Image, cutoutPath: String, maskPath: String?,
        options: CompositeOptions = CompositeOptions()
    ) throws -> [OutputFile] {
        let keep = Set(decision.sourceIDs.map { UInt32(truncatingIfNeeded: $0) })
        let mask = Compositor.mask(idMap: segmentation.idMap, keep: keep, options: options)
        let result = try Compositor.composite(image: image, mask: mask, options: options)
        var written = [try writePNG(result.cutout, to: cutoutPath, purpose: "cutout")]
        if let maskPath { written.append(try writePNG(result.mask, to: maskPath, purpose: "mask")) }
        return written
    }

    private static func writePNG(_ image: Image, to path: String, purpose: String) throws -> OutputFile {
        let bytes = try PNGEncoder.encode(image)
        try AtomicFile.write(bytes, to: path)
        return OutputFile(purpose: purpose, path: path, byteCount: bytes.count, sha256: SHA256.hex(bytes))
    }
}
