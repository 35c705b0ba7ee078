import Foundation
import Imaging

/// Prepares an image for the seer: downscaled once so its longer side is at most `maxSide`
/// (Qwen2.5-VL reads 28-pixel patches; 1280 keeps detail that a 224×224 resize would lose) and
/// JPEG-encoded. Callers prepare once per dialogue and reuse the attachment for every question.
public enum SeerImage {
    /// The JPEG attachment for `image`.
    /// - Throws: `ImageError` when the image cannot be encoded.
    public static func prepare(_ image: Image, maxSide: Int = 1280, quality: Int = 85) throws -> ImageAttachment {
        let bytes = try JPEGEncoder.encode(image.downscaled(toMaxSide: maxSide), quality: quality)
        return ImageAttachment(mimeType: "image/jpeg", data: Data(bytes))
    }
}
