//! LTI 1.3 Advantage, the platform's vocabulary: claim and scope names, the LIS roles a course
//! role maps to, how an external tool item is shown and completed, the score progress values
//! of Assignment and Grade Services, and the substitution of custom parameter variables.
//! Pure values: the signing lives in `amphi-lti`, the storage in `amphi-db`.

use crate::course::CourseRole;
use crate::str_enum::str_enum;

/// The LTI version every message carries.
pub const LTI_VERSION: &str = "1.3.0";

/// Claim names (`https://purl.imsglobal.org/spec/lti/claim/…` and the services').
pub mod claim {
    /// `message_type`.
    pub const MESSAGE_TYPE: &str = "https://purl.imsglobal.org/spec/lti/claim/message_type";
    /// `version`.
    pub const VERSION: &str = "https://purl.imsglobal.org/spec/lti/claim/version";
    /// `deployment_id`.
    pub const DEPLOYMENT_ID: &str = "https://purl.imsglobal.org/spec/lti/claim/deployment_id";
    /// `target_link_uri`.
    pub const TARGET_LINK_URI: &str = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri";
    /// `resource_link`.
    pub const RESOURCE_LINK: &str = "https://purl.imsglobal.org/spec/lti/claim/resource_link";
    /// `roles`.
    pub const ROLES: &str = "https://purl.imsglobal.org/spec/lti/claim/roles";
    /// `context`.
    pub const CONTEXT: &str = "https://purl.imsglobal.org/spec/lti/claim/context";
    /// `tool_platform`.
    pub const TOOL_PLATFORM: &str = "https://purl.imsglobal.org/spec/lti/claim/tool_platform";
    /// `launch_presentation`.
    pub const LAUNCH_PRESENTATION: &str =
        "https://purl.imsglobal.org/spec/lti/claim/launch_presentation";
    /// `custom`.
    pub const CUSTOM: &str = "https://purl.imsglobal.org/spec/lti/claim/custom";
    /// `lis`.
    pub const LIS: &str = "https://purl.imsglobal.org/spec/lti/claim/lis";
    /// Assignment and Grade Services endpoint.
    pub const AGS_ENDPOINT: &str = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
    /// Names and Role Provisioning Services endpoint.
    pub const NRPS: &str = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice";
    /// Deep linking settings (in a deep linking request).
    pub const DL_SETTINGS: &str =
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings";
    /// Content items (in a deep linking response).
    pub const DL_CONTENT_ITEMS: &str = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items";
    /// Opaque data returned as sent (deep linking).
    pub const DL_DATA: &str = "https://purl.imsglobal.org/spec/lti-dl/claim/data";
    /// A message shown to the person after deep linking.
    pub const DL_MSG: &str = "https://purl.imsglobal.org/spec/lti-dl/claim/msg";
    /// An error message after deep linking.
    pub const DL_ERRORMSG: &str = "https://purl.imsglobal.org/spec/lti-dl/claim/errormsg";
}

/// OAuth 2 scopes of the services.
pub mod scope {
    /// Line items: read and write.
    pub const LINEITEM: &str = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem";
    /// Line items: read.
    pub const LINEITEM_READONLY: &str =
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly";
    /// Results: read.
    pub const RESULT_READONLY: &str =
        "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly";
    /// Scores: write.
    pub const SCORE: &str = "https://purl.imsglobal.org/spec/lti-ags/scope/score";
    /// Memberships: read.
    pub const NRPS: &str =
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly";
    /// The AGS scopes, in the order the claim lists them.
    pub const AGS: &[&str] = &[LINEITEM, LINEITEM_READONLY, RESULT_READONLY, SCORE];
}

/// Media types of the services.
pub mod media {
    /// One line item.
    pub const LINEITEM: &str = "application/vnd.ims.lis.v2.lineitem+json";
    /// A list of line items.
    pub const LINEITEM_CONTAINER: &str = "application/vnd.ims.lis.v2.lineitemcontainer+json";
    /// A score.
    pub const SCORE: &str = "application/vnd.ims.lis.v1.score+json";
    /// A list of results.
    pub const RESULT_CONTAINER: &str = "application/vnd.ims.lis.v2.resultcontainer+json";
    /// A membership container.
    pub const MEMBERSHIP_CONTAINER: &str =
        "application/vnd.ims.lti-nrps.v2.membershipcontainer+json";
}

