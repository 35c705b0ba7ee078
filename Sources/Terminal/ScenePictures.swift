import Compositor
import Dialogue
import Foundation
import Imaging
import Panoptic

/// `--images auto|kitty|iterm|sixel|blocks|none`: how pictures are drawn in the terminal.
public enum ImageChoice: String, Sendable, CaseIterable {
    case auto, kitty, iterm, sixel, blocks, none

    /// The protocol this choice means for standard output in `environment` (`auto` detects it,
    /// asking the terminal about sixels only when nothing else decided).
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> InlineImageProtocol {
        switch self {
        case .auto:
            InlineImageProtocol.detect(
                environment: environment, isTerminal: isatty(STDOUT_FILENO) == 1,
                sixelAnswered: { SixelQuery.terminalAnswersSixel() })
        case .kitty: .kitty
        case .iterm: .iterm
        case .sixel: .sixel
        case .blocks: .blocks
        case .none: .none
        }
    }
}

/// The pictures of a scene drawn in the terminal: the Set-of-Mark overlay (what the seer sees,
/// numbered as the area table) and the cutout of a decision over a checkerboard.
public struct ScenePictures: Sendable {
    public var `protocol`: InlineImageProtocol
    /// Widest picture, in cells.
    public var columns: Int
    /// Tallest picture, in cells.
    public var rows: Int

    /// The longest side a preview is composited at.
    static let previewSide = 800

    /// Pictures at most `columns` wide (capped at 100 cells) and 20 cells tall.
    public init(protocol: InlineImageProtocol, columns: Int, rows: Int = 20) {
        self.protocol = `protocol`
        self.columns = max(8, min(columns, 100))
        self.rows = rows
    }

    /// The numbered Set-of-Mark overlay (what the seer sees), or "" when pictures are off. Drawn from
    /// the photo and id map reduced to preview size, so a 12 MP photo costs no more than a small one.
    public func marks(picture: Image, segmentation: PanopticSegmentation, table: AreaTable) throws -> String {
        guard `protocol` != .none else { return "" }
        let (photo, ids) = Self.reduced(picture, segmentation.idMap)
        return try draw(MarkOverlay.render(image: photo, idMap: ids, table: table))
    }

    /// The cutout of the kept source ids over a checkerboard, or "" when pictures are off (made at
    /// preview size, with hard edges).
    public func cutout(keeping sourceIDs: [Int], picture: Image, segmentation: PanopticSegmentation) throws -> String {
        guard `protocol` != .none else { return "" }
        let keep = Set(sourceIDs.map { UInt32(truncatingIfNeeded: $0) })
        var options = CompositeOptions()
        options.estimateForeground = false
        let (photo, ids) = Self.reduced(picture, segmentation.idMap)
        let mask = Compositor.mask(idMap: ids, keep: keep, options: options)
        return try draw(try Compositor.composite(image: photo, mask: mask, options: options).preview())
    }

    /// The photo reduced to at most ``previewSide`` a side, and the id map resampled (nearest
    /// neighbour, so no new ids) to the same size.
    static func reduced(_ picture: Image, _ ids: SegmentIDMap) -> (Image, SegmentIDMap) {
        let photo = picture.downscaled(toMaxSide: previewSide)
        return (photo, ids.rescaled(toWidth: photo.width, height: photo.height))
    }

    /// Any image, scaled to fit.
    public func draw(_ image: Image) throws -> String {
        try TerminalImage.render(image, with: `protocol`, columns: columns, rows: rows)
    }
}
