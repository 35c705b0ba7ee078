import BlindsightCore
import Foundation
import HTTPTransport
import ModelClients
import Testing
import TestSupport

@Suite("Model specs")
struct ModelSpecTests {
    @Test("provider is before the first colon; the model keeps the rest", arguments: [
        ("ollama:qwq", "ollama", "qwq"),
        ("ollama:qwen2.5vl:7b", "ollama", "qwen2.5vl:7b"),
        ("openai:Qwen/Qwen2.5-VL-7B-Instruct", "openai", "Qwen/Qwen2.5-VL-7B-Instruct"),
        ("dashscope:qwen-vl-max", "dashscope", "qwen-vl-max"),
        ("baseline", "baseline", "baseline"),
        ("baseline:largest", "baseline", "largest"),
    ])
    func parses(text: String, provider: String, model: String) throws {
        let spec = try ModelSpec(parsing: text)
        #expect(spec.provider == provider)
        #expect(spec.model == model)
    }

    @Test("bad specs say what a spec looks like")
    func rejects() {
        #expect(throws: ConfigurationError(
            "model spec 'qwq' has no provider; write provider:model, e.g. ollama:qwq or openai:qwq", status: .usage)) {
            try ModelSpec(parsing: "qwq")
        }
        #expect(throws: ConfigurationError("model spec 'ollama:' names no model; write ollama:MODEL", status: .usage)) {
            try ModelSpec(parsing: "ollama:")
        }
        #expect(throws: ConfigurationError.self) { try ModelSpec(parsing: ":qwq") }
    }
}

@Suite("Configuration: file, environment, flags")
struct ConfigurationTests {
    let dashscopeYAML = """
        reasoner: dashscope:qwq-plus
        seer: ollama:qwen2.5vl:7b
        seer_image_max_side: 1008
        timeouts:
          idle: 120
        providers:
          dashscope:
            kind: openai
            base_url: https://dashscope.aliyuncs.com/compatible-mode/v1
            api_key_env: DASHSCOPE_API_KEY
          lab:
            kind: openai
            base_url: http://127.0.0.1:8000/v1
            api_key_cmd: echo sk-from-command
            headers:
              X-Team: sk-header-SECRET
          ollama:
            base_url: http://gpu-box:11434
        models:
          ollama:qwen2.5vl:7b:
            num_ctx: 16384
            keep_alive: 30m
          qwq-plus:
            temperature: 0.6
            structured_output: false
            extra_body:
              enable_thinking: true
              chat_template_kwargs: {enable_thinking: false}
        """

