import BlindsightCore
import Dialogue
import Foundation
import HTTPTransport
import ModelClients
import Panoptic

/// The first line of a transcript: everything needed to understand, replay and re-run the dialogue
/// that follows, except the image bytes (fingerprinted by sha256) and the API keys (never recorded).
public struct TranscriptHeader: Codable, Sendable, Equatable {
    /// The schema this program writes and reads.
    public static let schemaVersion = "blindsight.transcript/1"

    /// The note shipped examples carry in ``generator``.
    public static let projectGeneratorNote = "scripted fake backends, made by the project"

    /// Always `"header"`; tells the header line from event lines.
    public var type: String = "header"
    /// `blindsight.transcript/1`.
    public var schema: String
    /// A short random id naming this transcript (forks name their parent by it).
    public var id: String
    public var created: Date
    /// The blindsight version that wrote the transcript.
    public var programVersion: String
    /// Who made the transcript when it was not a user's run (shipped examples say so here).
    public var generator: String?
    public var image: ImageRecord
    public var panoptic: PanopticRecord
    /// The models in the dialogue, one per role ("reasoner", "seer").
    public var models: [ModelRecord]
    /// Every prompt template the referee rendered, with its full text.
    public var prompts: [PromptRecord]
    /// The round limit (reasoner turns, the decision round included).
    public var maxRounds: Int
    /// The referee's rules in full (fallback, marks, structured output, duplicate threshold).
    public var rules: RefereeRules?
    /// The user's instruction, when one was given.
    public var instruction: String?
    /// The transcript and event this one continues from, for forks and resumed sessions.
    public var parent: ParentRecord?
    /// Other run settings (Set-of-Mark overlay on or off, fallback policy, …); open for newer fields.
    public var settings: [String: JSONValue]?

    public init(
        id: String = TranscriptHeader.newID(), created: Date = Date(), programVersion: String,
        generator: String? = nil, image: ImageRecord, panoptic: PanopticRecord, models: [ModelRecord],
        prompts: [PromptRecord], rules: RefereeRules, instruction: String?, parent: ParentRecord? = nil,
        settings: [String: JSONValue]? = nil
    ) {
        self.schema = Self.schemaVersion
        self.id = id
        self.created = created
        self.programVersion = programVersion
        self.generator = generator
        self.image = image
        self.panoptic = panoptic
        self.models = models
        self.prompts = prompts
        self.maxRounds = rules.maxRounds
        self.rules = rules
        self.instruction = instruction
        self.parent = parent
        self.settings = settings
    }

    /// Twelve random lowercase hex digits.
    public static func newID() -> String {
        (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// The dialogue task as the referee saw it (instruction, image facts, area table).
    public var task: DialogueTask {
        DialogueTask(
            instruction: instruction, imageName: (image.path as NSString).lastPathComponent, imageWidth: image.width,
            imageHeight: image.height, table: panoptic.table)
    }

    /// The recorded rules; transcripts without them get the defaults with the recorded round limit.
    public var refereeRules: RefereeRules {
        rules ?? RefereeRules(maxRounds: maxRounds)
    }

    /// The recorded model of `role`, if any.
    public func model(role: String) -> ModelRecord? { models.first { $0.role == role } }
}

/// The image the dialogue was about.
public struct ImageRecord: Codable, Sendable, Equatable {
    /// As given on the command line, or relative to the transcript's folder for shipped examples.
    public var path: String
    public var sha256: String
    /// File size in bytes.
    public var bytes: Int
    public var width: Int
    public var height: Int

    public init(path: String, sha256: String, bytes: Int, width: Int, height: Int) {
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
        self.width = width
        self.height = height
    }
}

/// Where the panoptic segmentation came from and what it contained.
public struct PanopticRecord: Codable, Sendable, Equatable {
    /// The source as the user named it (for example a PNG + JSON pair beside the image, or a server URL).
    public var source: String
    /// Every segment the source reported.
    public var segments: [Segment]
    /// The area table shown to the reasoner: display number → source segment id, label, area, place.
    public var table: AreaTable

    public init(source: String, segments: [Segment], table: AreaTable) {
        self.source = source
        self.segments = segments
        self.table = table
    }
}

/// One model of the dialogue. Holds no key, token or header: the redactor also scrubs any that slip in.
public struct ModelRecord: Codable, Sendable, Equatable {
    /// "reasoner" or "seer".
    public var role: String
    /// "ollama", "openai", a configured provider name, "baseline", "scripted", "recorded".
    public var provider: String
    public var model: String
    /// The server's base URL without user information, query or fragment (they may hold credentials).
    public var baseURL: String?
    /// Sampling and protocol settings (temperature, seed, max tokens, structured output, …).
    public var parameters: [String: JSONValue]?

    public init(
        role: String, provider: String, model: String, baseURL: String?, parameters: [String: JSONValue]? = nil
    ) {
        self.role = role
        self.provider = provider
        self.model = model
        self.baseURL = baseURL.map(HTTPError.displayURL)
        self.parameters = parameters
    }

    public init(role: String, descriptor: ModelDescriptor, parameters: [String: JSONValue]? = nil) {
        self.init(
            role: role, provider: descriptor.provider, model: descriptor.model, baseURL: descriptor.baseURL,
            parameters: parameters)
    }

    /// The descriptor this record describes.
    public var descriptor: ModelDescriptor { ModelDescriptor(provider: provider, model: model, baseURL: baseURL) }
}

/// A prompt template as it was when the dialogue ran.
public struct PromptRecord: Codable, Sendable, Equatable {
    /// The template's name in its library (for example "reasoner/system").
    public var name: String
    public var sha256: String
    /// The template's full source text.
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.sha256 = SHA256.hex(of: text)
        self.text = text
    }

    /// Records a loaded template.
    public init(_ record: PromptTemplates.Record) {
        self.init(name: record.name, text: record.text)
    }
}

/// The transcript a fork or resumed session continues from.
public struct ParentRecord: Codable, Sendable, Equatable {
    /// The parent's header id.
    public var id: String
    /// The parent's path when the child was made.
    public var path: String
    /// The last parent event kept (its `seq`).
    public var event: Int

    public init(id: String, path: String, event: Int) {
        self.id = id
        self.path = path
        self.event = event
    }
}
