// TEMPORARY: stands in for Panoptic's `SegmentIDMap.rescaled` until the panoptic branch is merged.
import Panoptic

extension SegmentIDMap {
    func rescaled(toWidth newWidth: Int, height newHeight: Int) -> SegmentIDMap {
        if newWidth == width, newHeight == height { return self }
        var output = [UInt32](repeating: 0, count: newWidth * newHeight)
        for y in 0..<newHeight {
            let sourceRow = min(height - 1, (2 * y + 1) * height / (2 * newHeight)) * width
            for x in 0..<newWidth { output[y * newWidth + x] = ids[sourceRow + min(width - 1, (2 * x + 1) * width / (2 * newWidth))] }
        }
        return SegmentIDMap(width: newWidth, height: newHeight, ids: output)
    }
}
