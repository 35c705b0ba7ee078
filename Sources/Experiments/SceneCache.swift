import Dialogue
import Session

/// A scene ready for dialogues, with what the seer is shown, shared by every run of one image.
struct PreparedScene: Sendable {
    var scene: Scene
    var seerImages: [DialogueEngine.SeerAttachment]

    /// Roughly the memory it holds: the file, the decoded photo, the id map, the encoded attachments.
    var footprint: Int {
        scene.imageBytes.count + scene.width * scene.height * 3 + scene.segmentation.idMap.ids.count * 4
            + seerImages.reduce(0) { $0 + $1.attachment.data.count }
    }
}

/// The most recently used scenes, within a memory budget, so the runs of one image (its configurations and
/// repeats) do not each decode it, read its segmentation and draw its overlay again. Memory stays bounded
/// however many runs the experiment has.
actor SceneCache {
    private var scenes: [String: PreparedScene] = [:]
    private var order: [String] = []
    private let budget: Int

    init(budgetBytes: Int = 256 << 20) {
        budget = budgetBytes
    }

    /// The scene for `key`, made by `make` when it is not cached.
    func scene(for key: String, make: @Sendable () async throws -> PreparedScene) async throws -> PreparedScene {
        if let known = scenes[key] {
            order.removeAll { $0 == key }
            order.append(key)
            return known
        }
        let made = try await make()
        guard made.footprint <= budget else { return made }
        scenes[key] = made
        order.append(key)
        var total = scenes.values.reduce(0) { $0 + $1.footprint }
        while total > budget, let oldest = order.first {
            order.removeFirst()
            total -= scenes.removeValue(forKey: oldest)?.footprint ?? 0
        }
        return made
    }
}
