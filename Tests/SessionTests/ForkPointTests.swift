import Dialogue
import Foundation
import Session
import Testing
import TestSupport
import Transcripts

@Suite("replay --live-from fork points")
struct ForkPointTests {
    /// The shipped dialogue: opening #1, the reasoner's question #114, the seer's answer #164, the
    /// reasoner's decision turn #230, then the decision #231, the stop and the outputs.
    static func shipped() throws -> Transcript {
        try TranscriptReader.read(path: TestData.packageRoot.appendingPathComponent("transcripts/park-dog.jsonl").path)
    }

    @Test("the printed turns before the decision are the fork points")
    func validPoints() throws {
        #expect(ForkPoints.valid(in: try Self.shipped()) == [1, 114, 164, 230])
    }

    @Test("a number between printed events is refused with the valid choices")
    func between() throws {
        let transcript = try Self.shipped()
        #expect(throws: ForkRefused.self) { try ForkPoints.check(120, in: transcript) }
        do {
            try ForkPoints.check(120, in: transcript)
        } catch {
            #expect(error.exitStatus == .usage)
            #expect(error.message.contains("#120"))
            #expect(error.message.contains("choose one of #1, #114, #164, #230"))
        }
    }

    @Test("the decision and anything after it are refused, saying so")
    func atOrAfterDecision() throws {
        let transcript = try Self.shipped()
        for sequence in [231, 233, 10_000] {
            do {
                try ForkPoints.check(sequence, in: transcript)
                Issue.record("#\(sequence) was accepted")
            } catch {
                #expect(error.message.contains("at or after the decision (#231)"))
            }
        }
        try ForkPoints.check(164, in: transcript)
    }
}

@Suite("Recorded prompt templates")
struct RecordedPromptTests {
    @Test("a transcript's templates are rebuilt in memory: a hostile template name is refused and writes nothing anywhere")
    func hostileNameWritesNothing() throws {
        var transcript = try ForkPointTests.shipped()
        let name = "../../blindsight-pwned-\(UUID().uuidString)"
        transcript.header.prompts.append(PromptRecord(name: name, text: "{{% CONTENT_TYPE: TEXT}}\nowned"))
        #expect(throws: PromptError.self) { try SessionPrompts.recorded(in: transcript) }
        let plain = try SessionPrompts.recorded(in: try ForkPointTests.shipped())
        #expect(plain.records.count == (try ForkPointTests.shipped()).header.prompts.count)
        let temporary = FileManager.default.temporaryDirectory
        for folder in [temporary, temporary.deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
            let leaked = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("blindsight-pwned") }
            #expect(leaked.isEmpty, "\(folder.path)")
        }
    }
}
