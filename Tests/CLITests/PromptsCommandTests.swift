import Foundation
import Testing
import TestSupport

/// `blindsight prompts list|export|render|check`, as the built binary.
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct PromptsCommandTests {
    static let examples = TestData.packageRoot.appendingPathComponent("examples")

    @Test("list shows the shipped sets and the user's, each with its README line")
    func listsShippedAndUserSets() async throws {
        let config = try TestData.temporaryFolder("xdg")
        let mine = config.appendingPathComponent("blindsight/prompts/mine")
        let exported = try await BlindsightProcess.run(["prompts", "export", "default", mine.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        try "Terse questions only.\n".write(to: mine.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let result = try await BlindsightProcess.run(["prompts", "list"], environment: ["XDG_CONFIG_HOME": config.path])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.first?.hasPrefix("default (shipped): English") == true)
        #expect(lines.contains { $0.hasPrefix("survey (shipped): Survey first") })
        #expect(lines.contains { $0.hasPrefix("zh (shipped): 中文 (Chinese)") })
        #expect(lines.last == "mine (user, \(mine.path)): Terse questions only.")
    }

    @Test("export writes a shipped set for editing and refuses, exit 3, to overwrite")
    func exportRefusesToOverwrite() async throws {
        let folder = try TestData.temporaryFolder("export").appendingPathComponent("zh")
        let first = try await BlindsightProcess.run(["prompts", "export", "zh", folder.path])
        #expect(first.status == 0, "\(first.stderr)")
        let shipped = try FileManager.default.contentsOfDirectory(
            atPath: TestData.packageRoot.appendingPathComponent("prompts/zh").path)
        #expect(first.stdout.contains("wrote \(shipped.count) files of the shipped set zh"))
        let opening = folder.appendingPathComponent("opening.mustache")
        let before = try Data(contentsOf: opening)
        let second = try await BlindsightProcess.run(["prompts", "export", "zh", folder.path])
        #expect(second.status == 3)
        #expect(second.stderr.contains("already exists; export into an empty or new folder"))
        #expect(try Data(contentsOf: opening) == before)
        let unknown = try await BlindsightProcess.run(["prompts", "export", "nope", folder.path])
        #expect(unknown.status == 3 && unknown.stderr.contains("shipped sets: default, survey, zh"))
    }

    @Test("render prints the referee's round-1 messages for the reasoner and the seer, with no model")
    func rendersRoundOne() async throws {
        let result = try await BlindsightProcess.run([
            "prompts", "render", Self.examples.appendingPathComponent("park.jpg").path, "--prompts", "zh",
            "--instruction", "保留狗", "--question", "3 号区域是什么？",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let sections = result.stdout.components(separatedBy: "\n=== ").dropFirst().map { $0.split(separator: "\n", maxSplits: 1) }
        #expect(sections.map { String($0[0]) } == [
            "reasoner, system message ===", "reasoner, user message ===", "seer, system message ===",
            "seer, user message, with the photo and the Set-of-Mark overlay ===",
        ])
        #expect(result.stdout.contains("用户的要求：“保留狗”"))
        #expect(result.stdout.contains("| 1 | "), "the area table of the sidecar segmentation")
        #expect(result.stdout.contains("的第 1 个问题（共 4 个）：\n3 号区域是什么？"))
    }

    @Test("render of a missing set says it does not exist and lists the sets, exit 3")
    func renderOfAMissingSet() async throws {
        let result = try await BlindsightProcess.run([
            "prompts", "render", Self.examples.appendingPathComponent("park.jpg").path, "--prompts", "./no-such-set",
        ])
        #expect(result.status == 3)
        #expect(result.stderr.contains("prompt folder ./no-such-set does not exist; shipped sets: default, survey, zh"))
    }

    /// `default` also has the chat's optional `user-question` and `refinement`.
    @Test("check passes every shipped set (exit 0)", arguments: [("default", 12), ("zh", 12), ("survey", 12)])
    func shippedSetsPassTheCheck(set: String, templates: Int) async throws {
        let result = try await BlindsightProcess.run(["prompts", "check", set])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("shipped set \(set): \(templates) templates, no problems"))
    }

    @Test("check of a broken folder prints FILE:LINE per problem and exits 3")
    func checkOfABrokenSet() async throws {
        let folder = try TestData.temporaryFolder("broken").appendingPathComponent("broken")
        #expect(try await BlindsightProcess.run(["prompts", "export", "default", folder.path]).status == 0)
        let opening = folder.appendingPathComponent("opening.mustache")
        try "{{% CONTENT_TYPE: TEXT}}\n{{#rows}}\n{{nmber}}\n{{/rows}}\n{{> nope}}\n{{#marks}}\n"
            .write(to: opening, atomically: true, encoding: .utf8)
        try "Hello {{questionIndex}}\n".write(to: folder.appendingPathComponent("seer-question.mustache"), atomically: true, encoding: .utf8)
        let result = try await BlindsightProcess.run(["prompts", "check", folder.path])
        #expect(result.status == 3)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasPrefix("\(opening.path):7: syntax error at column ") == true)
        #expect(lines.last == "\(folder.appendingPathComponent("seer-question.mustache").path):1: must start with {{% CONTENT_TYPE: TEXT}}")
        #expect(result.stderr.contains("2 problem(s) in \(folder.path)"))
    }
}
