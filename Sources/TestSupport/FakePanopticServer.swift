import FlyingFox
import Foundation
import Imaging
import Panoptic
import Synchronization

/// A panoptic segmentation service on a loopback socket (127.0.0.1, a free port) that speaks the
/// Blindsight panoptic protocol like `servers/panoptic/server.py`: `POST /v1/panoptic` with image bytes
/// (Content-Type image/jpeg or image/png) answers the configured segmentation as
/// `{"width", "height", "segments": [...], "png": "<base64 COCO panoptic PNG>"}`; a body that is not a
/// PNG or JPEG gets 400, another Content-Type 415, another path 404, each as `{"error": "…"}`.
public final class FakePanopticServer: Sendable {
    /// What `POST /v1/panoptic` answers.
    public enum Answer: Sendable {
        /// The protocol answer for this segmentation (whatever image was sent).
        case segmentation(PanopticSegmentation)
        /// `{"error": message}` with `status`.
        case error(status: Int, message: String)
        /// Exactly this response.
        case scripted(ScriptedResponse)
    }

    /// A request as the server received it.
    public struct ReceivedRequest: Sendable {
        public var method: String
        public var path: String
        public var contentType: String
        public var body: Data
    }

    private struct State {
        var answer: Answer
        /// Answers played once each, in order, before ``answer``.
        var queued: [Answer] = []
        var received: [ReceivedRequest] = []
    }

    private final class Shared: Sendable {
        let state: Mutex<State>
        init(answer: Answer) { state = Mutex(State(answer: answer)) }
    }

    private let server: HTTPServer
    private let task: Task<Void, any Error>
    private let shared: Shared
    /// `http://127.0.0.1:<port>`.
    public let baseURL: String

    /// Starts a server that answers `answer`.
    public init(answer: Answer) async throws {
        let shared = Shared(answer: answer)
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 60, logger: .disabled)
        await server.appendRoute("*") { request in
            await Self.respond(to: request, shared: shared).httpResponse()
        }
        task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 60)
        guard case .ip4(_, let port) = await server.listeningAddress else { throw CocoaError(.featureUnsupported) }
        self.server = server
        self.shared = shared
        baseURL = "http://127.0.0.1:\(port)"
    }

    /// Changes what later requests get.
    public func setAnswer(_ answer: Answer) {
        shared.state.withLock { $0.answer = answer }
    }

    /// Answers for the next requests, one each, before the standing answer resumes (a transient
    /// fault: `.error(status: 500, …)` then the segmentation).
    public func enqueue(_ answers: Answer...) {
        shared.state.withLock { $0.queued.append(contentsOf: answers) }
    }

    /// Every request received so far, in order.
    public var requests: [ReceivedRequest] { shared.state.withLock { $0.received } }

    /// Stops listening and closes every connection.
    public func stop() async {
        await server.stop(timeout: 0)
        task.cancel()
    }

    /// The protocol's JSON answer for `segmentation`, labels as the reference server gives them
    /// (the dataset's category names, such as "sky-other-merged").
    public static func protocolAnswer(for segmentation: PanopticSegmentation) throws -> Data {
        let map = segmentation.idMap
        let png = try PNGEncoder.encode(map.cocoPanopticImage())
        let segments = segmentation.segments.map { segment -> [String: Any] in
            let category = segment.categoryID.flatMap { CategorySet.cocoPanoptic.category(id: $0) }
            return [
                "id": segment.id, "category_id": segment.categoryID ?? 0, "label": category?.name ?? segment.label,
                "isthing": segment.isThing, "score": segment.score ?? 0.99, "area": segment.area,
                "bbox": [segment.bbox.x, segment.bbox.y, segment.bbox.width, segment.bbox.height],
            ]
        }
        let answer: [String: Any] = [
            "width": map.width, "height": map.height, "segments": segments, "png": Data(png).base64EncodedString(),
        ]
        return try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])
    }

    private static func respond(to request: FlyingFox.HTTPRequest, shared: Shared) async -> ScriptedResponse {
        let body = (try? await request.bodyData) ?? Data()
        let contentType = request.headers[.contentType] ?? ""
        let answer = shared.state.withLock { state -> Answer in
            state.received.append(
                ReceivedRequest(
                    method: request.method.rawValue, path: request.path, contentType: contentType, body: body))
            return state.queued.isEmpty ? state.answer : state.queued.removeFirst()
        }
        guard request.method == .POST, request.path == "/v1/panoptic" else {
            return errorResponse(404, "no such endpoint \(request.path); POST /v1/panoptic")
        }
        switch answer {
        case .error(let status, let message):
            return errorResponse(status, message)
        case .scripted(let response):
            return response
        case .segmentation(let segmentation):
            let mediaType =
                contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard mediaType == "image/png" || mediaType == "image/jpeg" else {
                return errorResponse(415, "Content-Type must be image/jpeg or image/png, not \(contentType)")
            }
            do {
                _ = try ImageDecoder.decode([UInt8](body), name: "request body")
            } catch {
                return errorResponse(400, "cannot decode the image: \(error.message)")
            }
            guard let data = try? protocolAnswer(for: segmentation) else {
                return errorResponse(500, "fake panoptic server: cannot encode the answer")
            }
            return .json(String(decoding: data, as: UTF8.self))
        }
    }

    private static func errorResponse(_ status: Int, _ message: String) -> ScriptedResponse {
        let data = (try? JSONSerialization.data(withJSONObject: ["error": message])) ?? Data()
        return .json(String(decoding: data, as: UTF8.self), status: status)
    }
}
