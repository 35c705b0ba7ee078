import BlindsightCore
import Foundation

/// One run of the matrix: an image under a configuration, one repeat, with its own sampling seed.
public struct RunCell: Sendable, Hashable {
    /// Position in the whole matrix (shards slice by it; summaries order rows by it).
    public var index: Int
    public var image: ResolvedPlan.ImageEntry
    public var configuration: Configuration
    /// 1-based.
    public var repeatNumber: Int
    /// The sampling seed sent with every request of this run.
    public var seed: Int
    /// `IMAGE-STEM-HASH8-rN`: stable for the same image bytes, configuration and repeat.
    public var runID: String
}

/// The matrix of an experiment: images × configurations × repeats (the baseline once per image).
public enum Matrix {
    /// Every run of `plan`, in a fixed order: by image, then configuration, then repeat.
    public static func cells(of plan: ResolvedPlan) -> [RunCell] {
        var cells: [RunCell] = []
        for image in plan.images {
            for configuration in plan.configurations {
                for repeatNumber in 1...(configuration.isBaseline ? 1 : max(1, plan.repeats)) {
                    let identity = "\(image.sha256)\n\(configuration.key)\n\(repeatNumber)"
                    let runID = "\(stem(image.path))-\(SHA256.hex(of: identity).prefix(8))-r\(repeatNumber)"
                    cells.append(RunCell(
                        index: cells.count, image: image, configuration: configuration, repeatNumber: repeatNumber,
                        seed: Int(truncatingIfNeeded: plan.seed &+ UInt64(repeatNumber - 1)), runID: runID))
                }
            }
        }
        return cells
    }

    /// The image's file name without extension, reduced to letters, digits, `.`, `_` and `-`.
    static func stem(_ path: String) -> String {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let safe = String(name.unicodeScalars.map { scalar -> Character in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "._-".unicodeScalars.contains(scalar)
                ? Character(scalar) : "_"
        })
        return safe.isEmpty ? "image" : String(safe.prefix(48))
    }
}

/// A deterministic slice of the matrix: shard K of N holds the runs whose index is K modulo N.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// 0-based.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `K/N` (K from 0 to N−1) or `auto/N`, where K comes from `JOB_COMPLETION_INDEX`
    /// (a Kubernetes Indexed Job) or `SLURM_ARRAY_TASK_ID` (a Slurm array).
    /// - Throws: ``ExperimentError`` (exit 2) for malformed text or a missing or out-of-range index.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let count = Int(parts[1]), count >= 1 else {
            throw ExperimentError("--shard takes K/N or auto/N (for example 0/4), not '\(text)'", status: .usage)
        }
        let indexText: String
        if parts[0] == "auto" {
            guard let found = environment["JOB_COMPLETION_INDEX"] ?? environment["SLURM_ARRAY_TASK_ID"] else {
                throw ExperimentError(
                    "--shard auto/\(count) needs JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array) in the environment",
                    status: .usage)
            }
            indexText = found
        } else {
            indexText = parts[0]
        }
        guard let index = Int(indexText.trimmingCharacters(in: .whitespaces)), (0..<count).contains(index) else {
            throw ExperimentError("shard index '\(indexText)' must be a number from 0 to \(count - 1)", status: .usage)
        }
        self.init(index: index, count: count)
    }

    /// Whether the run at `cellIndex` belongs to this shard.
    public func contains(_ cellIndex: Int) -> Bool { cellIndex % count == index }

    public var description: String { "\(index)/\(count)" }
}
