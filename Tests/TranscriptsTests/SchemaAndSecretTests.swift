import BlindsightCore
import Dialogue
import Foundation
import TestSupport
import Testing
@testable import Transcripts

@Suite struct SchemaAndSecretTests {
    @Test(SchemaValidator.requirement) func writtenTranscriptsFollowThePublishedSchema() throws {
        let folder = try TestData.temporaryFolder()
        let path = try TranscriptFixtures.write(in: folder)
        #expect(SchemaValidator.problems(in: [path]) == nil)
    }

    @Test(SchemaValidator.requirement) func retryEventsFollowTheSchemaAndReadBack() throws {
        let folder = try TestData.temporaryFolder()
        var events = TranscriptFixtures.events()
        var retry = DialogueEvent(
            kind: .retry, round: 1, role: .reasoner, content: "the stream stopped after 5 characters without its end marker",
            attempt: 2)
        events.insert(retry, at: 3)
        for index in events.indices { events[index].sequence = index }
        let path = try TranscriptFixtures.write(in: folder, events: events)
        #expect(SchemaValidator.problems(in: [path]) == nil)
        let read = try TranscriptReader.read(path: path)
        #expect(read.events.first { $0.kind == .retry }?.attempt == 2)
    }

    @Test(SchemaValidator.requirement) func theSchemaRejectsMalformedLines() throws {
        let folder = try TestData.temporaryFolder()
        let path = try TranscriptFixtures.write(in: folder)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let broken = [
            lines[0].replacingOccurrences(of: "blindsight.transcript/1", with: "blindsight.transcript/7"),
            lines[1].replacingOccurrences(of: #""sequence":0"#, with: #""sequence":"zero""#),
            lines[1].replacingOccurrences(of: #""role":"referee""#, with: #""role":"narrator""#),
        ]
        for (index, line) in broken.enumerated() {
            let file = folder.appendingPathComponent("broken\(index).jsonl")
            try Data((line + "\n").utf8).write(to: file)
            #expect(SchemaValidator.problems(in: [file.path]) != nil, "line \(index) should be rejected")
        }
    }

    @Test func redactorRemovesKnownKeysAndRecognisablePatterns() {
        let redactor = SecretRedactor.fromEnvironment(["OPENAI_API_KEY": "custom-Key-Value-42", "HOME": "/root/home"])
        let text = #"""
            {"a":"Authorization: Bearer abcdefgh12345678","b":"key sk-test-SECRET-123 here","c":"custom-Key-Value-42",
             "d":"https://x/v1?api_key=zzzzzzzzzzzz&q=1","e":"task-force at /root/home"}
            """#
        let redacted = redactor.redact(text)
        for secret in ["abcdefgh12345678", "sk-test-SECRET-123", "custom-Key-Value-42", "zzzzzzzzzzzz"] {
            #expect(!redacted.contains(secret))
        }
        #expect(redacted.contains("task-force at /root/home"))
        #expect((try? JSONSerialization.jsonObject(with: Data(redacted.utf8))) != nil)
    }

    @Test func noSecretReachesTheFileEvenWhenRecordsCarryOne() throws {
        let secret = "sk-test-SECRET-123"
        let envKey = "plain-SECRET-value-456"
        let redactor = SecretRedactor.fromEnvironment(["OPENAI_API_KEY": secret, "DASHSCOPE_API_KEY": envKey])
        var header = TranscriptFixtures.header(parameters: ["apiKey": .string(secret), "note": .string(envKey)])
        header.models[1].baseURL = "http://127.0.0.1:2/?token=\(envKey)"
        var events = TranscriptFixtures.events()
        events[0].content = "Authorization: Bearer \(secret)"
        events[3].rawReply = "the key is \(envKey)"
        let folder = try TestData.temporaryFolder()
        let path = try TranscriptFixtures.write(in: folder, header: header, events: events, redactor: redactor)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("SECRET"))
        #expect(text.contains(SecretRedactor.replacement))
        #expect(try TranscriptReader.read(path: path).events.count == events.count - 1)
    }

    @Test func defaultLocationFollowsXDGAndNamesAreReadable() {
        #expect(TranscriptLocation.defaultDirectory(environment: ["XDG_DATA_HOME": "/data", "HOME": "/h"])
            == "/data/blindsight/transcripts")
        #expect(TranscriptLocation.defaultDirectory(environment: ["HOME": "/h"]) == "/h/.local/share/blindsight/transcripts")
        let created = Date(timeIntervalSince1970: 1_795_317_005)  // 2026-11-22T03:10:05Z
        #expect(TranscriptLocation.fileName(created: created, imagePath: "/photos/my photo.jpg", id: "ab12cdef0000")
            == "2026-11-22T03-10-05_my-photo_ab12cd.jsonl")
    }

    @Test func listingSummarisesNewestFirstAndReportsUnreadableFiles() throws {
        let folder = try TestData.temporaryFolder()
        var older = TranscriptFixtures.header()
        older.created = older.created.addingTimeInterval(-3600)
        _ = try TranscriptFixtures.write(in: folder, name: "a.jsonl", header: older, events: [])
        _ = try TranscriptFixtures.write(in: folder, name: "b.jsonl")
        try Data("not json\n".utf8).write(to: folder.appendingPathComponent("c.jsonl"))
        let listing = TranscriptSummary.list(directory: folder.path, limit: 10)
        #expect(listing.rows.map { ($0.path as NSString).lastPathComponent } == ["b.jsonl", "a.jsonl"])
        #expect(listing.rows[0].decision == "2 dog")
        #expect(listing.rows[0].models == "qwq-32b / qwen2.5vl:7b")
        #expect(listing.rows[0].outcome == "decided")
        #expect(listing.rows[1].outcome == "incomplete")
        #expect(listing.problems.count == 1)
    }
}
