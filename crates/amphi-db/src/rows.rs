//! The rows the repositories return: each table's plain data, by the name a person would use.
//! The entities behind them (and sea-orm) stay inside this crate, so no other crate can build a
//! query.

pub use crate::entities::announcement::Model as Announcement;
pub use crate::entities::api_token::Model as ApiToken;
pub use crate::entities::audit_event::Model as AuditEvent;
pub use crate::entities::certificate::Model as Certificate;
pub use crate::entities::certificate_run_setting::Model as CertificateRunSetting;
pub use crate::entities::certificate_template::Model as CertificateTemplate;
pub use crate::entities::cmi5_session::Model as Cmi5Session;
pub use crate::entities::course::Model as Course;
pub use crate::entities::course_item::Model as CourseItem;
pub use crate::entities::course_module::Model as CourseModule;
pub use crate::entities::course_run::Model as CourseRun;
pub use crate::entities::email_token::Model as EmailToken;
pub use crate::entities::enrolment::Model as Enrolment;
pub use crate::entities::external_identity::Model as ExternalIdentity;
pub use crate::entities::grade::Model as Grade;
pub use crate::entities::grade_event::Model as GradeEvent;
pub use crate::entities::grade_item::Model as GradeItem;
pub use crate::entities::grade_override::Model as GradeOverride;
pub use crate::entities::gradebook_setting::Model as GradebookSetting;
pub use crate::entities::identity_provider::Model as IdentityProvider;
pub use crate::entities::invitation::Model as Invitation;
pub use crate::entities::item_progress::Model as ItemProgress;
pub use crate::entities::job::Model as Job;
pub use crate::entities::lti_deployment::Model as LtiDeployment;
pub use crate::entities::lti_key::Model as LtiKey;
pub use crate::entities::lti_line_item::Model as LtiLineItem;
pub use crate::entities::lti_replay::Model as LtiReplay;
pub use crate::entities::lti_score::Model as LtiScore;
pub use crate::entities::lti_token::Model as LtiToken;
pub use crate::entities::lti_tool::Model as LtiTool;
pub use crate::entities::mfa_recovery_code::Model as MfaRecoveryCode;
pub use crate::entities::package::Model as Package;
pub use crate::entities::package_attempt::Model as PackageAttempt;
pub use crate::entities::package_sco::Model as PackageSco;
pub use crate::entities::peer_assignment::Model as PeerAssignment;
pub use crate::entities::peer_review::Model as PeerReview;
pub use crate::entities::question::Model as Question;
pub use crate::entities::quiz_attempt::Model as QuizAttempt;
pub use crate::entities::review_flag::Model as ReviewFlag;
pub use crate::entities::session::Model as Session;
pub use crate::entities::setting::Model as Setting;
pub use crate::entities::shop_order::Model as ShopOrder;
pub use crate::entities::sso_grant::Model as SsoGrant;
pub use crate::entities::sso_login_state::Model as SsoLoginState;
pub use crate::entities::sso_replay::Model as SsoReplay;
pub use crate::entities::stored_file::Model as StoredFile;
pub use crate::entities::submission::Model as Submission;
pub use crate::entities::submission_file::Model as SubmissionFile;
pub use crate::entities::tenant::Model as Tenant;
pub use crate::entities::tenant_host::Model as TenantHost;
pub use crate::entities::user::Model as User;
pub use crate::entities::voucher::Model as Voucher;
pub use crate::entities::xapi_attachment::Model as XapiAttachment;
pub use crate::entities::xapi_client::Model as XapiClient;
pub use crate::entities::xapi_document::Model as XapiDocument;
pub use crate::entities::xapi_statement::Model as XapiStatement;
pub use crate::entities::xapi_token::Model as XapiToken;

use crate::stored::stored;
use amphi_core::assessment::{AttemptStatus, FlagStatus, QuestionType, SubmissionStatus};
use amphi_core::certificate::CertificateStatus;
use amphi_core::course::{EnrolmentStatus, ItemKind, ProgressState};
use amphi_core::grades::GradeEventKind;
use amphi_core::identity::{GrantKind, LoginStateKind, ProviderKind, ReplayKind};
use amphi_core::lti::{ActivityProgress, GradingProgress};
use amphi_core::Result;

/// Accessors that read a row's kind or status column as its enum. A name this build does not
/// know (a row written by a newer version, or edited by hand) is an internal error naming the
/// column and the value, never a panic. Code outside this crate compares these, never the
/// column's text.
macro_rules! named_columns {
    ($($row:ty { $($(#[$doc:meta])* $accessor:ident: $enum:ty = $field:ident @ $column:literal;)+ })+) => {
        $(impl $row {
            $($(#[$doc])*
            pub fn $accessor(&self) -> Result<$enum> {
                stored($column, &self.$field)
            })+
        })+
    };
}

named_columns! {
    LtiScore {
        /// How far the learner got in the tool's activity.
        activity: ActivityProgress = activity_progress @ "lti_scores.activity_progress";
        /// Whether the score is final.
        grading: GradingProgress = grading_progress @ "lti_scores.grading_progress";
    }
    CourseItem {
        /// What the item is.
        kind: ItemKind = kind @ "course_items.kind";
    }
    Enrolment {
        /// Where the enrolment stands.
        status: EnrolmentStatus = status @ "enrolments.status";
    }
    ItemProgress {
        /// How far the learner got with the item.
        state: ProgressState = state @ "item_progress.state";
    }
    Question {
        /// The type of the question.
        kind: QuestionType = kind @ "questions.kind";
    }
    Submission {
        /// Whether the work is a draft or handed in.
        status: SubmissionStatus = status @ "submissions.status";
    }
    QuizAttempt {
        /// Whether the attempt is open or submitted.
        status: AttemptStatus = status @ "quiz_attempts.status";
    }
    ReviewFlag {
        /// Where the flag stands.
        status: FlagStatus = status @ "review_flags.status";
    }
    Certificate {
        /// Where the certificate stands.
        status: CertificateStatus = status @ "certificates.status";
    }
    GradeEvent {
        /// What changed the grade.
        kind: GradeEventKind = kind @ "grade_events.kind";
    }
    IdentityProvider {
        /// The provider's protocol.
        kind: ProviderKind = kind @ "identity_providers.kind";
    }
    SsoGrant {
        /// What the group rule granted.
        kind: GrantKind = kind @ "sso_grants.kind";
    }
    SsoLoginState {
        /// What the sign-in in progress waits for.
        kind: LoginStateKind = kind @ "sso_login_states.kind";
    }
    SsoReplay {
        /// What the remembered value is.
        kind: ReplayKind = kind @ "sso_replay.kind";
    }
}
