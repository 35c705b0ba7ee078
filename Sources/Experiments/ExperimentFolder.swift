import BlindsightCore
import Foundation
import Yams

/// An experiment's output folder and the files in it.
public struct ExperimentFolder: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    public var planPath: String { "\(path)/plan.yaml" }
    public var resultsPath: String { "\(path)/results.jsonl" }
    public var summaryCSVPath: String { "\(path)/summary.csv" }
    public var summaryMarkdownPath: String { "\(path)/summary.md" }
    public var reportPath: String { "\(path)/report.html" }
    public var cachePath: String { "\(path)/seer-cache.jsonl" }
    public var runsFolder: String { "\(path)/runs" }

    /// The transcript of a run, relative to the folder.
    public static func transcript(_ runID: String) -> String { "runs/\(runID).jsonl" }
    /// The cutout of a run, relative to the folder.
    public static func cutout(_ runID: String) -> String { "runs/\(runID).cutout.png" }
    /// The decision mask of a run, relative to the folder.
    public static func mask(_ runID: String) -> String { "runs/\(runID).mask.png" }

    /// The absolute-or-as-given path of a file named relative to the folder.
    public func file(_ relative: String) -> String { "\(path)/\(relative)" }

    /// The recipe recorded in `plan.yaml`, nil when the folder has none.
    /// - Throws: ``ExperimentError`` when the file exists but is not a resolved plan.
    public func recordedPlan() throws -> ResolvedPlan? {
        guard let data = FileManager.default.contents(atPath: planPath) else { return nil }
        do {
            return try YAMLDecoder().decode(ResolvedPlan.self, from: String(decoding: data, as: UTF8.self))
        } catch {
            throw ExperimentError("\(planPath) is not an experiment plan written by blindsight")
        }
    }

    /// Makes the folder ready for `plan`: creates it, or checks that the recipe it holds is the same (a
    /// changed plan is refused, naming what changed), then records `plan`.
    /// - Throws: ``ExperimentError`` (exit 2) for a changed plan or another shard's folder.
    public func prepare(for plan: ResolvedPlan) throws {
        if let recorded = try recordedPlan() {
            let changes = plan.differences(from: recorded)
            guard changes.isEmpty else {
                throw ExperimentError(
                    "\(path) holds another experiment; changed: \(changes.joined(separator: "; ")) (use a new --out folder)",
                    status: .usage)
            }
            if recorded.execution?.shard != plan.execution?.shard {
                throw ExperimentError(
                    "\(path) holds shard \(recorded.execution?.shard ?? "all") of this experiment, not \(plan.execution?.shard ?? "all") (use another --out folder)",
                    status: .usage)
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: runsFolder, withIntermediateDirectories: true)
        } catch {
            throw ExperimentError("cannot create \(runsFolder): \(error.localizedDescription)")
        }
        try write(plan)
    }

    /// Writes `plan.yaml`.
    public func write(_ plan: ResolvedPlan) throws {
        let text: String
        do {
            text = try YAMLEncoder().encode(plan)
        } catch {
            throw ExperimentError("cannot encode the plan: \(error)")
        }
        try AtomicFile.write(Array(text.utf8), to: planPath)
    }

    /// Takes the folder for this process (an advisory `flock` on `.lock`, released when the lock is
    /// dropped or the process ends, however it ends), so two runners never work in one folder at once.
    /// - Throws: ``ExperimentError`` (exit 2) when another process holds it.
    public func lock() throws -> FolderLock {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let descriptor = open("\(path)/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ExperimentError("cannot open \(path)/.lock: \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ExperimentError("another blindsight process is running an experiment in \(path); wait for it or use another --out", status: .usage)
        }
        return FolderLock(descriptor: descriptor)
    }

    /// Moves the files of a run that never finished (no result row) out of the way, into `runs/incomplete/`,
    /// so the run starts again from its beginning and no transcript is ever overwritten.
    func setAsideIncomplete(runID: String) throws {
        let leftovers = [Self.transcript(runID), Self.cutout(runID), Self.mask(runID)].map(file).filter { FileManager.default.fileExists(atPath: $0) }
        guard !leftovers.isEmpty else { return }
        let folder = "\(runsFolder)/incomplete"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stamp = Int(Date().timeIntervalSince1970 * 1000)
        for leftover in leftovers {
            let name = (leftover as NSString).lastPathComponent
            do {
                try FileManager.default.moveItem(atPath: leftover, toPath: "\(folder)/\(stamp)-\(name)")
            } catch {
                throw ExperimentError("cannot set aside the incomplete run file \(leftover): \(error.localizedDescription)")
            }
        }
    }
}

/// A held experiment folder; the lock is released when this is dropped.
public final class FolderLock: Sendable {
    private let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
