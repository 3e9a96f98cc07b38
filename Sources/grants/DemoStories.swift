import GrantLedgerEvents

/// The hand-made stories of `grants demo`: five people whose events show what the ledger is
/// for, told as the feeds would send them. Each story is a few events; the generated city
/// around them gives the projections and the targets something to count.
enum DemoStories {
    static let agency = "91350200MA31XM002D"
    static let employer = "91350200MA31XM001A"
    static let school = "52350203MJ0000001R"
    static let shoeFactory = "91350582MA2XJJ001R"

    /// A Gansu worker the agency brought to Xiamen, insured six months in a row: 1000 + 1000.
    static let stayer = "620102199608081238"
    /// Another worker of the same agency, who leaves in month 5: 1000, and the second 1000 forfeited.
    static let leaver = "620102199507071233"
    /// A migrant worker in four subsidised trainings in 2024: the fourth is refused by the yearly cap.
    static let trainee = "350211199706123020"
    /// A Jinjiang worker from a poverty household, hired by a shoe factory: 以工代训 months.
    static let apprentice = "350582198506150021"
    /// A worker whose certificate subsidy was paid, then the certificate revoked: clawed back.
    static let revoked = "35020319900101123X"

    static let people: [(id: String, story: String)] = [
        (stayer, "referred by an agency, stays six months: the agency earns 1000 + 1000"),
        (leaver, "referred by the same agency, leaves in month 5: 1000, the second 1000 forfeited"),
        (trainee, "four subsidised trainings in 2024: the fourth refused by the yearly cap"),
        (apprentice, "hired from a poverty household: the enterprise's 以工代训 months, 200 a month for at most 6"),
        (revoked, "certificate subsidy paid, the certificate revoked for fraud, the 1500 clawed back: excluded, nothing left paid"),
    ]

    static var lines: [String] {
        var story = Builder()
        story.organisations()
        story.referrals()
        story.trainings()
        story.workInPlaceOfTraining()
        story.clawback()
        return story.lines
    }

    struct Builder {
        var lines: [String] = []

