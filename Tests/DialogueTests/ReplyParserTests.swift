import Dialogue
import Testing

@Suite struct ReplyParserTests {
    @Test func findsTheActionInsideACodeFenceAmongProse() {
        let reply = """
            Let me think about which {segments} matter.
            ```json
            {"action": "ask", "question": "Is the dog wearing a collar {red}?"}
            ```
            That is my question.
            """
        #expect(ReplyParser.parse(reply).action == .ask(question: "Is the dog wearing a collar {red}?"))
    }

    @Test func readsNumbersWrittenAsStringsAndLabels() {
        let reply = ##"{"action": "decide", "foreground": ["3", "#4", "person"], "reason": "r"}"##
        #expect(ReplyParser.parse(reply).action == .decide(numbers: [3, 4], labels: ["person"], reason: "r"))
    }

    @Test(arguments: [
        "{'action': 'decide', 'foreground': [3, 4], 'reason': 'r'}",
        "{“action”: “decide”, “foreground”: [3, 4], “reason”: “r”}",
    ])
    func repairsQuotesModelsGetWrongAndSaysSo(reply: String) {
        let parsed = ReplyParser.parse(reply)
        #expect(parsed.action == .decide(numbers: [3, 4], labels: [], reason: "r"))
        #expect(parsed.repairs.count == 1)
    }

    @Test func refusesTwoDifferentActions() {
        let reply = #"{"action": "ask", "question": "a?"} or {"action": "decide", "foreground": [1], "reason": ""}"#
        let parsed = ReplyParser.parse(reply)
        #expect(parsed.action == nil)
        #expect(parsed.problem?.contains("2 different actions") == true)
    }

    @Test func acceptsTheSameActionRepeated() {
        let action = #"{"action": "ask", "question": "a?"}"#
        #expect(ReplyParser.parse("\(action)\n\n```json\n\(action)\n```").action == .ask(question: "a?"))
    }

    @Test(arguments: [
        ("", "no JSON object"),
        (#"{"action": "ask"}"#, "non-empty \"question\""),
        (#"{"action": "decide", "foreground": 3}"#, "\"foreground\" array"),
        (#"{"action": "jump"}"#, "\"ask\" or \"decide\""),
        (#"{"question": "where?"}"#, "no JSON object"),
    ])
    func explainsWhatIsWrongWithAMalformedReply(reply: String, problem: String) {
        let parsed = ReplyParser.parse(reply)
        #expect(parsed.action == nil)
        #expect(parsed.problem?.contains(problem) == true)
    }

    @Test(arguments: [
        ("<think>plan</think>answer", "answer"),
        ("plan without opening tag</think>\nanswer", "answer"),
        ("answer<think>unfinished thought", "answer"),
        ("<think>x</think>b<think>y</think>c", "c"),
        ("no tags at all", "no tags at all"),
    ])
    func stripsReasoningInEveryShape(text: String, expected: String) {
        #expect(ReasoningText.strip(text) == expected)
    }
}

@Suite struct QuestionSimilarityTests {
    @Test func treatsRewordingsAsTheSameQuestion() {
        let rule = QuestionSimilarity()
        #expect(rule.repeats("Is the dog in the centre of the image?", anyOf: ["is there a DOG in the centre"]))
        #expect(rule.repeats("What colour are the dogs?", anyOf: ["What colour is the dog?"]))
    }

    @Test func keepsQuestionsAboutDifferentSegmentsApart() {
        let rule = QuestionSimilarity()
        #expect(!rule.repeats("Is segment 3 a dog?", anyOf: ["Is segment 4 a dog?"]))
        #expect(!rule.repeats("Is the dog sitting?", anyOf: ["Is the person sitting?"]))
    }

    @Test func reportsTheShareOfDistinctQuestions() {
        let rule = QuestionSimilarity()
        #expect(rule.uniqueRatio([]) == 1)
        #expect(rule.uniqueRatio(["Is it a dog?", "is it a dog", "Where is the cat?", "Is the sky blue?"]) == 0.75)
    }
}
