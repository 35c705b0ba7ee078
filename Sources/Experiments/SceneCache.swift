import Dialogue
import Foundation
import Imaging
import Panoptic

/// An image ready for dialogues: decoded, segmented, tabled, and (when a model sees it) the seer's
/// attachments encoded. Every run of one image shares these, as `run` would compute them.
struct PreparedScene: Sendable {
    var picture: Image
    var byteCount: Int
    var segmentation: PanopticSegmentation
    var table: AreaTable
    var seerImages: [DialogueEngine.SeerAttachment]

    /// Roughly the memory it holds.
    var footprint: Int {
        picture.pixels.count + segmentation.idMap.ids.count * 4 + seerImages.reduce(0) { $0 + $1.attachment.data.count }
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