    func write(_ text: String) throws -> String {
        let folder = try TestData.temporaryFolder("config")
        let path = folder.appendingPathComponent("config.yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("defaults work with no file and no environment")
    func defaults() throws {
        let config = try BlindsightConfig.load(environment: ["HOME": "/nonexistent-home"])
        #expect(config.configFilePath == "/nonexistent-home/.config/blindsight/config.yaml")
        #expect(!config.configFileFound)
        #expect(config.reasoner == Sourced(ModelSpec(provider: "ollama", model: "qwq"), .builtIn))
        #expect(config.seer.value.description == "ollama:qwen2.5vl:7b")
        #expect(config.seerImageMaxSide.value == 1280)
        #expect(config.providers["ollama"]?.baseURL.value == "http://localhost:11434")
        #expect(config.providers["openai"]?.baseURL.value == "https://api.openai.com/v1")
    }

    @Test("OLLAMA_HOST forms Ollama accepts", arguments: [
        ("10.0.0.5", "http://10.0.0.5:11434"), ("gpu-box:8080", "http://gpu-box:8080"),
        ("http://gpu-box", "http://gpu-box:11434"), ("https://ollama.example.com", "https://ollama.example.com"),
        ("[::1]", "http://[::1]:11434"), ("http://[::1]:9000/", "http://[::1]:9000"),
    ])
    func ollamaHost(value: String, url: String) {
        #expect(BlindsightConfig.ollamaURL(value) == url)
    }

    @Test("XDG_CONFIG_HOME locates the file")
    func xdgPath() {
        #expect(BlindsightConfig.defaultPath(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/blindsight/config.yaml")
    }

    @Test("the file configures providers, models and defaults")
    func fileValues() throws {
        let path = try write(dashscopeYAML)
        let config = try BlindsightConfig.load(environment: ["DASHSCOPE_API_KEY": "sk-dash-SECRET-123"], path: path)
        #expect(config.reasoner == Sourced(ModelSpec(provider: "dashscope", model: "qwq-plus"), .configFile))
        #expect(config.seerImageMaxSide == Sourced(1008, .configFile))
        #expect(config.timeouts.value.idle == 120)
        #expect(config.timeouts.value.connect == 10)
        let dashscope = try #require(config.providers["dashscope"])
        #expect(dashscope.kind == .openai)
        #expect(try config.apiKey(for: dashscope) == "sk-dash-SECRET-123")
        let lab = try #require(config.providers["lab"])
        #expect(try config.apiKey(for: lab) == "sk-from-command")
        #expect(config.providers["ollama"]?.baseURL == Sourced("http://gpu-box:11434", .configFile))
        #expect(config.providers["ollama"]?.kind == .ollama)
        #expect(config.settings(for: config.seer.value).numCtx == 16384)
        #expect(config.settings(for: config.reasoner.value).structuredOutput == false)
        #expect(config.settings(for: config.reasoner.value).extraBody == [
            "enable_thinking": .bool(true), "chat_template_kwargs": .object(["enable_thinking": .bool(false)]),
        ])
    }

    @Test("environment beats the file; flags beat the environment")
    func precedence() throws {
        let path = try write(dashscopeYAML)
        var config = try BlindsightConfig.load(
            environment: ["OLLAMA_HOST": "10.0.0.5", "BLINDSIGHT_SEER": "openai:gpt-4o", "OPENAI_BASE_URL": "http://vllm:8000/v1"],
            path: path)
        #expect(config.providers["ollama"]?.baseURL == Sourced("http://10.0.0.5:11434", .environment("OLLAMA_HOST")))
        #expect(config.providers["openai"]?.baseURL.value == "http://vllm:8000/v1")
        #expect(config.seer == Sourced(ModelSpec(provider: "openai", model: "gpt-4o"), .environment("BLINDSIGHT_SEER")))
        try config.apply(seer: "ollama:llava", seerImageMaxSide: 896)
        #expect(config.seer == Sourced(ModelSpec(provider: "ollama", model: "llava"), .flag("--seer")))
        #expect(config.seerImageMaxSide == Sourced(896, .flag("--max-side")))
        #expect(config.reasoner.origin == .configFile)
    }

