import ArgumentParser
import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Panoptic
import Transcripts

/// `--transcript PATH` / `--no-transcript`: where a live dialogue is saved.
struct TranscriptOptions: ParsableArguments {
    @Option(
        name: .customLong("transcript"),
        help: ArgumentHelp(
            "Save the dialogue here (default: $XDG_DATA_HOME/blindsight/transcripts/DATE_IMAGE_ID.jsonl).",
            valueName: "file"))
    var path: String?

    @Flag(name: .customLong("no-transcript"), help: "Do not save the dialogue.")
    var disabled = false

    /// Who made the transcript, for the project's shipped examples (scripts/make-transcripts.sh).
    @Option(name: .customLong("transcript-generator"), help: .hidden)
    var generator: String?

    func validate() throws {
        if disabled && path != nil { throw ValidationError("give --transcript PATH or --no-transcript, not both") }
    }

    /// Creates the transcript file for `header` (never over an existing file) and says where it goes;
    /// nil with `--no-transcript`.
    func openWriter(for header: TranscriptHeader) throws -> TranscriptWriter? {
        guard !disabled else { return nil }
        var header = header
        header.generator = generator ?? header.generator
        let target = path ?? TranscriptLocation.defaultPath(for: header)
        let redactor = SecretRedactor.fromEnvironment(adding: KnownSecrets.current)
        let writer = try TranscriptWriter(creating: target, header: header, redactor: redactor) { failure in
            StandardError.write("blindsight: \(failure.message)")
        }
        FileHandle.standardOutput.write(Data("transcript: \(target)\n".utf8))
        return writer
    }
}

/// What a live run records in a transcript header, gathered from the run's inputs.
enum TranscriptRecording {
    /// The header of a new run (a baseline run records no seer: none is asked).
    static func header(
        imagePath: String, imageBytes: [UInt8], width: Int, height: Int, panopticSource: any PanopticSource,
        segmentation: PanopticSegmentation, table: AreaTable, models: [ModelRecord], prompts: PromptTemplates,
        rules: RefereeRules, instruction: String?, seerImageMaxSide: Int
    ) -> TranscriptHeader {
        TranscriptHeader(
            programVersion: BlindsightVersion.current,
            image: ImageRecord(path: imagePath, sha256: SHA256.hex(imageBytes), bytes: imageBytes.count, width: width,
                               height: height),
            panoptic: PanopticRecord(source: sourceName(panopticSource), segments: segmentation.segments, table: table),
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

    /// The model spec a recorded model is run again with.
    static func spec(of record: ModelRecord?) -> ModelSpec? {
        record.map { ModelSpec(provider: $0.provider, model: $0.model) }
    }

    /// The recorded source as a path or URL replay can open again (a description for other sources).
    static func sourceName(_ source: any PanopticSource) -> String {
        if let files = source as? FilePanopticSource { return files.mapPath }
        if let service = source as? HTTPPanopticSource { return service.url }
        return source.description
    }

    /// Closes the transcript and reports a failed append (for example a full disk) as the error it is:
    /// the run's outputs are written, but the command exits 3.
    static func finish(_ writer: TranscriptWriter?) throws {
        guard let writer else { return }
        writer.close()
        if let failure = writer.failure { throw failure }
    }
}

extension JSONValue {
    /// The JSON form of an encodable value.
    init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }
}
