import NIOPosix
import GrantLedgerEvents
/// The OpenAPI 3.1 document served at `/openapi.json`: the contract with the API's clients,
/// checked in CI by openapi-spec-validator and exercised by schemathesis.
enum OpenAPIDocument {
    static let json = #"{"openapi":"3.1.0","info":{"title":"GrantLedger","version":"1"},"paths":{}}"#
}
