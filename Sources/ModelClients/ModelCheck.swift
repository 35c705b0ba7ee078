import BlindsightCore
import Foundation
import HTTPTransport
import Imaging

/// A backend that can list the models its server offers.
public protocol ModelListingBackend: ChatBackend {
    var connection: BackendConnection { get }
    var settings: ModelSettings { get }
    /// The names of the models the server has.
    func listModels() async throws(ModelServiceError) -> [String]
}

extension OllamaBackend: ModelListingBackend {}
extension OpenAICompatibleBackend: ModelListingBackend {}

/// The outcome of checking one configured model (`blindsight models check`).
public struct ModelCheckResult: Sendable, Hashable {
    /// "reasoner" or "seer".
    public var role: String
    public var spec: ModelSpec
    public var baseURL: String
    public var reachable = false
    /// Nil when the server's list could not be read (some servers have none).
    public var modelPresent: Bool?
    /// Nil when not checked (the reasoner never gets images).
    public var acceptsImages: Bool?
    /// The structured-output mode the server accepted; nil when not checked.
    public var structuredOutput: StructuredOutputMode?
    /// Seconds for the probe request to complete.
    public var latency: Double?
    /// Why the check failed; nil when it passed.
    public var problem: String?

    public var passed: Bool { problem == nil }

    /// One line for the terminal.
    public var line: String {
        func yesNo(_ value: Bool?, unknown: String = "?") -> String { value.map { $0 ? "yes" : "no" } ?? unknown }
        let structured = structuredOutput.map { mode in
            switch mode {
            case .jsonSchema: "json_schema"
            case .jsonObject: "json_object"
            case .none: "none"
            }
        } ?? "?"
        let time = latency.map { String(format: "%.2f s", $0) } ?? "-"
        return "\(role) \(spec)  \(baseURL)  reachable \(yesNo(reachable))  model \(yesNo(modelPresent))  "
            + "images \(role == "seer" ? yesNo(acceptsImages) : "n/a")  structured \(structured)  latency \(time)  "
            + (problem.map { "FAILED: \($0)" } ?? "OK")
    }
}

/// Checks that a model is reachable, present, answers (with an image for the seer) and which
/// structured-output mode its server accepts.
public enum ModelCheck {
    /// A small picture (56×56, two 28-pixel patches a side) sent to the seer by the check.
    public static func probeImage() -> ImageAttachment? {
        var pixels: [UInt8] = []
        for y in 0..<56 {
            for x in 0..<56 { pixels += x < 28 ? [200, 40, 40] : [40, 40, UInt8(150 + y)] }
        }
        return try? SeerImage.prepare(Image(width: 56, height: 56, format: .rgb8, pixels: pixels))
    }

    /// Runs the check for `spec` in `role`; `probeImage` is sent to the seer.
    public static func run(
        role: String, spec: ModelSpec, config: BlindsightConfig, probeImage: ImageAttachment? = probeImage()
    ) async
        -> ModelCheckResult
    {
        var result = ModelCheckResult(role: role, spec: spec, baseURL: "-")
        let backend: any ModelListingBackend
        do {
            guard let made = try BackendFactory.makeBackend(for: spec, config: config) as? any ModelListingBackend else {
                result.problem = "this provider cannot be checked"
                return result
            }
            backend = made
        } catch {
            result.problem = (error as? any UserFacingError)?.message ?? "\(error)"
            return result
        }
        result.baseURL = backend.connection.displayURL
        do {
            let models = try await backend.listModels()
            result.reachable = true
            result.modelPresent = models.contains { $0 == spec.model || $0 == spec.model + ":latest" }
            if result.modelPresent == false {
                result.problem = "the server does not have \(spec.model)"
                    + (backend is OllamaBackend ? " (run: ollama pull \(spec.model))" : "")
                return result
            }
        } catch {
            if case .transport = error.kind {
                result.problem = error.message
                return result
            }
            result.reachable = true  // It answered, just not with a model list.
        }
        await probe(backend, role: role, image: probeImage, into: &result)
        return result
    }

    private static func probe(
        _ backend: any ModelListingBackend, role: String, image: ImageAttachment?, into result: inout ModelCheckResult
    ) async {
        let images = role == "seer" ? [image].compactMap { $0 } : []
        let schema: JSONValue = .object([
            "type": .string("object"), "properties": .object(["ok": .object(["type": .string("boolean")])]),
            "required": .array([.string("ok")]),
        ])
        let request = ChatRequest(
            messages: [ChatMessage(role: .user, content: "This is a connection test. Reply with {\"ok\": true}.", images: images)],
            temperature: 0, maxTokens: 64, responseSchema: schema, responseSchemaName: "check")
        do {
            for try await event in backend.chat(request) {
                if case .completed(let completion) = event { result.latency = completion.totalSeconds }
            }
            if !images.isEmpty { result.acceptsImages = true }
            result.structuredOutput = backend.settings.structuredOutput == false
                ? StructuredOutputMode.none
                : backend.connection.structuredOutputMemory.mode(
                    baseURL: backend.connection.baseURL, model: backend.descriptor.model)
        } catch {
            let message = (error as? any UserFacingError)?.message ?? "\(error)"
            if !images.isEmpty, let service = error as? ModelServiceError, case .httpStatus(let status) = service.kind,
                (400..<500).contains(status)
            {
                result.acceptsImages = false
            }
            result.problem = message
        }
    }
}
