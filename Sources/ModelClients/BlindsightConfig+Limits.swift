import BlindsightCore
import HTTPTransport
import Panoptic

/// Limits on what a peer may cost: how large a model reply or panoptic answer may be, how slowly it
/// may come, how long a panoptic request may take. Set under `limits:` in the configuration file
/// (model requests' times are under `timeouts:`); every limit's message names its key.
public struct ConnectionLimits: Sendable, Hashable {
    /// Largest model reply body, in bytes (`limits.reply_max_bytes`, default 16 MiB: about 60,000
    /// streamed events, beyond any configured `max_tokens`).
    public var replyMaxBytes: Int = 16 << 20
    /// Slowest model reply: fewer bytes a second than this (`limits.reply_min_rate`, default 10) ...
    public var replyMinRate: Int = 10
    /// ... for this many seconds in a row (`limits.reply_min_rate_seconds`, default 300, the idle time).
    public var replyMinRateSeconds: Double = 300
    /// Total time per panoptic request (`limits.panoptic_total`, default 600 s).
    public var panopticTotal: Double = 600
    /// Longest silence from the panoptic service (`limits.panoptic_idle`, default 300 s).
    public var panopticIdle: Double = 300
    /// Slowest panoptic answer: bytes a second (`limits.panoptic_min_rate`, default 1024) ...
    public var panopticMinRate: Int = 1024
    /// ... for this many seconds in a row (`limits.panoptic_min_rate_seconds`, default 180; a service
    /// computing longer than this before it answers needs it raised).
    public var panopticMinRateSeconds: Double = 180
    /// Bytes allowed in a panoptic answer beyond the bound for the image's id map
    /// (`limits.panoptic_extra_bytes`, default 4 MiB; see ``HTTPPanopticSource/Settings/answerLimit(width:height:)``).
    public var panopticExtraBytes: Int = 4 << 20

    public init() {}

    /// The `limits:` section as read from `path`, over the defaults.
    static func load(_ file: ConfigFile.Limits?, path: String) throws(ConfigurationError) -> Sourced<ConnectionLimits> {
        guard let file else { return Sourced(ConnectionLimits(), .builtIn) }
        try checkPositive(
            [
                "limits.reply_max_bytes": file.replyMaxBytes.map(Double.init), "limits.reply_min_rate": file.replyMinRate.map(Double.init),
                "limits.reply_min_rate_seconds": file.replyMinRateSeconds, "limits.panoptic_total": file.panopticTotal,
                "limits.panoptic_idle": file.panopticIdle, "limits.panoptic_min_rate": file.panopticMinRate.map(Double.init),
                "limits.panoptic_min_rate_seconds": file.panopticMinRateSeconds,
                "limits.panoptic_extra_bytes": file.panopticExtraBytes.map(Double.init),
            ], path: path)
        var limits = ConnectionLimits()
        limits.replyMaxBytes = file.replyMaxBytes ?? limits.replyMaxBytes
        limits.replyMinRate = file.replyMinRate ?? limits.replyMinRate
        limits.replyMinRateSeconds = file.replyMinRateSeconds ?? limits.replyMinRateSeconds
        limits.panopticTotal = file.panopticTotal ?? limits.panopticTotal
        limits.panopticIdle = file.panopticIdle ?? limits.panopticIdle
        limits.panopticMinRate = file.panopticMinRate ?? limits.panopticMinRate
        limits.panopticMinRateSeconds = file.panopticMinRateSeconds ?? limits.panopticMinRateSeconds
        limits.panopticExtraBytes = file.panopticExtraBytes ?? limits.panopticExtraBytes
        return Sourced(limits, .configFile)
    }

    /// Refuses a configured time or limit that is not a positive finite number.
    static func checkPositive(_ values: [String: Double?], path: String) throws(ConfigurationError) {
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let value = value else { continue }
            guard value.isFinite, value > 0 else {
                throw ConfigurationError("configuration file \(path): \(key) must be a positive number, not \(value)")
            }
        }
    }
}

extension ConfigFile {
    /// The `limits:` section.
    struct Limits: Decodable, Sendable {
        var replyMaxBytes: Int?
        var replyMinRate: Int?
        var replyMinRateSeconds: Double?
        var panopticTotal: Double?
        var panopticIdle: Double?
        var panopticMinRate: Int?
        var panopticMinRateSeconds: Double?
        var panopticExtraBytes: Int?

        enum CodingKeys: String, CodingKey {
            case replyMaxBytes = "reply_max_bytes", replyMinRate = "reply_min_rate"
            case replyMinRateSeconds = "reply_min_rate_seconds", panopticTotal = "panoptic_total"
            case panopticIdle = "panoptic_idle", panopticMinRate = "panoptic_min_rate"
            case panopticMinRateSeconds = "panoptic_min_rate_seconds", panopticExtraBytes = "panoptic_extra_bytes"
        }
    }
}

extension BlindsightConfig {
    /// Model requests' timeouts when the configuration names none: connect 10 s, idle 300 s, total 1800 s.
    static let standardTimeouts = HTTPTimeouts(connect: 10, total: 1800, idle: 300)

    /// The limits on every model reply, with messages that name the keys raising them.
    public var replyLimits: HTTPLimits {
        let value = limits.value
        return HTTPLimits(
            maxBodyBytes: value.replyMaxBytes,
            minimumRate: HTTPLimits.MinimumRate(bytesPerSecond: value.replyMinRate, seconds: value.replyMinRateSeconds),
            advice: HTTPLimits.Advice(
                bodySize: setting("limits.reply_max_bytes"), totalTime: setting("timeouts.total"),
                minimumRate: setting("limits.reply_min_rate (lower) or limits.reply_min_rate_seconds (higher)"),
                idle: setting("timeouts.idle")))
    }

    /// The limits and retries for a panoptic service.
    public var panopticService: HTTPPanopticSource.Settings {
        let value = limits.value
        return HTTPPanopticSource.Settings(
            timeouts: HTTPTimeouts(connect: timeouts.value.connect, total: value.panopticTotal, idle: value.panopticIdle),
            minimumRate: HTTPLimits.MinimumRate(bytesPerSecond: value.panopticMinRate, seconds: value.panopticMinRateSeconds),
            extraAnswerBytes: value.panopticExtraBytes,
            advice: HTTPLimits.Advice(
                bodySize: setting("limits.panoptic_extra_bytes"), totalTime: setting("limits.panoptic_total"),
                minimumRate: setting("limits.panoptic_min_rate (lower) or limits.panoptic_min_rate_seconds (higher)"),
                idle: setting("limits.panoptic_idle")),
            retry: retryPolicy)
    }

    /// `key` as a user finds it: in the configuration file.
    private func setting(_ key: String) -> String { "\(key) in \(configFilePath)" }
}
