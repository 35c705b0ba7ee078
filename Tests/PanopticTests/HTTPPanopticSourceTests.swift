import BlindsightCore
import Foundation
import HTTPTransport
import Imaging
import Panoptic
import TestSupport
import Testing

/// The panoptic service client against a loopback server speaking the protocol over real sockets.
@Suite("The panoptic service client")
struct HTTPPanopticSourceTests {
    let scene = SyntheticScene(voidOutline: true)

    func request(_ source: any PanopticSource, jpeg: Bool = true) async throws -> PanopticSegmentation {
        let bytes = jpeg ? try JPEGEncoder.encode(scene.image) : try PNGEncoder.encode(scene.image)
        return try await source.segmentation(forImageAt: "photo", image: scene.image, imageBytes: bytes)
    }

    @Test("the image goes up with its type and the answer becomes the same segmentation, labels natural")
    func roundTrip() async throws {
        let server = try await FakePanopticServer(answer: .segmentation(scene.segmentation))
        defer { Task { await server.stop() } }
        let source = try PanopticSourceResolver.resolve(panoptic: server.baseURL, segments: nil, imagePath: "photo.jpg")
        #expect(source.description.contains(server.baseURL + "/v1/panoptic"))
        let segmentation = try await request(source)
        #expect(segmentation.idMap == scene.segmentation.idMap)
        #expect(segmentation.segments.map(\.label) == ["sky", "grass", "tree", "dog", "person"])
        #expect(segmentation.segments.map(\.area) == scene.segmentation.segments.map(\.area))
        #expect(segmentation.segments.allSatisfy { $0.score == 0.99 })
        _ = try await request(source, jpeg: false)
        _ = try await source.segmentation(forImageAt: "photo", image: scene.image, imageBytes: [])
        let received = server.requests
        #expect(received.map(\.path) == ["/v1/panoptic", "/v1/panoptic", "/v1/panoptic"])
        #expect(received.map(\.contentType) == ["image/jpeg", "image/png", "image/png"], "without file bytes, PNG")
        #expect(Array(received[1].body.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }

    /// The standard retry policy without its waits.
    static let noWaits = HTTPPanopticSource.Settings(retry: RetryPolicy(sleep: { _ in }))

    @Test("an error status is retried like a model request, then shows the server's message and exits 4")
    func errorStatus() async throws {
        let server = try await FakePanopticServer(answer: .error(status: 503, message: "model is still loading"))
        defer { Task { await server.stop() } }
        let error = await #expect(throws: PanopticError.self) {
            try await request(HTTPPanopticSource(url: server.baseURL, settings: Self.noWaits))
        }
        #expect(error?.exitStatus == .serviceFailure)
        #expect(error?.message.contains("HTTP 503: model is still loading (after 3 attempts)") == true)
        #expect(error?.message.contains(server.baseURL) == true)
        #expect(server.requests.count == 3)
        server.setAnswer(.scripted(.json("<html>bad gateway</html>", status: 502)))
        let html = await #expect(throws: PanopticError.self) {
            try await request(HTTPPanopticSource(url: server.baseURL, settings: Self.noWaits))
        }
        #expect(html?.message.contains("HTTP 502: <html>bad gateway</html>") == true)
        server.setAnswer(.error(status: 400, message: "not an image"))
        _ = await #expect(throws: PanopticError.self) {
            try await request(HTTPPanopticSource(url: server.baseURL, settings: Self.noWaits))
        }
        #expect(server.requests.count == 7, "a 400 is not retried")
    }

    @Test("408, 429 and 5xx and a refused connection are retried; the next good answer is used")
    func transientFaultsAreRetried() async throws {
        let server = try await FakePanopticServer(answer: .segmentation(scene.segmentation))
        defer { Task { await server.stop() } }
        server.enqueue(.error(status: 500, message: "CUDA error"), .error(status: 429, message: "busy"))
        let segmentation = try await request(HTTPPanopticSource(url: server.baseURL, settings: Self.noWaits))
        #expect(segmentation.idMap == scene.segmentation.idMap)
        #expect(server.requests.count == 3)
    }

    @Test("an answer larger than the bound for the image's size is refused; the bound grows with the image")
    func answerBound() async throws {
        let settings = HTTPPanopticSource.Settings(extraAnswerBytes: 1000, retry: RetryPolicy(maxAttempts: 1))
        #expect(settings.answerLimit(width: 0, height: 0) == 65_536 * 4 / 3 + 1000 + 1)
        #expect(settings.answerLimit(width: 4000, height: 3000) > 4000 * 3000 * 3 * 4 / 3)
        #expect(settings.answerLimit(width: .max, height: .max) == Int.max / 2, "saturates")
        let server = try await FakePanopticServer(answer: .scripted(.endlessJSONBody()))
        defer { Task { await server.stop() } }
        let error = await #expect(throws: PanopticError.self) {
            try await request(HTTPPanopticSource(url: server.baseURL, settings: settings))
        }
        #expect(error?.exitStatus == .serviceFailure)
        #expect(error?.message.contains("is larger than allowed (more than \(settings.answerLimit(width: scene.image.width, height: scene.image.height)) bytes") == true)
    }

    @Test("a malformed answer is a service failure naming the service")
    func malformedAnswer() async throws {
        let server = try await FakePanopticServer(answer: .scripted(.json(#"{"width": 10, "segments": []}"#)))
        defer { Task { await server.stop() } }
        let missing = await #expect(throws: PanopticError.self) {
            try await request(HTTPPanopticSource(url: server.baseURL))
        }
        #expect(missing?.exitStatus == .serviceFailure)
        #expect(missing?.message.contains("png") == true)
        server.setAnswer(.scripted(.json(#"{"png": "aGVsbG8=", "segments": []}"#)))
        let notPNG = await #expect(throws: PanopticError.self) {
            try await request(HTTPPanopticSource(url: server.baseURL))
        }
        #expect(notPNG?.exitStatus == .serviceFailure)
        server.setAnswer(.scripted(.json("{not json")))
        let notJSON = await #expect(throws: PanopticError.self) {
            try await request(HTTPPanopticSource(url: server.baseURL))
        }
        #expect(notJSON?.message.contains("not valid JSON") == true)
    }

    @Test("a service that is not running is a service failure (exit 4)")
    func notRunning() async throws {
        let closed = try RefusingPort()
        await #expect {
            try await request(HTTPPanopticSource(url: closed.baseURL))
        } throws: { error in
            (error as? any UserFacingError)?.exitStatus == .serviceFailure
        }
        extendLifetime(closed)
    }

    @Test("a saved service answer works offline as --panoptic FILE.json")
    func savedAnswer() async throws {
        let folder = try TestData.temporaryFolder().path
        let path = folder + "/answer.json"
        try FakePanopticServer.protocolAnswer(for: scene.segmentation).write(to: URL(fileURLWithPath: path))
        let source = try PanopticSourceResolver.resolve(panoptic: path, segments: nil, imagePath: "photo.jpg")
        let segmentation = try await source.segmentation(forImageAt: "photo.jpg", image: scene.image, imageBytes: [])
        #expect(segmentation.idMap == scene.segmentation.idMap)
        #expect(segmentation.segments.map(\.label) == ["sky", "grass", "tree", "dog", "person"])
        #expect(throws: PanopticError.self) {
            try PanopticSourceResolver.resolve(panoptic: path, segments: path, imagePath: "photo.jpg")
        }
    }
}

