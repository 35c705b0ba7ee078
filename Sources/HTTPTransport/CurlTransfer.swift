import CCurl
import Foundation
import Synchronization

/// One libcurl transfer on its own thread: an easy handle driven by a multi handle that no other
/// transfer uses meanwhile, so the thread can sleep in `curl_multi_poll` and be woken at once by
/// ``cancel()`` (`curl_multi_wakeup` is the one libcurl call that is safe from another thread). An
/// idle watchdog aborts transfers that receive nothing for longer than the idle timeout.
final class CurlTransfer: Sendable {
    /// The status line and headers of the final (non-1xx) response.
    struct Head: Sendable {
        var status: Int
        var headers: HTTPHeaders
    }

    /// Why the worker stopped a transfer itself.
    private enum Abort: Sendable {
        case cancelled, idle, tooLarge
    }

    private struct State: ~Copyable {
        var head: CheckedContinuation<Result<Head, HTTPError>, Never>?
        var status = 0
        var headers = HTTPHeaders()
        var lastActivity = ContinuousClock.now
        /// Body bytes received so far (for ``HTTPLimits/maxBodyBytes``).
        var bodyBytes = 0
        var abort: Abort?
        /// The multi handle while the transfer runs, for `curl_multi_wakeup`.
        var multi: MultiHandle?
    }

    private let request: HTTPRequest
    private let displayURL: String
    private let body: AsyncThrowingStream<Data, any Error>.Continuation
    private let state = Mutex(State())
    private let started = ContinuousClock.now

    init(request: HTTPRequest, displayURL: String, body: AsyncThrowingStream<Data, any Error>.Continuation) {
        self.request = request
        self.displayURL = displayURL
        self.body = body
    }

    /// Starts the worker thread; `head` is resumed once, with the head or the failure.
    func start(head: CheckedContinuation<Result<Head, HTTPError>, Never>) {
        state.withLock { $0.head = head }
        let thread = Thread { [self] in run() }
        thread.name = "blindsight-http"
        thread.start()
    }

    /// Stops the transfer as soon as possible, from any thread.
    func cancel() {
        state.withLock { state in
            if state.abort == nil { state.abort = .cancelled }
            // A failed wakeup only delays the abort to the next poll timeout (at most 1 s).
            if let multi = state.multi { _ = try? Curl.check(curl_multi_wakeup(multi.pointer), "curl_multi_wakeup") }
        }
    }

    private var abortReason: Abort? { state.withLock { $0.abort } }

    // MARK: - Worker thread

    private func run() {
        let context = Unmanaged.passRetained(self)
        defer { context.release() }
        if case .failure(let failure) = Curl.globalInit { return finish(.failure(failure.httpError(url: displayURL))) }
        guard let easy = curl_easy_init() else {
            finish(.failure(HTTPError(.transferFailed, url: displayURL, detail: "curl_easy_init failed")))
            return
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer {
            curl_slist_free_all(headerList)
            curl_easy_cleanup(easy)
        }
        let options = CurlOptions(easy: easy)
        let result = errorBuffer.withUnsafeMutableBufferPointer { buffer -> Result<CURLcode, CurlFailure> in
            do throws(CurlFailure) {
                try options.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(buffer.baseAddress))
                defer { _ = try? options.set(CURLOPT_ERRORBUFFER, pointer: nil) }  // teardown: nothing to do on failure
                try configure(options, context: context.toOpaque(), headers: &headerList)
                return .success(try perform(easy))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .failure(let failure):
            finish(.failure(failure.httpError(url: displayURL)))
        case .success(let code):
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // libcurl explains only failures: a successful transfer needs no redaction work.
            let explained = code == CURLE_OK || detail.isEmpty ? detail : HTTPError.redacting(detail, secretsOf: request.url)
            finish(outcome(code, detail: explained, easy: easy))
        }
    }

    /// Sets every option on the handle; `headers` receives the header list to free after the transfer.
    private func configure(
        _ options: CurlOptions, context: UnsafeMutableRawPointer, headers: inout UnsafeMutablePointer<curl_slist>?
    ) throws(CurlFailure) {
        try options.set(CURLOPT_URL, request.url)
        try options.set(CURLOPT_NOSIGNAL, 1)
        try options.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        try options.set(CURLOPT_PROTOCOLS_STR, "http,https")
        switch request.method.uppercased() {
        case "GET": try options.set(CURLOPT_HTTPGET, 1)
        case "POST": try options.set(CURLOPT_POST, 1)
        case "HEAD": try options.set(CURLOPT_NOBODY, 1)
        default: try options.set(CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let data = request.body {
            try options.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(data.count))
            try data.withUnsafeBytes { raw in
                Result { () throws(CurlFailure) in
                    try options.set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: raw.baseAddress))
                }
            }.get()
        }
        try configureEnvironment(options)
        try configureLimits(options)
        // No "Expect: 100-continue" round trip for large bodies (base64 images).
        headers = try Curl.append("Expect:", to: headers)
        for field in request.headers {
            headers = try Curl.append("\(field.name): \(field.value)", to: headers)
        }
        try options.set(CURLOPT_HTTPHEADER, list: headers)
        try options.set(CURLOPT_WRITEFUNCTION, callback: curlWriteCallback)
        try options.set(CURLOPT_WRITEDATA, pointer: context)
        try options.set(CURLOPT_HEADERFUNCTION, callback: curlHeaderCallback)
        try options.set(CURLOPT_HEADERDATA, pointer: context)
        try options.set(CURLOPT_NOPROGRESS, 0)
        try options.setProgress(curlProgressCallback)
        try options.set(CURLOPT_XFERINFODATA, pointer: context)
    }

