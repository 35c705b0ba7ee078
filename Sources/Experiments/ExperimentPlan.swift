import Foundation
import Yams

/// An experiment as the user writes it in a plan file or gives it by flags. Every field is optional;
/// ``overriding(with:)`` lays flags over a file. ``PlanResolver`` turns it into a ``ResolvedPlan``.
public struct ExperimentPlan: Sendable, Codable, Equatable {
    /// Image files, folders of images, or text files listing image paths one a line.
    public var images: [String]?
    /// A folder of masks named like the images, or a truth.json.
    public var truth: String?
    /// Prompt template sets: shipped set names or folders.
    public var prompts: [String]?
    public var reasoners: [String]?
    public var seers: [String]?
    public var maxRounds: [Int]?
    public var repeats: Int?
    /// Whether the `baseline` reference configuration is added (default true).
    public var baseline: Bool?
    public var instruction: String?
    public var marks: Bool?
    /// The seed of the per-run sampling seeds and of the bootstrap.
    public var seed: UInt64?
    /// A panoptic service URL (default: each image's sidecar files).
    public var panoptic: String?

    enum CodingKeys: String, CodingKey {
        case images, truth, prompts, reasoners, seers, repeats, baseline, instruction, marks, seed, panoptic
        case maxRounds = "max_rounds"
    }

    public init(
        images: [String]? = nil, truth: String? = nil, prompts: [String]? = nil, reasoners: [String]? = nil,
        seers: [String]? = nil, maxRounds: [Int]? = nil, repeats: Int? = nil, baseline: Bool? = nil,
        instruction: String? = nil, marks: Bool? = nil, seed: UInt64? = nil, panoptic: String? = nil
    ) {
        self.images = images
        self.truth = truth
        self.prompts = prompts
        self.reasoners = reasoners
        self.seers = seers
        self.maxRounds = maxRounds
        self.repeats = repeats
        self.baseline = baseline
        self.instruction = instruction
        self.marks = marks
        self.seed = seed
        self.panoptic = panoptic
    }

    /// This plan with every field `flags` sets replaced.
    public func overriding(with flags: ExperimentPlan) -> ExperimentPlan {
        ExperimentPlan(
            images: flags.images ?? images, truth: flags.truth ?? truth, prompts: flags.prompts ?? prompts,
            reasoners: flags.reasoners ?? reasoners, seers: flags.seers ?? seers, maxRounds: flags.maxRounds ?? maxRounds,
            repeats: flags.repeats ?? repeats, baseline: flags.baseline ?? baseline,
            instruction: flags.instruction ?? instruction, marks: flags.marks ?? marks, seed: flags.seed ?? seed,
            panoptic: flags.panoptic ?? panoptic)
    }

    /// Reads a plan file (YAML). Relative paths in it are taken relative to the file's folder. A resolved
    /// `plan.yaml` from an output folder is accepted too, so an experiment can be run again from it.
    /// - Throws: ``ExperimentError`` (exit 3) when the file is missing or not a plan.
    public static func load(path: String) throws -> ExperimentPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError("plan file \(path) does not exist or cannot be read")
        }
        let text = String(decoding: data, as: UTF8.self)
        var plan: ExperimentPlan
        do {
            if let resolved = try? YAMLDecoder().decode(ResolvedPlan.self, from: text),
                resolved.schema == ResolvedPlan.schemaVersion
            {
                plan = resolved.recipe
            } else {
                plan = try YAMLDecoder().decode(ExperimentPlan.self, from: text)
            }
        } catch {
            throw ExperimentError("plan file \(path) is not a valid plan: \(Self.describe(error))")
        }
        let base = (path as NSString).deletingLastPathComponent
        func anchored(_ value: String) -> String {
            value.hasPrefix("/") || value.contains("://") || base.isEmpty ? value : "\(base)/\(value)"
        }
        plan.images = plan.images?.map(anchored)
        plan.truth = plan.truth.map(anchored)
        plan.prompts = plan.prompts?.map { $0.contains("/") ? anchored($0) : $0 }
        return plan
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.typeMismatch(_, let context) = error { return context.debugDescription }
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return String(describing: error).split(separator: "\n").first.map(String.init) ?? "unreadable"
    }
}
