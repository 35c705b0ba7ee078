import CCurl

/// A libcurl call returned an error code: which call, and libcurl's own explanation.
struct CurlFailure: Error, Sendable {
    let call: String
    let explanation: String

    /// The failure as the user sees it: exit status 4, naming the URL.
    func httpError(url: String) -> HTTPError {
        HTTPError(.transferFailed, url: url, detail: "\(call) failed: \(explanation)")
    }
}

/// The one place where libcurl's result codes are checked. Every `curl_easy_setopt`,
/// `curl_multi_*` and `curl_slist_append` result of this module goes through ``check(_:_:)``;
/// failures while setting up or driving a transfer fail the request (exit 4, naming the call),
/// failures while tearing down go through ``release(_:)`` and are dropped: nothing can be done then.
enum Curl {
    /// Throws unless `code` is `CURLE_OK`.
    static func check(_ code: CURLcode, _ call: @autoclosure () -> String) throws(CurlFailure) {
        guard code != CURLE_OK else { return }
        throw CurlFailure(call: call(), explanation: String(cString: curl_easy_strerror(code)))
    }

    /// Throws unless `code` is `CURLM_OK`.
    static func check(_ code: CURLMcode, _ call: @autoclosure () -> String) throws(CurlFailure) {
        guard code != CURLM_OK else { return }
        throw CurlFailure(call: call(), explanation: String(cString: curl_multi_strerror(code)))
    }

    /// Closes a multi handle (and the connections it kept).
    static func release(_ multi: UnsafeMutableRawPointer) {
        _ = try? check(curl_multi_cleanup(multi), "curl_multi_cleanup")
    }

    /// `list` with `line` appended; throws when libcurl could not allocate it.
    static func append(_ line: String, to list: UnsafeMutablePointer<curl_slist>?) throws(CurlFailure)
        -> UnsafeMutablePointer<curl_slist>
    {
        guard let longer = curl_slist_append(list, line) else {
            throw CurlFailure(call: "curl_slist_append", explanation: "out of memory")
        }
        return longer
    }

    /// `curl_global_init`'s result, computed once per process before the first handle is made
    /// (Swift runs global initialisers exactly once, thread-safely).
    static let globalInit: Result<Void, CurlFailure> = Result { () throws(CurlFailure) in
        try check(curl_global_init(Int(CURL_GLOBAL_ALL)), "curl_global_init")
    }
}

/// An easy handle's options, set through typed shims (Swift cannot call the variadic
/// `curl_easy_setopt`) and checked one by one.
struct CurlOptions {
    let easy: UnsafeMutableRawPointer

    func set(_ option: CURLoption, _ value: Int) throws(CurlFailure) {
        try Curl.check(ccurl_setopt_long(easy, option, value), Self.name(option))
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlFailure) {
        try Curl.check(ccurl_setopt_str(easy, option, value), Self.name(option))
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlFailure) {
        try Curl.check(ccurl_setopt_ptr(easy, option, pointer), Self.name(option))
    }

    func set(_ option: CURLoption, offset: curl_off_t) throws(CurlFailure) {
        try Curl.check(ccurl_setopt_off(easy, option, offset), Self.name(option))
    }

    func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) throws(CurlFailure) {
        try Curl.check(ccurl_setopt_slist(easy, option, list), Self.name(option))
    }

    func set(_ option: CURLoption, callback: ccurl_data_callback) throws(CurlFailure) {
        try Curl.check(ccurl_setopt_data_cb(easy, option, callback), Self.name(option))
    }

    func setProgress(_ callback: ccurl_xferinfo_callback) throws(CurlFailure) {
        try Curl.check(ccurl_setopt_xferinfo_cb(easy, callback), "curl_easy_setopt(XFERINFOFUNCTION)")
    }

    private static func name(_ option: CURLoption) -> String { "curl_easy_setopt(option \(option.rawValue))" }
}