    @Test("configuration file mistakes name the file and the place")
    func fileErrors() throws {
        let badKind = try write("providers:\n  x:\n    kind: grpc\n    base_url: http://h\n")
        let error = #expect(throws: ConfigurationError.self) { try BlindsightConfig.load(environment: [:], path: badKind) }
        #expect(error?.message.hasPrefix("configuration file \(badKind): at providers.x.kind") == true)
        #expect(error?.exitStatus == .badInput)
        let noKind = try write("providers:\n  x:\n    base_url: http://h\n")
        #expect(throws: ConfigurationError("configuration file \(noKind): provider 'x' needs kind: ollama or kind: openai")) {
            try BlindsightConfig.load(environment: [:], path: noKind)
        }
        let badYAML = try write("reasoner: [unclosed\n")
        #expect(throws: ConfigurationError.self) { try BlindsightConfig.load(environment: [:], path: badYAML) }
    }

    @Test("limits: defaults, values from the file, messages naming the file's keys; non-positive or non-finite values refused")
    func limits() throws {
        let defaults = try BlindsightConfig.load(environment: ["HOME": "/nonexistent-home"])
        #expect(defaults.replyLimits.maxBodyBytes == 16 << 20)
        #expect(defaults.replyLimits.minimumRate == HTTPLimits.MinimumRate(bytesPerSecond: 10, seconds: 300))
        #expect(defaults.timeouts.value == HTTPTimeouts(connect: 10, total: 1800, idle: 300))
        #expect(defaults.panopticService.timeouts == HTTPTimeouts(connect: 10, total: 600, idle: 300))
        #expect(defaults.panopticService.minimumRate == HTTPLimits.MinimumRate(bytesPerSecond: 1024, seconds: 180))
        let path = try write("limits: {reply_max_bytes: 1048576, panoptic_total: 30, panoptic_extra_bytes: 1000}\n")
        let config = try BlindsightConfig.load(environment: [:], path: path)
        #expect(config.replyLimits.maxBodyBytes == 1_048_576)
        #expect(config.replyLimits.advice.bodySize == "limits.reply_max_bytes in \(path)")
        #expect(config.panopticService.timeouts.total == 30)
        #expect(config.panopticService.extraAnswerBytes == 1000)
        #expect(config.panopticService.advice.totalTime == "limits.panoptic_total in \(path)")
        #expect(config.report().contains("limits: reply_max_bytes 1048576"))
        for bad in ["limits: {reply_max_bytes: 0}", "limits: {panoptic_min_rate_seconds: .nan}", "timeouts: {idle: -1}",
                    "retry: {max_retry_after: .inf}"] {
            let badPath = try write(bad + "\n")
            let error = #expect(throws: ConfigurationError.self) { try BlindsightConfig.load(environment: [:], path: badPath) }
            #expect(error?.message.contains("must be a positive number") == true, "\(bad)")
        }
    }

    @Test("the factory makes the backend the provider's kind calls for; baseline and unknown providers are refused")
    func factory() throws {
        let path = try write(dashscopeYAML)
        let config = try BlindsightConfig.load(environment: [:], path: path)
        let seer = try BackendFactory.makeBackend(for: ModelSpec(parsing: "ollama:qwen2.5vl:7b"), config: config)
        #expect(seer is OllamaBackend)
        #expect(seer.descriptor == ModelDescriptor(provider: "ollama", model: "qwen2.5vl:7b", baseURL: "http://gpu-box:11434"))
        let lab = try BackendFactory.makeBackend(for: ModelSpec(parsing: "lab:qwen3"), config: config)
        #expect(lab is OpenAICompatibleBackend)
        #expect(throws: ConfigurationError.self) { try BackendFactory.makeBackend(for: ModelSpec(parsing: "baseline"), config: config) }
        let unknown = #expect(throws: ConfigurationError.self) {
            try BackendFactory.makeBackend(for: ModelSpec(parsing: "nope:m"), config: config)
        }
        #expect(unknown?.message.hasPrefix("unknown provider 'nope' in 'nope:m'; known: dashscope, lab, ollama, openai, baseline") == true)
    }

    @Test("config show reports origins and never the keys or header values")
    func reportMasksSecrets() throws {
        let path = try write(dashscopeYAML)
        var config = try BlindsightConfig.load(
            environment: ["OPENAI_API_KEY": "sk-test-SECRET-123", "DASHSCOPE_API_KEY": "sk-dash-SECRET-456", "OLLAMA_HOST": "http://h:1"],
            path: path)
        try config.apply(reasoner: "openai:o1")
        let report = config.report()
        #expect(!report.contains("SECRET"))
        #expect(!report.contains("sk-from-command"))
        #expect(report.contains("reasoner: openai:o1  (flag --reasoner)"))
        #expect(report.contains("seer: ollama:qwen2.5vl:7b  (config file)"))
        #expect(report.contains("base_url: http://h:1  (environment OLLAMA_HOST)"))
        #expect(report.contains("api_key: sk-**** (18 characters)  (environment OPENAI_API_KEY)"))
        #expect(report.contains("header X-Team: (hidden)"))
        #expect(report.contains("api_key: from api_key_cmd (not run)"))
    }
}
