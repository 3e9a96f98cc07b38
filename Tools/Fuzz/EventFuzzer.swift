// libFuzzer harness for the code that reads untrusted bytes: the strict JSON parser, the
// canonical-bytes decoder, and a whole submission's validation. Any crash is a bug: bad input
// must produce an error, never take the process down. Run with Tools/fuzz.sh.
import GrantLedgerEvents

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let value = try? JSONParser.parse(bytes) {
        // A parsed value must re-encode and parse back to itself.
        let canonical = CanonicalJSON.encode(value)
        guard (try? JSONParser.parse(canonical)) == value else { fatalError("canonical round trip failed") }
        _ = EventSubmission.parse(value, catalog: .standard)
    }
    // Stored data is decoded without the tree; any bytes must give a payload or an error.
    for type in ["certificate.issued", "disbursement.made", "employment.month-recorded"] {
        _ = try? EventCatalog.standard.decode(type: type, version: 2, canonicalData: bytes)
        _ = try? EventCatalog.standard.decode(type: type, version: 1, canonicalData: bytes)
    }
    return 0
}
