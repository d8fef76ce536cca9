//! Course rules: formats, visibility, run windows, enrolment policies and decisions, course
//! roles. Pure functions, so every rule is tested without a database.

use crate::codes;
use crate::error::{Error, Fields, Result};
use crate::str_enum::str_enum;
use crate::validate::Email;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

str_enum!(
    /// The kind of course, which sets sensible defaults.
    CourseFormat {
        /// Massive open online course: open, free, large.
        Mooc = "mooc",
        /// Small private online course: invitation, code or payment.
        Spoc = "spoc",
        /// Corporate course, for a client's people.
        Cooc = "cooc",
    }
);

str_enum!(
    /// Who sees a course in the catalog.
    Visibility {
        /// In the catalog, searchable.
        Listed = "listed",
        /// Reachable by its address only.
        Unlisted = "unlisted",
        /// Only its course team and enrolled people see it.
        Private = "private",
    }
);

str_enum!(
    /// How people get into a run.
    EnrolmentPolicy {
        /// Anyone signed in may enrol (MOOC default).
        Open = "open",
        /// Only invited addresses.
        Invitation = "invitation",
        /// Whoever knows the run's enrolment code.
        Code = "code",
        /// A purchase from the shop (webhook) or a voucher code.
        Paid = "paid",
        /// People of the client company: verified email domains, identity provider or group.
        Restricted = "restricted",
    }
);

str_enum!(
    /// A person's role in one run.
    CourseRole {
        /// Builds and teaches the course; manages enrolments.
        Instructor = "instructor",
        /// Helps teach: sees learners and their progress.
        TeachingAssistant = "teaching_assistant",
        /// Follows the course.
        Learner = "learner",
        /// Reads everything, changes nothing.
        Observer = "observer",
    }
);

str_enum!(
    /// What an item of a course outline is (`course_items.kind`).
    ItemKind {
        /// A page of text (Markdown).
        Page = "page",
        /// A video, uploaded or embedded.
        Video = "video",
        /// A file to download.
        File = "file",
        /// A link to elsewhere.
        Link = "link",
        /// A quiz, graded automatically (essays by the course team).
        Quiz = "quiz",
        /// Work handed in and graded by the course team.
        Assignment = "assignment",
        /// Work handed in and assessed by other learners.
        Peer = "peer",
        /// An external tool or serious game, launched by LTI 1.3.
        Tool = "tool",
        /// A SCORM 1.2 / 2004 or cmi5 package, played in Amphi's player.
        Package = "package",
    }
);

impl ItemKind {
    /// Whether learners hand in work for this item (an assignment or peer-assessed work).
    pub fn takes_submissions(self) -> bool {
        matches!(self, ItemKind::Assignment | ItemKind::Peer)
    }
}

str_enum!(
    /// Where a person's enrolment in a run stands (`enrolments.status`).
    EnrolmentStatus {
        /// Enrolled: follows the course (or teaches it).
        Active = "active",
        /// On the waiting list of a full run.
        Waiting = "waiting",
        /// Removed from the run (kept for the record).
        Removed = "removed",
    }
);

str_enum!(
    /// How far a learner got with one item (`item_progress.state`).
    ProgressState {
        /// No progress yet: never stored (there is no row), shown to the learner.
        NotStarted = "not_started",
        /// Opened at least once.
        Viewed = "viewed",
        /// Done: counts towards the run's completion.
        Completed = "completed",
    }
);

impl CourseRole {
    /// Whether the role belongs to the course team (sees unpublished content, learners).
    pub fn is_staff(self) -> bool {
        matches!(self, CourseRole::Instructor | CourseRole::TeachingAssistant)
    }
}

impl CourseFormat {
    /// The enrolment policy a new run of this format starts with.
    pub fn default_policy(self) -> EnrolmentPolicy {
        match self {
            CourseFormat::Mooc => EnrolmentPolicy::Open,
            CourseFormat::Spoc => EnrolmentPolicy::Code,
            CourseFormat::Cooc => EnrolmentPolicy::Restricted,
        }
    }
}

/// The dates of a run. Every date is optional: a self-paced run has none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunDates {
    /// Enrolment opens.
    pub enrol_opens_at: Option<DateTime<Utc>>,
    /// Enrolment closes.
    pub enrol_closes_at: Option<DateTime<Utc>>,
    /// The course starts (content becomes available).
    pub starts_at: Option<DateTime<Utc>>,
    /// The course ends; afterwards the run is archived and read-only.
    pub ends_at: Option<DateTime<Utc>>,
}

