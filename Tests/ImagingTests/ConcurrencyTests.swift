import Imaging
import Testing

/// Every API may be called from many tasks at once (the CLI, the compositor and the model client do).
@Suite struct ConcurrencyTests {
    @Test func concurrentDecodesAndEncodesMatchSerialResults() async throws {
        let picture = SyntheticImage.smooth(width: 300, height: 200)
        let png = try PNGEncoder.encode(picture.converted(to: .rgba8), effort: .small)
        let jpeg = try JPEGEncoder.encode(picture, quality: 90)
        let expectedPNG = try ImageDecoder.decode(png, name: "a.png")
        let expectedJPEG = try ImageDecoder.decode(jpeg, name: "a.jpg", options: .init(maxSide: 120))
        let expectedEncoding = try PNGEncoder.encode(expectedJPEG, effort: .fast)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    let decodedPNG = try ImageDecoder.decode(png, name: "a.png")
                    let decodedJPEG = try ImageDecoder.decode(jpeg, name: "a.jpg", options: .init(maxSide: 120))
                    let encoded = try PNGEncoder.encode(decodedJPEG, effort: .fast)
                    return decodedPNG == expectedPNG && decodedJPEG == expectedJPEG && encoded == expectedEncoding
                }
            }
            for try await same in group { #expect(same) }
        }
    }
}
