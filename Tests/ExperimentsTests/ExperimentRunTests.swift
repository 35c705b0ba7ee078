import Experiments
import Foundation
import Panoptic
import TestSupport
import Testing
import Transcripts

@Suite struct ExperimentRunTests {
    static let models = ScriptedDialogueModels(decisions: ["reasoner-dog": ["dog"], "reasoner-both": ["dog", "person"]])

    @Test func aMatrixWithKnownAnswersGivesExactlyTheExpectedScores() async throws {
        let fixture = try ExperimentFixture()
        let server = try await scriptedServer(Self.models)
        defer { Task { await server.stop() } }
        let rows = try await fixture.run(
            fixture.plan(reasoners: ["reasoner-dog", "reasoner-both"]), server: server, out: fixture.path("out"))
        #expect(rows.count == 6)  // 2 images × (2 configurations + the baseline)
        let dog = SyntheticScene.dogID
        let person = SyntheticScene.personID
        func row(_ image: String, _ reasoner: String) throws -> ResultRow {
            try #require(rows.first { $0.image.hasSuffix("/\(image)") && $0.reasoner == reasoner })
        }
        // Scene A, truth = the dog by id.
        let aDog = try row("a.jpg", "ollama:reasoner-dog")
        #expect(aDog.status == .decided && aDog.exitCode == 0)
        #expect(aDog.decision?.sourceIDs == [dog])
        #expect(aDog.iou == 1 && aDog.oracleIoU == 1 && aDog.regret == 0)
        #expect(aDog.selection == Selection(kept: [dog], truth: [dog]))
        #expect(aDog.rounds == 2 && aDog.questions == 1 && aDog.rejections == 0 && aDog.uniqueQuestionRatio == 1)
        #expect(aDog.tokens["reasoner"] == ResultRow.Tokens(prompt: 24, completion: 68))
        #expect(aDog.tokens["seer"] == ResultRow.Tokens(prompt: 12, completion: 34))
        let aBoth = try row("a.jpg", "ollama:reasoner-both")
        let aDogPixels = fixture.pixels("a.jpg", dog)
        let aPersonPixels = fixture.pixels("a.jpg", person)
        #expect(aBoth.iou == Double(aDogPixels) / Double(aDogPixels + aPersonPixels))
        #expect(aBoth.overlap == Overlap(intersection: aDogPixels, union: aDogPixels + aPersonPixels))
        #expect(aBoth.selection?.precision == 0.5 && aBoth.selection?.recall == 1)
        // Scene B, truth = a mask of the person.
        let bDog = try row("b.jpg", "ollama:reasoner-dog")
        #expect(bDog.iou == 0 && bDog.oracleIoU == 1 && bDog.regret == 1 && bDog.selection == nil)
        let bBoth = try row("b.jpg", "ollama:reasoner-both")
        let bDogPixels = fixture.pixels("b.jpg", dog)
        let bPersonPixels = fixture.pixels("b.jpg", person)
        #expect(bBoth.iou == Double(bPersonPixels) / Double(bDogPixels + bPersonPixels))
        // The baseline reference asks no model.
        #expect(rows.filter { $0.reasoner == "baseline" }.allSatisfy { $0.status == .fallback && $0.tokens.isEmpty })
        #expect(server.requests(to: "/api/chat").count == 4 * 3)
        // Every request carries the run's sampling seed (the plan's seed for the first repeat).
        #expect(server.requests(to: "/api/chat").allSatisfy { $0.json?["options"]?["seed"]?.numberValue == 11 })

        // Files: transcripts replay, masks exist, summaries agree with the rows.
        let folder = ExperimentFolder(path: fixture.path("out"))
        let transcript = try TranscriptReader.read(path: folder.file(try #require(aDog.transcript)))
        #expect(transcript.decision?.sourceIDs == [dog])
        #expect(FileManager.default.fileExists(atPath: folder.file(try #require(aDog.mask))))
        let summaries = Summarizer.summarize(rows, seed: 11)
        let both = try #require(summaries.first { $0.configuration.reasoner == "ollama:reasoner-both" })
        #expect(both.meanIoU?.mean == ((aBoth.iou ?? 0) + (bBoth.iou ?? 0)) / 2)
        #expect(both.cumulativeIoU == Double(aDogPixels + bPersonPixels) / Double(aDogPixels + aPersonPixels + bDogPixels + bPersonPixels))
        let csv = try String(contentsOfFile: folder.summaryCSVPath, encoding: .utf8)
        #expect(csv.hasPrefix("configuration,prompts,reasoner,seer,max_rounds,runs,"))
        #expect(csv.contains("default · ollama:reasoner-both · ollama:seer · 3,default,ollama:reasoner-both,ollama:seer,3,2,2,0,0,2,"))
    }

    @Test func theCacheSendsEachIdenticalSeerQuestionOnce() async throws {
        let fixture = try ExperimentFixture()
        let server = try await scriptedServer(Self.models)
        defer { Task { await server.stop() } }
        let rows = try await fixture.run(
            fixture.plan(reasoners: ["reasoner-dog", "reasoner-both"], repeats: 2, baseline: false), server: server,
            out: fixture.path("cached"), cache: true, concurrency: 4)
        #expect(rows.count == 8)
        let seerRequests = server.requests(to: "/api/chat").filter(ScriptedDialogueModels.isSeerRequest)
        #expect(seerRequests.count == 2)  // one question per image
        #expect(rows.reduce(0) { $0 + $1.cachedAnswers } == 6)
        #expect(rows.allSatisfy { $0.status == .decided })
    }

    @Test func twoShardsMergedEqualOneUnshardedRun() async throws {
        let fixture = try ExperimentFixture()
        let server = try await scriptedServer(Self.models)
        defer { Task { await server.stop() } }
        let plan = fixture.plan(reasoners: ["reasoner-dog", "reasoner-both"], repeats: 2)
        let whole = try await fixture.run(plan, server: server, out: fixture.path("whole"))
        let first = try await fixture.run(plan, server: server, out: fixture.path("s0"), shard: Shard(index: 0, count: 2))
        let second = try await fixture.run(plan, server: server, out: fixture.path("s1"), shard: Shard(index: 1, count: 2))
        #expect(first.count + second.count == whole.count)
        #expect(Set(first.map(\.runID)).isDisjoint(with: second.map(\.runID)))
        let merged = ExperimentFolder(path: fixture.path("merged"))
        let outcome = try ExperimentMerge.merge(
            [ExperimentFolder(path: fixture.path("s0")), ExperimentFolder(path: fixture.path("s1"))], into: merged)
        #expect(outcome.missing == 0)
        let written = try await ExperimentOutputs.write(folder: merged, plan: outcome.plan)
        func timeless(_ rows: [ResultRow]) -> [ResultRow] {
            rows.sorted { $0.index < $1.index }.map { row in
                var row = row
                row.latencySeconds = 0
                return row
            }
        }
        let mergedRows = ResultsFile.read(path: merged.resultsPath).rows
        #expect(timeless(mergedRows) == timeless(whole))
        func timeless(_ summaries: [ConfigurationSummary]) -> [ConfigurationSummary] {
            summaries.map { summary in
                var summary = summary
                summary.latencyP50 = 0
                summary.latencyP95 = 0
                return summary
            }
        }
        #expect(timeless(written.summaries) == timeless(Summarizer.summarize(whole, seed: 11)))
        for row in mergedRows { #expect(FileManager.default.fileExists(atPath: merged.file(try #require(row.transcript)))) }
    }

    @Test func aChangedPlanOnAnExistingFolderIsRefusedSayingWhatChanged() async throws {
        let fixture = try ExperimentFixture()
        let server = try await scriptedServer(Self.models)
        defer { Task { await server.stop() } }
        try await fixture.run(fixture.plan(reasoners: ["reasoner-dog"], baseline: false), server: server, out: fixture.path("out"))
        let requests = server.requests.count
        // The same plan again: nothing to do.
        try await fixture.run(fixture.plan(reasoners: ["reasoner-dog"], baseline: false), server: server, out: fixture.path("out"))
        #expect(server.requests.count == requests)
        await #expect {
            try await fixture.run(
                fixture.plan(reasoners: ["reasoner-both"], baseline: false), server: server, out: fixture.path("out"))
        } throws: { error in
            (error as? ExperimentError)?.message.contains("reasoners: ollama:reasoner-dog → ollama:reasoner-both") == true
                && (error as? ExperimentError)?.exitStatus == .usage
        }
    }

    @Test func aRateLimitedServerIsBackedOffAndEveryRunStillFinishes() async throws {
        let fixture = try ExperimentFixture()
        let server = try await scriptedServer(Self.models)
        defer { Task { await server.stop() } }
        server.enqueue(.error(status: 429, message: "slow down", retryAfterMilliseconds: "300"), path: "/api/chat")
        let rows = try await fixture.run(
            fixture.plan(reasoners: ["reasoner-dog"], baseline: false), server: server, out: fixture.path("out"), concurrency: 2)
        #expect(rows.count == 2 && rows.allSatisfy { $0.status == .decided })
        // The refused request was retried: one more request than the dialogues need.
        #expect(server.requests(to: "/api/chat").count == 2 * 3 + 1)
    }

    @Test func theShippedExamplePlanAndTruthResolveAndScoreTheBaselineExactly() async throws {
        let root = TestData.packageRoot.path
        let plan = try ExperimentPlan.load(path: "\(root)/examples/experiment-plan.yaml")
        #expect(plan.images == ["\(root)/examples/park.jpg", "\(root)/examples/park-crowd.jpg"])
        let fixture = try ExperimentFixture()
        let server = try await scriptedServer(Self.models)
        defer { Task { await server.stop() } }
        // The baseline keeps the dog and the walker: exactly the shipped truth of both pictures (the crowd ignored).
        let rows = try await fixture.run(
            plan.overriding(with: ExperimentPlan(reasoners: ["baseline"])), server: server, out: fixture.path("example"))
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.status == .fallback && $0.iou == 1 && $0.oracleIoU == 1 })
        #expect(rows.first { $0.image.hasSuffix("park-crowd.jpg") }?.selection?.exact == true)
        #expect(server.requests.isEmpty)
    }

    @Test func shippedTemplateSetsByNameEachMakeAConfiguration() async throws {
        let fixture = try ExperimentFixture()
        let server = try await scriptedServer(Self.models)
        defer { Task { await server.stop() } }
        var plan = fixture.plan(reasoners: ["reasoner-dog"], baseline: false)
        plan.prompts = ["default", "zh"]
        let rows = try await fixture.run(plan, server: server, out: fixture.path("sets"))
        #expect(Set(rows.map(\.prompts)) == ["default", "zh"])
        #expect(rows.count == 4 && rows.allSatisfy { $0.status == .decided && $0.iou != nil })
        let recorded = try rows.map { row in
            try TranscriptReader.read(path: ExperimentFolder(path: fixture.path("sets")).file(try #require(row.transcript)))
                .header.prompts.map(\.sha256)
        }
        #expect(Set(recorded).count == 2)  // each set's templates are the ones recorded
    }
}
