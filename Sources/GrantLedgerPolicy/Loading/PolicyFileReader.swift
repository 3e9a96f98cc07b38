import GrantLedgerEvents
import Yams

/// Reads one policy file (YAML) into a `PolicyDocument`, reporting every problem with its
/// file, line, field path and what to do. The format is described in `Policies/README.md`.
package struct PolicyFileReader {
    let file: String
    let log: IssueLog

    static let documentFields = ["document", "title", "number", "jurisdiction", "inForce", "readings", "rules", "provisions", "crossRules"]
    static let ruleFields = ["clause", "title", "quote", "payee", "trigger", "parameters", "match", "conditions", "amount", "range",
                             "staging", "limits", "waivers", "reading"]
    static let amountForms = ["fixed", "table", "decided", "cost", "monthly", "milestones", "steps", "perDay", "percent"]

    func read(_ text: String) -> PolicyDocument? {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                log.error(SourceLocation(file: file, line: 1, column: 1), "", "the file is empty",
                          hint: "Write a policy document (see Policies/README.md).")
                return nil
            }
            root = node
        } catch let error as YamlError {
            log.error(Self.location(of: error, file: file), "", "is not valid YAML: \(Self.summary(of: error))",
                      hint: "Fix the YAML syntax at this line (indentation, a missing colon, an unclosed quote).")
            return nil
        } catch {
            log.error(SourceLocation(file: file, line: 1, column: 1), "", "could not be read as YAML: \(error)", hint: "Fix the YAML syntax.")
            return nil
        }
        let top = YAMLValue(node: root, file: file, path: "", log: log)
        guard let fields = top.fields(known: Self.documentFields) else { return nil }

        let id = fields.required("document", hint: "Give the document id, e.g. `document: XM-2023-187`.")?.nonEmptyText
        let title = fields.required("title", hint: "Give the document's title as printed.")?.nonEmptyText
        let number = fields.required("number", hint: "Give the issuing number, e.g. 厦人社〔2023〕187号.")?.nonEmptyText
        let (jurisdiction, name, divisions) = readJurisdiction(fields.required("jurisdiction", hint: "Give `jurisdiction: {code:, name:, divisions:}`."))
        let period = readPeriod(fields.required("inForce", hint: "Give `inForce: {from:, to:, quote:, releasedAfterEnd:}`."))
        let readings = fields["readings"]?.textList ?? []
        let rules = (fields["rules"]?.list ?? []).compactMap { readRule($0, document: id) }
        let provisions = (fields["provisions"]?.list ?? []).compactMap { readProvision($0, document: id) }
        let crossRules = (fields["crossRules"]?.list ?? []).compactMap { readCrossRule($0, document: id) }
        guard let id, let title, let number, let jurisdiction, let name, let period else { return nil }
        return PolicyDocument(
            id: id, title: title, number: number, jurisdiction: jurisdiction, jurisdictionName: name, places: divisions,
            inForce: period.range, periodQuote: period.quote, releasedAfterEnd: period.afterEnd, readings: readings, rules: rules, provisions: provisions,
            crossRules: crossRules, location: top.location)
    }

    private func readJurisdiction(_ value: YAMLValue?) -> (Jurisdiction?, String?, [Division]) {
        guard let fields = value?.fields(known: ["code", "name", "divisions"]) else { return (nil, nil, []) }
        var jurisdiction: Jurisdiction?
        if let code = fields.required("code", hint: "Give the division code, e.g. \"350200\".") , let text = code.nonEmptyText {
            jurisdiction = Jurisdiction(rawValue: text)
            if jurisdiction == nil {
                code.error("unknown jurisdiction \(text)",
                           hint: "Use one of \(Jurisdiction.allCases.map(\.rawValue).joined(separator: ", ")); a new jurisdiction needs a code in the event catalog first.")
            }
        }
        let name = fields.required("name", hint: "Give the jurisdiction's name, e.g. 厦门市.")?.nonEmptyText
        let divisions = (fields["divisions"]?.list ?? []).compactMap(readDivision)
        return (jurisdiction, name, divisions)
    }

    /// A division: its name alone, or `{name:, code:, within:}` with its six-digit code and the
    /// division it lies in (by default, the jurisdiction itself).
    private func readDivision(_ value: YAMLValue) -> Division? {
        if case .scalar = value.node { return value.nonEmptyText.map { Division(name: $0) } }
        guard let fields = value.fields(known: ["name", "code", "within"]) else { return nil }
        guard let name = fields.required("name", hint: "Give the division's name, e.g. 思明区.")?.nonEmptyText else { return nil }
        var code: String?
        if let value = fields["code"], let text = value.nonEmptyText {
            if Places.isCode(text) { code = text } else { value.error("\"\(text)\" is not a six-digit division code", hint: "Write the code as six digits in quotes, e.g. \"350203\".") }
        }
        return Division(name: name, code: code, within: fields["within"]?.nonEmptyText)
    }

    private func readPeriod(_ value: YAMLValue?) -> (range: DateRange, quote: String, afterEnd: ReleasedAfterEnd?)? {
        guard let fields = value?.fields(known: ["from", "to", "quote", "releasedAfterEnd"]) else { return nil }
        let from = fields.required("from", hint: "Give the first day in force, e.g. 2023-08-24.").flatMap(date)
        let to = fields["to"].flatMap { value -> LocalDate?? in
            if case .scalar(let scalar) = value.node, scalar.string == "null" || scalar.string.isEmpty { return .some(nil) }
            return date(value).map { .some($0) }
        }
        let quote = fields.required("quote", hint: "Quote the sentence of the document that states its period.")?.nonEmptyText
        guard let from, let quote else { return nil }
        let end: LocalDate? = to ?? nil
        if let end, end < from {
            fields["to"]?.error("ends (\(end)) before it starts (\(from))", hint: "Swap the dates or correct the end.")
            return nil
        }
        let afterEnd = fields["releasedAfterEnd"]?.choice(ReleasedAfterEnd.self, "reading for tranches released after the end")
        return (DateRange(from: from, to: end), quote, afterEnd)
    }

    func date(_ value: YAMLValue) -> LocalDate? {
        guard let text = value.nonEmptyText else { return nil }
        guard let date = LocalDate(text) else {
            value.error("\"\(text)\" is not a date", hint: "Write an ISO 8601 date, YYYY-MM-DD.")
            return nil
        }
        return date
    }

    private func clauseID(_ value: YAMLValue?, document: String?) -> String? {
        guard let value, let text = value.nonEmptyText else { return nil }
        if let document, !text.hasPrefix(document + "/") || text.count <= document.count + 1 {
            value.error("clause id \(text) does not belong to document \(document)",
                        hint: "Write the id as in POLICIES.md: the document id, a slash, and the clause label, e.g. \(document)/(一)-a.")
            return nil
        }
        return text
    }

    private func readRule(_ value: YAMLValue, document: String?) -> PolicyRule? {
        guard let fields = value.fields(known: Self.ruleFields) else { return nil }
        let clause = clauseID(fields.required("clause", hint: "Give the clause id exactly as in POLICIES.md."), document: document)
        let title = fields.required("title", hint: "Give a short English title.")?.nonEmptyText
        let quote = fields.required("quote", hint: "Quote the original Chinese sentence the rule rests on.")?.nonEmptyText
        let payee = fields.required("payee", hint: "Say who is paid: \(PayeeKind.allCases.map(\.rawValue).joined(separator: ", ")).")?
            .choice(PayeeKind.self, "payee kind")
        let trigger = fields.required("trigger", hint: "Say which facts trigger the rule: \(TriggerKind.allCases.map(\.rawValue).joined(separator: ", ")).")?
            .choice(TriggerKind.self, "trigger")
        let attributes = trigger?.attributes ?? [:]
        let parameters = fields["parameters"].map { readParameters($0, trigger: trigger) } ?? [:]
        let match = fields["match"].map { readConditions($0, attributes: attributes, trigger: trigger) } ?? []
        let conditions = fields["conditions"].map { readConditions($0, attributes: attributes, trigger: trigger) } ?? []
        let amount = fields.required("amount", hint: "Give the amount: one of \(Self.amountForms.joined(separator: ", ")).").flatMap {
            readAmount($0, attributes: attributes, trigger: trigger)
        }
        let range = fields["range"].flatMap(readRange)
        let staging = fields["staging"].flatMap(readStaging)
        let limits = fields["limits"].map(readLimits) ?? PolicyRule.Limits()
        let reading = fields["reading"]?.nonEmptyText
        let waivers = (fields["waivers"]?.list ?? []).compactMap { readWaiver($0, attributes: attributes, trigger: trigger, conditions: conditions) }
        guard let clause, let title, let quote, let payee, let trigger, let amount else { return nil }
        return PolicyRule(
            clause: clause, title: title, quote: quote, payee: payee, trigger: trigger, parameters: parameters, match: match,
            conditions: conditions, amount: amount, range: range, staging: staging, limits: limits, waivers: waivers, reading: reading,
            location: value.location)
    }

    /// `{when: {attr: test}, waives: [attr, …], clause: "…", reading: "…"}`.
    private func readWaiver(_ value: YAMLValue, attributes: [String: AttributeType], trigger: TriggerKind?,
                            conditions: [AttributeCondition]) -> PolicyRule.Waiver? {
        guard let fields = value.fields(known: ["when", "waives", "clause", "reading"]) else { return nil }
        let when = fields.required("when", hint: "Say which facts the waiver is for, e.g. `when: {person.groups: [paired-region-origin]}`.")
            .map { readConditions($0, attributes: attributes, trigger: trigger) } ?? []
        let waivesField = fields.required("waives", hint: "List the attributes of `conditions` it sets aside.")
        let waives = waivesField?.textList ?? []
        for name in waives where !conditions.contains(where: { $0.attribute == name }) {
            waivesField?.error("\(name) is not one of the rule's conditions",
                               hint: "Name attributes tested under `conditions`: \(conditions.map(\.attribute).joined(separator: ", ")).")
        }
        let clause = fields.required("clause", hint: "Give the clause whose sentence sets the conditions aside.")?.nonEmptyText
        guard !when.isEmpty, !waives.isEmpty, let clause else { return nil }
        return PolicyRule.Waiver(when: when, waives: waives, clause: clause, reading: fields["reading"]?.nonEmptyText, location: value.location)
    }

    private func readParameters(_ value: YAMLValue, trigger: TriggerKind?) -> [String: AttributeValue] {
        let known = trigger?.parameters ?? [:]
        guard let fields = value.fields(known: known.keys.sorted()) else { return [:] }
        var result: [String: AttributeValue] = [:]
        for (name, field) in fields.entries {
            switch known[name] {
            case .integer?: if let number = field.integer { result[name] = .integer(number) }
            case .set?: if let names = field.textList { result[name] = .set(Set(names)) }
            case .flag?: if let flag = field.flag { result[name] = .flag(flag) }
            default: if let text = field.nonEmptyText { result[name] = .text(text) }
            }
        }
        return result
    }

    private func readConditions(_ value: YAMLValue, attributes: [String: AttributeType], trigger: TriggerKind?) -> [AttributeCondition] {
        guard let fields = value.fields(known: attributes.keys.sorted()) else { return [] }
        var conditions: [AttributeCondition] = []
        for (name, field) in fields.entries {
            guard let type = attributes[name], let test = readTest(field, type: type) else { continue }
            let condition = AttributeCondition(attribute: name, test: test, location: field.location)
            guard condition.accepts(type) else {
                field.error("\(name) is \(type.noun); this test does not apply to it",
                            hint: type == .integer || type == .fen ? "Write a number, or {atLeast: n} / {atMost: n}."
                                : type == .set ? "Write [a, b] (any of), or {anyOf: [...]}, {allOf: [...]}, {noneOf: [...]}."
                                : "Write a value, or a list of allowed values.")
                continue
            }
            conditions.append(condition)
        }
        return conditions
    }

    private func readTest(_ value: YAMLValue, type: AttributeType) -> AttributeCondition.Test? {
        switch value.node {
        case .scalar:
            switch type {
            case .flag: return value.flag.map { .equals(.flag($0)) }
            case .integer, .fen: return value.integer.map { .equals(.integer(type == .fen ? $0 * 100 : $0)) }
            case .text: return value.nonEmptyText.map { .equals(.text($0)) }
            case .set: return value.nonEmptyText.map { .anyOf([$0]) }
            }
        case .sequence:
            guard let names = value.textList else { return nil }
            return type == .set ? .anyOf(names) : .oneOf(names)
        default:
            guard let fields = value.fields(known: ["atLeast", "atMost", "anyOf", "allOf", "noneOf"]) else { return nil }
            guard fields.entries.count == 1, let (name, operand) = fields.entries.first else {
                value.error("give exactly one test", hint: "Write one of {atLeast: n}, {atMost: n}, {anyOf: [...]}, {allOf: [...]}, {noneOf: [...]}.")
                return nil
            }
            let scale: Int64 = type == .fen ? 100 : 1
            switch name {
            case "atLeast": return operand.integer.map { .atLeast($0 * scale) }
            case "atMost": return operand.integer.map { .atMost($0 * scale) }
            case "anyOf": return operand.textList.map { .anyOf($0) }
            case "allOf": return operand.textList.map { .allOf($0) }
            default: return operand.textList.map { .noneOf($0) }
            }
        }
    }

    private func yuan(_ value: YAMLValue?) -> Fen? {
        guard let value, let number = value.integer else { return nil }
        guard number >= 0, number <= 1_000_000_000 else {
            value.error("\(number) yuan is out of range", hint: "Amounts are whole yuan between 0 and 1,000,000,000.")
            return nil
        }
        return Fen.yuan(number)
    }

    private func positive(_ value: YAMLValue?, _ what: String) -> Int64? {
        guard let value, let number = value.integer else { return nil }
        guard number > 0 else {
            value.error("\(what) must be positive, found \(number)", hint: "Write a number above 0.")
            return nil
        }
        return number
    }

    private func checkAttribute(_ name: String?, _ value: YAMLValue?, attributes: [String: AttributeType], trigger: TriggerKind?,
                                types: Set<AttributeType>) -> String? {
        guard let name, let value else { return nil }
        guard let type = attributes[name] else {
            if trigger != nil {
                value.error("\(trigger!.rawValue) facts have no attribute \(name)",
                            hint: "Use one of \(attributes.filter { types.contains($0.value) }.keys.sorted().joined(separator: ", ")).")
            }
            return nil
        }
        guard types.contains(type) else {
            value.error("\(name) is \(type.noun), which cannot be used here", hint: "Use an attribute of type \(types.map(\.rawValue).sorted().joined(separator: " or ")).")
            return nil
        }
        return name
    }

    private func readAmount(_ value: YAMLValue, attributes: [String: AttributeType], trigger: TriggerKind?) -> AmountForm? {
        guard let fields = value.fields(known: Self.amountForms) else { return nil }
        guard fields.entries.count == 1, let (form, body) = fields.entries.first else {
            value.error("give exactly one amount form", hint: "Use one of \(Self.amountForms.joined(separator: ", ")).")
            return nil
        }
        switch form {
        case "fixed":
            return yuan(body).map(AmountForm.fixed)
        case "table":
            guard let table = body.fields(known: ["by", "values"]) else { return nil }
            let byValue = table.required("by", hint: "Name the attribute the tiers are read from, e.g. certificate.level.")
            let by = checkAttribute(byValue?.nonEmptyText, byValue, attributes: attributes, trigger: trigger, types: [.text, .integer])
            guard let valuesNode = table.required("values", hint: "List each tier and its amount, e.g. {L5: 700, L4: 1000}."),
                  case .mapping(let mapping) = valuesNode.node else {
                table["values"]?.error("expected a mapping of tier to amount", hint: "Write {L5: 700, L4: 1000}.")
                return nil
            }
            var values: [String: AmountForm.Tier] = [:]
            for (key, amount) in mapping {
                let keyValue = YAMLValue(node: key, file: file, path: valuesNode.path, log: log)
                guard let tier = keyValue.nonEmptyText else { continue }
                if values[tier] != nil {
                    keyValue.error("tier \(tier) is given twice", hint: "Keep one.")
                    continue
                }
                let amountValue = YAMLValue(node: amount, file: file, path: "\(valuesNode.path).\(tier)", log: log)
                if case .mapping = amount {
                    guard let (minimum, maximum) = bounds(amountValue) else { continue }
                    values[tier] = .decided(minimum: minimum, maximum: maximum)
                } else if let fen = yuan(amountValue) {
                    values[tier] = .fixed(fen)
                }
            }
            guard let by, !values.isEmpty else { return nil }
            return .table(by: by, values: values)
        case "decided":
            guard let (minimum, maximum) = bounds(body) else { return nil }
            return .decided(minimum: minimum, maximum: maximum)
        case "cost":
            guard let cost = body.fields(known: ["of", "ceiling"]) else { return nil }
            let ofValue = cost.required("of", hint: "Name the cost attribute, e.g. class.costPerTrainee.")
            let of = checkAttribute(ofValue?.nonEmptyText, ofValue, attributes: attributes, trigger: trigger, types: [.fen])
            let ceiling = yuan(cost.required("ceiling", hint: "Give the ceiling in yuan."))
            guard let of, let ceiling else { return nil }
            return .cost(of: of, ceiling: ceiling)
        case "monthly":
            guard let monthly = body.fields(known: ["perMonth", "maxMonths"]) else { return nil }
            let perMonth = yuan(monthly.required("perMonth", hint: "Give the amount per month in yuan."))
            let months = positive(monthly.required("maxMonths", hint: "Give the most months paid."), "maxMonths")
            guard let perMonth, let months else { return nil }
            return .monthly(perMonth: perMonth, maxMonths: Int(months))
        case "milestones":
            guard let list = body.list else { return nil }
            var stages: [AmountForm.Milestone] = []
            for item in list {
                guard let stage = item.fields(known: ["afterMonths", "amount"]) else { continue }
                let months = positive(stage.required("afterMonths", hint: "Give the months with the same employer that release it."), "afterMonths")
                let amount = yuan(stage.required("amount", hint: "Give the tranche in yuan."))
                if let months, let amount {
                    if let last = stages.last, Int(months) <= last.afterMonths {
                        item.error("milestones must come in order of months", hint: "Put the \(months)-month tranche after the \(last.afterMonths)-month one.")
                    }
                    stages.append(.init(afterMonths: Int(months), amount: amount))
                }
            }
            guard !stages.isEmpty, stages.count == list.count else { return nil }
            return .milestones(stages)
        case "steps":
            guard let steps = body.fields(known: ["measures", "base", "increment", "max"]) else { return nil }
            var measures: [AmountForm.StepMeasure] = []
            let list = steps.required("measures", hint: "List the counts: [{count: count.stableHires, threshold: 50, every: 25}].")?.list ?? []
            for item in list {
                guard let measure = item.fields(known: ["count", "threshold", "every"]) else { continue }
                let countValue = measure.required("count", hint: "Name the count attribute.")
                let count = checkAttribute(countValue?.nonEmptyText, countValue, attributes: attributes, trigger: trigger, types: [.integer])
                let threshold = positive(measure.required("threshold", hint: "Give the count that earns the base amount."), "threshold")
                let every = positive(measure.required("every", hint: "Give how many more earn each increment."), "every")
                if let count, let threshold, let every { measures.append(.init(count: count, threshold: threshold, every: every)) }
            }
            let base = yuan(steps.required("base", hint: "Give the amount at the threshold, in yuan."))
            let increment = yuan(steps.required("increment", hint: "Give the amount per further step, in yuan."))
            let maximum = yuan(steps.required("max", hint: "Give the yearly maximum, in yuan."))
            guard !measures.isEmpty, measures.count == list.count, let base, let increment, let maximum else { return nil }
            return .steps(.init(measures: measures, base: base, increment: increment, maximum: maximum))
        case "perDay":
            guard let perDay = body.fields(known: ["rate", "maxDays", "ceiling"]) else { return nil }
            let rate = yuan(perDay.required("rate", hint: "Give the amount per day in yuan."))
            let days = positive(perDay.required("maxDays", hint: "Give the most days paid."), "maxDays")
            let ceiling = perDay["ceiling"]?.flag ?? false
            guard let rate, let days else { return nil }
            return .perDay(rate: rate, maxDays: Int(days), rateIsCeiling: ceiling)
        default:
            guard let percent = body.fields(known: ["of", "percent"]) else { return nil }
            let ofValue = percent.required("of", hint: "Name the amount attribute, e.g. insurance.premium.")
            let of = checkAttribute(ofValue?.nonEmptyText, ofValue, attributes: attributes, trigger: trigger, types: [.fen])
            let share = percent.required("percent", hint: "Give the percentage, 1 to 100.")
            guard let of, let share, let number = share.integer else { return nil }
            guard (1...100).contains(number) else {
                share.error("\(number)% is not a share", hint: "Give a percentage from 1 to 100.")
                return nil
            }
            return .percent(of: of, percent: Int(number))
        }
    }

    /// `{min:, max:}` of a decision, either side optional, in yuan.
    private func bounds(_ value: YAMLValue) -> (minimum: Fen?, maximum: Fen?)? {
        guard let bounds = value.fields(known: ["min", "max"]) else { return nil }
        let minimum = bounds["min"].flatMap(yuan), maximum = bounds["max"].flatMap(yuan)
        if let minimum, let maximum, minimum > maximum {
            value.error("min \(minimum) is above max \(maximum)", hint: "Swap them.")
            return nil
        }
        return (minimum, maximum)
    }

    private func readRange(_ value: YAMLValue) -> ClosedRange<Fen>? {
        guard let fields = value.fields(known: ["min", "max"]) else { return nil }
        let minimum = fields["min"].flatMap(yuan) ?? .zero
        guard let maximum = yuan(fields.required("max", hint: "Give the highest amount the document allows, in yuan.")) else { return nil }
        guard minimum <= maximum else {
            value.error("min \(minimum) is above max \(maximum)", hint: "Swap them.")
            return nil
        }
        return minimum...maximum
    }

    private func readStaging(_ value: YAMLValue) -> Staging? {
        guard let fields = value.fields(known: ["advancePercent", "upfrontPercent", "clause"]) else { return nil }
        let clause = fields.required("clause", hint: "Cite the clause that stages the payment, e.g. JJ-2019-79/5.2.")?.nonEmptyText
        let advance = fields["advancePercent"], upfront = fields["upfrontPercent"]
        guard (advance == nil) != (upfront == nil) else {
            value.error("give either advancePercent or upfrontPercent", hint: "advancePercent: paid once training has taken place; upfrontPercent: paid at allocation.")
            return nil
        }
        guard let share = (advance ?? upfront)?.integer, let clause else { return nil }
        guard (1...99).contains(share) else {
            (advance ?? upfront)?.error("\(share)% cannot be a first tranche", hint: "Give a percentage from 1 to 99.")
            return nil
        }
        return advance != nil ? .advance(percent: Int(share), clause: clause) : .upfront(percent: Int(share), clause: clause)
    }

    private func readLimits(_ value: YAMLValue) -> PolicyRule.Limits {
        guard let fields = value.fields(known: ["perSubjectPerYear", "perPayeePerYear", "fund"]) else { return .init() }
        return .init(
            perSubjectPerYear: positive(fields["perSubjectPerYear"], "perSubjectPerYear").map { Int($0) },
            perPayeePerYear: fields["perPayeePerYear"].flatMap(yuan),
            fund: fields["fund"].flatMap(yuan))
    }

    private func readProvision(_ value: YAMLValue, document: String?) -> PolicyProvision? {
        guard let fields = value.fields(known: ["clause", "title", "quote", "reading"]) else { return nil }
        let clause = clauseID(fields.required("clause", hint: "Give the clause id exactly as in POLICIES.md."), document: document)
        let title = fields.required("title", hint: "Give a short English title.")?.nonEmptyText
        let quote = fields.required("quote", hint: "Quote the original Chinese sentence.")?.nonEmptyText
        guard let clause, let title, let quote else { return nil }
        return PolicyProvision(clause: clause, title: title, quote: quote, reading: fields["reading"]?.nonEmptyText, location: value.location)
    }

    private func readCrossRule(_ value: YAMLValue, document: String?) -> CrossRule? {
        guard let fields = value.fields(known: ["clause", "kind", "title", "quote", "covers", "perYear", "reading"]) else { return nil }
        let clause = clauseID(fields.required("clause", hint: "Give the clause id exactly as in POLICIES.md."), document: document)
        let kind = fields.required("kind", hint: "Say which kind: \(CrossRule.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")?
            .choice(CrossRule.Kind.self, "cross-cutting rule")
        let title = fields.required("title", hint: "Give a short English title.")?.nonEmptyText
        let quote = fields.required("quote", hint: "Quote the original Chinese sentence.")?.nonEmptyText
        let covers = fields.required("covers", hint: "List the clause ids the rule applies to.")?.textList
        var perYear: Int?
        if kind == .trainingCap {
            perYear = positive(fields.required("perYear", hint: "Give the most subsidised trainings per worker per calendar year."), "perYear").map { Int($0) }
        } else if let extra = fields["perYear"] {
            extra.error("perYear applies only to a training-cap", hint: "Remove it.")
        }
        guard let clause, let kind, let title, let quote, let covers else { return nil }
        return CrossRule(clause: clause, kind: kind, title: title, quote: quote, covers: covers, perYear: perYear,
                         reading: fields["reading"]?.nonEmptyText, location: value.location)
    }

    package static func location(of error: YamlError, file: String) -> SourceLocation {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        default:
            return SourceLocation(file: file, line: 1, column: 1)
        }
    }

    package static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            // libyaml names its own setting (yaml_set_max_nest_level) when nesting is too deep.
            if problem.contains("nesting level") { return "it nests lists or maps deeper than a YAML reader allows" }
            return [context?.text, problem].compactMap { $0 }.joined(separator: ", ")
        default:
            return "\(error)"
        }
    }
}
