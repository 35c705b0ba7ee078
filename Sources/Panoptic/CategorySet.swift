import BlindsightCore
import Foundation

/// One category of a panoptic category set.
public struct PanopticCategory: Sendable, Hashable, Codable {
    /// The dataset's id (COCO panoptic ids run 1…200 with gaps).
    public var id: Int
    /// The dataset's own name, for example "wall-other-merged".
    public var name: String
    /// The natural label shown to people and models, for example "wall (other)".
    public var label: String
    /// True for countable objects ("things"), false for amorphous regions ("stuff").
    public var isThing: Bool
    /// The dataset's grouping, for example "animal"; empty when the file has none.
    public var supercategory: String

    public init(id: Int, name: String, label: String? = nil, isThing: Bool, supercategory: String = "") {
        self.id = id
        self.name = name
        self.label = label ?? CategorySet.naturalLabel(for: name, siblings: [])
        self.isThing = isThing
        self.supercategory = supercategory
    }
}

/// A set of panoptic categories: id → name, thing or stuff, supercategory. The file order is the
/// "contiguous index" that detectron2 and Mask2Former models predict (index 0 = first category).
public struct CategorySet: Sendable, Equatable {
    /// A name for messages, for example the file it came from.
    public let name: String
    /// The categories in file order (contiguous index order).
    public let categories: [PanopticCategory]
    private let indexByID: [Int: Int]

    /// A set of `categories`, in contiguous index order.
    public init(name: String, categories: [PanopticCategory]) {
        self.name = name
        self.categories = categories
        var index: [Int: Int] = [:]
        for (position, category) in categories.enumerated() where index[category.id] == nil {
            index[category.id] = position
        }
        indexByID = index
    }

    /// The category with dataset id `id`, or nil.
    public func category(id: Int) -> PanopticCategory? {
        indexByID[id].map { categories[$0] }
    }

    /// The category at contiguous index `index` (0-based file order), or nil.
    public func category(contiguousIndex index: Int) -> PanopticCategory? {
        categories.indices.contains(index) ? categories[index] : nil
    }

    /// The category whose dataset name or natural label is `name` (case-insensitive), or nil.
    public func category(named name: String) -> PanopticCategory? {
        let wanted = name.lowercased()
        return categories.first { $0.name.lowercased() == wanted || $0.label.lowercased() == wanted }
    }

    /// The natural label for a dataset name, given the names of the other categories in its set.
    public func naturalLabel(for name: String) -> String {
        category(named: name)?.label ?? CategorySet.naturalLabel(for: name, siblings: categories.map(\.name))
    }
}

// MARK: - Loading

extension CategorySet {
    /// The 133 COCO panoptic categories shipped with Blindsight (from cocodataset/panopticapi), embedded in
    /// the binary from `data/coco-panoptic-categories.json` by `scripts/gen-categories.py`.
    public static let cocoPanoptic: CategorySet = {
        let names = cocoPanopticTable.map(\.name)
        return CategorySet(
            name: "COCO panoptic",
            categories: cocoPanopticTable.map {
                PanopticCategory(
                    id: $0.id, name: $0.name, label: naturalLabel(for: $0.name, siblings: names), isThing: $0.isThing,
                    supercategory: $0.supercategory)
            })
    }()

    /// Reads a category file: either `{"categories": [...]}` or a bare list, each entry with `id`, `name`,
    /// `isthing` (true/false or 1/0) and optionally `supercategory` and `label` — the panopticapi
    /// `panoptic_coco_categories.json` works as it is.
    /// - Throws: ``PanopticError`` naming the file and the problem (exit 3).
    public static func load(path: String, name: String? = nil) throws(PanopticError) -> CategorySet {
        let json = try PanopticJSON.read(path: path)
        return try parse(json, origin: path, name: name ?? path)
    }

    static func parse(_ json: JSONValue, origin: String, name: String) throws(PanopticError) -> CategorySet {
        let list: [JSONValue]
        switch json {
        case .array(let entries): list = entries
        case .object:
            guard case .array(let entries)? = json["categories"] else {
                throw .file(origin, "a category file needs a \"categories\" list")
            }
            list = entries
        default: throw .file(origin, "a category file must be a JSON list or an object with \"categories\"")
        }
        let names = list.compactMap { $0["name"]?.stringValue }
        var categories: [PanopticCategory] = []
        for (position, entry) in list.enumerated() {
            let place = "category \(position + 1)"
            let id = try PanopticJSON.int(entry["id"], "id", in: place, of: origin)
            guard let categoryName = entry["name"]?.stringValue, !categoryName.isEmpty else {
                throw .file(origin, "\(place) has no \"name\"")
            }
            let isThing = try PanopticJSON.bool(entry["isthing"], "isthing", in: place, of: origin) ?? false
            categories.append(
                PanopticCategory(
                    id: id, name: categoryName,
                    label: entry["label"]?.stringValue ?? naturalLabel(for: categoryName, siblings: names),
                    isThing: isThing,
                    supercategory: entry["supercategory"]?.stringValue ?? ""))
        }
        guard !categories.isEmpty else { throw .file(origin, "the category list is empty") }
        return CategorySet(name: name, categories: categories)
    }
}

// MARK: - Natural labels

extension CategorySet {
    /// Names whose natural label no rule produces.
    static let labelOverrides: [String: String] = [
        "window-blind": "window blind",
        "tv": "tv",
        "playingfield": "playingfield",
    ]

    /// The natural label for a dataset category name.
    ///
    /// The rule: drop the COCO bookkeeping suffixes "-merged" and "-stuff" ("tree-merged" → "tree",
    /// "door-stuff" → "door"); a qualifier after a hyphen goes in brackets ("floor-wood" → "floor (wood)");
    /// the qualifier "other" is dropped when no sibling shares the base ("sky-other-merged" → "sky") and
    /// kept otherwise ("wall-other-merged" → "wall (other)", beside "wall-brick"). A few names are overridden.
    public static func naturalLabel(for name: String, siblings: [String]) -> String {
        if let override = labelOverrides[name] { return override }
        let stem = strippedName(name)
        if let override = labelOverrides[stem] { return override }
        guard let hyphen = stem.firstIndex(of: "-") else { return stem }
        let base = String(stem[..<hyphen])
        let qualifier = stem[stem.index(after: hyphen)...].replacingOccurrences(of: "-", with: " ")
        guard qualifier == "other" else { return "\(base) (\(qualifier))" }
        let hasSibling = siblings.contains { sibling in
            let other = strippedName(sibling)
            return other != stem && other.hasPrefix(base + "-")
        }
        return hasSibling ? "\(base) (other)" : base
    }

    private static func strippedName(_ name: String) -> String {
        var stem = name.trimmingCharacters(in: .whitespaces)
        for suffix in ["-merged", "-stuff"] where stem.hasSuffix(suffix) {
            stem.removeLast(suffix.count)
        }
        return stem
    }
}