impl RunDates {
    /// Refuses inverted windows, naming the field that is wrong.
    pub fn validate(&self) -> Result<()> {
        let mut f = Fields::new();
        if let (Some(o), Some(c)) = (self.enrol_opens_at, self.enrol_closes_at) {
            if c <= o {
                f.push("enrol_closes_at", codes::DATE_BEFORE_OPENING);
            }
        }
        if let (Some(s), Some(e)) = (self.starts_at, self.ends_at) {
            if e <= s {
                f.push("ends_at", codes::DATE_BEFORE_START);
            }
        }
        if let (Some(o), Some(e)) = (self.enrol_opens_at, self.ends_at) {
            if e <= o {
                f.push("ends_at", codes::DATE_BEFORE_ENROLMENT);
            }
        }
        f.finish()
    }

    /// Whether enrolment is open at `now`.
    pub fn enrolment_open(&self, now: DateTime<Utc>) -> bool {
        self.enrol_opens_at.is_none_or(|o| o <= now)
            && self.enrol_closes_at.is_none_or(|c| now < c)
            && !self.archived(now)
    }

    /// Whether the run has ended (read-only).
    pub fn archived(&self, now: DateTime<Utc>) -> bool {
        self.ends_at.is_some_and(|e| e <= now)
    }

    /// Whether content is available (the run has started).
    pub fn started(&self, now: DateTime<Utc>) -> bool {
        self.starts_at.is_none_or(|s| s <= now)
    }

    /// The same dates moved by `by` (for a new edition).
    pub fn shifted(&self, by: chrono::Duration) -> Self {
        let m = |d: Option<DateTime<Utc>>| d.map(|d| d + by);
        RunDates {
            enrol_opens_at: m(self.enrol_opens_at),
            enrol_closes_at: m(self.enrol_closes_at),
            starts_at: m(self.starts_at),
            ends_at: m(self.ends_at),
        }
    }
}

/// Restrictions of a COOC run: any one that matches lets the person in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    /// Verified email domains (and their subdomains).
    pub email_domains: Vec<String>,
    /// Identity-provider id the person must have signed in through.
    pub identity_provider: Option<String>,
    /// Group the person must carry (filled by single sign-on).
    pub group: Option<String>,
}

/// Facts about the person asking to enrol.
#[derive(Debug, Clone)]
pub struct Applicant<'a> {
    /// Their (verified) email address.
    pub email: &'a Email,
    /// Whether the address is verified.
    pub email_verified: bool,
    /// Identity providers they have signed in through.
    pub providers: &'a [String],
    /// Groups they carry.
    pub groups: &'a [String],
}

impl Restriction {
    /// Whether the applicant belongs to the client company.
    pub fn admits(&self, a: &Applicant<'_>) -> bool {
        let domain_ok = a.email_verified
            && self.email_domains.iter().any(|d| {
                let d = d.trim().trim_start_matches('@').to_lowercase();
                let ed = a.email.domain();
                !d.is_empty() && (ed == d || ed.ends_with(&format!(".{d}")))
            });
        let idp_ok = self
            .identity_provider
            .as_ref()
            .is_some_and(|p| a.providers.iter().any(|x| x == p));
        let group_ok = self
            .group
            .as_ref()
            .is_some_and(|g| a.groups.iter().any(|x| x == g));
        domain_ok || idp_ok || group_ok
    }
}

/// What self-enrolment does for one person at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolDecision {
    /// Enrolled as a learner.
    Enrol,
    /// The run is full: placed on the waiting list.
    WaitingList,
}

/// Everything that decides a self-enrolment.
#[derive(Debug, Clone)]
pub struct EnrolRequest<'a> {
    /// The run's policy.
    pub policy: EnrolmentPolicy,
    /// The run's dates.
    pub dates: RunDates,
    /// Seats, if limited.
    pub capacity: Option<i64>,
    /// Whether a full run takes a waiting list.
    pub waiting_list: bool,
    /// Learners enrolled now.
    pub enrolled: i64,
    /// The run's enrolment code (Code policy).
    pub run_code: Option<&'a str>,
    /// The code the person typed, if any.
    pub given_code: Option<&'a str>,
    /// COOC restrictions.
    pub restriction: &'a Restriction,
    /// The person.
    pub applicant: Applicant<'a>,
    /// Whether the person holds an invitation (Invitation policy) or a paid order / voucher.
    pub entitled: bool,
}