/// The deep linking content types the platform takes: tool links, links, files (as links) and
/// HTML (sanitised).
pub const CONTENT_TYPES: &[&str] = &["ltiResourceLink", "link", "html", "file"];

/// Message types.
pub mod message {
    /// A launch of a resource link.
    pub const RESOURCE_LINK: &str = "LtiResourceLinkRequest";
    /// The content picker.
    pub const DEEP_LINKING_REQUEST: &str = "LtiDeepLinkingRequest";
    /// The content picker's answer.
    pub const DEEP_LINKING_RESPONSE: &str = "LtiDeepLinkingResponse";
}

/// LIS role URIs.
pub mod role {
    /// Context role: learner.
    pub const LEARNER: &str = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner";
    /// Context role: instructor.
    pub const INSTRUCTOR: &str = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor";
    /// Context sub-role: teaching assistant.
    pub const TEACHING_ASSISTANT: &str =
        "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant";
    /// Context role: mentor (an observer).
    pub const MENTOR: &str = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor";
    /// Context role: administrator.
    pub const CONTEXT_ADMIN: &str =
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator";
    /// Institution role: administrator.
    pub const INSTITUTION_ADMIN: &str =
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator";
    /// System role: administrator.
    pub const SYSTEM_ADMIN: &str =
        "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator";
    /// Institution role: a student.
    pub const INSTITUTION_STUDENT: &str =
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student";
    /// Institution role: a teacher.
    pub const INSTITUTION_INSTRUCTOR: &str =
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor";
}

/// Who the person is beyond their course role, for the institution and system roles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// Administers the tenant.
    pub tenant_admin: bool,
    /// Administers the platform.
    pub platform_admin: bool,
}

/// The LIS roles of a person in a course run: their course role (none for an administrator
/// looking at a run they are not a member of), then institution and system roles.
pub fn lis_roles(course_role: Option<CourseRole>, standing: Standing) -> Vec<&'static str> {
    let mut roles = Vec::with_capacity(4);
    match course_role {
        Some(CourseRole::Learner) => roles.extend([role::LEARNER, role::INSTITUTION_STUDENT]),
        Some(CourseRole::Instructor) => {
            roles.extend([role::INSTRUCTOR, role::INSTITUTION_INSTRUCTOR])
        }
        Some(CourseRole::TeachingAssistant) => {
            roles.extend([role::TEACHING_ASSISTANT, role::INSTRUCTOR])
        }
        Some(CourseRole::Observer) => roles.push(role::MENTOR),
        None => {}
    }
    if standing.tenant_admin || standing.platform_admin {
        roles.extend([role::CONTEXT_ADMIN, role::INSTITUTION_ADMIN]);
    }
    if standing.platform_admin {
        roles.push(role::SYSTEM_ADMIN);
    }
    roles
}

/// The course role an NRPS `role` filter names (full URI or the short context role name, in
/// any case: some tools lowercase the URLs they follow).
pub fn role_filter(raw: &str) -> Option<CourseRole> {
    let short = raw
        .rsplit(['#', '/'])
        .next()
        .unwrap_or(raw)
        .to_ascii_lowercase();
    match short.as_str() {
        "learner" => Some(CourseRole::Learner),
        "instructor" => Some(CourseRole::Instructor),
        "teachingassistant" | "teaching_assistant" => Some(CourseRole::TeachingAssistant),
        "mentor" | "observer" => Some(CourseRole::Observer),
        _ => None,
    }
}

/// The context roles of a member in a membership list.
pub fn membership_roles(r: CourseRole) -> Vec<&'static str> {
    lis_roles(Some(r), Standing::default())
        .into_iter()
        .filter(|u| u.contains("/membership"))
        .collect()
}

