//! The rows the repositories return: each table's plain data, by the name a person would use.
//! The entities behind them (and sea-orm) stay inside this crate, so no other crate can build a
//! query.

pub use crate::entities::announcement::Model as Announcement;
pub use crate::entities::api_token::Model as ApiToken;
pub use crate::entities::audit_event::Model as AuditEvent;
pub use crate::entities::certificate::Model as Certificate;
pub use crate::entities::certificate_run_setting::Model as CertificateRunSetting;
pub use crate::entities::certificate_template::Model as CertificateTemplate;
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
pub use crate::entities::mfa_recovery_code::Model as MfaRecoveryCode;
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
