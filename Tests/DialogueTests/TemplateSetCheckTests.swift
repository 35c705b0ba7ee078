import Foundation
import Testing

@testable import Dialogue

/// Template sets from a shared transcript's header are hostile input: their names must not be paths
/// and their partials must not make the (recursive, unbounded) Mustache renderer loop or explode.
@Suite struct TemplateSetCheckTests {
    /// The shipped default set, as records (what a transcript header carries).
    static func defaultRecords() throws -> [PromptTemplates.Record] {
        try PromptTemplates(directory: Fixtures.promptsDirectory).records
    }

    /// The default set with `extra` added, or a template's text replaced.
    static func load(_ extra: [(String, String)]) throws -> PromptTemplates {
        var records = try defaultRecords()
        for (name, body) in extra {
            records.removeAll { $0.name == name }
            records.append(PromptTemplates.Record(name: name, text: PromptTemplates.pragma + "\n" + body))
        }
        return try PromptTemplates(records: records, origin: "hostile.jsonl")
    }

    static func refusal(_ extra: [(String, String)]) throws -> String {
        do {
            _ = try load(extra)
            return "accepted"
        } catch let error as PromptError {
            return error.message
        }
    }

    @Test func theShippedSetRebuildsFromItsRecordsAndRendersTheSame() throws {
        let folder = try PromptTemplates(directory: Fixtures.promptsDirectory)
        let memory = try PromptTemplates(records: folder.records, origin: "t.jsonl")
        #expect(memory.records == folder.records)
        #expect(memory.render(.lastRound, ["maxRounds": 5]) == folder.render(.lastRound, ["maxRounds": 5]))
    }

    @Test(arguments: [
        "../pwned_area-table", "a/../../b", "/etc/passwd", "a//b", "sub/", ".", "x\u{0}y", "back\\slash",
        "new\nline", String(repeating: "n", count: 101), "",
    ])
    func refusesNamesThatArePathsOrOdd(name: String) throws {
        let message = try Self.refusal([(name, "x")])
        #expect(message.hasPrefix("prompt template name"), "\(message)")
        #expect(PromptTemplates.nameProblem(name) != nil)
    }

    @Test func acceptsSubFolderNames() throws {
        let prompts = try Self.load([("partials/greeting_v2.1", "hello")])
        #expect(prompts.render("partials/greeting_v2.1", [String: Any]()) == "hello")
    }

    @Test func refusesATemplateThatIncludesItself() throws {
        let message = try Self.refusal([("answer", "{{> answer}}")])
        #expect(message.contains("includes itself (answer → answer)"), "\(message)")
    }

    @Test func refusesACycleThroughOtherTemplates() throws {
        let message = try Self.refusal([("a", "{{#x}}{{>b}}{{/x}}"), ("b", "{{> c}}"), ("c", "text {{>a}}")])
        #expect(message.contains("includes itself"), "\(message)")
        #expect(message.contains("a → b → c → a"), "\(message)")
    }

    @Test func refusesACycleThroughTemplateInheritance() throws {
        let message = try Self.refusal([("a", "{{<b}}{{$x}}y{{/x}}{{/b}}"), ("b", "{{<a}}{{/a}}")])
        #expect(message.contains("includes itself"), "\(message)")
    }

    @Test func refusesAnExpansionBomb() throws {
        // Each level includes the next ten times: 10^6 renders of the last one.
        let levels = (0..<6).map { ("bomb\($0)", String(repeating: "{{>bomb\($0 + 1)}}", count: 10)) } + [("bomb6", "x")]
        let message = try Self.refusal(levels)
        #expect(message.contains("would expand more than 10000 partials"), "\(message)")
    }

    @Test func refusesALongChainOfPartials() throws {
        let chain = (0..<20).map { ("c\($0)", "{{>c\($0 + 1)}}") } + [("c20", "end")]
        #expect(try Self.refusal(chain).contains("more than 16 levels deep"))
    }

    @Test(arguments: [
        ("{{=<% %>=}}<%#a%><%/a%>", "changes its tag delimiters"),
        ("{{>*dynamic}}", "uses a dynamic partial"),
        ("{{{x}} {{>opening}} }}}", "includes itself (opening → opening)"),
        (String(repeating: "{{#a}}", count: 10_000) + String(repeating: "{{/a}}", count: 10_000), "nests sections more than 32 deep"),
    ])
    func refusesTagsThatCannotBeCheckedOrNestTooDeep(body: String, problem: String) throws {
        let message = try Self.refusal([("opening", body)])
        #expect(message.contains(problem), "\(message)")
        #expect(message.contains("hostile.jsonl: template opening"), "\(message)")
    }

    @Test func refusesTheSameNameTwice() throws {
        let records = try Self.defaultRecords()
        #expect(throws: PromptError.self) { try PromptTemplates(records: records + [records[0]], origin: "t.jsonl") }
    }
}
