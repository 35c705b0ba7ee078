import Dialogue
import Foundation
import TestSupport
import Testing
@testable import Transcripts

@Suite struct RerunForkResumeTests {
    @Test func rerunReproducesTheDecisionWithNoDivergence() async throws {
        let folder = try TestData.temporaryFolder()
        let path = folder.appendingPathComponent("run.jsonl").path
        let original = try await DialogueScripts.record(DialogueScripts.askThenDecide, to: path)
        #expect(original.outcome.decision?.foreground == [2])
        let transcript = try TranscriptReader.read(path: path)
        let report = try await TranscriptRerun.run(
            transcript, prompts: try PromptTemplates(directory: DialogueScripts.promptsFolder), seerImages: [])
        #expect(report.divergence == nil)
        #expect(report.reproduced)
        #expect(report.outcome.decision == transcript.decision)
    }

    @Test func rerunReportsTheFirstDivergenceAfterATemplateEdit() async throws {
        let folder = try TestData.temporaryFolder()
        let path = folder.appendingPathComponent("run.jsonl").path
        try await DialogueScripts.record(DialogueScripts.askThenDecide, to: path)
        let edited = folder.appendingPathComponent("prompts")
        try FileManager.default.copyItem(atPath: DialogueScripts.promptsFolder, toPath: edited.path)
        let template = edited.appendingPathComponent("seer-system.mustache")
        let text = try String(contentsOf: template, encoding: .utf8)
        try (text + "Answer in exactly one sentence.\n").write(to: template, atomically: true, encoding: .utf8)

        let transcript = try TranscriptReader.read(path: path)
        let report = try await TranscriptRerun.run(
            transcript, prompts: try PromptTemplates(directory: edited.path), seerImages: [])
        let divergence = try #require(report.divergence)
        let firstSeerRequest = try #require(transcript.events.first { $0.kind == .requestSent && $0.role == .seer })
        #expect(divergence.sequence == firstSeerRequest.sequence)
        #expect(divergence.role == .seer)
        #expect(divergence.detail.first?.hasPrefix("message 1 (system), line") == true)
        #expect(divergence.detail.last == "+ Answer in exactly one sentence.")
        #expect(!report.reproduced)
    }

    @Test func forkKeepsEventsUpToKAndContinuesLiveIntoANewTranscript() async throws {
        let folder = try TestData.temporaryFolder()
        let parentPath = folder.appendingPathComponent("parent.jsonl").path
        try await DialogueScripts.record(DialogueScripts.askThenDecide, to: parentPath)
        let parent = try TranscriptReader.read(path: parentPath)
        let answer = try #require(parent.events.first { $0.kind == .seerAnswer })

        let fork = try TranscriptContinuation.fork(
            parent, through: answer.sequence, models: parent.header.models, programVersion: "test")
        #expect(fork.kept.last?.kind != .requestSent)
        #expect(fork.kept.contains(answer))
        #expect(fork.kept.allSatisfy { $0.sequence < parent.events.first { $0.sequence > answer.sequence && $0.kind == .requestSent }!.sequence })
        // The live models now decide differently: keep the grass too.
        let childPath = folder.appendingPathComponent("child.jsonl").path
        let live = [DialogueScripts.reasonerReply(#"{"action":"decide","foreground":[1,2],"reason":"dog and grass"}"#)]
        let result = try await DialogueScripts.record(live, to: childPath, header: fork.header, resumingFrom: fork.kept)
        #expect(result.outcome.decision?.foreground == [1, 2])

        let child = try TranscriptReader.read(path: childPath)
        #expect(child.header.parent == ParentRecord(id: parent.header.id, path: parentPath, event: fork.kept.last!.sequence))
        #expect(child.header.id != parent.header.id)
        #expect(Array(child.events.prefix(fork.kept.count)) == fork.kept)
        #expect(child.decision?.foreground == [1, 2])
        #expect(try TranscriptReader.read(path: parentPath).events == parent.events)
    }

    @Test func forkAtAnUnknownEventIsAUsageError() async throws {
        let folder = try TestData.temporaryFolder()
        let path = folder.appendingPathComponent("run.jsonl").path
        try await DialogueScripts.record(DialogueScripts.askThenDecide, to: path)
        let transcript = try TranscriptReader.read(path: path)
        #expect(throws: TranscriptError.self) {
            try TranscriptContinuation.fork(transcript, through: 9999, models: [], programVersion: "test")
        }
    }

    @Test func resumeOfACutTranscriptReachesTheSameDecision() async throws {
        let folder = try TestData.temporaryFolder()
        let fullPath = folder.appendingPathComponent("full.jsonl").path
        try await DialogueScripts.record(DialogueScripts.askThenDecide, to: fullPath)
        let full = try TranscriptReader.read(path: fullPath)
        // Cut the file just after the second reasoner request went out (as kill -9 would leave it).
        let secondReasonerRequest = try #require(full.events.filter { $0.kind == .requestSent && $0.role == .reasoner }.dropFirst().first)
        let data = try Data(contentsOf: URL(fileURLWithPath: fullPath))
        let lines = data.split(separator: UInt8(ascii: "\n"))
        let keepLines = 1 + full.events.firstIndex(of: secondReasonerRequest)! + 1
        let cutPath = folder.appendingPathComponent("cut.jsonl").path
        try Data((lines.prefix(keepLines).joined(separator: [UInt8(ascii: "\n")]) + Array("\n{\"type\":\"ev".utf8)))
            .write(to: URL(fileURLWithPath: cutPath))

        let cut = try TranscriptReader.read(path: cutPath)
        #expect(cut.notes.count == 1)
        let resume = try TranscriptContinuation.resume(cut, models: cut.header.models, programVersion: "test")
        #expect(resume.kept.last?.kind == .refereeMessage)
        let resumedPath = folder.appendingPathComponent("resumed.jsonl").path
        let remaining = [DialogueScripts.askThenDecide[2]]
        let result = try await DialogueScripts.record(remaining, to: resumedPath, header: resume.header, resumingFrom: resume.kept)
        #expect(result.outcome.decision == full.decision)
        let resumed = try TranscriptReader.read(path: resumedPath)
        #expect(resumed.events.map(\.kind) == full.events.map(\.kind))
        #expect(resumed.header.parent?.path == cutPath)

        #expect(throws: ResumeRefused.self) {
            try TranscriptContinuation.resume(full, models: [], programVersion: "test")
        }
    }
}
