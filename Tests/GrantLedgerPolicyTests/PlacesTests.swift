@testable import GrantLedgerPolicy
import Testing

/// The catalog's places tree: what contains what, by code or name, short or printed.
@Suite("places: containment at any level")
struct PlacesTests {
    let places = bundledCatalog.places

    @Test("a town, street or department lies in its city, by code and by name", arguments: [
        ("350582", "陈埭镇"), ("晋江市", "陈埭镇"), ("晋江市", "青阳街道办事处"), ("青阳街道", "青阳街道办事处"), ("人社局", "市人社局"),
        ("人社局", "晋江市人社局"), ("350582", "陈埭镇人民政府"), ("厦门市", "350203"), ("思明区", "350203"), ("350203", "思明区"),
        ("350200", "思明区"), ("350200", "350299"), ("滨江区", "长河街道"), ("330108", "西兴街道"),
    ])
    func contains(_ outer: String, _ inner: String) {
        #expect(places.contains(outer, inner))
    }

    @Test("nothing lies in a place that does not contain it", arguments: [
        ("350582", "思明区"), ("陈埭镇", "晋江市"), ("安海镇", "陈埭镇"), ("思明区", "350206"), ("350200", "330108"),
        ("晋江市", "某某镇"), ("350582", "350200"),
    ])
    func doesNotContain(_ outer: String, _ inner: String) {
        #expect(!places.contains(outer, inner))
    }

    @Test("the catalog's name for printed forms; unknown names stay unknown")
    func names() {
        #expect(places.name(of: "青阳街道办事处") == "青阳街道")
        #expect(places.name(of: "市人社局") == "人社局")
        #expect(places.name(of: "350205") == "海沧区")
        #expect(places.name(of: "经济开发区管委会") == "经济开发区管委会")
        #expect(places.name(of: "某某镇") == nil)
        #expect(places.enclosing("陈埭镇") == ["陈埭镇", "晋江市", "350582"])
        #expect(places.enclosing("某某镇") == ["某某镇"])
    }
}
