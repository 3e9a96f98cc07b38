extension EventCatalog {
    /// Every event type of GrantLedger, current and historical.
    public static let standard = EventCatalog(
        payloads: [
            PersonRegistered.self, PersonGroupJoined.self, PersonGroupLeft.self, JobServiceContacted.self,
            EnterpriseRegistered.self, InstitutionRegistered.self, InstitutionCatalogListed.self,
            InstitutionCatalogDelisted.self, OrganisationRated.self, OrganisationRatingWithdrawn.self,
            ClassFiled.self, TrainingEnrolled.self, TrainingCompleted.self, TrainingAssessed.self,
            ApprenticeshipStarted.self, DiplomaAwarded.self,
            CertificateIssued.self, CertificateRevoked.self,
            EmploymentStarted.self, EmploymentEnded.self, EmploymentMonthRecorded.self, ReferralMade.self,
            MentorSessionHeld.self, StudentServiceDelivered.self, AwardGranted.self, InsurancePremiumPaid.self,
            ApplicationSubmitted.self, ApplicationApproved.self, ApplicationRejected.self, AmountDecided.self,
            DisbursementMade.self, DisbursementReversed.self, ClawbackOrdered.self, ClawbackRecovered.self,
            TargetSet.self, FundAllocated.self, LedgerDayOpened.self,
        ],
        history: [
            (CertificateIssued.version1, CertificateIssued.upcastFromVersion1),
        ])
}
