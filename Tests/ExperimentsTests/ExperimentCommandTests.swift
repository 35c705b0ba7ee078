import Experiments
import Foundation
import TestSupport
import Testing

/// The `experiment` commands as users run them: the built binary against loopback fake model servers.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight executable is not built"))
struct ExperimentCommandTests {
    static let models = ScriptedDialogueModels(
        decisions: ["reasoner-dog": ["dog"], "reasoner-both": ["dog", "person"]], delay: 0.1)

    static func arguments(_ fixture: ExperimentFixture, out: String, reasoners: String = "ollama:reasoner-dog") -> [String] {
        [
            "experiment", "run", "--images", fixture.imagesFolder, "--truth", fixture.truthPath, "--prompts",
            ExperimentFixture.prompts, "--reasoner", reasoners, "--seer", "ollama:seer", "--max-rounds", "3",
            "--out", out,
        ]
    }

    @Test func aRunKilledHalfWayResumesWithoutRedoingFinishedRuns() async throws {
        let fixture = try ExperimentFixture()
        let server = try await scriptedServer(Self.models)
        defer { Task { await server.stop() } }
        let out = fixture.path("out")
        let results = "\(out)/results.jsonl"
        let process = Process()
        process.executableURL = BlindsightProcess.executable
        process.arguments = Self.arguments(fixture, out: out) + ["--repeat", "3", "--no-baseline", "--concurrency", "1"]
        process.environment = ["OLLAMA_HOST": server.baseURL, "HOME": fixture.folder.path, "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill -9 once two runs are finished and the third has begun.
        var waited = 0.0
        while waited < 60, ResultsFile.read(path: results).rows.count < 2 || server.requests(to: "/api/chat").count < 7 {
            try await Task.sleep(nanoseconds: 20_000_000)
            waited += 0.02
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let finishedBefore = ResultsFile.read(path: results).rows
        let requestsBefore = server.requests(to: "/api/chat").count
        #expect(finishedBefore.count >= 2 && finishedBefore.count < 6)

        let resumed = try await BlindsightProcess.run(
            Self.arguments(fixture, out: out) + ["--repeat", "3", "--no-baseline", "--concurrency", "1"],
            environment: ["OLLAMA_HOST": server.baseURL])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let rows = ResultsFile.read(path: results).rows
        #expect(rows.count == 6)
        #expect(Set(rows.map(\.runID)).count == 6)
        #expect(Array(rows.prefix(finishedBefore.count)) == finishedBefore)
        // Each unfinished run (the killed one included) ran again from its start: 3 requests each, no more.
        #expect(server.requests(to: "/api/chat").count - requestsBefore == 3 * (6 - finishedBefore.count))
        let incomplete = (try? FileManager.default.contentsOfDirectory(atPath: "\(out)/runs/incomplete")) ?? []
        #expect(incomplete.contains { $0.hasSuffix(".jsonl") })
    }

    @Test func compareCountsPairedChangesAndReportRescoresAfterATruthEdit() async throws {
        let fixture = try ExperimentFixture()
        let server = try await scriptedServer(ScriptedDialogueModels(decisions: Self.models.decisions))
        defer { Task { await server.stop() } }
        let out = fixture.path("out")
        let run = try await BlindsightProcess.run(
            Self.arguments(fixture, out: out, reasoners: "ollama:reasoner-dog,ollama:reasoner-both"),
            environment: ["OLLAMA_HOST": server.baseURL])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("report: \(out)/report.html"))
        func compare(_ a: String, _ b: String) async throws -> BlindsightProcess.Result {
            try await BlindsightProcess.run(["experiment", "compare", "--in", out, a, b, "--fail-on-regression"])
        }
        // On scene A dog-only is exact and both is worse; on scene B dog-only scores 0 and both is better.
        let mixed = try await compare("reasoner-dog", "reasoner-both")
        #expect(mixed.status == 0, "\(mixed.stderr)")
        #expect(mixed.stdout.contains("wins 1 · ties 0 · losses 1"))
        // The baseline keeps dog and person: half right on A, the better one on B.
        let baselineVsDog = try await compare("baseline", "reasoner-dog")
        #expect(baselineVsDog.stdout.contains("wins 1 · ties 0 · losses 1"), "\(baselineVsDog.stdout)")
        let unknown = try await compare("nothing-like-it", "baseline")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no configuration matches 'nothing-like-it'"))

        // Scene B's truth becomes the dog as well: `report` re-scores from results.jsonl, asking no model,
        // and keeping the person too is now worse on both images, with the interval below zero.
        let requests = server.requests.count
        let truth = #"{"images": {"a.jpg": {"foreground_ids": [\#(SyntheticScene.dogID)]}, "b.jpg": {"foreground_ids": [\#(SyntheticScene.dogID)]}}}"#
        try Data(truth.utf8).write(to: URL(fileURLWithPath: fixture.truthPath))
        try FileManager.default.removeItem(atPath: "\(out)/report.html")
        let report = try await BlindsightProcess.run(["experiment", "report", out])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(out)/report.html"))
        #expect(server.requests.count == requests)
        let rescored = ResultsFile.read(path: "\(out)/results.jsonl").rows
        #expect(rescored.filter { $0.reasoner == "ollama:reasoner-dog" }.allSatisfy { $0.iou == 1 })
        let regression = try await compare("reasoner-dog", "reasoner-both")
        #expect(regression.status == 1, "\(regression.stdout)")
        #expect(regression.stdout.contains("REGRESSION"))
        #expect(regression.stdout.contains("wins 0 · ties 0 · losses 2"))
    }

    @Test func badInvocationsSayWhatIsWrongWithTheDocumentedExitCodes() async throws {
        let fixture = try ExperimentFixture()
        let out = fixture.path("out")
        let cases: [([String], Int32, String)] = [
            (["experiment", "run", "--reasoner", "baseline", "--out", out], 2, "no images"),
            (["experiment", "run", "--images", fixture.imagesFolder, "--shard", "2/2", "--out", out], 2, "shard index '2'"),
            (["experiment", "run", "--images", fixture.imagesFolder, "--prompts", "no-such-set", "--out", out], 3,
             "no prompt set or folder named no-such-set"),
            (["experiment", "run", "--images", fixture.path("missing"), "--out", out], 3, "does not exist"),
            (["experiment", "report", fixture.path("nowhere")], 3, "not an experiment folder"),
            (["experiment", "compare", fixture.path("nowhere"), fixture.path("nowhere")], 3, "not an experiment folder"),
        ]
        for (arguments, status, message) in cases {
            let result = try await BlindsightProcess.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(out)/results.jsonl"))
    }

    @Test func ctrlCKeepsFinishedRunsExitsOneThirtyAndTheNextRunFinishesTheRest() async throws {
        let fixture = try ExperimentFixture()
        let server = try await scriptedServer(Self.models)
        defer { Task { await server.stop() } }
        let out = fixture.path("out")
        let arguments = Self.arguments(fixture, out: out) + ["--repeat", "2", "--no-baseline", "--concurrency", "2"]
        let results = "\(out)/results.jsonl"
        let interrupted = try await BlindsightProcess.run(
            arguments, environment: ["OLLAMA_HOST": server.baseURL],
            interruptWhen: { ResultsFile.read(path: results).rows.count >= 1 })
        #expect(interrupted.status == 130, "\(interrupted.stderr)")
        let kept = ResultsFile.read(path: results).rows
        #expect(kept.count >= 1 && kept.count < 4)
        #expect(kept.allSatisfy { $0.status == .decided })  // an interrupted run leaves no row
        let finished = try await BlindsightProcess.run(arguments, environment: ["OLLAMA_HOST": server.baseURL])
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(ResultsFile.read(path: results).rows.count == 4)
    }
}
