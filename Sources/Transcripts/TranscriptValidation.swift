import BlindsightCore
import Dialogue
import Panoptic

/// The numbers and names of a transcript checked as it is read, so that a damaged or hostile file is
/// refused with one line (exit 3) instead of trapping later (a sequence number at `Int.max` that the
/// engine continues with `+ 1`, duplicate display numbers that a dictionary refuses, a round limit
/// whose question budget underflows, a template named `../x`).
///
/// Limits, far above anything a real run writes: sequence numbers 0…``maximumSequence``, strictly
/// increasing; rounds 0…``maximumRounds``; image and map sides, boxes and pixel counts
/// 0…``maximumPixels``; display numbers 1…``maximumSequence``, each once; source ids 0…16777215;
/// shares 0…100 %.
enum TranscriptValidation {
    static let maximumSequence = 1_000_000_000
    static let maximumRounds = 1000
    /// The largest side, coordinate or pixel count accepted (2^32: well past any image, small enough
    /// that sums of two never overflow).
    static let maximumPixels = 1 << 32

    /// Checks the header; the reason names the field.
    static func check(_ header: TranscriptHeader) -> String? {
        if !(1...maximumRounds).contains(header.maxRounds) { return "maxRounds \(header.maxRounds) is outside 1…\(maximumRounds)" }
        if let rules = header.rules, !(1...maximumRounds).contains(rules.maxRounds) {
            return "rules.maxRounds \(rules.maxRounds) is outside 1…\(maximumRounds)"
        }
        if let rules = header.rules, !rules.duplicateThreshold.isFinite {
            return "rules.duplicateThreshold is not a finite number"
        }
        let image = header.image
        for (name, value) in [("image.bytes", image.bytes), ("image.width", image.width), ("image.height", image.height)]
        where !(0...maximumPixels).contains(value) {
            return "\(name) \(value) is outside 0…\(maximumPixels)"
        }
        if let problem = check(header.panoptic) { return problem }
        if let parent = header.parent, !(-1...maximumSequence).contains(parent.event) {
            return "parent.event \(parent.event) is outside -1…\(maximumSequence)"
        }
        if let side = header.settings?["seerImageMaxSide"],
           side.numberValue.flatMap({ UntrustedInput.exactInt($0, in: 1...100_000) }) == nil {
            return "settings.seerImageMaxSide must be a whole number of pixels in 1…100000"
        }
        for prompt in header.prompts {
            if let problem = PromptTemplates.nameProblem(prompt.name) {
                return "prompt template name \"\(prompt.name.prefix(100))\" \(problem)"
            }
        }
        return nil
    }

    private static func check(_ panoptic: PanopticRecord) -> String? {
        let table = panoptic.table
        for (name, value) in [("width", table.width), ("height", table.height), ("unlabelledPixels", table.unlabelledPixels)]
        where !(0...maximumPixels).contains(value) {
            return "panoptic.table.\(name) \(value) is outside 0…\(maximumPixels)"
        }
        if !(0...100).contains(table.voidPercent) { return "panoptic.table.voidPercent is outside 0…100" }
        var numbers: Set<Int> = []
        for (index, row) in table.rows.enumerated() {
            let place = "panoptic.table.rows[\(index)]"
            guard (1...maximumSequence).contains(row.number), numbers.insert(row.number).inserted else {
                return "\(place).number \(row.number) is outside 1…\(maximumSequence) or listed twice"
            }
            if !(0...0xFF_FFFF).contains(row.sourceID) { return "\(place).sourceID \(row.sourceID) is outside 0…16777215" }
            if !(0...100).contains(row.areaPercent) { return "\(place).areaPercent is outside 0…100" }
            if let problem = check(row.bbox, place: place) { return problem }
            if let score = row.score, !score.isFinite { return "\(place).score is not a finite number" }
        }
        for (index, segment) in panoptic.segments.enumerated() {
            let place = "panoptic.segments[\(index)]"
            if !(0...0xFF_FFFF).contains(segment.id) { return "\(place).id \(segment.id) is outside 0…16777215" }
            if !(0...maximumPixels).contains(segment.area) { return "\(place).area is outside 0…\(maximumPixels)" }
            if let problem = check(segment.bbox, place: place) { return problem }
            if let score = segment.score, !score.isFinite { return "\(place).score is not a finite number" }
        }
        return nil
    }

    private static func check(_ box: BoundingBox, place: String) -> String? {
        [box.x, box.y, box.width, box.height].allSatisfy { (0...maximumPixels).contains($0) }
            ? nil : "\(place).bbox has a value outside 0…\(maximumPixels)"
    }

    /// Checks one event against the one before it (`previous` sequence number, nil for the first).
    static func check(_ event: DialogueEvent, after previous: Int?) -> String? {
        guard (0...maximumSequence).contains(event.sequence) else {
            return "event sequence \(event.sequence) is outside 0…\(maximumSequence)"
        }
        if let previous, event.sequence <= previous {
            return "event sequence \(event.sequence) does not follow \(previous) (sequence numbers must increase)"
        }
        guard (0...maximumRounds + 1).contains(event.round) else {
            return "event \(event.sequence) has round \(event.round), outside 0…\(maximumRounds + 1)"
        }
        return nil
    }
}
