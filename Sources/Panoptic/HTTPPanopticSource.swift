import BlindsightCore
import Foundation
import HTTPTransport
import Imaging

/// A panoptic segmentation service speaking the Blindsight panoptic protocol (`servers/panoptic`):
/// `POST /v1/panoptic` with the image bytes (Content-Type image/jpeg or image/png) answers
/// `{"width", "height", "segments": [{"id", "category_id", "label", "isthing", "score", "area", "bbox"}],
/// "png": "<base64 COCO panoptic PNG>"}`, or `{"error": "…"}` with a 4xx/5xx status.
public struct HTTPPanopticSource: PanopticSource {
    /// The service as given (`http://host:port`, or the full endpoint URL).
    public let url: String
    /// Maps the service's `category_id`s to labels and thing/stuff.
    public let categories: CategorySet
    public let timeouts: HTTPTimeouts
    private let client: HTTPClient

    /// - Parameter timeouts: segmentation on a CPU can take a minute; the default allows ten.
    public init(
        url: String, categories: CategorySet = .cocoPanoptic,
        timeouts: HTTPTimeouts = HTTPTimeouts(connect: 10, total: 600, idle: 600), client: HTTPClient = .shared
    ) {
        self.url = url
        self.categories = categories
        self.timeouts = timeouts
        self.client = client
    }

    /// The endpoint: `url` + `/v1/panoptic`, unless `url` already ends with it.
    public var endpoint: String {
        if url.hasSuffix("/v1/panoptic") { return url }
        return (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/v1/panoptic"
    }

    public var description: String { "panoptic service \(HTTPError.displayURL(endpoint))" }

    public func segmentation(forImageAt path: String, image: Image, imageBytes: [UInt8]) async throws
        -> PanopticSegmentation
    {
        let (body, contentType) = try Self.payload(image: image, bytes: imageBytes)
        var headers = HTTPHeaders()
        headers.set("Content-Type", contentType)
        headers.set("Accept", "application/json")
        let request = HTTPRequest(method: "POST", url: endpoint, headers: headers, body: body, timeouts: timeouts)
        let response = try await client.send(request)
        let service = HTTPError.displayURL(endpoint)
        guard response.isSuccess else {
            throw PanopticError.service(service, "HTTP \(response.status): \(Self.errorText(response.body))")
        }
        do {
            return try PanopticReader.segmentation(
                selfContainedJSON: response.body, origin: service, categories: categories
            )
            .fitted(toWidth: image.width, height: image.height, mapName: service)
        } catch let error as PanopticError {
            throw PanopticError(error.message, exitStatus: .serviceFailure)
        } catch let error as any UserFacingError {
            throw PanopticError.service(service, "answered with an unreadable id map: \(error.message)")
        }
    }

    /// The body to send: the file's own bytes when they are PNG or JPEG, else the decoded image as PNG.
    static func payload(image: Image, bytes: [UInt8]) throws -> (Data, String) {
        switch ImageFormat.sniff(bytes) {
        case .png?: return (Data(bytes), "image/png")
        case .jpeg?: return (Data(bytes), "image/jpeg")
        case nil: return (Data(try PNGEncoder.encode(image)), "image/png")
        }
    }

    /// The server's `{"error": "…"}` text, else the start of the body.
    static func errorText(_ body: Data) -> String {
        if let json = try? JSONDecoder().decode(JSONValue.self, from: body), let message = json["error"]?.stringValue {
            return message
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }
}
