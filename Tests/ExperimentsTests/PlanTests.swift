import Experiments
import Foundation
import ModelClients
import TestSupport
import Testing

@Suite struct PlanTests {
    @Test func aPlanFileIsReadRelativeToItsFolderAndFlagsOverrideIt() throws {
        let folder = try TestData.temporaryFolder("plan")
        let file = folder.appendingPathComponent("plan.yaml").path
        let yaml = """
            images: [photos/, list.txt]
            truth: gt/truth.json
            prompts: [default, sets/mine]
            reasoners: ["ollama:qwq"]
            max_rounds: [3, 5]
            repeats: 2
            seed: 9
            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: file))
        let plan = try ExperimentPlan.load(path: file)
        #expect(plan.images == ["\(folder.path)/photos/", "\(folder.path)/list.txt"])
        #expect(plan.truth == "\(folder.path)/gt/truth.json")
        #expect(plan.prompts == ["default", "\(folder.path)/sets/mine"])
        #expect(plan.maxRounds == [3, 5] && plan.repeats == 2 && plan.seed == 9)
        let merged = plan.overriding(with: ExperimentPlan(reasoners: ["baseline"], repeats: 1))
        #expect(merged.reasoners == ["baseline"] && merged.repeats == 1 && merged.maxRounds == [3, 5])
        #expect(throws: ExperimentError.self) { try ExperimentPlan.load(path: folder.appendingPathComponent("none.yaml").path) }
    }

    @Test func imagesComeFromFoldersAndListsWithoutSidecars() throws {
        let fixture = try ExperimentFixture()
        let list = fixture.path("list.txt")
        try Data("# the first scene\nimages/a.jpg\n\n".utf8).write(to: URL(fileURLWithPath: list))
        #expect(try PlanResolver.listImages([fixture.imagesFolder]) == ["\(fixture.imagesFolder)/a.jpg", "\(fixture.imagesFolder)/b.jpg"])
        #expect(try PlanResolver.listImages([list]) == ["\(fixture.folder.path)/images/a.jpg"])
        #expect(throws: ExperimentError.self) { try PlanResolver.listImages([fixture.path("missing")]) }
    }

    @Test func shardsSliceTheMatrixAndReadTheirIndexFromTheScheduler() throws {
        #expect(try Shard(parsing: "1/4") == Shard(index: 1, count: 4))
        #expect(try Shard(parsing: "auto/3", environment: ["JOB_COMPLETION_INDEX": "2"]) == Shard(index: 2, count: 3))
        #expect(try Shard(parsing: "auto/3", environment: ["SLURM_ARRAY_TASK_ID": "0"]) == Shard(index: 0, count: 3))
        for bad in ["4/4", "x/2", "1", "auto/2"] {
            #expect(throws: ExperimentError.self, "\(bad)") { try Shard(parsing: bad, environment: [:]) }
        }
        let shards = (0..<3).map { Shard(index: $0, count: 3) }
        for index in 0..<20 { #expect(shards.filter { $0.contains(index) }.count == 1) }
    }
}

@Suite struct ServerGateTests {
    @Test func aBackOffHoldsOnlyTheServerThatAskedForIt() async throws {
        let folder = try TestData.temporaryFolder("gate")
        let config = try BlindsightConfig.load(
            environment: ["OLLAMA_HOST": "http://127.0.0.1:9", "OPENAI_BASE_URL": "http://127.0.0.1:10/v1"],
            path: folder.appendingPathComponent("none.yaml").path)
        let pool = try BackendPool(specs: ["ollama:a", "ollama:b", "openai:c", "baseline"], config: config)
        let first = try #require(pool.gate("ollama:a"))
        let other = try #require(pool.gate("openai:c"))
        #expect(first === pool.gate("ollama:b"))  // one server, one gate
        #expect(first !== other)
        #expect(pool.gate("baseline") == nil)
        await first.backOff(seconds: 60)
        #expect(await !first.isOpen)
        #expect(await other.isOpen)
        try await other.waitUntilOpen()
    }
}
