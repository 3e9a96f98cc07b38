import GrantLedgerEvents

/// A deterministic synthetic city: the event submissions (JSON Lines, each valid for
/// `EventCatalog.standard`) that the bureaus of Xiamen, Jinjiang and Binjiang would send about
/// a number of people over a number of months. Every benchmark uses it, and `grants demo`.
///
///     for line in SyntheticCity(seed: 42, people: 1_000) { … }   // [UInt8], without a newline
///     SyntheticCity(seed: 42, people: 1_000).lines                // the same lines as String
///     var feed = SyntheticCity(seed: 42).makeIterator()           // without end: read what you need
///
/// **Deterministic.** The same seed, people, months and interleaving give the same bytes, event
/// ids included. A person's story depends only on the seed, the months and the person's number,
/// so ``resident(_:)`` names anyone without generating, and a benchmark can add events for
/// people already in a log (``Generator/lateEvent(_:person:)``).
///
/// **Places and time.** Of every ten people (by number, interleaved, so ten people already
/// cover all three) five live in Xiamen (350200), three in Jinjiang (350582) and two in Binjiang
/// (330108). Each place's stories start in its ``Place/firstMonth``, when its documents are in
/// force (Xiamen 2023-09, Jinjiang 2020-01, Binjiang 2023-03), and run ``months`` months: with
/// the default 26, to 2025-10, 2022-02 and 2025-04. No event of a place's people is dated
/// outside its ``window(of:)``. People register over the first two thirds of the window. Subsidies are
/// applied for and paid only for facts up to the end of the document in force (Xiamen
/// 2024-12-31, Jinjiang 2021-12-31; Binjiang's has none), so later facts show as expired.
///
/// **Organisations.** A place's people come in blocks of 1,000, each with five enterprises, a
/// training institution in the place's catalogue and 25 filed classes, plus a labour-cooperation
/// agency (paid its operating subsidy) in Xiamen and a master studio in Binjiang; they are
/// registered half a year before the people and sent when the block's first person starts.
/// Enterprise 0 is rated: a demonstration enterprise in Xiamen, one in difficulty in Jinjiang, a
/// certified self-training and brand-pilot enterprise in Binjiang, which takes half the hires
/// there and applies each year for the stable-hiring award (approved; its amount is left to the
/// ledger, the city pays none of it). Enterprise 4 in Binjiang is an HR-service company.
/// Xiamen's four district targets for 2024 and their funds open the log (the city's own
/// figures; the documents' targets are Tools/data/seed-targets.jsonl).
///
/// **People.** The shares, measured on 100,000 people (seed 42, 26 months): 2.15 million
/// events, 21 a person, 390 bytes each.
/// - Origins: Xiamen 40% migrants from other provinces; Jinjiang 15% migrants and 5% from its
///   paired regions (Ningxia, Tibet); Binjiang 50% migrants, 5% from paired regions (Xinjiang,
///   Tibet) and 45% local hukou.
/// - Key groups, recognised at registration: registered unemployed 26% of people (a quarter
///   register as unemployed; most leave the group on their first job), migrant workers 26%,
///   local hukou 9%, employment difficulty 5%, poverty-relieved 3.5%, flexible workers 3.5%,
///   paired region 2.5%, graduates within two years 2%, veterans 2%, local-hukou students 1.2%,
///   poverty households 0.9%, zero-employment families 0.4%.
/// - Work: 92% work. A job lasts 6 to 36 months; after it ends three in four take another, the
///   next month (30%) or after a gap of one to six months, with another of the block's
///   employers: 22% of those who work change jobs, up to three jobs in all. After a gap of more
///   than two months, one in two registers as unemployed again. Each month worked is a month of
///   social insurance (3% unpaid, and 3% more without pension): two events in three.
/// - Referrals: 35% of Xiamen's migrants are brought to their first job by the block's
///   labour-cooperation agency; 60% stay six months or more, 40% leave after one to five. The
///   agency's 1000 after three months and 1000 after six are paid for most who stay.
/// - Training: 58% of people train in one of their block's classes (an enterprise's classes
///   take its own staff; students take student-service days instead): enrolment, completion,
///   assessment, and for 88% a certificate. 0.72 certificates a person: training-pass 50%,
///   skill-level 40%, vocational qualification 4%, special ability 3%, special operation 1%,
///   enterprise assessment 1%; levels L4 36%, L5 35%, L3 23%, L2 4.5%, L1 1.2%. The class's
///   per-trainee subsidy goes to its organiser for three in four who qualify.
/// - One in five gets a certificate of their own in their first job (45% of Binjiang's pilot
///   enterprise's staff): in Xiamen applied for under the certificate subsidy, an amount
///   decided within 500-3000; in Jinjiang paid by the level table.
/// - Applications (certificate subsidies, apprenticeships, student services, service staff):
///   80% approved, decided first where the clause leaves the amount to a decision (always
///   within its range), 10% rejected, 10% pending; 92% of those approved are paid.
/// - Binjiang: 3% of adults are mentors (sessions paid 300 online, 1000 offline; one in four
///   wins a mentor award), 3% public employment service staff certified in a service
///   occupation (applied for, paid by level); local-hukou students get one to five days of
///   service, the organiser paid a decided 150-200 a day for at most three; 2% of workers
///   place in a skills contest.
/// - Xiamen: the "131" service (guidance, three job referrals, a training offer) for the
///   registered unemployed and graduates, flexible workers' day insurance premiums, a few
///   apprenticeships. Jinjiang: work-in-place-of-training paid to employers of
///   poverty-household, employment-difficulty and zero-employment-family hires.
/// - Payments: 1.6% of events. One in a hundred bounces, is reversed and made again. One in
///   fifty of the trainees not paid for is paid regardless: a finding when they do not qualify.
/// - Revocations: about 1% of certificates (3-4% of those paid on); what was paid on one is
///   ordered back and mostly recovered (60% at once, 25% in two instalments, 15% not yet).
/// - Late corrections: one person in fifty has an insured month corrected to unpaid, and one
///   second referral reward in ten rests on a month so corrected (three in four of those are
///   ordered back). These are sent long after: once the person's story is told and
///   ``lateDelay`` more people have started, or at the end of the city.
///
/// **Order.** ``interleaving`` stories are told at once, each in business-date order,
/// interleaved at random as the bureaus' feeds would interleave them.
public struct SyntheticCity: Sequence, Sendable {
    public static let peoplePerBlock = 1_000
    public static let defaultMonths = 26
    /// How many stories are told at once unless a caller says otherwise.
    public static let defaultInterleaving = 400
    /// Late corrections wait, after their story is told, until this many more people have
    /// started (or the city ends).
    public static let lateDelay = 1_000

