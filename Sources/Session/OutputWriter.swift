import BlindsightCore
import Compositor
import Dialogue
import Foundation
import Imaging
import Panoptic

/// What ``OutputPlan/write(keeping:)`` wrote.
public struct WrittenOutputs: Sendable {
    /// The files, cutout first, with their sizes.
    public var files: [(purpose: String, path: String, byteCount: Int)]
    /// The kept rows of the area table ("3 dog").
    public var kept: [AreaTable.Row]
    /// Things the user should hear about (an empty mask that could not be cropped).
    public var notes: [String]
    /// Width and height of the cutout (the cropped frame, or the photo's size).
    public var width: Int
    public var height: Int
    /// Share (0…1) of the cutout's pixels that are at least partly visible.
    public var visibleShare: Double
    /// True when the cutout was streamed band by band (never whole in memory).
    public var streamed: Bool

    /// The files as transcript records, each with the sha256 of what is now on disk.
    public func records() -> [OutputFile] {
        files.map { file in
            let bytes = (try? ImageDecoder.readFile(atPath: file.path)) ?? []
            return OutputFile(purpose: file.purpose, path: file.path, byteCount: file.byteCount, sha256: SHA256.hex(bytes))
        }
    }
}

extension OutputPlan {
    /// The one decision → files path: resolves `keep` against the scene's area table and segmentation,
    /// builds the mask, and writes every file of the plan. Without a background, crop or soft edge that
    /// asks for foreground estimation, the cutout is streamed into its PNG band by band; the preview is
    /// made from a downscaled copy. All files are complete before any is published (renamed into place).
    /// - Throws: ``CompositorError`` for names that match no segment (exit 3), `ImageError` or
    ///   `FileOutputError` when reading the background or writing fails. Nothing is published on failure.
    public func write(keeping keep: KeepSet) throws -> WrittenOutputs {
        var options = request.options
        if let background = request.backgroundImage {
            options.background = .image(try ImageDecoder.decodeFile(atPath: background))
        }
        let kept = keep.isEmpty ? [] : try keep.resolve(in: scene.segmentation, table: scene.table)
        if KeptAlphaRows.applies(to: options), request.preview == nil {
            return try writePlain(KeptAlphaRows(idMap: scene.segmentation.idMap, keep: kept, invert: options.invert), kept: kept)
        }
        let shaped = Compositor.mask(idMap: scene.segmentation.idMap, keep: kept, options: options)

        var staged: [(purpose: String, file: AtomicFile.Staged)] = []
        var notes: [String] = []
        let mask: Image
        let streamed = Compositor.canStream(mask: shaped, options: options)
        if streamed {
            mask = shaped
            let file = try Compositor.stageCutout(mask: mask, photo: try scene.rows(), toPath: cutout, effort: request.effort)
            staged.append(("cutout", file))
        } else {
            let result = try Compositor.composite(image: try scene.image(), mask: shaped, options: options)
            mask = result.mask
            notes = result.notes
            staged.append(("cutout", try ImageFile.stagePNG(result.cutout, toPath: cutout, effort: request.effort)))
        }
        if let path = request.mask { staged.append(("mask", try ImageFile.stagePNG(mask, toPath: path, effort: request.effort))) }
        if let path = request.preview {
            staged.append(("preview", try ImageFile.stagePNG(preview(mask: shaped, options: options), toPath: path)))
        }
        let visible = mask.pixels.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
        return try publish(
            staged, kept: kept, notes: notes, width: mask.width, height: mask.height, visiblePixels: visible,
            streamed: streamed)
    }

    /// A plain decision (binary alpha, transparent, uncropped, no preview): cutout and mask streamed with
    /// their alpha made from the id map row by row, so not even the mask is whole in memory.
    private func writePlain(_ alpha: KeptAlphaRows, kept: Set<UInt32>) throws -> WrittenOutputs {
        let cutoutFile = try Compositor.stageCutout(keeping: alpha, photo: try scene.rows(), toPath: cutout, effort: request.effort)
        var staged = [(purpose: "cutout", file: cutoutFile.staged)]
        if let path = request.mask {
            staged.append(("mask", try Compositor.stageMask(keeping: alpha, toPath: path, effort: request.effort)))
        }
        return try publish(
            staged, kept: kept, notes: [], width: scene.width, height: scene.height,
            visiblePixels: cutoutFile.visiblePixels, streamed: true)
    }

    /// Adds the marks overlay when asked, publishes every staged file together, and reports them.
    private func publish(
        _ staged: [(purpose: String, file: AtomicFile.Staged)], kept: Set<UInt32>, notes: [String], width: Int,
        height: Int, visiblePixels: Int, streamed: Bool
    ) throws -> WrittenOutputs {
        var staged = staged
        if let path = request.marks {
            staged.append(("marks", try ImageFile.stagePNG(try SeerAttachments.overlay(of: scene), toPath: path)))
        }
        try AtomicFile.publish(staged.map(\.file))
        return WrittenOutputs(
            files: staged.map { ($0.purpose, $0.file.path, $0.file.byteCount) },
            kept: scene.table.rows.filter { kept.contains(UInt32(truncatingIfNeeded: $0.sourceID)) }, notes: notes,
            width: width, height: height, visibleShare: Double(visiblePixels) / Double(max(width * height, 1)),
            streamed: streamed)
    }

    /// The cutout over a checkerboard, made from copies of the photo and the full-size mask downscaled
    /// to ``OutputPlan/previewMaxSide`` (the crop margin scaled alike).
    private func preview(mask: Image, options: CompositeOptions) throws -> Image {
        let small = try scene.image().downscaled(toMaxSide: OutputPlan.previewMaxSide)
        let scale = Double(small.width) / Double(max(scene.width, 1))
        var smallOptions = options
        smallOptions.cropMargin = options.cropMargin.map { Int((Double($0) * scale).rounded()) }
        let smallMask = mask.downscaled(toMaxSide: OutputPlan.previewMaxSide)
        return try Compositor.composite(image: small, mask: smallMask, options: smallOptions).preview()
    }
}
