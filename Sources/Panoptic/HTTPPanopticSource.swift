import BlindsightCore
import Foundation
import HTTPTransport
import Imaging

/// A panoptic segmentation service speaking the Blindsight panoptic protocol (`servers/panoptic`):
/// `POST /v1/panoptic` with the image bytes (Content-Type image/jpeg or image/png) answers
/// `{"width", "height", "segments": [{"id", "category_id", "label", "isthing", "score", "area", "bbox"}],
/// "png": "<base64 COCO panoptic PNG>"}`, or `{"error": "…"}` with a 4xx/5xx status.
public struct HTTPPanopticSource: PanopticSource {
    /// How patient to be with the service and how much it may send.
    public struct Settings: Sendable {
        /// Connect, total and idle times; segmentation on a CPU can take a minute.
        public var timeouts: HTTPTimeouts
        /// The slowest pace accepted (a slow-loris service is cut after `seconds`).
        public var minimumRate: HTTPLimits.MinimumRate?
        /// Bytes allowed on top of the bound for the id map (``answerLimit(width:height:)``), for the
        /// segments list and the JSON around it.
        public var extraAnswerBytes: Int
        /// How the user raises each limit, for messages.
        public var advice: HTTPLimits.Advice
        /// Retries on 408/409/429/5xx and connection failures, as for model requests.
        public var retry: RetryPolicy

        public init(
            timeouts: HTTPTimeouts = HTTPTimeouts(connect: 10, total: 600, idle: 300),
            minimumRate: HTTPLimits.MinimumRate? = HTTPLimits.MinimumRate(bytesPerSecond: 1024, seconds: 180),
            extraAnswerBytes: Int = 4 << 20, advice: HTTPLimits.Advice = HTTPLimits.Advice(),
            retry: RetryPolicy = .standard
        ) {
            self.timeouts = timeouts
            self.minimumRate = minimumRate
            self.extraAnswerBytes = extraAnswerBytes
            self.advice = advice
            self.retry = retry
        }

        /// The defaults.
        public static let standard = Settings()

        /// The largest answer accepted for a `width`×`height` image: the base64 of a PNG that stores
        /// the id map's RGB rows uncompressed (3 bytes a pixel, a filter byte a row, 1 % and 64 KiB for
        /// PNG's own framing), plus ``extraAnswerBytes``. Saturates instead of overflowing.
        public func answerLimit(width: Int, height: Int) -> Int {
            let rows = Double(max(0, height)) * (1 + 3 * Double(max(0, width)))
            let png = rows * 1.01 + 65_536
            let bound = (png * 4 / 3).rounded(.up) + Double(max(0, extraAnswerBytes))
            return bound >= Double(Int.max / 2) ? Int.max / 2 : Int(bound)
        }
    }

    /// The service as given (`http://host:port`, or the full endpoint URL).
    public let url: String
    /// Maps the service's `category_id`s to labels and thing/stuff.
    public let categories: CategorySet
    public let settings: Settings
    private let client: HTTPClient

    public init(
        url: String, categories: CategorySet = .cocoPanoptic, settings: Settings = .standard, client: HTTPClient = .shared
    ) {
        self.url = url
        self.categories = categories
        self.settings = settings
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
        let limits = HTTPLimits(
            maxBodyBytes: settings.answerLimit(width: image.width, height: image.height),
            minimumRate: settings.minimumRate, advice: settings.advice)
        let request = HTTPRequest(
            method: "POST", url: endpoint, headers: headers, body: body, timeouts: settings.timeouts, limits: limits)
        let service = HTTPError.displayURL(endpoint)
        let (answer, _) = try await settings.retry.run { _ in
            await attempt(request, service: service)
        } failure: { last, attempts, gaveUp in
            let tries = attempts > 1 ? " (after \(attempts) attempts)" : ""
            return PanopticError(last.message + tries + (gaveUp.map { "; \($0)" } ?? ""), exitStatus: last.exitStatus)
        } cancelled: { _ in
            PanopticError("panoptic service \(service): cancelled", exitStatus: .interrupted)
        }
        do {
            return try PanopticReader.segmentation(selfContainedJSON: answer, origin: service, categories: categories)
                .fitted(toWidth: image.width, height: image.height, mapName: service)
        } catch let error as PanopticError {
            throw PanopticError(error.message, exitStatus: .serviceFailure)
        } catch let error as any UserFacingError {
            throw PanopticError.service(service, "answered with an unreadable id map: \(error.message)")
        }
    }

    /// One request: the answer's body, or a failure that is retried when the status or the
    /// transport error says another attempt may succeed.
    private func attempt(_ request: HTTPRequest, service: String) async -> AttemptOutcome<Data, PanopticError> {
        let response: HTTPResponse
        do {
            response = try await client.send(request)
        } catch {
            let failure = PanopticError(error.message, exitStatus: error.exitStatus)
            return error.isTransient ? .retryable(failure, serverWait: nil) : .failure(failure)
        }
        guard response.isSuccess else {
            let failure = PanopticError.service(service, "HTTP \(response.status): \(Self.errorText(response.body))")
            guard settings.retry.isRetryable(status: response.status, headers: response.headers) else {
                return .failure(failure)
            }
            return .retryable(failure, serverWait: RetryPolicy.serverWait(response.headers))
        }
        return .success(response.body)
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
