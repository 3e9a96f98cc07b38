import Foundation
import Testing

/// Options shared by every command, usage errors and help.
@Suite("grants command line")
struct CommandLineTests {
    @Test("a missing ledger is an error that says to run grants init", arguments: ["events", "verify", "forget"])
    func missingLedger(command: String) async throws {
        let directory = try LedgerDirectory()
        let arguments = command == "forget" ? [command, Sample.zhang] : [command]
        let result = try await Grants.run(arguments + ["--db", directory.path("missing.sqlite")], in: directory.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("there is no ledger at \(directory.path("missing.sqlite"))"))
        #expect(result.stderr.contains("grants init"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("missing.sqlite")))
    }

    @Test("append to a missing ledger is refused too")
    func appendWithoutLedger() async throws {
        let directory = try LedgerDirectory()
        try directory.write("events.jsonl", lines: [Sample.reversal(1)])
        let result = try await directory.grants("append", "events.jsonl")
        #expect(result.status == 1)
        #expect(result.stderr.contains("grants init"))
    }

    @Test("GRANTS_DB and GRANTS_KEY_FILE are honoured; --db wins over GRANTS_DB")
    func environment() async throws {
        let directory = try LedgerDirectory()
        let db = directory.path("from-env.sqlite")
        let key = directory.path("from-env.key")
        let environment = ["GRANTS_DB": db, "GRANTS_KEY_FILE": key]
        let initialised = try await directory.grants("init", db: false, environment: environment)
        #expect(initialised.status == 0, "\(initialised)")
        #expect(FileManager.default.fileExists(atPath: db))
        #expect(FileManager.default.fileExists(atPath: key))
        #expect(!FileManager.default.fileExists(atPath: directory.path("grants.sqlite")))

        try directory.write("events.jsonl", lines: [Sample.personRegistered(1, person: Sample.li)])
        let appended = try await directory.grants("append", "events.jsonl", db: false, environment: environment)
        #expect(appended.status == 0, "\(appended)")
        let listed = try await directory.grants("events", "--party", Sample.li, db: false, environment: environment)
        #expect(listed.stdoutLines.last == "1 event.")
        // The key came from GRANTS_KEY_FILE: with GRANTS_DB alone, the default key (beside
        // the database) does not exist and the resident ID cannot be looked up.
        let withoutKey = try await directory.grants("events", "--party", Sample.li, db: false, environment: ["GRANTS_DB": db])
        #expect(withoutKey.status == 1)

        // --db wins.
        let other = try await Grants.run(["verify", "--db", directory.path("nowhere.sqlite")], in: directory.url,
            environment: environment)
        #expect(other.status == 1)
        #expect(other.stderr.contains("nowhere.sqlite"))
    }

    @Test("bad arguments are usage errors, exit 64", arguments: [
        ["frobnicate"], ["append"], ["events", "--limit", "0"], ["events", "--from", "abc"], ["events", "--from", "0"],
        ["events", "--from", "5", "--to", "2"], ["events", "--colour"], ["verify", "--anchor", "nonsense"],
        ["forget"], ["init", "extra"],
    ])
    func usageErrors(arguments: [String]) async throws {
        let directory = try await LedgerDirectory.initialised()
        let result = try await Grants.run(arguments + ["--db", directory.db], in: directory.url)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("Error:") || result.stderr.contains("Usage:"))
    }

    @Test("--help lists the subcommands")
    func help() async throws {
        let directory = try LedgerDirectory()
        let result = try await Grants.run(["--help"], in: directory.url)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: "SUBCOMMANDS:"))
        var section = Array(lines[(start + 1)...].prefix { !$0.isEmpty })
        // A `demo` subcommand may be added later: drop its entry and its wrapped lines.
        if let demo = section.firstIndex(where: { $0.hasPrefix("  demo ") }) {
            let end = section[(demo + 1)...].firstIndex { !$0.hasPrefix("                          ") } ?? section.endIndex
            section.removeSubrange(demo..<end)
        }
        #expect(section == [
            "  init                    Create an empty ledger and its pseudonym key.",
            "  append                  Append a JSON Lines file of events, all of it or none",
            "                          of it.",
            "  import                  Import a feed (CSV or JSON Lines) through a mapping:",
            "                          one event per row.",
            "  events                  Read events by position range, stream, type, or party.",
            "  verify                  Check the hash chain and name the first position",
            "                          altered, removed or reordered.",
            "  forget                  Erase the resident ID and name held for one person.",
            "  policies                Check and list the policy catalog, and the facts its",
            "                          rules can test.",
            "  backup                  Copy the ledger, while appends go on, into a new",
            "                          file, and verify the copy.",
            "  restore                 Bring a backup back as the ledger, refusing one that",
            "                          does not verify.",
            "  export                  Write the ledger's log as one canonical, verifiable",
            "                          file, to load on another backend.",
            "  load                    Load an export into a new ledger: a new file, or a",
            "                          new schema on PostgreSQL.",
            "  checkpoint              Sign the log's state into a small file for a finance",
            "                          bureau or an auditor to keep.",
            "  prove                   Write the proof that one event is in the log a",
            "                          checkpoint signed.",
        ])
        #expect(result.stdout.contains("USAGE: grants <subcommand>"))
    }

    @Test("each command's help documents its exit status", arguments: ["append", "import", "verify", "checkpoint", "prove"])
    func exitStatusDocumented(command: String) async throws {
        let directory = try LedgerDirectory()
        let result = try await Grants.run(["help", command], in: directory.url)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Exit status:"))
    }
}
