import GrantLedgerEvents
import GrantLedgerPolicy

/// The limits a rule shares across scopes: its pooled fund (`limits.fund`, e.g. the 20,000,000
/// of XM-2023-187/(三) that every demonstration enterprise's trainees draw on) and its yearly
/// limit per payee (`limits.perPayeePerYear`, where one payee's entitlements may be about
/// several workers and so lie in several scopes).
///
/// A scope's evaluation says what each of its entitlements of such a rule would draw on them
/// (its amount before them) and where it stands in the engine's order (date, key fact, clause,
/// id); the draws are kept (table `pooled`). What the whole log used before each draw follows
/// from the draws alone, so it is computed afresh over a clause's draws whenever one of them
/// changes, and every scope whose usage changed is evaluated again with it (`SharedLimitUsage`):
/// the engine then reduces or refuses exactly as it does given the whole log at once, before
/// the cross-cutting rules (a training cap counts no capped training). Re-applying gives the
/// same rows: the usage is recorded with each draw, and an unchanged usage re-evaluates nothing.
struct SharedLimits {
    let policies: PolicyCatalog

    /// Replaces a scope's draws. Returns the clauses whose usage must be computed again.
    func keep(_ scope: Scope, _ draws: [SharedLimitPlace.Draw], store: some ProjectionStore, fresh: Bool) throws -> Set<String> {
        var touched: Set<String> = []
        if !fresh {
            touched.formUnion(try store.drawClauses(of: scope))
            try store.removeDraws(of: scope)
        }
        for draw in draws {
            try store.putDraw(draw, scope: scope)
            touched.insert(draw.place.clause)
        }
        return touched
    }

    /// Every clause with draws kept, for a rebuild's final pass.
    func clauses(store: some ProjectionStore) throws -> Set<String> { try store.drawClauses(of: nil) }

    /// The usage before every draw kept, as the projections last applied it; reads only.
    func currentUsage(store: some ProjectionStore) throws -> PooledUsage {
        let usage = PooledUsage(policies: policies)
        for clause in try clauses(store: store).sorted() {
            usage.add(clause: clause, try store.draws(ofClause: clause).map(\.draw))
        }
        return usage
    }

    /// The usage of `clauses`' limits before each of their draws, and the scopes whose draws
    /// were last evaluated with another usage (or none yet); records the new usage with each.
    func usage(of clauses: Set<String>, store: some ProjectionStore) throws -> (usage: PooledUsage, stale: Set<Scope>) {
        let usage = PooledUsage(policies: policies)
        var stale: Set<Scope> = []
        for clause in clauses.sorted() {
            let draws = try store.draws(ofClause: clause)
            usage.add(clause: clause, draws.map(\.draw))
            for kept in draws {
                let now = usage.before[kept.draw.place.id]!
                guard kept.fundUsed != now.fund || kept.payeeUsed != now.payee else { continue }
                try store.setUsage(ofDraw: kept.draw.place.id, fund: now.fund, payee: now.payee)
                if let scope = Scope(key: kept.scope) { stale.insert(scope) }
            }
        }
        return (usage, stale)
    }
}

/// What the whole log used of each clause's shared limits before each draw: the engine's
/// `applyRuleLimits` for those limits, run over the draws of every scope in its order.
///
/// Built by ``SharedLimits`` (`add`) before any evaluation is given it, and only read after:
/// the evaluations of a catch-up's scopes read it on several threads (`ScopeWorkers`).
final class PooledUsage: SharedLimitUsage, @unchecked Sendable {
    let policies: PolicyCatalog
    /// By entitlement id: the fund used before it, and its payee's year used before it.
    private(set) var before: [String: (fund: Int64, payee: Int64)] = [:]
    /// Each clause's draws in order, with what each was granted against the payee's yearly limit.
    private var ordered: [String: [(place: SharedLimitPlace, toPayee: Int64)]] = [:]

    init(policies: PolicyCatalog) { self.policies = policies }

    func add(clause: String, _ draws: [SharedLimitPlace.Draw]) {
        let limits = policies.rule(clause: clause)?.limits ?? .init()
        var fund: Int64 = 0
        var payees: [String: Int64] = [:]
        var order: [(place: SharedLimitPlace, toPayee: Int64)] = []
        for draw in draws.sorted(by: { $0.place < $1.place }) {
            let key = "\(draw.place.payee)|\(draw.place.date.year)"
            before[draw.place.id] = (fund, payees[key, default: 0])
            var amount = draw.amount?.value
            if let limit = limits.perPayeePerYear?.value, let wanted = amount {
                let used = payees[key, default: 0]
                if used + wanted > limit { amount = limit > used ? limit - used : nil }
                payees[key, default: 0] += amount ?? 0
            }
            order.append((draw.place, amount ?? 0))
            if let limit = limits.fund?.value, let wanted = amount {
                if fund + wanted > limit { amount = limit > fund ? limit - fund : nil }
                fund += amount ?? 0
            }
        }
        ordered[clause] = order
    }

    func used(ofFund place: SharedLimitPlace) -> Int64 {
        if let known = before[place.id] { return known.fund }
        // Not a kept draw (another scope's entitlement met on the way): the draws before it.
        let limit = policies.rule(clause: place.clause)?.limits.fund?.value ?? .max
        return min(limit, (ordered[place.clause] ?? []).filter { $0.place < place }.reduce(0) { $0 + $1.toPayee })
    }

    func used(ofPayeeYear place: SharedLimitPlace) -> Int64 {
        if let known = before[place.id] { return known.payee }
        return (ordered[place.clause] ?? []).filter { $0.place < place && $0.place.payee == place.payee && $0.place.date.year == place.date.year }
            .reduce(0) { $0 + $1.toPayee }
    }
}