    public let seed: UInt64
    /// How many people; nil for a city that never ends (stop reading when you have enough).
    public let people: Int?
    /// How many months of stories each place has, from its ``Place/firstMonth``.
    public let months: Int
    /// How many stories are told at once, interleaved as the bureaus' feeds interleave them.
    public let interleaving: Int

    /// A city of `people` people (nil: without end) over `months` months, from `seed`.
    public init(seed: UInt64 = 42, people: Int? = nil, months: Int = SyntheticCity.defaultMonths, interleaving: Int = SyntheticCity.defaultInterleaving) {
        precondition(people.map { $0 >= 0 } ?? true, "a city has zero or more people")
        precondition(months >= 1, "a city has at least one month of stories")
        precondition(interleaving >= 1, "at least one story is told at a time")
        self.seed = seed
        self.people = people
        self.months = months
        self.interleaving = interleaving
    }

    public func makeIterator() -> Generator { Generator(city: self) }

    /// The lines as text, without their newlines.
    public var lines: LazyMapSequence<SyntheticCity, String> { lazy.map { String(decoding: $0, as: UTF8.self) } }

    /// The business dates of a place's stories: from the first day of its first month to the
    /// last day of its last. No event of its people is dated outside them (its organisations
    /// are registered and rated before).
    public func window(of place: Place) -> ClosedRange<LocalDate> {
        place.firstMonth.firstDay...place.firstMonth.adding(months: months - 1).lastDay
    }

    /// Who person `index` is (whether or not the city has that many people).
    public func resident(_ index: Int) -> Resident {
        let (person, _) = plan(of: index)
        return Resident(index: index, residentID: person.id, name: Self.name(index, seed: seed), place: person.place, block: person.block)
    }

    /// Submission lines, one at a time: JSON objects without a newline, each valid for
    /// `EventCatalog.standard`.
    public struct Generator: IteratorProtocol {
        public let city: SyntheticCity
        private var random: SplitMix64
        private var serial: UInt64 = 0
        /// Organisation events waiting to be sent, before any more of the people's.
        private var organisationEvents: [Draft]
        private var organisationHead = 0
        /// The stories being told.
        private var stories: [Story]
        /// Late events, each with the number of people started after which it is sent.
        private var late: [(release: Int, draft: Draft)] = []
        private var lateHead = 0
        /// How many people's stories have begun.
        public private(set) var peopleStarted = 0
        /// How many lines have been returned.
        public private(set) var linesSent = 0

        init(city: SyntheticCity) {
            self.city = city
            random = SplitMix64(seed: city.seed)
            stories = Array(repeating: Story(), count: city.interleaving)
            organisationEvents = SyntheticCity.targetsAndFunds()
        }

        public mutating func next() -> [UInt8]? {
            while true {
                if let draft = nextOrganisationEvent() { return encode(draft) }
                if lateHead < late.count, late[lateHead].release <= peopleStarted { return encode(nextLateEvent()) }
                guard !stories.isEmpty else { return lateHead < late.count ? encode(nextLateEvent()) : nil }
                let slot = random.int(0..<stories.count)
                if stories[slot].events.isEmpty {
                    if let story = startPerson() {
                        stories[slot] = story
                    } else {
                        stories.swapAt(slot, stories.count - 1)
                        stories.removeLast()
                    }
                    continue
                }
                let draft = stories[slot].events.removeLast()
                if stories[slot].events.isEmpty, !stories[slot].late.isEmpty {
                    for late in stories[slot].late { self.late.append((peopleStarted + SyntheticCity.lateDelay, late)) }
                    stories[slot].late = []
                }
                return encode(draft)
            }
        }

