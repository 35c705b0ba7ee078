import Foundation
import Panoptic
import TestSupport
import Testing

/// Every way the configuration can hold a secret, against servers that echo it back: the secret
/// never reaches stdout, stderr, a transcript or `config show` (the built binary, `ask` and `run`).
@Suite(.enabled(if: BlindsightProcess.executable != nil, "the blindsight binary is not built (run swift build)"))
struct SecretLeakTests {
    enum Source: String, CaseIterable, Sendable {
        case environmentUnderAnyName, keyCommand, header, urlUserInfo, urlQuery

        var secret: String { "Zq7x-\(rawValue)-0451-cred" }

        /// The provider entry of the configuration file, for a server at `base`.
        func provider(base: String) -> String {
            switch self {
            case .environmentUnderAnyName: "base_url: \(base)/v1\n    api_key_env: LAB_LOGIN"
            case .keyCommand: "base_url: \(base)/v1\n    api_key_cmd: printf %s \(secret)"
            case .header: "base_url: \(base)/v1\n    headers: {X-Api-Token: \(secret)}"
            case .urlUserInfo: "base_url: \(base.replacingOccurrences(of: "://", with: "://robot:\(secret)@"))/v1"
            case .urlQuery: "base_url: \(base)/v1?api_key=\(secret)"
            }
        }
    }

    /// Replies that echo the secret: in a 200 stream, a 401 body and a 500 body.
    static func echoes(_ secret: String) -> [(name: String, response: ScriptedResponse)] {
        [
            ("200", .openAIStream(content: "I was called with \(secret), it is a dog.", reasoning: "key \(secret)")),
            ("401", .error(status: 401, message: "Incorrect API key provided: \(secret)")),
            ("500", .error(status: 500, message: "internal error while checking \(secret)")),
        ]
    }

    struct Setup {
        let server: FakeModelServer
        let folder: URL
        let environment: [String: String]
    }

    func setup(_ source: Source) async throws -> Setup {
        let server = try await FakeModelServer(models: ["m"])
        let folder = try TestData.temporaryFolder("secret-leak")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("blindsight"), withIntermediateDirectories: true)
        let yaml = """
            retry: {max_attempts: 1}
            providers:
              lab:
                kind: openai
                \(source.provider(base: server.baseURL))
            """
        try Data(yaml.utf8).write(to: folder.appendingPathComponent("blindsight/config.yaml"))
        return Setup(
            server: server, folder: folder,
            environment: ["XDG_CONFIG_HOME": folder.path, "LAB_LOGIN": source.secret, "NO_COLOR": "1"])
    }

    func expectNoLeak(_ source: Source, _ texts: [String: String], _ comment: String) {
        for (place, text) in texts {
            #expect(!text.contains(source.secret), "\(source) \(comment): the secret is in \(place):\n\(text)")
            // A fragment from the middle of the secret, with its dashes: bare digits such as "0451" also
            // turn up inside recorded timings ("timeToFirstDeltaSeconds":0.045113197).
            #expect(!text.contains("-0451-"), "\(source) \(comment): part of the secret is in \(place)")
        }
    }

    @Test("ask and config show never print a secret from any source", arguments: Source.allCases)
    func askAndConfigShow(_ source: Source) async throws {
        let setup = try await setup(source)
        defer { Task { await setup.server.stop() } }
        let photo = try SyntheticScene(width: 64, height: 48).write(to: setup.folder.path, stem: "photo", jpeg: false).image
        for (name, response) in Self.echoes(source.secret) {
            setup.server.enqueue(response)
            let result = try await BlindsightProcess.run(
                ["ask", photo, "What is it?", "--seer", "lab:m"], environment: setup.environment)
            #expect(result.status == (name == "200" ? 0 : 4), "\(source) \(name): \(result.stderr)")
            #expect((result.stdout + result.stderr).contains("[REDACTED]"), "\(source) \(name): the echo was not seen")
            expectNoLeak(source, ["stdout": result.stdout, "stderr": result.stderr], "ask \(name)")
        }
        let sent = try #require(setup.server.requests(to: "/v1/chat/completions").first)
        switch source {
        case .environmentUnderAnyName, .keyCommand: #expect(sent.headers["authorization"] == "Bearer \(source.secret)")
        case .header: #expect(sent.headers["x-api-token"] == source.secret)
        case .urlUserInfo:
            #expect(sent.headers["authorization"] == "Basic " + Data("robot:\(source.secret)".utf8).base64EncodedString())
        case .urlQuery: break
        }
        let show = try await BlindsightProcess.run(["config", "show", "--seer", "lab:m"], environment: setup.environment)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("lab: kind openai"))
        expectNoLeak(source, ["stdout": show.stdout, "stderr": show.stderr], "config show")
    }

    @Test("run never prints or records a secret from any source", arguments: Source.allCases)
    func runAndTranscript(_ source: Source) async throws {
        let setup = try await setup(source)
        defer { Task { await setup.server.stop() } }
        let scene = SyntheticScene(width: 160, height: 120)
        let photo = try scene.write(to: setup.folder.path, stem: "photo", jpeg: false).image
        let dog = try #require(AreaTable(segmentation: scene.segmentation).rows.first { $0.label == "dog" }?.number)
        let secret = source.secret
        for (name, response) in Self.echoes(secret) {
            if name == "200" {
                setup.server.enqueue(
                    .openAIStream(content: #"{"action": "ask", "question": "Is \#(secret) the dog?"}"#, reasoning: secret),
                    response,
                    .openAIStream(content: #"{"action": "decide", "foreground": [\#(dog)], "reason": "dog, \#(secret)"}"#))
            } else {
                setup.server.enqueue(response)
            }
            let transcript = setup.folder.appendingPathComponent("run-\(name).jsonl").path
            let result = try await BlindsightProcess.run(
                ["run", photo, "--reasoner", "lab:m", "--seer", "lab:m", "--prompts", DialogueScripts.promptsFolder,
                 "--transcript", transcript, "--out", setup.folder.appendingPathComponent("c-\(name).png").path,
                 "--mask", setup.folder.appendingPathComponent("m-\(name).png").path],
                environment: setup.environment)
            #expect(result.status == (name == "200" ? 0 : 4), "\(source) \(name): \(result.stderr)")
            let recorded = try String(contentsOfFile: transcript, encoding: .utf8)
            #expect((result.stdout + result.stderr).contains("[REDACTED]"), "\(source) \(name): the echo was not seen")
            #expect(recorded.contains("[REDACTED]"), "\(source) \(name): the echo was not recorded")
            expectNoLeak(source, ["stdout": result.stdout, "stderr": result.stderr, "transcript": recorded], "run \(name)")
        }
    }
}
