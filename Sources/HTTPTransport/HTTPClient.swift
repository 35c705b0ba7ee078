import CCurl
import Foundation

/// The one HTTP client of Blindsight, on libcurl.
///
/// Every transfer runs on its own thread (never on Swift's cooperative pool, which a blocking
/// transfer would starve), using its own easy handle, so no handle is ever shared between threads.
/// libcurl is initialised once per process. Cancelling the calling task (or dropping a streamed
/// body) stops the transfer at once.
public final class HTTPClient: Sendable {
    /// The process-wide client.
    public static let shared = HTTPClient()

    public init() {
        _ = Curl.globalInit
    }

    /// Sends `request` and collects the whole response body.
    ///
    /// Any HTTP status is a response (check ``HTTPResponse/status``); only transfer failures throw.
    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await stream(request).collect()
    }

    /// Sends `request` and returns as soon as the status and headers have arrived; the body
    /// streams through ``HTTPStreamingResponse/body``.
    public func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        let displayURL = HTTPError.displayURL(request.url)
        if Task.isCancelled { throw HTTPError(.cancelled, url: displayURL) }
        let (body, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
        let transfer = CurlTransfer(request: request, displayURL: displayURL, body: continuation)
        continuation.onTermination = { termination in
            if case .cancelled = termination { transfer.cancel() }
        }
        let head: Result<CurlTransfer.Head, HTTPError> = await withTaskCancellationHandler {
            await withCheckedContinuation { headContinuation in
                transfer.start(head: headContinuation)
            }
        } onCancel: {
            transfer.cancel()
        }
        switch head {
        case .success(let head):
            return HTTPStreamingResponse(
                status: head.status, headers: head.headers, body: body, displayURL: displayURL)
        case .failure(let error):
            throw error
        }
    }
}