str_enum!(
    /// Where an external tool opens.
    Presentation {
        /// Inside the item page.
        Iframe = "iframe",
        /// In a new window (tools that refuse frames).
        Window = "window",
    }
);

str_enum!(
    /// When an external tool item counts as completed.
    ToolCompletion {
        /// When the learner opens it.
        Launch = "launch",
        /// When the tool reports a score.
        Score = "score",
        /// When the tool reports a score at or above the pass mark.
        Pass = "pass",
    }
);

str_enum!(
    /// A score's `activityProgress`.
    ActivityProgress {
        /// Not started.
        Initialized = "Initialized",
        /// Started.
        Started = "Started",
        /// Under way.
        InProgress = "InProgress",
        /// Handed in.
        Submitted = "Submitted",
        /// Finished.
        Completed = "Completed",
    }
);

str_enum!(
    /// A score's `gradingProgress`.
    GradingProgress {
        /// Final.
        FullyGraded = "FullyGraded",
        /// Final score still to come.
        Pending = "Pending",
        /// A person must grade it.
        PendingManual = "PendingManual",
        /// Grading failed.
        Failed = "Failed",
        /// Nothing to grade yet.
        NotReady = "NotReady",
    }
);

impl GradingProgress {
    /// Whether the score given is the one to put in the gradebook (the spec: only a
    /// `FullyGraded` score is final; others leave the gradebook empty for that learner).
    pub fn is_final(self) -> bool {
        self == GradingProgress::FullyGraded
    }
}

/// What the custom parameter substitution variables stand for in one launch. `None` is an
/// unknown or withheld value: the variable is then sent as written (LTI's rule).
#[derive(Debug, Clone, Default)]
pub struct Variables {
    /// `$User.id`, `$Person.sourcedId`.
    pub user_id: Option<String>,
    /// `$User.username`.
    pub username: Option<String>,
    /// `$Person.name.full`.
    pub name_full: Option<String>,
    /// `$Person.name.given`.
    pub name_given: Option<String>,
    /// `$Person.name.family`.
    pub name_family: Option<String>,
    /// `$Person.email.primary`.
    pub email: Option<String>,
    /// `$Context.id`, `$CourseSection.sourcedId`.
    pub context_id: Option<String>,
    /// `$Context.title`, `$CourseSection.title`.
    pub context_title: Option<String>,
    /// `$Context.label`, `$CourseSection.label`.
    pub context_label: Option<String>,
    /// `$ResourceLink.id`.
    pub resource_link_id: Option<String>,
    /// `$ResourceLink.title`.
    pub resource_link_title: Option<String>,
    /// `$Message.locale`.
    pub locale: Option<String>,
    /// `$ResourceLink.available.endDateTime` and others are not provided.
    pub tool_platform_guid: Option<String>,
}

impl Variables {
    fn value(&self, name: &str) -> Option<&str> {
        let v = match name {
            "User.id" | "Person.sourcedId" => &self.user_id,
            "User.username" => &self.username,
            "Person.name.full" => &self.name_full,
            "Person.name.given" => &self.name_given,
            "Person.name.family" => &self.name_family,
            "Person.email.primary" => &self.email,
            "Context.id" | "CourseSection.sourcedId" => &self.context_id,
            "Context.title" | "CourseSection.title" => &self.context_title,
            "Context.label" | "CourseSection.label" => &self.context_label,
            "ResourceLink.id" => &self.resource_link_id,
            "ResourceLink.title" => &self.resource_link_title,
            "Message.locale" => &self.locale,
            "ToolPlatformInstance.guid" => &self.tool_platform_guid,
            _ => return None,
        };
        v.as_deref()
    }

    /// A custom parameter's value with its variable substituted: a value that is exactly
    /// `$Name` of a known, available variable becomes that value; anything else is sent as
    /// written.
    pub fn substitute(&self, raw: &str) -> String {
        raw.strip_prefix('$')
            .and_then(|name| self.value(name))
            .map(str::to_owned)
            .unwrap_or_else(|| raw.to_owned())
    }
}

