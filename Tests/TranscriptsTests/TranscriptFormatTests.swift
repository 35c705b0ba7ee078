import BlindsightCore
import Dialogue
import Foundation
import TestSupport
import Testing
@testable import Transcripts

@Suite struct TranscriptFormatTests {
    @Test func roundTripKeepsHeaderAndEveryEventButStreamDeltas() throws {
        let folder = try TestData.temporaryFolder()
        let path = try TranscriptFixtures.write(in: folder)
        let transcript = try TranscriptReader.read(path: path)
        #expect(transcript.header == TranscriptFixtures.header())
        #expect(transcript.events == TranscriptFixtures.events().filter { $0.kind != .streamDelta })
        #expect(transcript.notes.isEmpty)
        #expect(transcript.decision?.foreground == [2])
        #expect(transcript.outcome == "decided")
        #expect(transcript.reasonerTurns == 1)
    }

    @Test func everyLineIsOneJSONObjectAndTheHeaderComesFirst() throws {
        let folder = try TestData.temporaryFolder()
        let path = try TranscriptFixtures.write(in: folder)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(text.hasSuffix("\n"))
        #expect(lines.count == 1 + TranscriptFixtures.events().count - 1)
        #expect(lines[0].contains(#""schema":"blindsight.transcript/1""#))
        #expect(lines.dropFirst().allSatisfy { $0.contains(#""type":"event""#) })
    }

    @Test func truncatedAtEveryByteOfTheLastLineStillLoadsEverythingBefore() throws {
        let folder = try TestData.temporaryFolder()
        let data = try Data(contentsOf: URL(fileURLWithPath: try TranscriptFixtures.write(in: folder)))
        let lastLineStart = data.dropLast().lastIndex(of: UInt8(ascii: "\n"))! + 1
        let complete = TranscriptFixtures.events().filter { $0.kind != .streamDelta }
        for cut in lastLineStart..<data.count {
            let transcript = try TranscriptReader.read(data: data.prefix(cut), path: "cut.jsonl")
            if cut == data.count - 1 {
                // Only the newline is missing: the line is complete JSON and counts.
                #expect(transcript.events == complete)
            } else {
                #expect(transcript.events == Array(complete.dropLast()), "cut at byte \(cut)")
                #expect(cut == lastLineStart || transcript.notes.first?.contains("incomplete") == true)
            }
        }
    }

    @Test func unsupportedSchemaVersionIsRefusedAsBadInput() throws {
        let line = #"{"type":"header","schema":"blindsight.transcript/2","id":"x"}"# + "\n"
        #expect(throws: TranscriptError.unsupportedVersion(path: "new.jsonl", found: "blindsight.transcript/2")) {
            try TranscriptReader.read(data: Data(line.utf8), path: "new.jsonl")
        }
        #expect(TranscriptError.unsupportedVersion(path: "a", found: "b").exitStatus == .badInput)
        #expect(throws: TranscriptError.self) { try TranscriptReader.read(data: Data("{}\n".utf8), path: "x") }
        #expect(throws: TranscriptError.self) { try TranscriptReader.read(data: Data("hello\n".utf8), path: "x") }
    }

    @Test func unknownFieldsKindsAndLineTypesFromNewerVersionsAreTolerated() throws {
        let folder = try TestData.temporaryFolder()
        let path = try TranscriptFixtures.write(in: folder)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[0] = lines[0].replacingOccurrences(of: #"{"created""#, with: #"{"futureHeaderField":[1,2],"created""#)
        lines[1] = lines[1].replacingOccurrences(of: #"{"content""#, with: #"{"futureField":{"a":1},"content""#)
        lines.insert(#"{"type":"checkpoint","state":"opaque"}"#, at: 2)
        lines.append(#"{"type":"event","kind":"telepathy","sequence":99,"timestamp":"2026-11-22T03:00:00.000Z","round":1,"role":"seer","content":"hm"}"#)
        let transcript = try TranscriptReader.read(data: Data((lines.joined(separator: "\n") + "\n").utf8), path: path)
        #expect(transcript.events.count == TranscriptFixtures.events().count)
        #expect(transcript.events.last?.kind.rawValue == "telepathy")
        #expect(transcript.notes == ["1 lines of unknown types skipped"])
    }

    @Test func aCorruptMiddleLineStopsReadingThereWithANote() throws {
        let folder = try TestData.temporaryFolder()
        let path = try TranscriptFixtures.write(in: folder)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[3] = String(lines[3].prefix(20))
        let transcript = try TranscriptReader.read(data: Data((lines.joined(separator: "\n") + "\n").utf8), path: path)
        #expect(transcript.events.count == 2)
        #expect(transcript.notes.first?.contains("line 4 is unreadable") == true)
    }

    @Test func writerNeverOverwritesAnExistingTranscript() throws {
        let folder = try TestData.temporaryFolder()
        let path = try TranscriptFixtures.write(in: folder)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: TranscriptError.self) {
            _ = try TranscriptWriter(creating: path, header: TranscriptFixtures.header())
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func writeFailureIsReportedAndKeepsEarlierLines() async throws {
        let folder = try TestData.temporaryFolder()
        let path = folder.appendingPathComponent("t.jsonl").path
        let writer = try TranscriptWriter(creating: path, header: TranscriptFixtures.header(),
                                          redactor: SecretRedactor(knownSecrets: []))
        let events = TranscriptFixtures.events()
        await writer.record(events[0])
        writer.close()
        await writer.record(events[1])
        #expect(writer.failure?.message.contains("lines written before are intact") == true)
        #expect(try TranscriptReader.read(path: path).events == [events[0]])
    }
}

@Suite struct TranscriptTimeTests {
    @Test func timesAreMillisecondsAndStableWhenWrittenAgain() throws {
        for text in ["2026-11-22T03:10:05.123Z", "2026-11-22T03:10:05.999Z", "1969-12-31T23:59:59.001Z"] {
            let date = try #require(TranscriptCoding.parse(text))
            #expect(TranscriptCoding.format(date) == text)
        }
        let fine = Date(timeIntervalSince1970: 1_795_317_005.123_456_7)
        #expect(TranscriptCoding.format(fine) == "2026-11-22T03:10:05.123Z")
        #expect(TranscriptCoding.parse("2026-11-22T03:10:05Z") == Date(timeIntervalSince1970: 1_795_317_005))
        #expect(TranscriptCoding.parse("2026-11-22T05:10:05.123+02:00") == TranscriptCoding.parse(
            "2026-11-22T03:10:05.123Z"))
        #expect(TranscriptCoding.parse("2026-11-22T03:10:05.1239Z") == TranscriptCoding.parse("2026-11-22T03:10:05.124Z"))
        for bad in ["yesterday", "2026-13-22T03:10:05Z", "2026-11-22T03:10:05", "2026-11-22 03:10:05Z"] {
            #expect(TranscriptCoding.parse(bad) == nil, "\(bad)")
        }
    }
}