/// Decides a self-enrolment: enrol, waiting list, or a refusal with a reason code.
pub fn decide_enrolment(r: &EnrolRequest<'_>, now: DateTime<Utc>) -> Result<EnrolDecision> {
    if r.dates.archived(now) {
        return Err(Error::Conflict(codes::RUN_ARCHIVED));
    }
    if !r.dates.enrolment_open(now) {
        return Err(Error::Conflict(codes::ENROLMENT_CLOSED));
    }
    match r.policy {
        EnrolmentPolicy::Open => {}
        EnrolmentPolicy::Invitation | EnrolmentPolicy::Paid => {
            if !r.entitled {
                return Err(Error::Forbidden);
            }
        }
        EnrolmentPolicy::Code => {
            let ok = match (r.run_code, r.given_code) {
                (Some(code), Some(given)) => code_matches(code, given),
                _ => false,
            };
            if !ok && !r.entitled {
                return Err(Error::field("code", codes::ENROLMENT_CODE_WRONG));
            }
        }
        EnrolmentPolicy::Restricted => {
            if !r.restriction.admits(&r.applicant) && !r.entitled {
                return Err(Error::Conflict(codes::ENROLMENT_RESTRICTED));
            }
        }
    }
    match r.capacity {
        Some(cap) if r.enrolled >= cap => {
            if r.waiting_list {
                Ok(EnrolDecision::WaitingList)
            } else {
                Err(Error::Conflict(codes::RUN_FULL))
            }
        }
        _ => Ok(EnrolDecision::Enrol),
    }
}

/// Compares enrolment codes as people type them: case, spaces and dashes do not matter.
pub fn code_matches(expected: &str, given: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .collect()
    };
    let (a, b) = (norm(expected), norm(given));
    !a.is_empty()
        && a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Progress as a whole percentage (0 when there is nothing to complete).