/// Custom parameters as typed by an administrator: one `name=value` a line (blank lines and
/// lines starting with `#` skipped). A line without `=`, or a name that is not made of
/// letters, digits, `_`, `-` and `.`, is refused with its line number.
pub fn parse_custom(text: &str) -> Result<Vec<(String, String)>, usize> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(i + 1);
        };
        let k = k.trim();
        let ok = !k.is_empty()
            && k.len() <= 100
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !ok || v.len() > 2000 {
            return Err(i + 1);
        }
        out.push((k.to_owned(), v.trim().to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn course_roles_map_to_lis_roles() {
        let none = Standing::default();
        assert_eq!(
            lis_roles(Some(CourseRole::Learner), none),
            [role::LEARNER, role::INSTITUTION_STUDENT]
        );
        assert_eq!(
            lis_roles(Some(CourseRole::Instructor), none),
            [role::INSTRUCTOR, role::INSTITUTION_INSTRUCTOR]
        );
        assert!(lis_roles(Some(CourseRole::TeachingAssistant), none)
            .contains(&role::TEACHING_ASSISTANT));
        assert_eq!(lis_roles(Some(CourseRole::Observer), none), [role::MENTOR]);
        let admin = lis_roles(
            None,
            Standing {
                tenant_admin: true,
                platform_admin: false,
            },
        );
        assert_eq!(admin, [role::CONTEXT_ADMIN, role::INSTITUTION_ADMIN]);
        let root = lis_roles(
            Some(CourseRole::Instructor),
            Standing {
                tenant_admin: false,
                platform_admin: true,
            },
        );
        assert!(root.contains(&role::SYSTEM_ADMIN) && root.contains(&role::INSTRUCTOR));
    }

    #[test]
    fn membership_lists_context_roles_only() {
        assert_eq!(membership_roles(CourseRole::Learner), [role::LEARNER]);
        assert_eq!(
            membership_roles(CourseRole::TeachingAssistant),
            [role::TEACHING_ASSISTANT, role::INSTRUCTOR]
        );
    }

    #[test]
    fn role_filters_read_uris_and_short_names() {
        assert_eq!(role_filter(role::LEARNER), Some(CourseRole::Learner));
        assert_eq!(role_filter("Instructor"), Some(CourseRole::Instructor));
        assert_eq!(role_filter(role::MENTOR), Some(CourseRole::Observer));
        assert_eq!(
            role_filter(role::TEACHING_ASSISTANT),
            Some(CourseRole::TeachingAssistant)
        );
        assert_eq!(role_filter("learner"), Some(CourseRole::Learner));
        assert_eq!(role_filter("Janitor"), None);
    }

    #[test]
    fn variables_substitute_known_values_only() {
        let v = Variables {
            user_id: Some("u1".into()),
            context_title: Some("Project management".into()),
            ..Variables::default()
        };
        assert_eq!(v.substitute("$User.id"), "u1");
        assert_eq!(v.substitute("$Context.title"), "Project management");
        // Withheld (privacy) and unknown variables are sent as written.
        assert_eq!(
            v.substitute("$Person.email.primary"),
            "$Person.email.primary"
        );
        assert_eq!(v.substitute("$Nope.nothing"), "$Nope.nothing");
        assert_eq!(v.substitute("level 2"), "level 2");
    }

    #[test]
    fn custom_parameters_parse_line_by_line() {
        assert_eq!(
            parse_custom("level=2\n\n# comment\nwho = $User.id \n").unwrap(),
            [
                ("level".to_owned(), "2".to_owned()),
                ("who".to_owned(), "$User.id".to_owned())
            ]
        );
        assert_eq!(parse_custom("ok=1\nno equals here"), Err(2));
        assert_eq!(parse_custom("bad name=1"), Err(1));
    }

    #[test]
    fn only_fully_graded_scores_are_final() {
        assert!(GradingProgress::FullyGraded.is_final());
        assert!(!GradingProgress::Pending.is_final());
        assert_eq!(
            "InProgress".parse::<ActivityProgress>().ok(),
            Some(ActivityProgress::InProgress)
        );
    }
}
