import BlindsightCore
import Foundation
import Imaging
import Testing
import TestSupport

/// Every command that writes refuses, with exit 2 and every input's bytes unchanged, an output that is
/// one of its inputs (however the path is spelled) or another of its outputs.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct OverwriteGuardTests {
    /// A photo with its sidecar segmentation, a background image, a categories file, links to them,
    /// a finished transcript of a baseline run, and a copy of the shipped dialogue with its photo.
    struct Files {
        let folder: String
        var photo: String { folder + "/photo.png" }
        var map: String { folder + "/photo.panoptic.png" }
        var segments: String { folder + "/photo.panoptic.json" }
        var background: String { folder + "/background.png" }
        var categories: String { folder + "/categories.json" }
        var transcript: String { folder + "/run.jsonl" }
        var shipped: String { folder + "/transcripts/park-dog.jsonl" }
        var shippedPhoto: String { folder + "/examples/park.jpg" }
        var inputs: [String] { [photo, map, segments, background, categories, transcript, shipped, shippedPhoto] }

        func digests() -> [String] { inputs.map { SHA256.hex((try? ImageDecoder.readFile(atPath: $0)) ?? []) } }
    }

    static func files() async throws -> Files {
        let files = Files(folder: try TestData.temporaryFolder("overwrite").path)
        let scene = SyntheticScene(width: 64, height: 48)
        try scene.write(to: files.folder, stem: "photo", jpeg: false)
        try ImageFile.writePNG(SyntheticScene(width: 32, height: 32, seed: 5).image, toPath: files.background)
        let manager = FileManager.default
        try manager.copyItem(atPath: TestData.packageRoot.appendingPathComponent("data/coco-panoptic-categories.json").path,
                             toPath: files.categories)
        for folder in ["transcripts", "examples"] { try manager.createDirectory(atPath: files.folder + "/" + folder, withIntermediateDirectories: true) }
        try manager.copyItem(atPath: TestData.packageRoot.appendingPathComponent("transcripts/park-dog.jsonl").path, toPath: files.shipped)
        for suffix in ["jpg", "panoptic.png", "panoptic.json"] {
            try manager.copyItem(atPath: TestData.packageRoot.appendingPathComponent("examples/park.\(suffix)").path,
                                 toPath: files.folder + "/examples/park.\(suffix)")
        }
        try manager.createSymbolicLink(atPath: files.folder + "/link.png", withDestinationPath: files.photo)
        try manager.linkItem(atPath: files.map, toPath: files.folder + "/hard.png")
        let run = try await BlindsightProcess.run(
            ["run", files.photo, "--reasoner", "baseline", "--transcript", files.transcript, "--out", files.folder + "/first.png"])
        #expect(run.status == 0, "\(run.stderr)")
        return files
    }

    /// Runs every case; each must exit 2, name the output path, and leave every input as it was.
    func expectRefused(_ cases: [[String]], files: Files, input: String? = nil) async throws {
        let before = files.digests()
        for arguments in cases {
            let result = try await BlindsightProcess.run(arguments, input: input)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("refusing to write"), "\(arguments): \(result.stderr)")
            #expect(files.digests() == before, "\(arguments) changed an input")
        }
    }

    /// Output flags aimed at each input of a photo command, spelled in several ways.
    static func photoCases(_ files: Files) -> [[String]] {
        let folder = files.folder
        return [
            ["--out", files.photo], ["--mask", folder + "/./photo.png"], ["--preview", folder + "/link.png"],
            ["--out", files.map], ["--mask", folder + "/hard.png"], ["--marks-out", files.segments],
            ["--out", files.background, "--background-image", files.background],
            ["--mask", files.categories, "--categories", files.categories],
            ["--out", folder + "/same.png", "--mask", folder + "/same.png"],
        ]
    }

    @Test("composite refuses outputs onto the photo, id map, segments, background, categories, or each other")
    func composite() async throws {
        let files = try await Self.files()
        try await expectRefused(Self.photoCases(files).map { ["composite", files.photo, "--keep", "1"] + $0 }, files: files)
    }

    @Test("run refuses the same, and a transcript onto an input, an output or an existing transcript")
    func run() async throws {
        let files = try await Self.files()
        let base = ["run", files.photo, "--reasoner", "baseline"]
        let transcriptCases = [
            ["--transcript", files.photo], ["--transcript", files.transcript],
            ["--transcript", files.folder + "/t.jsonl", "--out", files.folder + "/t.jsonl"],
        ]
        try await expectRefused(
            Self.photoCases(files).map { base + ["--no-transcript"] + $0 } + transcriptCases.map { base + $0 }, files: files)
        try await expectRefused([["run", "--resume", files.transcript, "--out", files.transcript]], files: files)
    }

    @Test("chat refuses outputs onto its inputs")
    func chat() async throws {
        let files = try await Self.files()
        try await expectRefused(
            Self.photoCases(files).map { ["chat", files.photo, "--reasoner", "baseline", "--no-transcript"] + $0 }
                + [["chat", "--resume", files.transcript, "--mask", files.transcript]],
            files: files, input: "")
    }

    @Test("replay refuses outputs onto the transcript, its photo or segmentation, when recomposing and when forking")
    func replay() async throws {
        let files = try await Self.files()
        let recompose = [
            ["--out", files.transcript], ["--mask", files.photo], ["--out", files.folder + "/./photo.panoptic.json"],
            ["--out", files.folder + "/link.png"], ["--preview", files.folder + "/hard.png"],
            ["--out", files.background, "--background-image", files.background],
        ].map { ["replay", files.transcript, "--quiet"] + $0 }
        let fork = [
            ["--out", files.shipped], ["--mask", files.shippedPhoto], ["--transcript", files.shipped],
            ["--out", files.folder + "/examples/park.panoptic.png"],
        ].map { ["replay", files.shipped, "--quiet", "--live-from", "164"] + $0 }
        try await expectRefused(recompose + fork, files: files)
    }

    @Test("replay --live-from K refuses a K between printed events or at the decision, listing the choices")
    func liveFromRefusals() async throws {
        let files = try await Self.files()
        let printed = try await BlindsightProcess.run(["replay", files.shipped])
        for sequence in [1, 114, 164, 230] { #expect(printed.stdout.contains("#\(sequence) ")) }
        for (sequence, reason) in [(120, "no printed event"), (231, "at or after the decision (#231)")] {
            let result = try await BlindsightProcess.run(["replay", files.shipped, "--live-from", String(sequence), "--no-transcript"])
            #expect(result.status == 2)
            #expect(result.stderr.contains(reason), "\(result.stderr)")
            #expect(result.stderr.contains("choose one of #1, #114, #164, #230"), "\(result.stderr)")
        }
    }
}
