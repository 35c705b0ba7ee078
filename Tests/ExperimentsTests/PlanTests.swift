import Experiments
import Foundation
import ModelClients
import Panoptic
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

@Suite struct TruthTests {
    @Test func aFolderOfMasksIsMatchedByFileStemAsInDUTS() throws {
        let fixture = try ExperimentFixture()
        let masks = fixture.path("GT")
        try FileManager.default.createDirectory(atPath: masks, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture.path("b.truth.png"), toPath: "\(masks)/b.png")
        let truth = try Truth(path: masks)
        #expect(truth.entry(forImageAt: "\(fixture.imagesFolder)/b.jpg") == TruthEntry(mask: "\(masks)/b.png"))
        #expect(truth.entry(forImageAt: "\(fixture.imagesFolder)/a.jpg") == nil)
        let scene = try #require(fixture.scenes["b.jpg"])
        let scored = try ScoredTruth(entry: TruthEntry(mask: "\(masks)/b.png"), segmentation: scene.segmentation)
        #expect(scored.foreground.reduce(0) { $0 + Int($1) } == fixture.pixels("b.jpg", SyntheticScene.personID))
        // A mask of another size is refused, naming both sizes.
        let other = try #require(fixture.scenes["a.jpg"])
        let small = PanopticSegmentation(
            idMap: SegmentIDMap(width: 10, height: 10, ids: [UInt32](repeating: 0, count: 100)), segments: other.segmentation.segments)
        #expect(throws: ExperimentError.self) { try ScoredTruth(entry: TruthEntry(mask: "\(masks)/b.png"), segmentation: small) }
        #expect(throws: ExperimentError.self) { try Truth(path: fixture.path("no-truth")) }
    }
}

@Suite struct FolderLockTests {
    @Test func oneRunnerAtATimePerFolder() throws {
        let folder = ExperimentFolder(path: try TestData.temporaryFolder("lock").path)
        var held: FolderLock? = try folder.lock()
        #expect(throws: ExperimentError.self) { try folder.lock() }
        #expect(held != nil)
        held = nil
        _ = try folder.lock()
    }
}
