import Imaging
import Panoptic

/// The outputs of one composite, all the same size (the frame, cropped or not).
public struct CompositeResult: Sendable {
    /// RGBA with straight alpha and RGB 0 wherever alpha is 0; RGB (opaque) when a background was set.
    public var cutout: Image
    /// The alpha mask, Gray8.
    public var mask: Image
    /// The part of the input image the outputs show: the whole image unless cropped.
    public var frame: BoundingBox
    /// Things the user should hear about (a rescaled id map, an empty mask); the CLI prints them on stderr.
    public var notes: [String]

    public init(cutout: Image, mask: Image, frame: BoundingBox, notes: [String] = []) {
        self.cutout = cutout
        self.mask = mask
        self.frame = frame
        self.notes = notes
    }

    /// The cutout over a light checkerboard (RGB), as image viewers show transparency; the cutout
    /// itself when it is already opaque.
    public func preview() -> Image {
        guard cutout.format == .rgba8 else { return cutout }
        let checker = Checkerboard(width: cutout.width, height: cutout.height)
        return Blending.overOpaque(
            foreground: ColorSource(cutout), alpha: AlphaSource(cutout), frame: fullFrame(cutout),
            background: { x, y in checker.color(x: x, y: y) })
    }
}

/// Turns a keep-set into a mask and a mask into a cutout.
public enum Compositor {
    /// The alpha mask (Gray8, id-map size) of the kept ids, shaped by `options` (invert, islands,
    /// holes, feather). With feather 0 and no other shaping it is 255 exactly on the kept pixels.
    public static func mask(idMap: SegmentIDMap, keep: Set<UInt32>, options: CompositeOptions) -> Image {
        var pixels = MaskBuilder.binaryMask(ids: idMap.ids, keep: keep, invert: options.invert)
        MaskBuilder.refine(&pixels, width: idMap.width, height: idMap.height, options: options)
        return Image(width: idMap.width, height: idMap.height, format: .gray8, pixels: pixels)
    }

    /// The same mask read straight from a COCO panoptic PNG's pixels (id = R + 256·G + 65536·B; a
    /// gray image's sample is the id), without building a full-size id map: the cheapest path for
    /// large images when the keep-set is already in source ids.
    public static func mask(panopticImage: Image, keep: Set<UInt32>, options: CompositeOptions) -> Image {
        var pixels = MaskBuilder.binaryMask(panoptic: panopticImage, keep: keep, invert: options.invert)
        MaskBuilder.refine(&pixels, width: panopticImage.width, height: panopticImage.height, options: options)
        return Image(width: panopticImage.width, height: panopticImage.height, format: .gray8, pixels: pixels)
    }

    /// Cuts `image` out with `mask` (Gray8, same size): estimates the foreground colour at soft
    /// edges (when asked), crops, and places the result on transparency or on the background.
    /// - Throws: ``CompositorError/sizeMismatch(what:expected:actual:)`` when the sizes differ.
    public static func composite(image: Image, mask: Image, options: CompositeOptions) throws(CompositorError)
        -> CompositeResult
    {
        guard mask.width == image.width, mask.height == image.height else {
            throw .sizeMismatch(what: "the mask", expected: (image.width, image.height), actual: (mask.width, mask.height))
        }
        let alpha = AlphaSource(mask)
        var notes: [String] = []
        var frame = fullFrame(image)
        if let margin = options.cropMargin {
            if let content = alpha.contentBox() {
                frame = expanded(content, by: margin, within: frame)
            } else {
                notes.append("the mask is empty, so there is nothing to crop to; the outputs keep the full frame")
            }
        }

        var foreground = ColorSource(image)
        if options.estimateForeground, alpha.hasPartialValues() {
            let estimated = ForegroundEstimator.estimate(
                image: .init(samples: foreground.samples, stride: foreground.stride), alpha: alpha.samples,
                width: image.width, height: image.height)
            foreground = ColorSource(samples: estimated, stride: 3, width: image.width)
        }

        let cutout: Image
        switch options.background {
        case .transparent:
            cutout = Blending.straightAlpha(foreground: foreground, alpha: alpha, frame: frame)
        case .color(let color):
            cutout = Blending.overOpaque(
                foreground: foreground, alpha: alpha, frame: frame,
                background: { _, _ in (color.red, color.green, color.blue) })
        case .image(let backdrop):
            let sampler = CoverSampler(backdrop, width: frame.width, height: frame.height)
            cutout = Blending.overOpaque(
                foreground: foreground, alpha: alpha, frame: frame,
                background: { x, y in sampler.color(x: x, y: y) })
        }
        return CompositeResult(cutout: cutout, mask: cropped(mask, to: frame), frame: frame, notes: notes)
    }

    private static func expanded(_ box: BoundingBox, by margin: Int, within bounds: BoundingBox) -> BoundingBox {
        let left = max(bounds.x, box.x - margin)
        let top = max(bounds.y, box.y - margin)
        let right = min(bounds.x + bounds.width, box.x + box.width + margin)
        let bottom = min(bounds.y + bounds.height, box.y + box.height + margin)
        return BoundingBox(x: left, y: top, width: right - left, height: bottom - top)
    }

    private static func cropped(_ image: Image, to frame: BoundingBox) -> Image {
        if frame == fullFrame(image) { return image }
        let channels = image.format.channels
        var pixels = [UInt8]()
        pixels.reserveCapacity(frame.width * frame.height * channels)
        for y in frame.y..<(frame.y + frame.height) {
            let start = (y * image.width + frame.x) * channels
            pixels.append(contentsOf: image.pixels[start..<(start + frame.width * channels)])
        }
        return Image(width: frame.width, height: frame.height, format: image.format, pixels: pixels)
    }
}

/// The whole frame of `image`.
func fullFrame(_ image: Image) -> BoundingBox {
    BoundingBox(x: 0, y: 0, width: image.width, height: image.height)
}
