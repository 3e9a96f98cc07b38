import Foundation
import GrantLedgerIntake
import GrantLedgerLog
import GrantLedgerPolicy

/// An import: its report, the mapping it went through, and where the projections stand
/// (nil when nothing was appended, or the caller asked to leave them).
public struct ImportOutcome: Sendable {
    public let report: ImportReport
    public let mapping: Mapping
    public let projections: CatchUpOutcome?
}

extension Ledger {
    /// Imports a feed through a mapping, given by path or by the name of one in the
    /// configuration's mappings directory, then catches the projections up unless told not to.
    ///
    /// The mapping's clause ids are checked against the catalog when the ledger checks
    /// clauses against it. `committed` runs after the rows are appended and before the
    /// projections are touched (see ``append(_:committed:)``).
    public func importFeed(
        _ format: FeedFormat, path: String, mapping nameOrPath: String, options: ImportOptions = ImportOptions(),
        catchingUp: Bool = true, progress: ((ImportProgress) -> Void)? = nil, committed: (ImportReport) -> Void = { _ in }
    ) async throws -> ImportOutcome {
        try await importFeed(format, path: path, using: try self.mapping(nameOrPath), options: options, catchingUp: catchingUp,
                       progress: progress, committed: committed)
    }

    /// Imports a feed through a mapping already loaded (see ``mapping(_:)``).
    public func importFeed(
        _ format: FeedFormat, path: String, using mapping: Mapping, options: ImportOptions = ImportOptions(),
        catchingUp: Bool = true, progress: ((ImportProgress) -> Void)? = nil, committed: (ImportReport) -> Void = { _ in }
    ) async throws -> ImportOutcome {
        let report = try await Importer(log: log, mapping: mapping).run(format, path: path, options: options, progress: progress)
        committed(report)
        let caughtUp = report.counts.appended > 0 && catchingUp ? catchUp() : nil
        return ImportOutcome(report: report, mapping: mapping, projections: caughtUp)
    }

    /// A mapping by path, or by name (`si-months`) in the configuration's mappings directory.
    public func mapping(_ nameOrPath: String) throws -> Mapping {
        let path = try mappingPath(nameOrPath)
        let policies: PolicyCatalog? = configuration.clauses == .catalog ? try? loadedPolicies.get() : nil
        return try Mapping.load(path: path, policies: policies)
    }

    /// The file a mapping name or path stands for; ``LedgerError/mappingNotFound(_:shipped:)``
    /// naming the mappings there are when there is none.
    public func mappingPath(_ nameOrPath: String) throws(LedgerError) -> String {
        let manager = FileManager.default
        if manager.fileExists(atPath: nameOrPath) { return nameOrPath }
        let directory = configuration.mappingsDirectory
        let named = (directory as NSString).appendingPathComponent(nameOrPath + ".yaml")
        guard manager.fileExists(atPath: named) else {
            let shipped = (try? manager.contentsOfDirectory(atPath: directory))?
                .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted() ?? []
            throw .mappingNotFound(nameOrPath, shipped: shipped)
        }
        return named
    }
}
