import Foundation
import Imaging
import ModelClients
import Testing

@Suite("Seer images")
struct SeerImageTests {
    func gradient(width: Int, height: Int) -> Image {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width { pixels += [UInt8(x % 256), UInt8(y % 256), 128] }
        }
        return Image(width: width, height: height, format: .rgb8, pixels: pixels)
    }

    @Test("a large image is downscaled to the longest side and sent as JPEG")
    func downscalesAndEncodes() throws {
        let attachment = try SeerImage.prepare(gradient(width: 2000, height: 1000), maxSide: 1280)
        #expect(attachment.mimeType == "image/jpeg")
        #expect(Array(attachment.data.prefix(3)) == [0xFF, 0xD8, 0xFF])
        let decoded = try ImageDecoder.decode([UInt8](attachment.data), name: "seer.jpg")
        #expect(decoded.width == 1280)
        #expect(decoded.height == 640)
    }

    @Test("a small image keeps its size")
    func smallImageUnchanged() throws {
        let attachment = try SeerImage.prepare(gradient(width: 300, height: 200), maxSide: 1280)
        let decoded = try ImageDecoder.decode([UInt8](attachment.data), name: "seer.jpg")
        #expect(decoded.width == 300)
        #expect(decoded.height == 200)
    }
}