@Suite("Self-contained segmentation JSON")
struct SelfContainedJSONTests {
    @Test("transformers results with the map as a nested list read without a PNG; -1 is unlabelled")
    func nestedSegmentation() throws {
        let json = #"""
            {"segmentation": [[1, 1, 2], [-1, 2, 2]],
             "segments_info": [{"id": 1, "label_id": 16, "score": 0.9, "was_fused": false},
                               {"id": 2, "label_id": 0, "score": 0.8, "was_fused": false}]}
            """#
        let segmentation = try PanopticReader.segmentation(selfContainedJSON: Data(json.utf8), origin: "result.json")
        #expect(segmentation.idMap.width == 3 && segmentation.idMap.height == 2)
        #expect(segmentation.idMap.ids == [1, 1, 2, 0, 2, 2])
        #expect(segmentation.segments.map(\.label) == ["dog", "person"])
        #expect(segmentation.segments.map(\.area) == [2, 3])
        let ragged = #"{"segmentation": [[1, 1], [1]], "segments_info": [{"id": 1, "label_id": 0}]}"#
        let error = try #require(throws: PanopticError.self) {
            try PanopticReader.segmentation(selfContainedJSON: Data(ragged.utf8), origin: "result.json")
        }
        #expect(error.message.contains("row 2"))
    }
}
