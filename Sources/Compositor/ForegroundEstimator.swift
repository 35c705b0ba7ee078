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

    /// The estimated foreground colour of every pixel, 3 bytes per pixel. Where α = 255 it is the
    /// image's own colour; where α = 0 it is meaningless (the caller makes those pixels transparent).
    static func estimate(image: ColorPlane, alpha: [UInt8], width: Int, height: Int) -> [UInt8] {
        let first = pass(
            image: image, foreground: image, background: image, alpha: alpha, width: width, height: height,
            radius: passRadii.large)
        return pass(
            image: image, foreground: first.foreground, background: first.background, alpha: alpha, width: width,
            height: height, radius: passRadii.small
        ).foreground.samples
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
        box.run(
            produce: { y, row in
                for x in 0..<width {
                    let pixel = y * width + x
                    let a = Int(alpha[pixel])
                    let f = pixel * foreground.stride
                    let b = pixel * background.stride
                    let slot = x * channels
                    row[slot] = a
                    for c in 0..<3 {
                        row[slot + 1 + c] = Int(foreground.samples[f + c]) * a
                        row[slot + 4 + c] = Int(background.samples[b + c]) * (255 - a)
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
                    for c in 0..<3 {
                        let blurF = Float(sums[slot + 1 + c]) / (count * 65025) / (meanAlpha + 1e-5)
                        let blurB = Float(sums[slot + 4 + c]) / (count * 65025) / (1 - meanAlpha + 1e-5)
                        let observed = Float(image.samples[i + c]) / 255
                        let estimate = blurF + a * (observed - a * blurF - (1 - a) * blurB)
                        newForeground[pixel * 3 + c] = unitToByte(estimate)
                        blurredBackground[pixel * 3 + c] = unitToByte(blurB)
                    }
                }
            })
        return (ColorPlane(samples: newForeground, stride: 3), ColorPlane(samples: blurredBackground, stride: 3))
    }

    @inline(__always)
    private static func unitToByte(_ value: Float) -> UInt8 {
        UInt8(min(max(value, 0), 1) * 255 + 0.5)
    }
}
