import BlindsightCore
import Dialogue
import Foundation

/// Reads transcripts, up to their last complete line.
///
/// A last line cut short (Ctrl-C, `kill -9`, a full disk) is ignored with a note; an unreadable line
/// in the middle stops reading there, with a note; lines of unknown types and unknown fields (from
/// newer versions) are skipped. A header naming another schema version is refused, and so is a file
/// whose numbers or names are out of bounds (see ``TranscriptValidation``).
public enum TranscriptReader {
    /// Reads the transcript at `path`.
    public static func read(path: String) throws(TranscriptError) -> Transcript {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
            throw .unreadable(path: path, reason: reason)
        }
        return try read(data: data, path: path)
    }

    /// Reads a transcript from its bytes; `path` is used in messages.
    public static func read(data: Data, path: String) throws(TranscriptError) -> Transcript {
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let endsWithNewline = data.last == UInt8(ascii: "\n")
        guard let first = lines.first, !first.isEmpty else { throw .notATranscript(path: path, reason: "it is empty") }
        let header = try readHeader(Data(first), complete: lines.count > 1, path: path)
        let decoder = TranscriptCoding.decoder()
        var events: [DialogueEvent] = []
        var notes: [String] = []
        var skippedTypes = 0
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            if UntrustedInput.jsonNestingIsAcceptable(line), let event = try? decoder.decode(EventLine.self, from: line) {
                if let problem = TranscriptValidation.check(event.event, after: events.last?.sequence) {
                    throw .notATranscript(path: path, reason: "line \(index + 1): \(problem)")
                }
                events.append(event.event)
                continue
            }
            // Not an event of this version: another line type (skipped), a cut last line, or damage.
            let isLast = index == lines.count - 1
            if let probe = try? decoder.decode(LineProbe.self, from: line) {
                if probe.type != "event" {
                    skippedTypes += 1
                    continue
                }
                notes.append("line \(index + 1) is not a valid event; stopped there")
            } else if isLast && !endsWithNewline {
                notes.append("line \(index + 1) is incomplete (\(line.count) bytes, the file was cut short); ignored")
            } else {
                let later = lines[(index + 1)...].count { !$0.isEmpty }
                notes.append("line \(index + 1) is unreadable; stopped there (\(later) later lines ignored)")
            }
            break
        }
        if skippedTypes > 0 { notes.append("\(skippedTypes) lines of unknown types skipped") }
        return Transcript(path: path, header: header, events: events, notes: notes)
    }

    private struct LineProbe: Decodable {
        var type: String?
        var schema: String?
    }

    private static func readHeader(_ line: Data, complete: Bool, path: String) throws(TranscriptError)
        -> TranscriptHeader
    {
        let decoder = TranscriptCoding.decoder()
        guard UntrustedInput.jsonNestingIsAcceptable(line) else {
            throw .notATranscript(
                path: path, reason: "the header nests JSON deeper than \(UntrustedInput.maximumJSONDepth) levels")
        }
        guard let probe = try? decoder.decode(LineProbe.self, from: line) else {
            throw .notATranscript(
                path: path, reason: complete ? "the first line is not JSON" : "the header line is incomplete")
        }
        guard let schema = probe.schema, schema.hasPrefix("blindsight.transcript/") else {
            throw .notATranscript(path: path, reason: "the first line has no 'blindsight.transcript' schema")
        }
        guard schema == TranscriptHeader.schemaVersion else { throw .unsupportedVersion(path: path, found: schema) }
        let header: TranscriptHeader
        do {
            header = try decoder.decode(TranscriptHeader.self, from: line)
        } catch {
            throw .notATranscript(path: path, reason: "the header is invalid (\(brief(error)))")
        }
        if let problem = TranscriptValidation.check(header) {
            throw .notATranscript(path: path, reason: "the header is invalid (\(problem))")
        }
        return header
    }

    /// A one-line account of a decoding error: the field path and what was wrong.
    static func brief(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context):
            return "missing '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            return field.isEmpty ? context.debugDescription : "bad '\(field)': \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
