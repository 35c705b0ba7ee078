import Foundation
import Imaging
import Panoptic
import Testing
import TestSupport

/// `blindsight run`, as the built binary, against loopback fake model servers and the COCO samples.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct RunCommandTests {
    static let prompts = TestData.packageRoot.appendingPathComponent("prompts/default").path

    /// A synthetic park photo with its sidecar segmentation (`photo.panoptic.png` + `.json`).
    func scene() throws -> (folder: URL, photo: String, dog: Int) {
        let folder = try TestData.temporaryFolder("run")
        let scene = SyntheticScene(width: 160, height: 120)
        let photo = folder.appendingPathComponent("photo.png").path
        try ImageFile.writePNG(scene.image, toPath: photo)
        try ImageFile.writePNG(scene.segmentation.idMap.cocoPanopticImage(), toPath: folder.appendingPathComponent("photo.panoptic.png").path)
        try scene.cocoSegmentsJSON(fileName: "photo.panoptic.png").write(to: folder.appendingPathComponent("photo.panoptic.json"))
        let table = AreaTable(segmentation: scene.segmentation)
        return (folder, photo, try #require(table.rows.first { $0.label == "dog" }?.number))
    }

    func run(_ arguments: [String], in folder: URL, environment: [String: String]) async throws -> BlindsightProcess.Result {
        try await BlindsightProcess.run(
            ["run"] + arguments + ["--prompts", Self.prompts, "--out", folder.appendingPathComponent("cutout.png").path,
                                   "--mask", folder.appendingPathComponent("mask.png").path],
            environment: environment)
    }

    /// The reasoner asks which segment is the dog (after `thinking`), the seer gives `answer`, the reasoner keeps `dog`.
    static func enqueueDogDialogue(on server: FakeModelServer, dog: Int, thinking: String, answer: String) {
        server.enqueue(.ollamaStream(content: #"{"action": "ask", "question": "Which segment is the dog?"}"#, thinking: thinking))
        server.enqueue(.ollamaStream(content: answer))
        server.enqueue(.ollamaStream(content: #"{"action": "decide", "foreground": [\#(dog)], "reason": "the dog"}"#))
    }

    @Test("a dialogue prints as plain text, writes cutout and mask and exits 0")
    func convergesAndWritesTheCutout() async throws {
        let (folder, photo, dog) = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        Self.enqueueDogDialogue(on: server, dog: dog, thinking: "Hmm.", answer: "Segment \(dog) is the dog.")
        let result = try await run([photo, "--instruction", "keep the dog"], in: folder, environment: ["OLLAMA_HOST": server.baseURL])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("reasoner asks: Which segment is the dog?"))
        #expect(result.stdout.contains("decision: keep \(dog) (dog)"))
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(!result.stdout.contains("reasoner … "), "not a terminal: no live pieces unless --stream")
        let cutout = try ImageDecoder.decodeFile(atPath: folder.appendingPathComponent("cutout.png").path)
        #expect(cutout.format == .rgba8 && cutout.width == 160 && cutout.height == 120)
        let mask = try ImageDecoder.decodeFile(atPath: folder.appendingPathComponent("mask.png").path)
        let scene = SyntheticScene(width: 160, height: 120)
        let dogPixels = scene.segmentation.idMap.ids.filter { $0 == UInt32(SyntheticScene.dogID) }.count
        #expect(mask.pixels.filter { $0 == 255 }.count == dogPixels)
        #expect(result.stdout.contains("wrote cutout: \(folder.appendingPathComponent("cutout.png").path)"))
    }

    @Test("--stream shows each reply as it streams, then the parsed turn on its own line")
    func streamsRepliesLive() async throws {
        let (folder, photo, dog) = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        Self.enqueueDogDialogue(on: server, dog: dog, thinking: "Hmm, a dog.", answer: "Segment \(dog) is the dog, lying on the grass.")
        let result = try await run([photo, "--stream"], in: folder, environment: ["OLLAMA_HOST": server.baseURL])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let thinking = try #require(lines.firstIndex { $0.hasPrefix("[round 1] reasoner … Hmm, a dog.") })
        #expect(lines[thinking].hasSuffix(#"{"action": "ask", "question": "Which segment is the dog?"}"#))
        #expect(lines[thinking + 1] == "[round 1] reasoner thought (11 characters)")
        #expect(lines[thinking + 2] == "[round 1] reasoner asks: Which segment is the dog?")
        let seer = try #require(lines.firstIndex { $0 == "[round 1] seer … Segment \(dog) is the dog, lying on the grass." })
        #expect(lines[seer + 1].hasPrefix("[round 1] seer (answer 1 of"))
        #expect(lines.contains { $0.hasPrefix("[round 2] reasoner … {") })
    }

    @Test("the seer server down ends the run with exit 4 and one clear line")
    func seerDownExitsFour() async throws {
        let (folder, photo, _) = try scene()
        let reasoner = try await FakeModelServer()
        defer { Task { await reasoner.stop() } }
        let down = try RefusingPort()
        let deadURL = down.baseURL
        reasoner.enqueue(.openAIStream(content: #"{"action": "ask", "question": "What is in the centre?"}"#))
        let result = try await run(
            [photo, "--reasoner", "openai:qwq"], in: folder,
            environment: ["OPENAI_BASE_URL": reasoner.baseURL + "/v1", "OLLAMA_HOST": deadURL])
        #expect(result.status == 4)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("blindsight: ") == true && lines.first?.contains(deadURL) == true)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("cutout.png").path))
        extendLifetime(down)
    }

    @Test("--no-fallback exits 5 and writes nothing when the reasoner never decides")
    func noFallbackExitsFive() async throws {
        let (folder, photo, _) = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.ollamaStream(content: "I cannot tell."), .ollamaStream(content: "Still not sure."))
        let result = try await run(
            [photo, "--max-rounds", "1", "--no-fallback"], in: folder, environment: ["OLLAMA_HOST": server.baseURL])
        #expect(result.status == 5)
        #expect(result.stderr.contains("without a decision (budgetExhausted)"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("cutout.png").path))
    }

    @Test("Ctrl-C mid-dialogue records the interruption and exits 130")
    func interruptedExits130() async throws {
        let (folder, photo, _) = try scene()
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.ollamaStream(content: "too late").delayed(by: 30))
        let result = try await BlindsightProcess.run(
            ["run", photo, "--prompts", Self.prompts, "--out", folder.appendingPathComponent("cutout.png").path],
            environment: ["OLLAMA_HOST": server.baseURL], interruptWhen: { !server.requests(to: "/api/chat").isEmpty })
        #expect(result.status == 130)
        #expect(result.stdout.contains("interrupted"))
        #expect(result.stdout.contains("stopped: cancelled"))
        #expect(result.seconds < 20, "the server waits 30 s; ending before that means Ctrl-C stopped the dialogue")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("cutout.png").path))
    }

    @Test("a missing image exits 3")
    func missingImageExitsThree() async throws {
        let folder = try TestData.temporaryFolder("run")
        let result = try await run(
            [folder.appendingPathComponent("nope.jpg").path, "--reasoner", "baseline"], in: folder, environment: [:])
        #expect(result.status == 3)
        #expect(result.stderr.contains("nope.jpg"))
    }

    @Test(
        "the baseline reasoner cuts out the COCO panoptic samples end to end",
        TestData.required("coco-panoptic/panoptic_examples.json"),
        arguments: ["000000142238", "000000439180"])
    func baselineOnCOCOSamples(id: String) async throws {
        let folder = try TestData.temporaryFolder("run-coco")
        let image = TestData.url("coco-panoptic/input_images/\(id).jpg").path
        let result = try await run(
            [image, "--reasoner", "baseline", "--panoptic", TestData.url("coco-panoptic/panoptic_examples/\(id).png").path,
             "--segments", TestData.url("coco-panoptic/panoptic_examples.json").path],
            in: folder, environment: [:])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("fallback (baseline policy): keep"))
        let original = try ImageDecoder.decodeFile(atPath: image)
        let cutout = try ImageDecoder.decodeFile(atPath: folder.appendingPathComponent("cutout.png").path)
        #expect(cutout.width == original.width && cutout.height == original.height && cutout.format == .rgba8)
        let alphas = stride(from: 3, to: cutout.pixels.count, by: 4).map { cutout.pixels[$0] }
        #expect(alphas.contains(255) && alphas.contains(0))
    }
}