        mutating func event(_ type: String, _ stream: String, _ day: String, _ data: String, source: String = "grants-demo") {
            let version = EventCatalog.standard.currentVersion(of: type)!
            let number = String(lines.count + 1)
            let id = "e0000000-0000-4000-8000-" + String(repeating: "0", count: 12 - number.count) + number
            lines.append(#"{"eventId":"\#(id)","streamId":"\#(stream)","type":"\#(type)","schemaVersion":\#(version),"occurredAt":"\#(day)","actor":"demo","source":"\#(source)","data":\#(data)}"#)
        }

        mutating func organisations() {
            event("enterprise.registered", "organisation:\(employer)", "2019-05-01",
                  #"{"enterprise":"\#(employer)","name":"厦门鹭江电子有限公司","division":"思明区"}"#)
            event("institution.registered", "organisation:\(school)", "2023-06-01",
                  #"{"institution":"\#(school)","kind":"training-institution","name":"厦门市思明区鹭岛职业技能培训学校","division":"思明区"}"#)
            event("enterprise.registered", "organisation:\(shoeFactory)", "2020-03-02",
                  #"{"enterprise":"\#(shoeFactory)","name":"晋江市恒达鞋业有限公司","division":"陈埭镇","industry":"鞋类制造","keyIndustry":"shoes"}"#)
            // Only a recognised labour-cooperation operating institution earns (九)-b and (九)-c.
            event("organisation.rated", "organisation:\(agency)", "2023-11-20",
                  #"{"organisation":"\#(agency)","rating":"labour-cooperation-agency","level":"city","ratedBy":"厦门市人力资源和社会保障局"}"#)
        }

        /// XM-2023-187/(九)-b and (九)-c: 1000 after three insured months, 1000 after six.
        mutating func referrals() {
            for (worker, number, months, leaves) in [(stayer, "0040", 6, nil), (leaver, "0041", 4, "2024-05-20")] {
                let spell = "employment:\(employer):HT-2024-\(number)"
                event("referral.made", "referral:\(agency):LW-2024-\(number)", "2024-01-05",
                      #"{"agency":"\#(agency)","worker":"\#(worker)","employer":"\#(employer)","firstTimeInCity":true,"originRegion":"甘肃省兰州市城关区"}"#)
                event("employment.started", spell, "2024-01-08",
                      #"{"employee":"\#(worker)","employer":"\#(employer)","contract":"fixed-term","contractMonths":36,"labourDispatch":false,"firstTimeInCity":true}"#)
                for month in 1...months {
                    let ym = YearMonth(year: 2024, month: month)!
                    event("employment.month-recorded", spell, ym.lastDay.description,
                          #"{"employee":"\#(worker)","employer":"\#(employer)","month":"\#(ym)","socialInsurancePaid":true,"pensionPaid":true,"insuredIn":"350203"}"#,
                          source: "xm-social-insurance-feed")
                }
                if let leaves {
                    event("employment.ended", spell, leaves, #"{"employee":"\#(worker)","employer":"\#(employer)","reason":"resigned"}"#)
                }
                event("disbursement.made", "disbursement:XMCZ-2024-00\(number)1", "2024-04-12",
                      #"{"disbursementId":"XMCZ-2024-00\#(number)1","clause":"XM-2023-187/(九)-b","payee":{"kind":"agency","organisation":"\#(agency)"},"amount":100000,"subject":"\#(worker)"}"#,
                      source: "xm-finance-treasury")
            }
        }

        /// XM-2023-187/(一)-a and the general cap: three trainings paid to the school, the fourth refused.
        mutating func trainings() {
            event("person.registered", "person:\(trainee)", "2024-01-10",
                  #"{"person":"\#(trainee)","registeredIn":"思明区","registrationKind":"job-seeking","hukouDivision":"四川省南充市"}"#)
            event("person.group-joined", "person:\(trainee)", "2024-01-10",
                  #"{"person":"\#(trainee)","group":"migrant-worker","since":"2024-01-10","recognisedBy":"厦门市思明区人力资源和社会保障局"}"#)
            for (index, (occupation, day)) in [("电工", "2024-03-15"), ("焊工", "2024-05-17"), ("育婴员", "2024-07-19"), ("养老护理员", "2024-09-20")].enumerated() {
                let classID = "XM-2024-SM-00\(index + 1)"
                event("class.filed", "class:\(classID)", day,
                      #"{"classId":"\#(classID)","organiser":"\#(school)","kind":"employment-skills","occupation":"\#(occupation)","classHours":60,"offlineHours":60,"projectBased":true,"jurisdiction":"350200","division":"思明区","startDate":"\#(day)","endDate":"\#(day)"}"#,
                      source: "xm-training-portal")
                event("training.enrolled", "class:\(classID)", day, #"{"classId":"\#(classID)","trainee":"\#(trainee)"}"#, source: "xm-training-portal")
                event("training.completed", "class:\(classID)", day, #"{"classId":"\#(classID)","trainee":"\#(trainee)","attendedHours":60}"#, source: "xm-training-portal")
                event("training.assessed", "class:\(classID)", day,
                      #"{"classId":"\#(classID)","trainee":"\#(trainee)","result":"passed","assessor":"厦门市职业技能鉴定指导中心"}"#, source: "xm-training-portal")
                event("certificate.issued", "certificate:P35020020240\(index + 1)", day,
                      #"{"certificateNumber":"P35020020240\#(index + 1)","holder":"\#(trainee)","kind":"training-pass","occupation":"\#(occupation)","issuer":"厦门市思明区鹭岛职业技能培训学校","classId":"\#(classID)"}"#,
                      source: "xm-training-portal")
            }
        }

        /// JJ-2019-79/6.7: 200 a month for the insured months, at most six; two months paid so far.
        mutating func workInPlaceOfTraining() {
            let spell = "employment:\(shoeFactory):JJ-HT-2020-0316"
            event("person.registered", "person:\(apprentice)", "2020-03-05",
                  #"{"person":"\#(apprentice)","registeredIn":"350582","registrationKind":"job-seeking","hukouDivision":"晋江市陈埭镇"}"#)
            event("person.group-joined", "person:\(apprentice)", "2020-03-10",
                  #"{"person":"\#(apprentice)","group":"poverty-household","since":"2016-03-01","until":"2020-12-31","recognisedBy":"晋江市扶贫开发领导小组办公室","evidence":"JJFP-2016-00871"}"#)
            event("employment.started", spell, "2020-03-16",
                  #"{"employee":"\#(apprentice)","employer":"\#(shoeFactory)","contract":"fixed-term","contractMonths":24,"labourDispatch":false,"division":"陈埭镇"}"#)
            for month in 3...10 {
                let ym = YearMonth(year: 2020, month: month)!
                event("employment.month-recorded", spell, ym.lastDay.description,
                      #"{"employee":"\#(apprentice)","employer":"\#(shoeFactory)","month":"\#(ym)","socialInsurancePaid":true,"pensionPaid":true,"insuredIn":"350582"}"#,
                      source: "jj-social-insurance-feed")
            }
            event("disbursement.made", "disbursement:JJCZ-2020-06701", "2020-06-15",
                  #"{"disbursementId":"JJCZ-2020-06701","clause":"JJ-2019-79/6.7","payee":{"kind":"enterprise","organisation":"\#(shoeFactory)"},"amount":40000,"subject":"\#(apprentice)"}"#,
                  source: "jj-finance-treasury")
        }

        /// XM-2023-187/(一)-c: 1500 decided and paid; the certificate revoked; the 1500 ordered back and recovered.
        mutating func clawback() {
            event("person.registered", "person:\(revoked)", "2024-01-08",
                  #"{"person":"\#(revoked)","registeredIn":"思明区","registrationKind":"unemployment","hukouDivision":"同安区汀溪镇"}"#)
            event("certificate.issued", "certificate:S3502002024000123", "2024-05-20",
                  #"{"certificateNumber":"S3502002024000123","holder":"\#(revoked)","kind":"skill-level","occupation":"电工","level":"L4","issuer":"厦门市职业技能鉴定指导中心"}"#,
                  source: "xm-training-portal")
            let application = "application:XM-BT-2024-000321"
            event("application.submitted", application, "2024-06-03",
                  #"{"applicationId":"XM-BT-2024-000321","clause":"XM-2023-187/(一)-c","payee":{"kind":"worker","person":"\#(revoked)"},"subject":"\#(revoked)","requestedAmount":300000}"#)
            event("amount.decided", application, "2024-06-20",
                  #"{"applicationId":"XM-BT-2024-000321","clause":"XM-2023-187/(一)-c","amount":150000,"decidedBy":"厦门市人力资源和社会保障局","basis":"四级/中级工，按市人社局核定标准1500元"}"#)
            event("application.approved", application, "2024-06-21",
                  #"{"applicationId":"XM-BT-2024-000321","approvedBy":"厦门市公共就业服务中心"}"#)
            event("disbursement.made", "disbursement:XMCZ-2024-001234", "2024-07-05",
                  #"{"disbursementId":"XMCZ-2024-001234","clause":"XM-2023-187/(一)-c","payee":{"kind":"worker","person":"\#(revoked)"},"amount":150000,"applicationId":"XM-BT-2024-000321","subject":"\#(revoked)"}"#,
                  source: "xm-finance-treasury")
            event("certificate.revoked", "certificate:S3502002024000123", "2025-03-10",
                  #"{"certificateNumber":"S3502002024000123","holder":"\#(revoked)","reason":"fraud","revokedBy":"厦门市人力资源和社会保障局","detail":"鉴定考核中冒名顶替，证书依法撤销"}"#)
            event("clawback.ordered", "clawback:XM-ZH-2025-0011", "2025-03-20",
                  #"{"clawbackId":"XM-ZH-2025-0011","disbursementId":"XMCZ-2024-001234","clause":"XM-2023-187/(一)-c","payee":{"kind":"worker","person":"\#(revoked)"},"amount":150000,"reason":"fraud","orderedBy":"厦门市人力资源和社会保障局"}"#)
            event("clawback.recovered", "clawback:XM-ZH-2025-0011", "2025-04-15",
                  #"{"clawbackId":"XM-ZH-2025-0011","amount":150000}"#, source: "xm-finance-treasury")
        }
    }
}
