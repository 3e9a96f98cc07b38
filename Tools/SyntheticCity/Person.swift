import GrantLedgerEvents

extension SyntheticCity {
    /// Where a person comes from.
    enum Origin {
        case local
        /// From another province: region code and name.
        case migrant(region: String, name: String)
        /// From a region paired with the place for poverty relief.
        case paired(region: String, key: String, name: String)
    }

    /// What a person does in the city beyond working and training.
    enum Role {
        case worker
        /// A Binjiang employment and entrepreneurship mentor (BJ-2023 (五)).
        case mentor
        /// A Binjiang public employment service worker, certified in a service occupation (BJ-2023 (六)).
        case serviceStaff
        /// A Binjiang local-hukou student (BJ-2023 (七)).
        case student
    }

    /// One spell of employment: employer, contract number and months insured.
    struct Spell {
        let employer: String
        let employerNumber: Int
        let contract: String
        let start: YearMonth
        let end: YearMonth
        /// The day of `start` the job began.
        let startDay: Int
        /// Ended with `employment.ended` (otherwise still running when the window closes).
        let ended: Bool

        var hired: LocalDate { start.firstDay.adding(days: startDay) }
        var months: Int { end.ordinal - start.ordinal + 1 }
    }

    /// What is fixed about a person from the seed and their number alone; ``story(of:)``
    /// tells it as events, drawing the details from the generator this returns.
    struct Person {
        let index: Int
        let place: Place
        let block: Int
        let id: String
        let birth: LocalDate
        let origin: Origin
        let registered: LocalDate
        let registrationKind: String
        /// Key groups recognised at registration.
        let groups: [KeyGroup]
        let role: Role
        /// Brought to their first job by a labour-cooperation agency (Xiamen).
        let referred: Bool
        let spells: [Spell]

        var isYoung: Bool { birth >= LocalDate(year: 1999, month: 1, day: 1)! }

        /// The spell covering a month, if any.
        func spell(in month: YearMonth) -> Spell? { spells.first { $0.start <= month && month <= $0.end } }
    }

