//! Where a certificate stands, by the names stored in `certificates.status`.

use crate::str_enum::str_enum;

str_enum!(
    /// Where a learner's certificate stands.
    CertificateStatus {
        /// Earned; the document is being rendered.
        Pending = "pending",
        /// Rendered and valid: anyone can verify it by its code.
        Issued = "issued",
        /// Taken back by the course team; verification says so.
        Revoked = "revoked",
    }
);

impl CertificateStatus {
    /// Whether the certificate counts as the learner's one valid certificate of the run (the
    /// partial unique index `certificates_one_valid` covers these statuses).
    pub fn is_valid(self) -> bool {
        matches!(self, CertificateStatus::Pending | CertificateStatus::Issued)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_fit_the_column() {
        // `certificates.status` is 10 characters wide (m0006).
        crate::str_enum::tests::round_trips::<CertificateStatus>(10);
    }

    #[test]
    fn valid_statuses_are_those_of_the_one_valid_index() {
        // m0006: `CREATE UNIQUE INDEX certificates_one_valid … WHERE status IN ('pending', 'issued')`.
        let valid: Vec<_> = CertificateStatus::ALL
            .iter()
            .filter(|s| s.is_valid())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(valid, ["pending", "issued"]);
    }
}
