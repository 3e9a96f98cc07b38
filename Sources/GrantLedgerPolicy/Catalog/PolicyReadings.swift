/// Every reading the catalog takes, as one Markdown page (`Policies/READINGS.md`, regenerated
/// by `swift run grants-schemas` and checked in CI): what each document leaves room for and
/// how the catalog reads it, by clause, then the limits the engine applies that no document
/// states. Generated from the policy files, so it is complete by construction.
public enum PolicyReadings {
    public static let path = "Policies/READINGS.md"

    public static func markdown(_ catalog: PolicyCatalog) -> String {
        var out = """
            # Readings

            Generated from the policy files by `swift run grants-schemas` (CI fails if it is stale); do
            not edit. Where a document gives a range, leaves a number open or is vague, the catalog
            states how it reads it; every explanation of an entitlement repeats the readings it relied
            on. `Policies/README.md` is the file format; the README's "Readings" section summarises
            the readings that cut across documents.

            """
        for document in catalog.documents {
            out += "\n## \(document.id): \(document.number)\n\n"
            out += "- **In force** \(document.inForce) (\(document.periodQuote))"
            if let afterEnd = document.releasedAfterEnd {
                out += "; a tranche released after the end is **\(afterEnd.rawValue)**"
            }
            out += ".\n"
            for reading in document.readings { out += "- \(reading)\n" }
            for rule in document.rules where rule.reading != nil || !rule.waivers.isEmpty {
                out += "\n### \(rule.clause) \(rule.title)\n\n"
                if let reading = rule.reading { out += "\(reading)\n" }
                for waiver in rule.waivers {
                    out += "\n- Set aside by \(waiver.clause) for \(waiver.when.map(\.attribute).joined(separator: ", ")): "
                        + "\(waiver.waives.joined(separator: ", ")).\(waiver.reading.map { " \($0)" } ?? "")\n"
                }
            }
            for provision in document.provisions where provision.reading != nil {
                out += "\n### \(provision.clause) \(provision.title)\n\n\(provision.reading!)\n"
            }
            for cross in document.crossRules where cross.reading != nil {
                out += "\n### \(cross.clause) \(cross.title) (\(cross.kind.rawValue))\n\n\(cross.reading!)\n"
            }
        }
        out += "\n## The engine's own limits\n\nNo document states these; the engine applies them and every explanation that relies on one repeats it.\n\n"
        for limit in PolicyEngine.limits { out += "- \(limit)\n" }
        return out
    }
}
