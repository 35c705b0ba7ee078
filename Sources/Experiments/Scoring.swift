import Dialogue
import Foundation
import Imaging
import Panoptic

/// Scores result rows against the truth: IoU of the decision's mask, the oracle IoU of the segmentation,
/// the regret, and the selection's precision and recall.
public struct RunScorer: Sendable {
    public let truth: Truth?

    public init(truth: Truth?) {
        self.truth = truth
    }

    /// Fills `row`'s scores from `segmentation` (the one the decision refers to). Leaves them empty when
    /// the image has no truth; a truth that does not fit the image is noted in the row's `error`.
    public func score(_ row: inout ResultRow, segmentation: PanopticSegmentation) {
        row.iou = nil
        row.oracleIoU = nil
        row.regret = nil
        row.overlap = nil
        row.selection = nil
        guard let entry = truth?.entry(forImageAt: row.image) else { return }
        let scored: ScoredTruth
        do {
            scored = try ScoredTruth(entry: entry, segmentation: segmentation)
        } catch {
            let message = (error as? ExperimentError)?.message ?? String(describing: error)
            row.error = [row.error, "truth: \(message)"].compactMap { $0 }.joined(separator: "; ")
            return
        }
        let scorer = MaskScorer(truth: scored, idMap: segmentation.idMap)
        let oracle = scorer.oracle.overlap.iou
        row.oracleIoU = oracle
        guard let decision = row.decision, row.hasDecision else { return }
        let overlap = scorer.overlap(keeping: Set(decision.sourceIDs.map { UInt32(truncatingIfNeeded: $0) }))
        row.overlap = overlap
        row.iou = overlap.iou
        row.regret = oracle - overlap.iou
        if let ids = scored.foregroundIDs { row.selection = Selection(kept: Set(decision.sourceIDs), truth: ids) }
    }

    /// Scores `rows` again against the current truth (after an edit of it), loading each image's
    /// segmentation once. Rows whose image or segmentation cannot be loaded keep their scores.
    public func rescore(_ rows: [ResultRow], panoptic: String?) async -> [ResultRow] {
        var segmentations: [String: PanopticSegmentation] = [:]
        var result: [ResultRow] = []
        for var row in rows {
            if segmentations[row.image] == nil, let loaded = try? await Self.segmentation(of: row.image, panoptic: panoptic) {
                segmentations[row.image] = loaded
            }
            if let segmentation = segmentations[row.image] { score(&row, segmentation: segmentation) }
            result.append(row)
        }
        return result
    }

    /// The segmentation of the image at `path`, from `panoptic` or its sidecar files.
    static func segmentation(of path: String, panoptic: String?) async throws -> PanopticSegmentation {
        guard let data = FileManager.default.contents(atPath: path) else { throw ExperimentError("cannot read \(path)") }
        let bytes = [UInt8](data)
        let picture = try ImageDecoder.decode(bytes, name: path)
        let source = try PanopticSourceResolver.resolve(panoptic: panoptic, segments: nil, imagePath: path)
        return try await source.segmentation(forImageAt: path, image: picture, imageBytes: bytes)
    }
}

/// Makes a result row from a cell and what its run produced.
enum RowBuilder {
    static func row(
        cell: RunCell, executed: ExecutedRun, latency: Double, transcript: String?, cutout: String?, mask: String?
    ) -> ResultRow {
        let configuration = cell.configuration
        let status: ResultRow.Status =
            switch executed.decision?.outcome {
            case .decided?, .edited?: .decided  // edits need a chat's user; experiments have none
            case .fallback?: .fallback
            case nil: .failed
            }
        return ResultRow(
            runID: cell.runID, index: cell.index, image: cell.image.path, imageSHA256: cell.image.sha256,
            prompts: configuration.prompts, reasoner: configuration.reasoner, seer: configuration.seer,
            maxRounds: configuration.maxRounds, repeatNumber: cell.repeatNumber, seed: cell.seed, status: status,
            exitCode: executed.exitCode, stopReason: executed.stopReason, error: executed.error,
            decision: executed.decision.map {
                ResultRow.DecisionRecord(foreground: $0.foreground, sourceIDs: $0.sourceIDs, reason: $0.reason)
            },
            iou: nil, oracleIoU: nil, regret: nil, overlap: nil, selection: nil, rounds: executed.stats?.rounds ?? 0,
            questions: executed.stats?.questionsAsked ?? 0, rejections: executed.stats?.rejections ?? 0,
            uniqueQuestionRatio: executed.stats?.uniqueQuestionRatio ?? 1, tokens: executed.tokens,
            latencySeconds: latency, cachedAnswers: executed.cachedAnswers, transcript: transcript, cutout: cutout, mask: mask)
    }
}