        private mutating func nextOrganisationEvent() -> Draft? {
            guard organisationHead < organisationEvents.count else { return nil }
            defer {
                organisationHead += 1
                if organisationHead == organisationEvents.count {
                    organisationEvents.removeAll(keepingCapacity: true)
                    organisationHead = 0
                }
            }
            return organisationEvents[organisationHead]
        }

        private mutating func nextLateEvent() -> Draft {
            let draft = late[lateHead].draft
            lateHead += 1
            if lateHead >= 1024, lateHead * 2 >= late.count {
                late.removeFirst(lateHead)
                lateHead = 0
            }
            return draft
        }

        private mutating func startPerson() -> Story? {
            if let limit = city.people, peopleStarted >= limit { return nil }
            let index = peopleStarted
            peopleStarted += 1
            let (place, rank) = SyntheticCity.locate(index)
            if rank % SyntheticCity.peoplePerBlock == 0 {
                organisationEvents += city.organisations(place, block: rank / SyntheticCity.peoplePerBlock)
            }
            return city.story(of: index)
        }

        private mutating func encode(_ draft: Draft) -> [UInt8] {
            linesSent += 1
            var draft = draft
            draft.setID(uuid())
            return draft.line
        }

        /// A version-4 UUID: random bits from the generator, the last seven bytes a serial
        /// number, so ids never repeat and the same seed gives the same ids.
        private mutating func uuid() -> [UInt8] {
            serial += 1
            let a = random.next()
            var bytes = [UInt8](repeating: 0, count: 16)
            for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: a >> (i * 8)) }
            bytes[6] = bytes[6] & 0x0F | 0x40
            bytes[8] = 0x80 | UInt8(truncatingIfNeeded: a >> 58)
            for i in 0..<7 { bytes[15 - i] = UInt8(truncatingIfNeeded: serial >> (i * 8)) }
            return bytes
        }

        // MARK: - Events after the city

        /// What ``lateEvent(_:person:)`` adds.
        public enum LateEvent: CaseIterable, Sendable {
            case certificate, employmentMonth, disbursement
        }

        /// The day late events are dated: after every story of the default window.
        public static let lateEventDay = LocalDate(year: 2025, month: 12, day: 20)!

        /// One more event for person `index` (already in the log), for a benchmark that
        /// appends to a built log: a certificate, the month after their last insured month
        /// with their last employer, or a payment to them. Give each person at most one
        /// employment month.
        public mutating func lateEvent(_ kind: LateEvent, person index: Int) -> [UInt8] {
            let (person, _) = city.plan(of: index)
            let place = person.place
            let employer = person.spells.last?.employer ?? SyntheticCity.enterprise(place, block: person.block, 0)
            let day = Self.lateEventDay
            switch kind {
            case .certificate:
                let number = "\(place.prefix)-LATE-\(index)-\(serial + 1)"
                return encode(Draft(stream: "certificate:\(number)", type: "certificate.issued", version: 2, date: day, source: place.portal,
                    actor: place.actor, data: object([
                        ("certificateNumber", .string(number)), ("holder", .string(person.id)), ("kind", "skill-level"),
                        ("occupation", .string(place.occupations[index % place.occupations.count])), ("level", "L3"),
                        ("issuer", .string(place.assessor)), ("employer", .string(employer)),
                    ])))
            case .employmentMonth:
                let spell = person.spells.last
                let month = spell?.end.adding(months: 1) ?? day.yearMonth
                return encode(Draft(stream: "employment:\(employer):\(spell?.contract ?? "HT\(index)-0")", type: "employment.month-recorded",
                    date: month.lastDay, source: place.insurance, actor: place.actor, data: object([
                        ("employee", .string(person.id)), ("employer", .string(employer)), ("month", .string(month.description)),
                        ("socialInsurancePaid", true), ("pensionPaid", true), ("insuredIn", .string(place.code)),
                    ])))
            case .disbursement:
                let id = "\(place.prefix)-LATEPAY-\(index)-\(serial + 1)"
                let clause = switch place {
                case .xiamen: "XM-2023-187/(一)-c"
                case .jinjiang: "JJ-2019-79/6.2-b"
                case .binjiang: "BJ-2023/(六)"
                }
                return encode(Draft(stream: "disbursement:\(id)", type: "disbursement.made", date: day, source: place.treasury, actor: place.actor,
                    data: object([
                        ("disbursementId", .string(id)), ("clause", .string(clause)), ("payee", ["kind": "worker", "person": .string(person.id)]),
                        ("amount", 150_000), ("subject", .string(person.id)), ("voucher", .string("V\(id)")),
                    ])))
            }
        }
    }
}
