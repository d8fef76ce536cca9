//! What pages and the API show of certificates, run settings and the template, and the forms
//! that change them.

use super::codes::display_code;
use amphi_core::codes;
use amphi_core::{error::Fields, Result};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A certificate as the course team and its owner see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Certificate {
    /// Id.
    pub id: Uuid,
    /// The run.
    pub run_id: Uuid,
    /// The learner.
    pub user_id: Uuid,
    /// Verification code as printed (`ABCD-EFGH-JKMN`).
    pub code: String,
    /// `pending` (being made), `issued` or `revoked`.
    pub status: String,
    /// Learner's name as printed.
    pub learner_name: String,
    /// Course title as printed.
    pub course_title: String,
    /// Run name as printed.
    pub run_name: String,
    /// Course grade at issue, in percent.
    pub grade_percent: Option<f64>,
    /// Whether the grade is printed.
    pub show_grade: bool,
    /// `en` or `fr`.
    pub language: String,
    /// When it was issued.
    pub issued_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why it was revoked.
    pub revoke_reason: Option<String>,
    /// The certificate issued in its place.
    pub replaced_by: Option<Uuid>,
    /// Public verification page (path).
    pub verify_path: String,
}

impl From<rows::Certificate> for Certificate {
    fn from(m: rows::Certificate) -> Self {
        Certificate {
            verify_path: format!("/verify/{}", display_code(&m.code)),
            code: display_code(&m.code),
            id: m.id,
            run_id: m.run_id,
            user_id: m.user_id,
            status: m.status,
            learner_name: m.learner_name,
            course_title: m.course_title,
            run_name: m.run_name,
            grade_percent: m.grade_percent,
            show_grade: m.show_grade,
            language: m.language,
            issued_at: m.issued_at,
            revoked_at: m.revoked_at,
            revoke_reason: m.revoke_reason,
            replaced_by: m.replaced_by,
        }
    }
}

/// What the public verification page shows: only what the certificate itself prints.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// `valid` or `revoked`.
    pub status: String,
    /// The code as printed.
    pub code: String,
    /// Learner's name.
    pub learner_name: String,
    /// Course title.
    pub course_title: String,
    /// Run name.
    pub run_name: String,
    /// Date of issue.
    pub issued_at: Option<DateTime<Utc>>,
    /// Grade, if the certificate prints it.
    pub grade_percent: Option<f64>,
    /// Date of revocation.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A run's certificate settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    /// The run gives certificates.
    pub enabled: bool,
    /// Share of the items to complete besides passing, 0–100.
    pub min_completion_percent: i32,
    /// Print the grade; None: as the site's template says.
    pub show_grade: Option<bool>,
}

/// A signature of the template as stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub(super) struct StoredSignature {
    pub(super) name: String,
    pub(super) title: String,
    pub(super) image_key: Option<String>,
    pub(super) image_format: Option<String>,
}

/// A signature as the template page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SignatureView {
    /// Who signs.
    pub name: String,
    /// Their title.
    pub title: String,
    /// A signature image is set.
    pub has_image: bool,
}

/// The tenant's certificate template.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Template {
    /// Colour set for certificates (`#rrggbb`), if not the site's brand colour.
    pub colour: Option<String>,
    /// The colour used.
    pub effective_colour: String,
    /// Print grades unless a run says otherwise.
    pub show_grade: bool,
    /// A logo is set.
    pub has_logo: bool,
    /// Up to two signatures.
    pub signatures: Vec<SignatureView>,
}

/// The template form: colour, grade, the two signatures' names and titles.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TemplateForm {
    /// `#rrggbb`, or empty for the site's brand colour.
    #[serde(default)]
    pub colour: String,
    /// Print grades (form checkbox: present = yes).
    #[serde(default)]
    pub show_grade: Option<String>,
    /// First signature: name (empty: none).
    #[serde(default)]
    pub signature1_name: String,
    /// First signature: title.
    #[serde(default)]
    pub signature1_title: String,
    /// Second signature: name (empty: none).
    #[serde(default)]
    pub signature2_name: String,
    /// Second signature: title.
    #[serde(default)]
    pub signature2_title: String,
}

/// The run settings form (checkbox fields present = yes).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RunSettingsForm {
    /// Present: certificates are given.
    #[serde(default)]
    pub enabled: Option<String>,
    /// 0–100.
    #[serde(default)]
    pub min_completion_percent: String,
    /// `site`, `yes` or `no`.
    #[serde(default)]
    pub show_grade: String,
}

impl RunSettingsForm {
    /// The settings it describes, or field errors.
    pub fn parse(&self) -> Result<RunSettings> {
        let mut f = Fields::default();
        let min = self.min_completion_percent.trim();
        let min = if min.is_empty() {
            0
        } else {
            match min.parse::<i32>() {
                Ok(n) if (0..=100).contains(&n) => n,
                _ => {
                    f.push("min_completion_percent", codes::PERCENT_INVALID);
                    0
                }
            }
        };
        let show_grade = match self.show_grade.as_str() {
            "" | "site" => None,
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                f.push("show_grade", codes::CHOICE_INVALID);
                None
            }
        };
        f.finish()?;
        Ok(RunSettings {
            enabled: self.enabled.is_some(),
            min_completion_percent: min,
            show_grade,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use amphi_core::Error;

    #[test]
    fn run_settings_form() {
        let ok = RunSettingsForm {
            enabled: Some("on".into()),
            min_completion_percent: "80".into(),
            show_grade: "no".into(),
        }
        .parse()
        .unwrap_or_default();
        assert_eq!(
            ok,
            RunSettings {
                enabled: true,
                min_completion_percent: 80,
                show_grade: Some(false)
            }
        );
        for bad in ["101", "-1", "eighty"] {
            let e = RunSettingsForm {
                enabled: None,
                min_completion_percent: bad.into(),
                show_grade: String::new(),
            }
            .parse();
            assert!(matches!(e, Err(Error::Validation(_))), "{bad}");
        }
    }
}
