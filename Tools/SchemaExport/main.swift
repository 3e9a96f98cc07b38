// grants-schemas: writes EventSchemas/ from the event catalog (schemas, README.md, examples/valid.jsonl)
// and the bundled copy of Policies/ (Sources/GrantLedgerPolicy/Catalog/BundledPolicies.swift) and of
// the seed targets (Sources/grants/SeedTargets.swift, from Tools/data/seed-targets.jsonl), or with
// --check reports which committed files are stale, for CI.
//
//     swift run grants-schemas [--check] [--root <package directory>]
//
// Exit status: 0 done or up to date; 1 stale files or bad examples; 64 bad arguments.

import Foundation
import GrantLedgerEvents
import GrantLedgerPolicy

let usage = "usage: grants-schemas [--check] [--root <package directory>]"
var check = false
var root = FileManager.default.currentDirectoryPath
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--check": check = true
    case "--root":
        guard let value = arguments.popFirst() else { fail(usage, status: 64) }
        root = value
    case "-h", "--help":
        print(usage)
        exit(0)
    default: fail("unknown argument \(argument)\n\(usage)", status: 64)
    }
}

func fail(_ message: String, status: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

let manager = FileManager.default
let directory = root + "/" + EventSchemaFiles.directory
guard manager.fileExists(atPath: directory) else {
    fail("no \(EventSchemaFiles.directory)/ in \(root); run from the package directory or pass --root")
}

let catalog = EventCatalog.standard
var examples: [EventTypeKey: JSONValue] = [:]
var exampleProblems: [String] = []
for key in catalog.definitions.keys.sorted() {
    let name = "examples/" + EventSchemaFiles.exampleName(for: key, valid: true)
    guard let data = manager.contents(atPath: directory + "/" + name) else { continue }  // reported as missing
    do {
        examples[key] = try JSONParser.parse(Array(data))
    } catch {
        exampleProblems.append("\(name): \(error)")
    }
}
guard exampleProblems.isEmpty else { fail(exampleProblems.joined(separator: "\n")) }

var files: [EventSchemaFiles.File]
do {
    files = try EventSchemaFiles.generate(catalog: catalog, validExamples: examples)
} catch {
    fail("the valid examples must be fixed first:\n\(error)")
}

// The policy files, embedded in the binary as its default catalog (checked first: a broken
// catalog must not be bundled).
let policyFiles: [(name: String, text: String)]
do {
    policyFiles = try PolicyCatalog.files(in: root + "/Policies")
    _ = try PolicyCatalog.load(files: policyFiles)
} catch {
    fail("Policies/ must pass `grants policies check` before it is bundled:\n\(error)")
}
files.append(EventSchemaFiles.File(
    path: BundledPolicySource.path,
    contents: BundledPolicySource.generate(policyFiles.map { (($0.name as NSString).lastPathComponent, $0.text) })))

// Every reading of the catalog, as one page.
do {
    files.append(EventSchemaFiles.File(path: PolicyReadings.path, contents: PolicyReadings.markdown(try PolicyCatalog.load(files: policyFiles))))
} catch {
    fail("Policies/ must load: \(error)")
}

// The seed targets, embedded for `grants demo` (checked first: every line must append).
guard let seedData = manager.contents(atPath: root + "/" + SeedTargetsSource.input) else {
    fail("no \(SeedTargetsSource.input) in \(root); run python3 Tools/data/make-seed-targets.py")
}
let seedText = String(decoding: seedData, as: UTF8.self)
let seedProblems = SeedTargetsSource.problems(in: seedText, catalog: catalog)
guard seedProblems.isEmpty else { fail("the seed targets must be fixed first:\n" + seedProblems.joined(separator: "\n")) }
files.append(EventSchemaFiles.File(path: SeedTargetsSource.path, contents: SeedTargetsSource.generate(seedText)))

// Schema files the catalog no longer has (a removed type or version) are stale too.
let generated = Set(files.map(\.path))
let orphans = ((try? manager.contentsOfDirectory(atPath: directory)) ?? [])
    .filter { $0.hasSuffix(".schema.json") }
    .map { EventSchemaFiles.directory + "/" + $0 }
    .filter { !generated.contains($0) }
    .sorted()

var stale: [String] = []
for file in files {
    let current = manager.contents(atPath: root + "/" + file.path)
    if current != Data(file.contents.utf8) { stale.append(file.path) }
}

if check {
    guard stale.isEmpty, orphans.isEmpty else {
        fail((stale.map { "stale: \($0)" } + orphans.map { "not in the catalog: \($0)" }).joined(separator: "\n")
            + "\nrun `swift run grants-schemas` and commit the result")
    }
    print("\(EventSchemaFiles.directory)/, the bundled policies, their readings and the seed targets are up to date (\(files.count) generated files)")
} else {
    for file in files where stale.contains(file.path) {
        let url = URL(fileURLWithPath: root + "/" + file.path)
        do {
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url, options: .atomic)
        } catch {
            fail("cannot write \(file.path): \(error)")
        }
        print("wrote \(file.path)")
    }
    for orphan in orphans {
        do { try manager.removeItem(atPath: root + "/" + orphan) } catch { fail("cannot remove \(orphan): \(error)") }
        print("removed \(orphan)")
    }
    print("\(EventSchemaFiles.directory)/: \(stale.count) written, \(orphans.count) removed, \(files.count - stale.count) unchanged")
}
