import Foundation
import TestSupport
import Testing

@testable import Dialogue

/// The shipped template sets (embedded in the binary) and how `--prompts NAME|DIR` finds a set.
@Suite struct PromptSetTests {
    static let promptsFolder = TestData.packageRoot.appendingPathComponent("prompts")

    @Test("the embedded sets equal prompts/*/ file for file (run scripts/gen-prompts.py after editing)")
    func embeddedSetsMatchTheFiles() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.promptsFolder.path).filter { name in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(
                atPath: Self.promptsFolder.appendingPathComponent(name).path, isDirectory: &isFolder) && isFolder.boolValue
        }
        #expect(PromptSets.shippedNames == folders.sorted())
        for set in PromptSets.shipped {
            let onDisk = try PromptSetFiles(directory: Self.promptsFolder.appendingPathComponent(set.displayName).path)
            #expect(set.files.map(\.name) == onDisk.files.map(\.name), "the templates of \(set.displayName)")
            for file in onDisk.files where set.text(of: file.name) != file.text {
                Issue.record("prompts/\(set.displayName)/\(file.name).mustache differs from the embedded copy")
            }
            #expect(set.readme == onDisk.readme, "README of \(set.displayName) differs")
        }
    }

    @Test("default, zh and survey ship, each says what it tries, and each passes the check")
    func shippedSetsAreCleanAndDescribed() throws {
        #expect(Set(PromptSets.shippedNames).isSuperset(of: ["default", "zh", "survey"]))
        for set in PromptSets.shipped {
            #expect(!set.summary.isEmpty, "\(set.displayName) has no README line")
            #expect(PromptCheck.problems(in: set) == [], "\(set.displayName)")
            _ = try PromptTemplates(files: set)
        }
    }

    @Test("nil resolves to the shipped default set, whatever the current folder")
    func nilIsTheShippedDefault() throws {
        let templates = try PromptSets.resolve(nil, environment: [:])
        #expect(templates.directory == "shipped set default")
        #expect(templates.records == (try Fixtures.prompts()).records)
    }

    @Test("a user set in $XDG_CONFIG_HOME/blindsight/prompts/NAME is found by name and listed")
    func findsAndListsUserSets() throws {
        let config = try TestData.temporaryFolder("xdg")
        let mine = config.appendingPathComponent("blindsight/prompts/mine")
        _ = try PromptSets.export("survey", to: mine.path)
        try "My survey, tuned.\n".write(to: mine.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": config.path]
        #expect(try PromptSets.resolve("mine", environment: environment).directory == mine.path)
        let listed = PromptSets.list(environment: environment)
        #expect(listed.map(\.name) == PromptSets.shippedNames + ["mine"])
        #expect(listed.last?.summary == "My survey, tuned.")
        #expect(listed.last?.origin == .folder(path: mine.path))
    }

    @Test("a folder path is loaded as a set; a missing one is named and the available sets listed")
    func foldersAndMissingSets() throws {
        let folder = try TestData.temporaryFolder("set").appendingPathComponent("edited")
        _ = try PromptSets.export("zh", to: folder.path)
        #expect(try PromptSets.resolve(folder.path, environment: [:]).records.count == PromptSets.shipped[2].files.count)
        #expect { try PromptSets.resolve("/no/such/folder", environment: [:]) } throws: { error in
            let message = (error as? PromptError)?.message ?? ""
            return message.contains("/no/such/folder does not exist") && message.contains("shipped sets: default, survey, zh")
        }
        #expect { try PromptSets.resolve("", environment: [:]) } throws: { error in
            (error as? PromptError)?.message.hasPrefix("the prompt set name is empty; shipped sets:") == true
        }
        #expect { try PromptSets.resolve("nosuchset", environment: ["HOME": "/nonexistent"]) } throws: { error in
            let message = (error as? PromptError)?.message ?? ""
            return message.contains("no prompt set or folder named nosuchset")
                && message.contains("user sets in /nonexistent/.config/blindsight/prompts: none")
        }
    }

    @Test("export writes templates and README, and refuses to overwrite any existing file")
    func exportNeverOverwrites() throws {
        let folder = try TestData.temporaryFolder("export")
        let written = try PromptSets.export("default", to: folder.path)
        #expect(written.count == PromptSets.shipped[0].files.count + 1)
        let opening = folder.appendingPathComponent("opening.mustache")
        try "mine".write(to: opening, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("answer.mustache"))
        #expect { try PromptSets.export("default", to: folder.path) } throws: { error in
            (error as? PromptError)?.message.contains("already exists") == true
        }
        #expect(try String(contentsOf: opening, encoding: .utf8) == "mine")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("answer.mustache").path),
                "nothing is written when any file exists")
    }

    @Test("check reports bad syntax, unknown partials and unknown variables with file and line")
    func checkFindsEachKindOfMistake() throws {
        let folder = try Self.brokenSet()
        let problems = PromptCheck.problems(in: try PromptSetFiles(directory: folder.path)).map(\.description)
        let path = { (name: String) in folder.appendingPathComponent(name + ".mustache").path }
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("\(path("opening")):4: unknown variable labl: opening is given ") })
        #expect(problems.contains("\(path("opening")):7: unknown partial tabel: no tabel.mustache in the set"))
        #expect(problems.contains { $0.hasPrefix("\(path("seer-question")):5: syntax error at column ") })
        #expect(problems.contains(
            "\(path("protocol")):2: unknown variable segmentCount (included from \(path("reasoner-system")):6): "
                + "reasoner-system is given maxRounds, questionBudget"))
    }

    /// The default set with four mistakes: an unknown variable inside `{{#rows}}`, an unknown partial,
    /// a section closed with the wrong name, and a partial using a variable only one of its includers has.
    static func brokenSet() throws -> URL {
        let folder = try TestData.temporaryFolder("broken").appendingPathComponent("broken")
        _ = try PromptSets.export("default", to: folder.path)
        let files = [
            "opening": "Image: {{fileName}}\n{{#rows}}\n{{number}} {{labl}}\n{{/rows}}\n{{> protocol}}\n{{> tabel}}\n",
            "seer-question": "Question {{questionIndex}}:\n{{#question}}\n{{question}}\n{{/questoin}}\n",
            "protocol": "One JSON object per turn ({{segmentCount}} segments).\n",
        ]
        for (name, body) in files {
            try (PromptTemplates.pragma + "\n" + body).write(
                to: folder.appendingPathComponent(name + ".mustache"), atomically: true, encoding: .utf8)
        }
        return folder
    }

    @Test("the preview is what the referee sends in round 1: reasoner system + opening, seer system + question")
    func previewComesFromTheReferee() throws {
        let prompts = try PromptSets.resolve("survey", environment: [:])
        let task = DialogueTask(instruction: "keep the dog", imageName: "park.jpg", imageWidth: 640, imageHeight: 480, table: Fixtures.table)
        let rules = RefereeRules(maxRounds: 4)
        let preview = PromptPreview(task: task, rules: rules, prompts: prompts, sampleQuestion: "Is 3 a dog?")
        var referee = Referee(task: task, rules: rules, prompts: prompts)
        guard case .askReasoner(let first) = referee.start().action else { Issue.record("no reasoner turn"); return }
        #expect(preview.reasoner == first.messages)
        #expect(preview.reasoner.last?.content.contains("Start the survey now with segment 1.") == true)
        #expect(preview.seer?.map(\.role) == [.system, .user])
        #expect(preview.seer?.last?.content == "Question 1 of 3 about this image (640 x 480 pixels):\nIs 3 a dog?")
        #expect(PromptPreview(task: task, rules: RefereeRules(maxRounds: 1), prompts: prompts).seer == nil)
    }
}
