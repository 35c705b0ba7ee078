import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Session

/// Turns a user's plan into the resolved recipe: lists the images and digests them, loads every
/// template set, and finds each model's server in the configuration.
public enum PlanResolver {
    /// File extensions taken from an image folder.
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// Resolves `plan`; `config` supplies default models and servers.
    /// - Throws: ``ExperimentError`` for missing images, unknown prompt sets, bad model specs or values.
    public static func resolve(_ plan: ExperimentPlan, config: BlindsightConfig) throws -> ResolvedPlan {
        let imagePaths = try listImages(plan.images ?? [])
        guard !imagePaths.isEmpty else {
            throw ExperimentError("no images: give --images DIR|LIST.txt (or images: in the plan)", status: .usage)
        }
        let images = try imagePaths.map { path -> ResolvedPlan.ImageEntry in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ExperimentError("image \(path) does not exist or cannot be read")
            }
            return ResolvedPlan.ImageEntry(path: path, sha256: SHA256.hex(data))
        }
        let truth = try plan.truth.map { path -> ResolvedPlan.TruthRecord in
            ResolvedPlan.TruthRecord(path: path, sha256: try Truth(path: path).digest(forImages: imagePaths))
        }
        let prompts = try (plan.prompts ?? ["default"]).map(loadPromptSet)
        let names = prompts.map(\.name)
        if Set(names).count != names.count {
            throw ExperimentError("two prompt sets share the name \(names.joined(separator: ", ")): give folders with distinct names", status: .usage)
        }
        let reasoners = try (plan.reasoners ?? [config.reasoner.value.description]).map { try model($0, config: config) }
        let seers = try (plan.seers ?? [config.seer.value.description]).map { try model($0, config: config) }
        let rounds = plan.maxRounds ?? [5]
        guard !rounds.isEmpty, rounds.allSatisfy({ (1...Referee.largestRoundLimit).contains($0) }) else {
            throw ExperimentError("max rounds must be between 1 and 50", status: .usage)
        }
        let repeats = plan.repeats ?? 1
        guard (1...1000).contains(repeats) else { throw ExperimentError("repeats must be between 1 and 1000", status: .usage) }
        return ResolvedPlan(
            images: images, truth: truth, prompts: prompts, reasoners: reasoners, seers: seers, maxRounds: rounds,
            repeats: repeats, baseline: plan.baseline ?? true, instruction: plan.instruction, marks: plan.marks ?? true,
            seed: plan.seed ?? 0, panoptic: plan.panoptic)
    }

    /// Image files, folders (their JPEG and PNG files, segmentation sidecars excluded, sorted by name)
    /// and list files (`.txt`/`.lst`: one path a line, relative to the list's folder; `#` comments).
    public static func listImages(_ sources: [String]) throws -> [String] {
        var result: [String] = []
        for source in sources {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isFolder) else {
                throw ExperimentError("images: \(source) does not exist")
            }
            let trimmed = source.hasSuffix("/") && source.count > 1 ? String(source.dropLast()) : source
            if isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: source)) ?? []
                result += names.filter(isImageName).sorted().map { "\(trimmed)/\($0)" }
            } else if ["txt", "lst"].contains((source as NSString).pathExtension.lowercased()) {
                let base = (source as NSString).deletingLastPathComponent
                let text = String(decoding: FileManager.default.contents(atPath: source) ?? Data(), as: UTF8.self)
                for line in text.split(whereSeparator: \.isNewline) {
                    let entry = line.trimmingCharacters(in: .whitespaces)
                    guard !entry.isEmpty, !entry.hasPrefix("#") else { continue }
                    result.append(entry.hasPrefix("/") || base.isEmpty ? entry : "\(base)/\(entry)")
                }
            } else {
                result.append(source)
            }
        }
        return result
    }

    private static func isImageName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return imageExtensions.contains((lower as NSString).pathExtension) && !lower.contains(".panoptic.")
            && !lower.hasSuffix(".mask.png") && !lower.hasPrefix(".")
    }

    /// A template set by name (shipped or the user's) or folder, loaded as every command loads one.
    static func loadPromptSet(_ nameOrFolder: String) throws -> ResolvedPlan.PromptSetEntry {
        let templates: PromptTemplates
        do {
            templates = try SessionPrompts.load(nameOrFolder)
        } catch {
            throw ExperimentError((error as? any UserFacingError)?.message ?? String(describing: error))
        }
        let digests = Dictionary(templates.records.map { ($0.name, $0.sha256) }) { first, _ in first }
        let trimmed = nameOrFolder.count > 1 && nameOrFolder.hasSuffix("/") ? String(nameOrFolder.dropLast()) : nameOrFolder
        return ResolvedPlan.PromptSetEntry(
            name: (trimmed as NSString).lastPathComponent, source: nameOrFolder,
            sha256: SHA256.hex(of: digests.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n")),
            templates: digests)
    }

    private static func model(_ text: String, config: BlindsightConfig) throws -> ResolvedPlan.ModelEntry {
        if text == Configuration.baseline { return ResolvedPlan.ModelEntry(spec: text, baseURL: nil) }
        do {
            let spec = try ModelSpec(parsing: text)
            return ResolvedPlan.ModelEntry(spec: spec.description, baseURL: try config.provider(for: spec).baseURL.value)
        } catch {
            throw ExperimentError(error.message, status: error.exitStatus)
        }
    }
}
