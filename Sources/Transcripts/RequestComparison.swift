import BlindsightCore
import Dialogue
import Foundation

/// Where the requests a re-run sends first differ from the recorded ones.
public struct RequestDivergence: Sendable, Equatable, CustomStringConvertible {
    /// The recorded `requestSent` event's sequence number (nil when the transcript has no such request).
    public var sequence: Int?
    /// Which request it is, counting from 1 over the whole run.
    public var requestNumber: Int
    /// The model the request went to.
    public var role: DialogueEvent.Role
    /// A short diff: what differs, then `- recorded` and `+ now` lines.
    public var detail: [String]

    public var description: String {
        let place = sequence.map { "event \($0)" } ?? "after the last recorded event"
        return (["first divergence at \(place) (request \(requestNumber), to the \(role.rawValue)):"]
            + detail.map { "  " + $0 }).joined(separator: "\n")
    }
}

/// Compares the requests of two event streams (recorded and re-run), in order.
public enum RequestComparison {
    /// The first request that differs, or nil when both streams sent the same requests. The model a
    /// request went to is not compared (a re-run talks to recorded backends).
    public static func firstDivergence(recorded: [DialogueEvent], now: [DialogueEvent]) -> RequestDivergence? {
        let before = recorded.filter { $0.kind == .requestSent }
        let after = now.filter { $0.kind == .requestSent }
        for index in 0..<max(before.count, after.count) {
            let number = index + 1
            guard index < before.count else {
                return RequestDivergence(
                    sequence: nil, requestNumber: number, role: after[index].role,
                    detail: ["the referee now sends this request; the transcript has no request \(number)"])
            }
            let old = before[index]
            guard index < after.count else {
                return RequestDivergence(
                    sequence: old.sequence, requestNumber: number, role: old.role,
                    detail: ["the referee now stops after \(after.count) requests; the transcript has \(before.count)"])
            }
            if let detail = difference(old, after[index]) {
                return RequestDivergence(sequence: old.sequence, requestNumber: number, role: old.role, detail: detail)
            }
        }
        return nil
    }

    private static func difference(_ old: DialogueEvent, _ new: DialogueEvent) -> [String]? {
        if old.role != new.role { return ["recipient", "- \(old.role.rawValue)", "+ \(new.role.rawValue)"] }
        guard let before = old.request, let after = new.request else {
            return old.request == nil && new.request == nil ? nil : ["one of the two events has no request body"]
        }
        for (index, pair) in zip(before.messages, after.messages).enumerated() {
            let label = "message \(index + 1) (\(pair.0.role.rawValue))"
            if pair.0.role != pair.1.role { return ["\(label): role", "- \(pair.0.role)", "+ \(pair.1.role)"] }
            if pair.0.content != pair.1.content {
                let diff = lineDiff(pair.0.content, pair.1.content)
                return ["\(label), \(diff[0])"] + diff.dropFirst()
            }
            if pair.0.images != pair.1.images {
                return ["\(label): images", "- \(pair.0.images.map { $0.sha256.prefix(12) })",
                        "+ \(pair.1.images.map { $0.sha256.prefix(12) })"]
            }
        }
        if before.messages.count != after.messages.count {
            return ["message count", "- \(before.messages.count)", "+ \(after.messages.count)"]
        }
        let settings: [(String, JSONValue?, JSONValue?)] = [
            ("temperature", before.temperature.map(JSONValue.number), after.temperature.map(JSONValue.number)),
            ("seed", before.seed.map { .number(Double($0)) }, after.seed.map { .number(Double($0)) }),
            ("maxTokens", before.maxTokens.map { .number(Double($0)) }, after.maxTokens.map { .number(Double($0)) }),
            ("responseSchema", before.responseSchema, after.responseSchema),
        ]
        // Compared as values: objects are equal whatever order their keys were written or printed in.
        for (name, was, now) in settings where was != now {
            return [name, "- \(clip(canonicalText(was)))", "+ \(clip(canonicalText(now)))"]
        }
        return nil
    }

    /// `value` as compact JSON with sorted keys ("none" when absent), so a shown difference is a real one.
    static func canonicalText(_ value: JSONValue?) -> String {
        guard let value else { return "none" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "unprintable"
    }

    /// The first differing line of two texts, with its number.
    static func lineDiff(_ old: String, _ new: String) -> [String] {
        let before = old.split(separator: "\n", omittingEmptySubsequences: false)
        let after = new.split(separator: "\n", omittingEmptySubsequences: false)
        let index = zip(before, after).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(before.count, after.count)
        let was = index < before.count ? "- " + clip(String(before[index])) : "- (no line)"
        let now = index < after.count ? "+ " + clip(String(after[index])) : "+ (no line)"
        return ["line \(index + 1)", was, now]
    }

    private static func clip(_ text: String) -> String {
        text.count <= 120 ? text : String(text.prefix(117)) + "…"
    }
}
