import BlindsightCore
import Foundation

/// The fully resolved recipe of an experiment, written to `plan.yaml` in its folder: every image with its
/// SHA-256, every template set with its templates' digests, every model with its server, the seeds.
/// Enough to run it again; a folder whose recipe differs from a new run's is refused.
public struct ResolvedPlan: Sendable, Codable, Equatable {
    public static let schemaVersion = "blindsight.experiment/1"

    /// An image of the matrix.
    public struct ImageEntry: Sendable, Codable, Hashable {
        public var path: String
        public var sha256: String
    }

    /// A prompt template set: its name, how it was given (a shipped or user set's name, or a folder),
    /// and its templates' digests.
    public struct PromptSetEntry: Sendable, Codable, Hashable {
        public var name: String
        public var source: String
        /// SHA-256 over the templates' names and digests (changes when any template changes).
        public var sha256: String
        public var templates: [String: String]
    }

    /// A model of the matrix and the server it is reached at.
    public struct ModelEntry: Sendable, Codable, Hashable {
        public var spec: String
        public var baseURL: String?

        enum CodingKeys: String, CodingKey {
            case spec
            case baseURL = "base_url"
        }
    }

    /// The truth the rows are scored against.
    public struct TruthRecord: Sendable, Codable, Hashable {
        public var path: String
        public var sha256: String
    }

    /// Settings that change how, not what, is run (not part of the recipe's identity).
    public struct Execution: Sendable, Codable, Hashable {
        public var concurrency: Int
        public var cache: Bool
        /// `K/N` when this folder holds one shard.
        public var shard: String?

        public init(concurrency: Int, cache: Bool, shard: String?) {
            self.concurrency = concurrency
            self.cache = cache
            self.shard = shard
        }
    }

    public var schema: String = ResolvedPlan.schemaVersion
    public var images: [ImageEntry]
    public var truth: TruthRecord?
    public var prompts: [PromptSetEntry]
    public var reasoners: [ModelEntry]
    public var seers: [ModelEntry]
    public var maxRounds: [Int]
    public var repeats: Int
    public var baseline: Bool
    public var instruction: String?
    public var marks: Bool
    public var seed: UInt64
    public var panoptic: String?
    public var execution: Execution?

    enum CodingKeys: String, CodingKey {
        case schema, images, truth, prompts, reasoners, seers, repeats, baseline, instruction, marks, seed, panoptic
        case execution
        case maxRounds = "max_rounds"
    }

    /// The plan that produces this recipe again (for `--plan OUT/plan.yaml`).
    public var recipe: ExperimentPlan {
        ExperimentPlan(
            images: images.map(\.path), truth: truth?.path, prompts: prompts.map(\.source),
            reasoners: reasoners.map(\.spec), seers: seers.map(\.spec), maxRounds: maxRounds, repeats: repeats,
            baseline: baseline, instruction: instruction, marks: marks, seed: seed, panoptic: panoptic)
    }

    /// The configurations of the matrix, the baseline reference first when it is on (or named as a reasoner).
    public var configurations: [Configuration] {
        var all: [Configuration] = []
        if baseline || reasoners.contains(where: { $0.spec == Configuration.baseline }), let firstPrompts = prompts.first, let firstRounds = maxRounds.first {
            all.append(Configuration(prompts: firstPrompts.name, reasoner: Configuration.baseline, seer: "none", maxRounds: firstRounds))
        }
        for promptSet in prompts {
            for reasoner in reasoners where reasoner.spec != Configuration.baseline {
                for seer in seers {
                    for rounds in maxRounds {
                        all.append(Configuration(prompts: promptSet.name, reasoner: reasoner.spec, seer: seer.spec, maxRounds: rounds))
                    }
                }
            }
        }
        return all
    }

    /// What differs between this recipe and `other` (execution settings aside), one phrase per field.
    public func differences(from other: ResolvedPlan) -> [String] {
        var changes: [String] = []
        func compare<Value: Equatable>(_ name: String, _ mine: Value, _ theirs: Value, _ show: (Value) -> String) {
            if mine != theirs { changes.append("\(name): \(show(theirs)) → \(show(mine))") }
        }
        compare("images", images, other.images) { entries in
            entries.count <= 3 ? entries.map { "\(($0.path as NSString).lastPathComponent) (\($0.sha256.prefix(8)))" }.joined(separator: ", ")
                : "\(entries.count) images, digest \(ResolvedPlan.digest(entries.map(\.sha256)))"
        }
        compare("truth", truth, other.truth) { $0.map { "\($0.path) (\($0.sha256.prefix(8)))" } ?? "none" }
        compare("prompts", prompts, other.prompts) { $0.map { "\($0.name) (\($0.sha256.prefix(8)))" }.joined(separator: ", ") }
        compare("reasoners", reasoners, other.reasoners) { $0.map(\.spec).joined(separator: ", ") }
        compare("seers", seers, other.seers) { $0.map(\.spec).joined(separator: ", ") }
        compare("max_rounds", maxRounds, other.maxRounds) { $0.map(String.init).joined(separator: ", ") }
        compare("repeats", repeats, other.repeats) { String($0) }
        compare("baseline", baseline, other.baseline) { String($0) }
        compare("instruction", instruction, other.instruction) { $0.map { "\"\($0)\"" } ?? "none" }
        compare("marks", marks, other.marks) { String($0) }
        compare("seed", seed, other.seed) { String($0) }
        compare("panoptic", panoptic, other.panoptic) { $0 ?? "sidecar files" }
        return changes
    }

    /// A short digest of strings, for messages.
    static func digest(_ parts: [String]) -> String {
        String(SHA256.hex(of: parts.joined(separator: "\n")).prefix(8))
    }
}

/// One configuration of the matrix: a prompt set, a reasoner, a seer and a round limit.
public struct Configuration: Sendable, Codable, Hashable, Comparable {
    /// The model-free reference reasoner.
    public static let baseline = "baseline"

    public var prompts: String
    public var reasoner: String
    public var seer: String
    public var maxRounds: Int

    enum CodingKeys: String, CodingKey {
        case prompts, reasoner, seer
        case maxRounds = "max_rounds"
    }

    public init(prompts: String, reasoner: String, seer: String, maxRounds: Int) {
        self.prompts = prompts
        self.reasoner = reasoner
        self.seer = seer
        self.maxRounds = maxRounds
    }

    /// Whether this is the baseline reference.
    public var isBaseline: Bool { reasoner == Self.baseline }

    /// A stable, readable key: `prompts · reasoner · seer · rounds` (`baseline` for the reference).
    public var key: String { isBaseline ? Self.baseline : "\(prompts) · \(reasoner) · \(seer) · \(maxRounds)" }

    public static func < (lhs: Configuration, rhs: Configuration) -> Bool {
        if lhs.isBaseline != rhs.isBaseline { return lhs.isBaseline }
        return (lhs.prompts, lhs.reasoner, lhs.seer, lhs.maxRounds) < (rhs.prompts, rhs.reasoner, rhs.seer, rhs.maxRounds)
    }
}
