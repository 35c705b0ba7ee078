import Experiments
import Panoptic
import Testing

@Suite struct MaskScoreTests {
    /// The best IoU over every subset, by brute force.
    static func bruteForce(_ scorer: MaskScorer) -> Double {
        let candidates = scorer.segments.filter { $0.id != 0 }
        var best = scorer.overlap(keeping: []).iou
        for bits in 0..<(1 << candidates.count) {
            let kept = Set(candidates.indices.filter { bits & (1 << $0) != 0 }.map { candidates[$0].id })
            best = max(best, scorer.overlap(keeping: kept).iou)
        }
        return best
    }

    @Test func oracleEqualsBruteForceOnRandomSegmentations() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<400 {
            let count = Int.random(in: 1...8, using: &generator)
            let segments = (1...count).map { id in
                SegmentOverlap(
                    id: UInt32(id), inside: Int.random(in: 0...5, using: &generator) * Int.random(in: 0...3, using: &generator),
                    outside: Int.random(in: 0...9, using: &generator))
            }
            let truthPixels = segments.reduce(0) { $0 + $1.inside } + Int.random(in: 0...6, using: &generator)
            let scorer = MaskScorer(truthPixels: truthPixels, segments: segments)
            let oracle = scorer.oracle
            #expect(oracle.overlap.iou == Self.bruteForce(scorer), "\(segments) T=\(truthPixels)")
            #expect(scorer.overlap(keeping: Set(oracle.kept)) == oracle.overlap)
        }
    }

    @Test func oracleTakesWholeInsideSegmentsAndWeighsMixedOnes() {
        // Segment 1 lies wholly inside the truth; 2 is mostly inside; 3 mostly outside; 0 (void) is never kept.
        let scorer = MaskScorer(truthPixels: 100, segments: [
            SegmentOverlap(id: 0, inside: 10, outside: 0), SegmentOverlap(id: 1, inside: 60, outside: 0),
            SegmentOverlap(id: 2, inside: 25, outside: 5), SegmentOverlap(id: 3, inside: 5, outside: 40),
        ])
        #expect(scorer.oracle.kept == [1, 2])
        #expect(scorer.oracle.overlap == Overlap(intersection: 85, union: 105))
    }

    @Test func iouCountsOnlyScoredPixelsAndIgnoredSegmentsDrop() throws {
        // 4×1 map: ids 1 1 2 3; truth says id 1 (pixels 0, 1); id 3 is ignored (crowd).
        let map = SegmentIDMap(width: 4, height: 1, ids: [1, 1, 2, 3])
        let segmentation = PanopticSegmentation(idMap: map, segments: [])
        let truth = try ScoredTruth(entry: TruthEntry(foregroundIDs: [1], ignoreIDs: [3]), segmentation: segmentation)
        let scorer = MaskScorer(truth: truth, idMap: map)
        #expect(scorer.truthPixels == 2)
        #expect(scorer.overlap(keeping: [1, 3]).iou == 1)
        #expect(scorer.overlap(keeping: [1, 2]) == Overlap(intersection: 2, union: 3))
        #expect(truth.foregroundIDs == [1])
    }

    @Test func selectionPrecisionRecallAndExactness() {
        let selection = Selection(kept: [1, 2], truth: [1, 3, 4])
        #expect(selection.precision == 0.5)
        #expect(selection.recall == 1.0 / 3.0)
        #expect(!selection.exact)
        #expect(Selection(kept: [5], truth: [5]).exact)
    }

    @Test func bootstrapIsSeededAndBracketsTheMean() throws {
        let values = [0.2, 0.9, 0.4, 0.75, 0.6, 0.1]
        let first = try #require(Bootstrap.mean(values, seed: 3))
        #expect(first == Bootstrap.mean(values, seed: 3))
        #expect(first.low <= first.mean && first.mean <= first.high)
        #expect(first.low > 0.1 && first.high < 0.9)
        #expect(Bootstrap.mean([], seed: 3) == nil)
    }
}
