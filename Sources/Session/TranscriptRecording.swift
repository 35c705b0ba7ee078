import BlindsightCore
import Dialogue
import Foundation
import HTTPTransport
import ModelClients
import Panoptic
import Transcripts

/// Where a live dialogue is saved: `--transcript PATH`, the default location, or nowhere.
public struct TranscriptTarget: Sendable, Hashable {
    /// The file to create; nil means ``TranscriptLocation/defaultPath(for:)``.
    public var path: String?
    /// `--no-transcript`.
    public var disabled: Bool
    /// Who made the transcript (the project's shipped examples name their script).
    public var generator: String?

    public init(path: String? = nil, disabled: Bool = false, generator: String? = nil) {
        self.path = path
        self.disabled = disabled
        self.generator = generator
    }

    /// Creates the transcript file for `header` (never over an existing file); nil when disabled.
    /// `onFailure` hears at once when a later append fails (a full disk).
    func open(for header: TranscriptHeader, onFailure: @escaping @Sendable (String) -> Void) throws -> TranscriptWriter? {
        guard !disabled else { return nil }
        var header = header
        header.generator = generator ?? header.generator
        let redactor = SecretRedactor.fromEnvironment(adding: KnownSecrets.current)
        return try TranscriptWriter(
            creating: path ?? TranscriptLocation.defaultPath(for: header), header: header, redactor: redactor
        ) {
            onFailure($0.message)
        }
    }
}

/// What a live run records in a transcript header, gathered from the run's inputs.
enum TranscriptRecording {
    /// The header of a new run (a baseline run records no seer: none is asked).
    static func header(
        scene: Scene, models: [ModelRecord], prompts: PromptTemplates, rules: RefereeRules, instruction: String?,
        seerImageMaxSide: Int
    ) -> TranscriptHeader {
        TranscriptHeader(
            programVersion: BlindsightVersion.current,
            image: ImageRecord(
                path: scene.imagePath, sha256: SHA256.hex(scene.imageBytes), bytes: scene.imageBytes.count,
                width: scene.width, height: scene.height),
            panoptic: PanopticRecord(
                source: sourceName(scene.source), segments: scene.segmentation.segments, table: scene.table),
            models: models.contains { $0.provider == ModelSpec.baselineProvider } ? models.filter { $0.role != "seer" } : models,
            prompts: prompts.records.map(PromptRecord.init), rules: rules, instruction: instruction,
            settings: ["seerImageMaxSide": .number(Double(seerImageMaxSide))])
    }

    /// The record of one model: provider, model, base URL, its configured settings and the engine's
    /// sampling. Never keys or headers (and the writer's redactor scrubs any that slip in).
    static func model(
        role: DialogueEvent.Role, backend: (any ChatBackend)?, spec: ModelSpec, config: BlindsightConfig,
        sampling: DialogueEngine.Sampling = .init()
    ) -> ModelRecord {
        let descriptor = backend?.descriptor ?? ModelDescriptor(provider: spec.provider, model: spec.model, baseURL: nil)
        var record = ModelRecord(role: role.rawValue, descriptor: descriptor, sampling: sampling)
        if backend != nil, let settings = try? JSONValue(encoding: config.settings(for: spec)), settings != .object([:]) {
            record.parameters = (record.parameters ?? [:]).merging(["settings": settings]) { $1 }
        }
        return record
    }

    /// The recorded source as a path or URL replay can open again (a description for other sources). A
    /// service URL is recorded without user information or query (a service that needs them is given
    /// again with `--panoptic URL` on replay).
    static func sourceName(_ source: any PanopticSource) -> String {
        if let files = source as? FilePanopticSource { return files.mapPath }
        if let service = source as? HTTPPanopticSource { return HTTPError.displayURL(service.url) }  // no credentials
        return source.description
    }

}

extension JSONValue {
    /// The JSON form of an encodable value.
    init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }
}
