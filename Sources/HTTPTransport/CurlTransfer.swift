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
        case cancelled, idle
    }

    private struct State: ~Copyable {
        var head: CheckedContinuation<Result<Head, HTTPError>, Never>?
        var status = 0
        var headers = HTTPHeaders()
        var lastActivity = ContinuousClock.now
        var abort: Abort?
        /// The multi handle while the transfer runs, for `curl_multi_wakeup`.
        var multi: MultiHandle?
    }

    private let request: HTTPRequest
    private let displayURL: String
    private let body: AsyncThrowingStream<Data, any Error>.Continuation
    private let state = Mutex(State())

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
            if let multi = state.multi { curl_multi_wakeup(multi.pointer) }
        }
    }

    private var abortReason: Abort? { state.withLock { $0.abort } }

    // MARK: - Worker thread

    private func run() {
        let context = Unmanaged.passRetained(self)
        defer { context.release() }
        guard let easy = curl_easy_init() else {
            finish(.failure(HTTPError(.transferFailed, url: displayURL, detail: "curl_easy_init failed")))
            return
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let headerList = configure(easy, context: context.toOpaque())
        defer {
            curl_slist_free_all(headerList)
            curl_easy_cleanup(easy)
        }
        let result = errorBuffer.withUnsafeMutableBufferPointer { buffer in
            _ = ccurl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            let code = perform(easy)
            _ = ccurl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, nil)
            return code
        }
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        finish(outcome(result, detail: HTTPError.redacting(detail, secretsOf: request.url), easy: easy))
    }

    /// Sets every option on `easy`; returns the header list to free after the transfer.
    private func configure(_ easy: UnsafeMutableRawPointer, context: UnsafeMutableRawPointer) -> UnsafeMutablePointer<curl_slist>? {
        _ = ccurl_setopt_str(easy, CURLOPT_URL, request.url)
        _ = ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        _ = ccurl_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        switch request.method.uppercased() {
        case "GET": _ = ccurl_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "POST": _ = ccurl_setopt_long(easy, CURLOPT_POST, 1)
        case "HEAD": _ = ccurl_setopt_long(easy, CURLOPT_NOBODY, 1)
        default: _ = ccurl_setopt_str(easy, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let data = request.body {
            _ = ccurl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(data.count))
            data.withUnsafeBytes { raw in
                _ = ccurl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
            }
        }
        configureEnvironment(easy)
        if let connect = request.timeouts.connect {
            _ = ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(connect))
        }
        if let total = request.timeouts.total {
            _ = ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, milliseconds(total))
        }
        var list: UnsafeMutablePointer<curl_slist>?
        // No "Expect: 100-continue" round trip for large bodies (base64 images).
        list = curl_slist_append(list, "Expect:")
        for field in request.headers {
            list = curl_slist_append(list, "\(field.name): \(field.value)")
        }
        _ = ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        _ = ccurl_setopt_data_cb(easy, CURLOPT_WRITEFUNCTION, curlWriteCallback)
        _ = ccurl_setopt_ptr(easy, CURLOPT_WRITEDATA, context)
        _ = ccurl_setopt_data_cb(easy, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
        _ = ccurl_setopt_ptr(easy, CURLOPT_HEADERDATA, context)
        _ = ccurl_setopt_long(easy, CURLOPT_NOPROGRESS, 0)
        _ = ccurl_setopt_xferinfo_cb(easy, curlProgressCallback)
        _ = ccurl_setopt_ptr(easy, CURLOPT_XFERINFODATA, context)
        return list
    }

    /// Proxies come from `http_proxy`/`https_proxy`/`no_proxy` as libcurl reads them; when no
    /// `no_proxy` is set, local servers (Ollama on localhost) are still reached directly. A CA bundle
    /// named by `CURL_CA_BUNDLE` or `SSL_CERT_FILE` replaces the system store, as the curl tool does.
    private func configureEnvironment(_ easy: UnsafeMutableRawPointer) {
        let environment = ProcessInfo.processInfo.environment
        if environment["no_proxy"] == nil, environment["NO_PROXY"] == nil {
            _ = ccurl_setopt_str(easy, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1")
        }
        if let bundle = environment["CURL_CA_BUNDLE"] ?? environment["SSL_CERT_FILE"], !bundle.isEmpty {
            _ = ccurl_setopt_str(easy, CURLOPT_CAINFO, bundle)
        }
    }

    /// Drives the transfer with a multi handle of its own for the duration (from the pool when the
    /// connection may be kept, so kept-alive connections are reused); returns libcurl's result.
    private func perform(_ easy: UnsafeMutableRawPointer) -> CURLcode {
        let origin = MultiHandlePool.origin(of: request.url)
        let pool = request.reusesConnection ? MultiHandlePool.shared : nil
        guard let handle = pool?.take(for: origin) ?? curl_multi_init().map(MultiHandle.init) else {
            return CURLE_OUT_OF_MEMORY
        }
        let multi = handle.pointer
        curl_multi_add_handle(multi, easy)
        state.withLock { state in
            state.multi = handle
            state.lastActivity = .now
        }
        defer {
            state.withLock { $0.multi = nil }
            curl_multi_remove_handle(multi, easy)
            if let pool { pool.give(handle, origin: origin) } else { curl_multi_cleanup(multi) }
        }
        var running: Int32 = 1
        while running > 0 {
            if abortReason != nil { return CURLE_ABORTED_BY_CALLBACK }
            guard curl_multi_perform(multi, &running) == CURLM_OK else { return CURLE_FAILED_INIT }
            if running == 0 { break }
            var waitMilliseconds: Int32 = 1000
            if let idle = request.timeouts.idle {
                let silent = ContinuousClock.now - state.withLock { $0.lastActivity }
                let remaining = Duration.milliseconds(milliseconds(idle)) - silent
                if remaining <= .zero {
                    state.withLock { if $0.abort == nil { $0.abort = .idle } }
                    return CURLE_ABORTED_BY_CALLBACK
                }
                let remainingMilliseconds = remaining.components.seconds * 1000
                    + remaining.components.attoseconds / 1_000_000_000_000_000 + 1
                waitMilliseconds = Int32(min(1000, remainingMilliseconds))
            }
            curl_multi_poll(multi, nil, 0, waitMilliseconds, nil)
        }
        var pending: Int32 = 0
        var result = CURLE_OK
        while let message = curl_multi_info_read(multi, &pending) {
            if message.pointee.msg == CURLMSG_DONE { result = message.pointee.data.result }
        }
        return result
    }

    private func outcome(_ code: CURLcode, detail: String, easy: UnsafeMutableRawPointer) -> Result<Head, HTTPError> {
        if let abort = abortReason {
            switch abort {
            case .cancelled: return .failure(HTTPError(.cancelled, url: displayURL))
            case .idle:
                let seconds = request.timeouts.idle ?? 0
                return .failure(HTTPError(.idleStall, url: displayURL, detail: "nothing received for \(seconds) s"))
            }
        }
        guard code == CURLE_OK else {
            return .failure(HTTPError(Self.errorCode(code), url: displayURL, detail: detail))
        }
        var status = 0
        state.withLock { status = $0.status }
        if status == 0 {
            var code: Int = 0
            _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
            status = code
        }
        return .success(state.withLock { Head(status: status, headers: $0.headers) })
    }

    static func errorCode(_ code: CURLcode) -> HTTPError.Code {
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: .invalidURL
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT: .couldNotConnect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER:
            .tls
        case CURLE_OPERATION_TIMEDOUT: .timedOut
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

    fileprivate func receiveBody(_ data: Data) -> Bool {
        let proceed = state.withLock { state in
            state.lastActivity = .now
            return state.abort == nil
        }
        if proceed { body.yield(data) }
        return proceed
    }

    fileprivate var shouldAbort: Bool { abortReason != nil }

    private func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded(.up)) }
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
