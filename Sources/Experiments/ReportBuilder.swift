import BlindsightCore
import Compositor
import Foundation
import Imaging
import Mustache
import Panoptic
import Transcripts

/// Builds `report.html` and its thumbnails (in `report/`) from the rows: the summary table, and per image
/// the photo, the Set-of-Mark overlay, the truth and each run's cutout, with every run's dialogue.
struct ReportBuilder {
    static let thumbnailSide = 240
    let folder: ExperimentFolder
    let plan: ResolvedPlan
    let rows: [ResultRow]
    let summaries: [ConfigurationSummary]

    var thumbnailFolder: String { folder.file("report") }

    /// Writes the thumbnails and the page; returns notes about images it could not show.
    func write() async throws -> [String] {
        try? FileManager.default.createDirectory(atPath: thumbnailFolder, withIntermediateDirectories: true)
        var notes: [String] = []
        var images: [[String: Any]] = []
        let byImage = Dictionary(grouping: rows.sorted { $0.index < $1.index }, by: \.image)
        for image in plan.images.map(\.path) {
            guard let imageRows = byImage[image] else { continue }
            do {
                images.append(try await section(image: image, rows: imageRows))
            } catch {
                notes.append("report: \(image): \((error as? any UserFacingError)?.message ?? String(describing: error))")
                images.append(["name": (image as NSString).lastPathComponent, "runs": imageRows.map { runCell($0, cutout: nil) }])
            }
        }
        let context: [String: Any] = [
            "title": "Experiment \((folder.path as NSString).lastPathComponent)",
            "runCount": rows.count, "imageCount": images.count, "configurationCount": summaries.count, "seed": String(plan.seed),
            "columns": ReportTable.columns.map { ["name": $0.name, "type": $0.numeric ? "number" : "text"] },
            "summaries": summaries.map { summary in ["cells": ReportTable.columns.map { $0.cell(summary) }] },
            "images": images,
            "dialogues": rows.sorted { $0.index < $1.index }.map(dialogue),
        ]
        let template = try MustacheTemplate(string: ReportTemplate.text)
        try AtomicFile.write(Array(template.render(context).utf8), to: folder.reportPath)
        return notes
    }

    /// One image's strip: thumbnails of the photo, overlay and truth, then each run's cutout.
    private func section(image: String, rows: [ResultRow]) async throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: image) else { throw ExperimentError("cannot read \(image)") }
        let picture = try ImageDecoder.decode([UInt8](data), name: image)
        let key = String(SHA256.hex(of: image).prefix(10))
        let photo = picture.downscaled(toMaxSide: Self.thumbnailSide)
        var result: [String: Any] = ["name": (image as NSString).lastPathComponent]
        result["photo"] = try writeThumbnail(photo, name: "\(key).photo.png")
        var segmentation: PanopticSegmentation?
        // The sidecar segmentation only: a report never calls a service.
        if plan.panoptic == nil, let loaded = try? await RunScorer.segmentation(of: image, panoptic: nil) {
            segmentation = loaded
            let overlay = MarkOverlay.render(image: picture, idMap: loaded.idMap, table: AreaTable(segmentation: loaded))
            result["marks"] = try writeThumbnail(overlay.downscaled(toMaxSide: Self.thumbnailSide), name: "\(key).marks.png")
        }
        if let segmentation, let entry = plan.truth.flatMap({ try? Truth(path: $0.path) })?.entry(forImageAt: image),
            let truth = try? ScoredTruth(entry: entry, segmentation: segmentation)
        {
            let mask = Image(width: truth.width, height: truth.height, format: .gray8, pixels: truth.foreground.map { $0 * 255 })
            result["truth"] = try writeThumbnail(cutout(photo: photo, mask: mask), name: "\(key).truth.png")
        }
        if let oracle = rows.compactMap(\.oracleIoU).first { result["oracle"] = String(format: "%.3f", oracle) }
        result["runs"] = try rows.map { row -> [String: Any] in
            guard let mask = row.mask, let maskImage = try? ImageDecoder.decodeFile(atPath: folder.file(mask)) else {
                return runCell(row, cutout: nil)
            }
            return runCell(row, cutout: try writeThumbnail(cutout(photo: photo, mask: maskImage), name: "\(row.runID).cutout.png"))
        }
        return result
    }

    /// The photo thumbnail with the mask (downscaled to it) as alpha.
    private func cutout(photo: Image, mask: Image) throws -> Image {
        let small = mask.format == .gray8 ? mask : Image(
            width: mask.width, height: mask.height, format: .gray8,
            pixels: stride(from: 0, to: mask.pixels.count, by: mask.format.channels).map { mask.pixels[$0] })
        let fitted = small.areaAveraged(width: photo.width, height: photo.height)
        return try Compositor.composite(image: photo, mask: fitted, options: CompositeOptions()).cutout
    }

    private func writeThumbnail(_ image: Image, name: String) throws -> String {
        _ = try ImageFile.writePNG(image, toPath: "\(thumbnailFolder)/\(name)")
        return "report/\(name)"
    }

    private func runCell(_ row: ResultRow, cutout: String?) -> [String: Any] {
        var cell: [String: Any] = [
            "runID": row.runID, "configuration": row.configuration.key, "status": row.status.rawValue,
            "iou": row.iou.map { String(format: "%.3f", $0) } ?? "–",
        ]
        if plan.repeats > 1 && !row.configuration.isBaseline { cell["repeat"] = String(row.repeatNumber) }
        if let cutout { cell["cutout"] = cutout }
        return cell
    }

    /// A run's dialogue, readable: questions, answers, rejections, the decision and its reason.
    private func dialogue(_ row: ResultRow) -> [String: Any] {
        var result: [String: Any] = [
            "runID": row.runID, "configuration": row.configuration.key, "image": (row.image as NSString).lastPathComponent,
            "status": row.status.rawValue, "stopReason": row.stopReason, "iou": row.iou.map { String(format: "%.3f", $0) } ?? "–",
        ]
        if let error = row.error { result["error"] = error }
        guard let transcript = row.transcript, let read = try? TranscriptReader.read(path: folder.file(transcript)) else {
            return result
        }
        result["transcript"] = transcript
        result["lines"] = DialogueLines.lines(read.events)
        return result
    }
}