pub fn percent(completed: i64, total: i64) -> i64 {
    if total <= 0 {
        0
    } else {
        (completed.clamp(0, total) * 100) / total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::str_enum::tests::round_trips;
    use chrono::Duration;
    use proptest::prelude::*;

    #[test]
    fn stored_names_round_trip_and_fit_their_columns() {
        // Column widths from the migrations (m0002 for the course tables).
        round_trips::<CourseFormat>(8);
        round_trips::<Visibility>(10);
        round_trips::<EnrolmentPolicy>(16);
        round_trips::<CourseRole>(24);
        round_trips::<ItemKind>(16);
        round_trips::<EnrolmentStatus>(16);
        round_trips::<ProgressState>(12);
    }

    #[test]
    fn parse_trims_and_names_the_field() {
        assert_eq!(ItemKind::parse("kind", " quiz ").unwrap(), ItemKind::Quiz);
        let Err(Error::Validation(f)) = ItemKind::parse("kind", "lesson") else {
            panic!("an unknown kind parsed");
        };
        assert_eq!(f, [crate::FieldError::new("kind", codes::CHOICE_INVALID)]);
    }

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + h * 3600, 0).unwrap()
    }

    fn email(s: &str) -> Email {
        Email::parse("e", s).unwrap()
    }

    fn req<'a>(policy: EnrolmentPolicy, e: &'a Email, r: &'a Restriction) -> EnrolRequest<'a> {
        EnrolRequest {
            policy,
            dates: RunDates::default(),
            capacity: None,
            waiting_list: false,
            enrolled: 0,
            run_code: None,
            given_code: None,
            restriction: r,
            applicant: Applicant {
                email: e,
                email_verified: true,
                providers: &[],
                groups: &[],
            },
            entitled: false,
        }
    }

    #[test]
    fn dates_must_be_in_order() {
        let d = RunDates {
            enrol_opens_at: Some(at(10)),
            enrol_closes_at: Some(at(5)),
            starts_at: Some(at(20)),
            ends_at: Some(at(10)),
        };
        let Err(Error::Validation(f)) = d.validate() else {
            panic!()
        };
        let fields: Vec<_> = f.iter().map(|x| x.field.as_str()).collect();
        assert!(fields.contains(&"enrol_closes_at") && fields.contains(&"ends_at"));
        assert!(RunDates {
            starts_at: Some(at(1)),
            ends_at: Some(at(2)),
            ..Default::default()
        }
        .validate()
        .is_ok());
    }

    #[test]
    fn windows() {
        let e = email("a@x.test");
        let r = Restriction::default();
        let mut q = req(EnrolmentPolicy::Open, &e, &r);
        q.dates = RunDates {
            enrol_opens_at: Some(at(10)),
            enrol_closes_at: Some(at(20)),
            ends_at: Some(at(30)),
            ..Default::default()
        };
        assert!(matches!(
            decide_enrolment(&q, at(5)),
            Err(Error::Conflict("enrolment_closed"))
        ));
        assert_eq!(decide_enrolment(&q, at(10)).unwrap(), EnrolDecision::Enrol);
        assert!(matches!(
            decide_enrolment(&q, at(20)),
            Err(Error::Conflict("enrolment_closed"))
        ));
        assert!(matches!(
            decide_enrolment(&q, at(31)),
            Err(Error::Conflict("run_archived"))
        ));
    }

    #[test]
    fn capacity_and_waiting_list() {
        let e = email("a@x.test");
        let r = Restriction::default();
        let mut q = req(EnrolmentPolicy::Open, &e, &r);
        q.capacity = Some(2);
        q.enrolled = 2;
        assert!(matches!(
            decide_enrolment(&q, at(0)),
            Err(Error::Conflict("run_full"))
        ));
        q.waiting_list = true;
        assert_eq!(
            decide_enrolment(&q, at(0)).unwrap(),
            EnrolDecision::WaitingList
        );
        q.enrolled = 1;
        assert_eq!(decide_enrolment(&q, at(0)).unwrap(), EnrolDecision::Enrol);
    }

    #[test]
    fn codes_invitations_and_restrictions() {
        let e = email("bob@eng.acme.test");
        let r = Restriction {
            email_domains: vec!["acme.test".into()],
            ..Default::default()
        };
        let mut q = req(EnrolmentPolicy::Code, &e, &r);
        q.run_code = Some("SPRING-2027");
        assert!(decide_enrolment(&q, at(0)).is_err());
        q.given_code = Some(" spring 2027 ");
        assert!(decide_enrolment(&q, at(0)).is_ok());
        q.given_code = Some("SPRING-2028");
        assert!(decide_enrolment(&q, at(0)).is_err());

        let mut q = req(EnrolmentPolicy::Invitation, &e, &r);
        assert!(matches!(decide_enrolment(&q, at(0)), Err(Error::Forbidden)));
        q.entitled = true;
        assert!(decide_enrolment(&q, at(0)).is_ok());

        let mut q = req(EnrolmentPolicy::Restricted, &e, &r);
        assert!(decide_enrolment(&q, at(0)).is_ok());
        q.applicant.email_verified = false;
        assert!(
            decide_enrolment(&q, at(0)).is_err(),
            "unverified addresses prove nothing"
        );
        let other = email("eve@acme.test.evil.test");
        let q = req(EnrolmentPolicy::Restricted, &other, &r);
        assert!(decide_enrolment(&q, at(0)).is_err());
        let groups = vec!["staff".to_owned()];
        let r2 = Restriction {
            group: Some("staff".into()),
            ..Default::default()
        };
        let mut q = req(EnrolmentPolicy::Restricted, &other, &r2);
        q.applicant.groups = &groups;
        assert!(decide_enrolment(&q, at(0)).is_ok());
    }

    #[test]
    fn shifting_keeps_order() {
        let d = RunDates {
            enrol_opens_at: Some(at(0)),
            enrol_closes_at: Some(at(5)),
            starts_at: Some(at(1)),
            ends_at: Some(at(9)),
        };
        let s = d.shifted(Duration::days(365));
        assert!(s.validate().is_ok());
        assert_eq!(s.starts_at, Some(at(1) + Duration::days(365)));
    }

    proptest! {
        #[test]
        fn percent_is_bounded(c in -10i64..1000, t in -10i64..1000) {
            let p = percent(c, t);
            prop_assert!((0..=100).contains(&p));
            if t > 0 && c >= t { prop_assert_eq!(p, 100); }
        }

        #[test]
        fn never_over_capacity_without_waiting_list(cap in 0i64..50, enrolled in 0i64..60) {
            let e = email("a@x.test");
            let r = Restriction::default();
            let mut q = req(EnrolmentPolicy::Open, &e, &r);
            q.capacity = Some(cap);
            q.enrolled = enrolled;
            let d = decide_enrolment(&q, at(0));
            if enrolled >= cap { prop_assert!(d.is_err()); } else { prop_assert_eq!(d.unwrap(), EnrolDecision::Enrol); }
        }
    }
}
