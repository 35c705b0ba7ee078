import BlindsightCore
@testable import Dialogue
import Foundation
import Testing

/// Replies a hostile or broken model can send: none may crash, recurse or take quadratic time.
/// (Outputs are asserted, not timings: the old recursive scanner overflowed the stack on the first
/// case, exit 139, and took seconds on the brace runs.)
@Suite struct HostileReplyTests {
    static let action = #"{"action": "ask", "question": "Is 2 a dog?"}"#

    @Test func hundredThousandUnclosedBracesAreNoActionNotACrash() {
        let parsed = ReplyParser.parse(String(repeating: "{", count: 100_000))
        #expect(parsed.action == nil)
        #expect(parsed.problem == "no JSON object with an \"action\" field was found")
    }

    @Test func theActionAfterAHundredThousandUnclosedBracesIsStillFound() {
        let parsed = ReplyParser.parse(String(repeating: "{", count: 100_000) + Self.action)
        #expect(parsed.action == .ask(question: "Is 2 a dog?"))
    }

    @Test func hundredThousandClosingBracesAroundTheActionAreIgnored() {
        let braces = String(repeating: "}", count: 100_000)
        #expect(ReplyParser.parse(braces + Self.action + braces).action == .ask(question: "Is 2 a dog?"))
    }

    @Test func deeplyNestedObjectsAndArraysAreRefusedWithoutRecursing() {
        let depth = 100_000
        let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        #expect(ReplyParser.parse(objects).action == nil)
        let arrays = #"{"action": "decide", "foreground": "# + String(repeating: "[", count: depth) + "1"
            + String(repeating: "]", count: depth) + #", "reason": "r"}"#
        let parsed = ReplyParser.parse(arrays)
        #expect(parsed.action == nil)
        #expect(parsed.problem == "no JSON object with an \"action\" field was found")
    }

    @Test func nestingUpToTheLimitStillParses() {
        let depth = UntrustedInput.maximumJSONDepth - 2
        let foreground = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let parsed = ReplyParser.parse(#"{"action": "decide", "foreground": ["# + foreground + #"], "reason": "r"}"#)
        #expect(parsed.problem == "\"foreground\" may hold only segment numbers")
    }

    @Test func aHugeStringIsReadOnce() {
        let question = String(repeating: "why {\\\" ", count: 200_000)
        let parsed = ReplyParser.parse(#"{"action": "ask", "question": ""# + question + #""}"#)
        #expect(parsed.action == .ask(question: String(repeating: "why {\" ", count: 200_000).trimmingCharacters(in: .whitespaces)))
    }

    @Test func manyDistinctActionsAreCountedInOnePass() {
        let reply = (1...5_000).map { #"{"action": "ask", "question": "q\#($0)?"}"# }.joined(separator: "\n")
        #expect(ReplyParser.parse(reply).problem == "the reply holds 5000 different actions")
    }

    @Test func manyClosingThinkTagsLeaveTheTextAfterTheLast() {
        let reply = String(repeating: "</think>x", count: 100_000) + "\n" + Self.action
        #expect(ReasoningText.strip(reply) == "x\n" + Self.action)
        #expect(ReplyParser.parse(reply).action == .ask(question: "Is 2 a dog?"))
    }

    @Test func aQuoteInProseAfterAnUnclosedBraceDoesNotHideTheAction() {
        #expect(ReplyParser.parse(#"a { "b "# + Self.action).action == .ask(question: "Is 2 a dog?"))
        #expect(ReplyParser.parse("a { b " + Self.action).action == .ask(question: "Is 2 a dog?"))
        // Past the restart budget, a quote after the unclosed braces does swallow what follows.
        let braces = String(repeating: "{ ", count: JSONObjectScanner.maximumRestarts + 1)
        #expect(ReplyParser.parse(braces + #"""# + Self.action).action == nil)
    }
}

@Suite struct UntrustedInputTests {
    @Test func depthIgnoresBracketsInStringsAndStopsPastTheLimit() {
        #expect(UntrustedInput.jsonDepth(of: Array(#"{"a": "[[[{{{", "b": [[1]]}"#.utf8)) == 3)
        #expect(UntrustedInput.jsonDepth(of: Array(String(repeating: "[", count: 1_000_000).utf8), limit: 10) == 11)
        #expect(UntrustedInput.jsonNestingIsAcceptable(Array("[]".utf8)))
    }

    @Test(arguments: [
        (Double.infinity, Int.max), (-Double.infinity, Int.min), (Double.nan, Int.min), (1e19, Int.max),
        (-1e19, Int.min), (42.9, 42), (-42.9, -42), (9.223372036854775e18, 9_223_372_036_854_774_784),
    ])
    func clampedConversionNeverTraps(value: Double, expected: Int) {
        #expect(UntrustedInput.clampedInt(value) == expected)
    }

    @Test func clampedConversionKeepsToTheRange() {
        #expect(UntrustedInput.clampedInt(1e30, to: 0...3600) == 3600)
        #expect(UntrustedInput.clampedInt(-5, to: 0...3600) == 0)
        #expect(UntrustedInput.exactInt(3, in: 1...5) == 3)
        #expect(UntrustedInput.exactInt(3.5, in: 1...5) == nil)
        #expect(UntrustedInput.exactInt(9, in: 1...5) == nil)
        #expect(UntrustedInput.exactInt(.infinity) == nil)
        #expect(UntrustedInput.exactInt(1e300) == nil)
    }
}