    /// Person `index`'s plan, and the generator their story goes on drawing from.
    func plan(of index: Int) -> (Person, SplitMix64) {
        var r = SplitMix64(seed: seed ^ (UInt64(index) &+ 1) &* 0xD1B5_4A32_D192_ED03)
        let (place, rank) = Self.locate(index)
        let block = rank / Self.peoplePerBlock
        let window = window(of: place)
        let young = Self.birthDate(index) >= LocalDate(year: 1999, month: 1, day: 1)!

        // Where they come from: locals, migrants from other provinces, people from a paired region.
        let roll = r.int(0..<100)
        let paired = place == .xiamen ? 0 : 5
        let migrants = place == .xiamen ? 40 : place == .jinjiang ? 15 : 50
        let origin: Origin
        let region: String
        if roll < paired {
            let from = place.pairedOrigins[index % place.pairedOrigins.count]
            (origin, region) = (.paired(region: from.region, key: from.key, name: from.name), from.region)
        } else if roll < paired + migrants {
            let from = place.migrantOrigins[index % place.migrantOrigins.count]
            (origin, region) = (.migrant(region: from.region, name: from.name), from.region)
        } else {
            (origin, region) = (.local, place.localRegions[index % place.localRegions.count])
        }

        // Arrivals are spread over the first two thirds of the window; Binjiang's students are
        // known from its first two months.
        let student = place == .binjiang && Self.birthDate(index) >= LocalDate(year: 1998, month: 1, day: 1)! && {
            if case .local = origin { true } else { false }
        }() && r.chance(90)
        let arrivalDays = Swift.max(1, window.lowerBound.yearMonth.adding(months: student ? 2 : Swift.max(1, months * 2 / 3)).firstDay.daysSinceEpoch
            - window.lowerBound.daysSinceEpoch)
        let registered = window.lowerBound.adding(days: r.int(0..<arrivalDays))
        let kindRoll = r.int(0..<100)
        let registrationKind = kindRoll < 45 ? "job-seeking" : kindRoll < 70 ? "unemployment" : "employment"

        var groups: [KeyGroup] = []
        if registrationKind == "unemployment", r.chance(90) { groups.append(.registeredUnemployed) }
        switch origin {
        case .migrant: if r.chance(75) { groups.append(.migrantWorker) }
        case .paired: groups += [.pairedRegionOrigin, .povertyRelieved]
        case .local:
            if place == .binjiang { groups.append(.localHukou) }
            if place == .jinjiang {
                let g = r.int(0..<100)
                if g < 4 { groups.append(.povertyHousehold) } else if g < 8 { groups.append(.povertyRelieved) } else if g < 10 { groups.append(.zeroEmploymentFamily) }
            }
        }
        if r.chance(5) { groups.append(.employmentDifficulty) }
        if place != .jinjiang {
            if r.chance(3) { groups.append(.veteran) }
            if r.chance(5) { groups.append(.flexibleWorker) }
        }
        if young, place == .xiamen, r.chance(35) { groups.append(.graduateWithinTwoYears) }
        var role = Role.worker
        // Binjiang's local-hukou students: enrolled, or graduated within two years.
        if student {
            groups.append(.localHukouStudent)
            role = .student
        } else if place == .binjiang, !young {
            let roleRoll = r.int(0..<100)
            if roleRoll < 3 { role = .mentor } else if roleRoll < 6 { role = .serviceStaff }
        }
        // Referrals bring first-time migrants to Xiamen.
        var referred = false
        if place == .xiamen, case .migrant = origin, r.chance(35) { referred = true }

        // Employment: up to three spells, with gaps between them.
        var spells: [Spell] = []
        let neverWorks = role == .student ? r.chance(40) : r.chance(8)
        if !neverWorks {
            let firstHire = registered.adding(days: role == .student ? r.int(30..<240) : r.int(5..<90))
            var start = firstHire.yearMonth
            var previous = -1
            while spells.count < 3, start <= window.upperBound.yearMonth {
                var number: Int
                if role == .serviceStaff, spells.isEmpty {
                    number = 4
                } else if place == .binjiang, r.chance(40) {
                    number = 0
                } else {
                    number = r.int(0..<Self.enterprisesPerBlock)
                }
                if number == previous { number = (number + 1 + r.int(0..<Self.enterprisesPerBlock - 1)) % Self.enterprisesPerBlock }
                var length = r.int(6..<37)
                if referred, spells.isEmpty {
                    // Some stay the six months the rewards need, some leave earlier.
                    let stay = r.int(0..<100)
                    length = stay < 60 ? r.int(6..<30) : stay < 85 ? r.int(3..<6) : r.int(1..<3)
                }
                let end = Swift.min(start.adding(months: length - 1), window.upperBound.yearMonth)
                let ended = end < window.upperBound.yearMonth
                spells.append(Spell(employer: Self.enterprise(place, block: block, number), employerNumber: number,
                                    contract: "HT\(index)-\(spells.count + 1)", start: start, end: end,
                                    startDay: spells.isEmpty ? firstHire.day - 1 : r.int(0..<10), ended: ended))
                guard ended, r.chance(75) else { break }
                previous = number
                // A job change: the next job the month after, or after a gap of a few months.
                let gap = r.chance(30) ? 0 : r.chance(60) ? r.int(1..<3) : r.int(3..<7)
                start = end.adding(months: 1 + gap)
            }
        }
        let person = Person(index: index, place: place, block: block, id: Self.residentID(index, region: region),
                            birth: Self.birthDate(index), origin: origin, registered: registered,
                            registrationKind: registrationKind, groups: groups, role: role,
                            referred: referred && !spells.isEmpty, spells: spells)
        return (person, r)
    }
}