    /// Timeouts and limits: the connect and total times, the largest body (a larger `Content-Length`
    /// is refused by libcurl at the header; a growing body is cut in ``receiveBody(_:)``) and the
    /// slowest pace (libcurl's low-speed limit). The idle limit is the worker's own watchdog.
    private func configureLimits(_ options: CurlOptions) throws(CurlFailure) {
        if let connect = request.timeouts.connect {
            try options.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connect))
        }
        if let total = request.timeouts.total {
            try options.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(total))
        }
        if let maxBody = request.limits.maxBodyBytes {
            try options.set(CURLOPT_MAXFILESIZE_LARGE, offset: curl_off_t(maxBody))
        }
        if let rate = request.limits.minimumRate {
            try options.set(CURLOPT_LOW_SPEED_LIMIT, max(1, rate.bytesPerSecond))
            try options.set(CURLOPT_LOW_SPEED_TIME, max(1, Self.milliseconds(rate.seconds) / 1000))
        }
    }

    /// Proxies come from `http_proxy`/`https_proxy`/`no_proxy` as libcurl reads them; when no
    /// `no_proxy` is set, local servers (Ollama on localhost) are still reached directly. A CA bundle
    /// named by `CURL_CA_BUNDLE` or `SSL_CERT_FILE` replaces the system store, as the curl tool does.
    private func configureEnvironment(_ options: CurlOptions) throws(CurlFailure) {
        let environment = ProcessInfo.processInfo.environment
        if environment["no_proxy"] == nil, environment["NO_PROXY"] == nil {
            try options.set(CURLOPT_NOPROXY, "localhost,127.0.0.1,::1")
        }
        if let bundle = environment["CURL_CA_BUNDLE"] ?? environment["SSL_CERT_FILE"], !bundle.isEmpty {
            try options.set(CURLOPT_CAINFO, bundle)
        }
    }

    /// Drives the transfer with a multi handle of its own for the duration (from the pool when the
    /// connection may be kept, so kept-alive connections are reused); returns libcurl's result.
    private func perform(_ easy: UnsafeMutableRawPointer) throws(CurlFailure) -> CURLcode {
        let origin = MultiHandlePool.origin(of: request.url)
        let pool = request.reusesConnection ? MultiHandlePool.shared : nil
        guard let handle = pool?.take(for: origin) ?? curl_multi_init().map(MultiHandle.init) else {
            throw CurlFailure(call: "curl_multi_init", explanation: "out of memory")
        }
        let multi = handle.pointer
        do {
            try Curl.check(curl_multi_add_handle(multi, easy), "curl_multi_add_handle")
        } catch {
            Curl.release(multi)
            throw error
        }
        state.withLock { state in
            state.multi = handle
            state.lastActivity = .now
        }
        defer {
            state.withLock { $0.multi = nil }
            // A handle that cannot be detached is not reused: closing the multi handle frees it.
            if (try? Curl.check(curl_multi_remove_handle(multi, easy), "curl_multi_remove_handle")) != nil, let pool {
                pool.give(handle, origin: origin)
            } else {
                Curl.release(multi)
            }
        }
        try drive(multi)
        var pending: Int32 = 0
        var result = CURLE_OK
        while let message = curl_multi_info_read(multi, &pending) {
            if message.pointee.msg == CURLMSG_DONE { result = message.pointee.data.result }
        }
        return abortReason == nil ? result : CURLE_ABORTED_BY_CALLBACK
    }

    /// Runs `multi` until the transfer ends, is cancelled, or stays silent past the idle limit.
    private func drive(_ multi: UnsafeMutableRawPointer) throws(CurlFailure) {
        var running: Int32 = 1
        while running > 0 {
            if abortReason != nil { return }
            try Curl.check(curl_multi_perform(multi, &running), "curl_multi_perform")
            if running == 0 { return }
            var waitMilliseconds = 1000
            if let idle = request.timeouts.idle {
                let remaining = Duration.milliseconds(Self.milliseconds(idle)) - (.now - state.withLock { $0.lastActivity })
                if remaining <= .zero {
                    state.withLock { if $0.abort == nil { $0.abort = .idle } }
                    return
                }
                waitMilliseconds = min(1000, Self.milliseconds(remaining / .seconds(1)))
            }
            try Curl.check(curl_multi_poll(multi, nil, 0, Int32(waitMilliseconds), nil), "curl_multi_poll")
        }
    }

    private func outcome(_ code: CURLcode, detail: String, easy: UnsafeMutableRawPointer) -> Result<Head, HTTPError> {
        let limits = request.limits
        switch abortReason {
        case .cancelled?: return .failure(HTTPError(.cancelled, url: displayURL))
        case .idle?:
            return .failure(.limitExceeded(
                .idleStall, url: displayURL, limit: "nothing received for \(LimitText.seconds(request.timeouts.idle ?? 0)) s",
                advice: limits.advice.idle))
        case .tooLarge?:
            return .failure(bodyTooLarge())
        case nil: break
        }
        switch code {
        case CURLE_OK: break
        case CURLE_FILESIZE_EXCEEDED: return .failure(bodyTooLarge())
        case CURLE_OPERATION_TIMEDOUT: return .failure(timeout(detail: detail, easy: easy))
        default: return .failure(HTTPError(Self.errorCode(code), url: displayURL, detail: detail))
        }
        var status = 0
        state.withLock { status = $0.status }
        if status == 0 {
            var code = 0
            if (try? Curl.check(ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code), "curl_easy_getinfo")) != nil {
                status = code
            }
        }
        return .success(state.withLock { Head(status: status, headers: $0.headers) })
    }

    private func bodyTooLarge() -> HTTPError {
        let bytes = request.limits.maxBodyBytes ?? 0
        return .limitExceeded(
            .bodyTooLarge, url: displayURL, limit: "more than \(LimitText.bytes(bytes))",
            advice: request.limits.advice.bodySize)
    }

    /// libcurl reports the connect timeout, the total timeout and the low-speed limit with one code;
    /// they are told apart by how long the transfer ran and whether it connected.
    private func timeout(detail: String, easy: UnsafeMutableRawPointer) -> HTTPError {
        let elapsed = (ContinuousClock.now - started) / .seconds(1)
        if let total = request.timeouts.total, elapsed >= total * 0.999 {
            return .limitExceeded(
                .timedOut, url: displayURL, limit: "more than \(LimitText.seconds(total)) s in all",
                advice: request.limits.advice.totalTime)
        }
        var connectMicroseconds: curl_off_t = 0
        _ = try? Curl.check(ccurl_getinfo_off(easy, CURLINFO_CONNECT_TIME_T, &connectMicroseconds), "curl_easy_getinfo")
        if connectMicroseconds == 0 { return HTTPError(.couldNotConnect, url: displayURL, detail: detail) }
        guard let rate = request.limits.minimumRate else { return HTTPError(.timedOut, url: displayURL, detail: detail) }
        return .limitExceeded(
            .tooSlow, url: displayURL,
            limit: "less than \(rate.bytesPerSecond) bytes/s for \(LimitText.seconds(rate.seconds)) s",
            advice: request.limits.advice.minimumRate)
    }

    static func errorCode(_ code: CURLcode) -> HTTPError.Code {
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: .invalidURL
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT: .couldNotConnect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER:
            .tls
        case CURLE_OPERATION_TIMEDOUT: .timedOut
        case CURLE_FILESIZE_EXCEEDED: .bodyTooLarge
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            .connectionLost
        default: .transferFailed
        }
    }

    /// Resumes the head continuation if still waiting, and ends the body stream.
    private func finish(_ result: Result<Head, HTTPError>) {
        let waiting = state.withLock { state in
            defer { state.head = nil }
            return state.head
        }
        switch result {
        case .success(let head):
            waiting?.resume(returning: .success(head))
            body.finish()
        case .failure(let error):
            waiting?.resume(returning: .failure(error))
            body.finish(throwing: error)
        }
    }

    // MARK: - Callbacks (on the worker thread)

    fileprivate func receiveHeaderLine(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        let ready: CheckedContinuation<Result<Head, HTTPError>, Never>?
        var head = Head(status: 0, headers: HTTPHeaders())
        ready = state.withLock { state in
            state.lastActivity = .now
            if trimmed.hasPrefix("HTTP/") {
                let parts = trimmed.split(separator: " ", maxSplits: 2)
                state.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
                state.headers = HTTPHeaders()
            } else if let colon = trimmed.firstIndex(of: ":") {
                let name = String(trimmed[..<colon])
                let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                state.headers.add(name, value)
            } else if trimmed.isEmpty, state.status >= 200 {
                head = Head(status: state.status, headers: state.headers)
                defer { state.head = nil }
                return state.head
            }
            return nil
        }
        ready?.resume(returning: .success(head))
        return abortReason == nil
    }

    /// Hands a piece of the body on; a body that grows past ``HTTPLimits/maxBodyBytes`` is cut here.
    fileprivate func receiveBody(_ data: Data) -> Bool {
        let limit = request.limits.maxBodyBytes ?? .max
        let proceed = state.withLock { state in
            state.lastActivity = .now
            state.bodyBytes += data.count
            if state.bodyBytes > limit, state.abort == nil { state.abort = .tooLarge }
            return state.abort == nil
        }
        if proceed { body.yield(data) }
        return proceed
    }

    fileprivate var shouldAbort: Bool { abortReason != nil }

    /// `seconds` in whole milliseconds, rounded up and saturating (a configured `1e300` means "for ever").
    private static func milliseconds(_ seconds: Double) -> Int {
        let value = (seconds * 1000).rounded(.up)
        return value.isNaN ? 0 : Int(min(max(value, 0), Double(Int32.max)))
    }

}

private func transfer(_ context: UnsafeMutableRawPointer?) -> CurlTransfer? {
    context.map { Unmanaged<CurlTransfer>.fromOpaque($0).takeUnretainedValue() }
}

private let curlWriteCallback: ccurl_data_callback = { pointer, size, count, context in
    let length = size * count
    guard let pointer, let transfer = transfer(context) else { return 0 }
    return transfer.receiveBody(Data(bytes: pointer, count: length)) ? length : 0
}

private let curlHeaderCallback: ccurl_data_callback = { pointer, size, count, context in
    let length = size * count
    guard let pointer, let transfer = transfer(context) else { return 0 }
    let line = String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    return transfer.receiveHeaderLine(line) ? length : 0
}

private let curlProgressCallback: ccurl_xferinfo_callback = { context, _, _, _, _ in
    guard let transfer = transfer(context) else { return 1 }
    return transfer.shouldAbort ? 1 : 0
}
