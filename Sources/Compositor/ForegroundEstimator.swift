/// Estimates the true foreground colour at partially transparent pixels, so a soft edge does not
/// carry a halo of the old background.
///
/// This is the blur-fusion estimator of Forte & Pitié, "Approximate Fast Foreground Colour
/// Estimation" (ICIP 2021), as BiRefNet uses it: two passes, a large then a small box window, each
/// computing `F = blur(F) + α·(I − α·blur(F) − (1−α)·blur(B))`, where `blur(F)` is the α-weighted
/// mean of the foreground around the pixel and `blur(B)` the (1−α)-weighted mean of the background.
/// The box means come from ``BoxSums`` (running sums, O(1) per pixel), so a 12 MP image stays fast.
enum ForegroundEstimator {
    /// Box radii of the two passes: windows of 91 and 7 pixels, as BiRefNet's kernel sizes 90 and 6.
    static let passRadii = (large: 45, small: 3)

    /// A plane of RGB samples, `stride` bytes per pixel (the first three are red, green, blue).
    struct ColorPlane {
        var samples: [UInt8]
        var stride: Int
    }

    /// The image's colours with the estimated foreground written in wherever alpha is strictly
    /// between 0 and 255 (same layout as `image`). Only the box around those pixels, widened by the
    /// two radii, is computed: the result is the same as over the whole frame, at a fraction of the cost
    /// when the soft edge covers a small part of a large photo.
    static func estimate(image: ColorPlane, alpha: [UInt8], width: Int, height: Int) -> ColorPlane {
        guard let soft = partialBox(alpha, width: width, height: height) else { return image }
        let reach = passRadii.large + passRadii.small
        let left = max(0, soft.left - reach), top = max(0, soft.top - reach)
        let right = min(width, soft.right + reach), bottom = min(height, soft.bottom + reach)
        let regionWidth = right - left, regionHeight = bottom - top
        var regionColors = [UInt8](repeating: 0, count: regionWidth * regionHeight * 3)
        var regionAlpha = [UInt8](repeating: 0, count: regionWidth * regionHeight)
        for y in 0..<regionHeight {
            for x in 0..<regionWidth {
                let source = (top + y) * width + left + x, target = y * regionWidth + x
                regionAlpha[target] = alpha[source]
                for c in 0..<3 { regionColors[target * 3 + c] = image.samples[source * image.stride + c] }
            }
        }
        let region = ColorPlane(samples: regionColors, stride: 3)
        let first = pass(
            image: region, foreground: region, background: region, alpha: regionAlpha, width: regionWidth,
            height: regionHeight, radius: passRadii.large)
        let estimated = pass(
            image: region, foreground: first.foreground, background: first.background, alpha: regionAlpha,
            width: regionWidth, height: regionHeight, radius: passRadii.small
        ).foreground.samples
        var output = image
        for y in 0..<regionHeight {
            for x in 0..<regionWidth where regionAlpha[y * regionWidth + x] != 0 && regionAlpha[y * regionWidth + x] != 255 {
                let target = ((top + y) * width + left + x) * image.stride, source = (y * regionWidth + x) * 3
                for c in 0..<3 { output.samples[target + c] = estimated[source + c] }
            }
        }
        return output
    }

    /// The half-open box around the pixels with 0 < alpha < 255, or nil when there are none.
    private static func partialBox(_ alpha: [UInt8], width: Int, height: Int) -> (left: Int, top: Int, right: Int, bottom: Int)? {
        var left = width, top = height, right = 0, bottom = 0
        for y in 0..<height {
            for x in 0..<width where alpha[y * width + x] != 0 && alpha[y * width + x] != 255 {
                left = min(left, x)
                right = max(right, x + 1)
                top = min(top, y)
                bottom = y + 1
            }
        }
        return right > left ? (left, top, right, bottom) : nil
    }

    /// One blur-fusion pass; returns the new foreground and the blurred background, 3 bytes per pixel.
    private static func pass(
        image: ColorPlane, foreground: ColorPlane, background: ColorPlane, alpha: [UInt8], width: Int, height: Int,
        radius: Int
    ) -> (foreground: ColorPlane, background: ColorPlane) {
        let channels = 7  // α, F·α (3), B·(1−α) (3)
        var newForeground = [UInt8](repeating: 0, count: width * height * 3)
        var blurredBackground = [UInt8](repeating: 0, count: width * height * 3)
        let box = BoxSums(width: width, height: height, channels: channels, radius: radius)
        alpha.withUnsafeBufferPointer { alpha in
            image.samples.withUnsafeBufferPointer { observed in
                foreground.samples.withUnsafeBufferPointer { fore in
                    background.samples.withUnsafeBufferPointer { back in
                        newForeground.withUnsafeMutableBufferPointer { newForeground in
                            blurredBackground.withUnsafeMutableBufferPointer { blurredBackground in
                                box.run(
                                    produce: { y, row in
                                        for x in 0..<width {
                                            let pixel = y * width + x
                                            let a = Int(alpha[pixel])
                                            let f = pixel * foreground.stride, b = pixel * background.stride
                                            let slot = x * channels
                                            row[slot] = a
                                            for c in 0..<3 {
                                                row[slot + 1 + c] = Int(fore[f + c]) * a
                                                row[slot + 4 + c] = Int(back[b + c]) * (255 - a)
                                            }
                                        }
                                    },
                                    consume: { y, sums in
                                        for x in 0..<width {
                                            let pixel = y * width + x
                                            let slot = x * channels
                                            let count = Float(box.count(x: x, y: y))
                                            let meanAlpha = Float(sums[slot]) / (count * 255)
                                            let a = Float(alpha[pixel]) / 255
                                            let i = pixel * image.stride
                                            let foreScale = 1 / (count * 65025 * (meanAlpha + 1e-5))
                                            let backScale = 1 / (count * 65025 * (1 - meanAlpha + 1e-5))
                                            for c in 0..<3 {
                                                let blurF = Float(sums[slot + 1 + c]) * foreScale
                                                let blurB = Float(sums[slot + 4 + c]) * backScale
                                                let seen = Float(observed[i + c]) / 255
                                                let estimate = blurF + a * (seen - a * blurF - (1 - a) * blurB)
                                                newForeground[pixel * 3 + c] = unitToByte(estimate)
                                                blurredBackground[pixel * 3 + c] = unitToByte(blurB)
                                            }
                                        }
                                    })
                            }
                        }
                    }
                }
            }
        }
        return (ColorPlane(samples: newForeground, stride: 3), ColorPlane(samples: blurredBackground, stride: 3))
    }

    @inline(__always)
    private static func unitToByte(_ value: Float) -> UInt8 {
        UInt8(min(max(value, 0), 1) * 255 + 0.5)
    }
}
