/// A mean with its bootstrap 95 % interval.
public struct Estimate: Sendable, Codable, Equatable {
    public var mean: Double
    public var low: Double
    public var high: Double

    public init(mean: Double, low: Double, high: Double) {
        self.mean = mean
        self.low = low
        self.high = high
    }
}

/// SplitMix64: a small, fast, seedable generator, so every bootstrap is reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Percentile bootstrap of the mean.
public enum Bootstrap {
    /// Resamples drawn for every interval.
    public static let resamples = 2000

    /// The mean of `values` and its percentile 95 % interval over `resamples` resamples with replacement,
    /// drawn from a generator seeded with `seed`. nil for no values.
    public static func mean(_ values: [Double], seed: UInt64, resamples: Int = Bootstrap.resamples) -> Estimate? {
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return Estimate(mean: mean, low: mean, high: mean) }
        var generator = SeededGenerator(seed: seed)
        var means: [Double] = []
        means.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var sum = 0.0
            for _ in 0..<values.count { sum += values[Int.random(in: 0..<values.count, using: &generator)] }
            means.append(sum / Double(values.count))
        }
        means.sort()
        return Estimate(mean: mean, low: percentile(means, 0.025), high: percentile(means, 0.975))
    }

    /// The `fraction` percentile of sorted `values`, linearly interpolated.
    public static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard let first = sorted.first else { return 0 }
        guard sorted.count > 1 else { return first }
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }

    /// A seed for one series: the experiment's seed mixed with the series' name, so each interval has its own stream.
    public static func seed(_ base: UInt64, _ name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        return base ^ hash
    }
}
