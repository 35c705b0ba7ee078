import Synchronization

/// The configuration's secrets, registered once a command has loaded its configuration
/// (`BlindsightConfig.prepare(for:)`): from then on every terminal line and every transcript the
/// process writes is redacted with them.
public enum KnownSecrets {
    private static let known = Mutex(Secrets())

    /// Adds `secrets` to those removed from every line from now on.
    public static func register(_ secrets: Secrets) {
        known.withLock { $0 = $0.union(secrets) }
    }

    /// Every secret registered so far.
    public static var current: Secrets { known.withLock { $0 } }
}
