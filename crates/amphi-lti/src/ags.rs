//! Assignment and Grade Services 2.0 JSON: line items as tools send and receive them, scores
//! (`application/vnd.ims.lis.v1.score+json`) and results. Reading is strict: a missing or
//! wrong field is refused with its name, so nothing half-read reaches the gradebook.

use crate::LtiError;
use amphi_core::lti::{ActivityProgress, GradingProgress};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

/// Longest label, tag or resource id kept.
pub const MAX_TEXT: usize = 256;

/// A line item as a tool creates or replaces it.
#[derive(Debug, Clone, PartialEq)]
pub struct LineItemIn {
    /// `label`.
    pub label: String,
    /// `scoreMaximum` (> 0).
    pub score_maximum: f64,
    /// `resourceId`.
    pub resource_id: Option<String>,
    /// `tag`.
    pub tag: Option<String>,
    /// `resourceLinkId`.
    pub resource_link_id: Option<String>,
    /// `startDateTime`.
    pub start: Option<DateTime<Utc>>,
    /// `endDateTime`.
    pub end: Option<DateTime<Utc>>,
}

fn object(body: &[u8]) -> Result<Map<String, Value>, LtiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(LtiError::Malformed("a JSON object is expected".into())),
        Err(e) => Err(LtiError::Malformed(e.to_string())),
    }
}

fn text(m: &Map<String, Value>, name: &'static str) -> Result<Option<String>, LtiError> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= MAX_TEXT => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(LtiError::Field(name)),
    }
}

fn time(m: &Map<String, Value>, name: &'static str) -> Result<Option<DateTime<Utc>>, LtiError> {
    match text(m, name)? {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(&s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| LtiError::Field(name)),
    }
}

fn number(m: &Map<String, Value>, name: &'static str) -> Result<Option<f64>, LtiError> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or(LtiError::Field(name)),
        Some(_) => Err(LtiError::Field(name)),
    }
}

/// Reads a line item from a tool's request body.
pub fn line_item(body: &[u8]) -> Result<LineItemIn, LtiError> {
    let m = object(body)?;
    let label = text(&m, "label")?.ok_or(LtiError::Field("label"))?;
    let score_maximum = number(&m, "scoreMaximum")?
        .filter(|x| *x > 0.0 && *x <= 1e9)
        .ok_or(LtiError::Field("scoreMaximum"))?;
    let (start, end) = (time(&m, "startDateTime")?, time(&m, "endDateTime")?);
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            return Err(LtiError::Field("endDateTime"));
        }
    }
    Ok(LineItemIn {
        label,
        score_maximum,
        resource_id: text(&m, "resourceId")?,
        tag: text(&m, "tag")?,
        resource_link_id: text(&m, "resourceLinkId")?,
        start,
        end,
    })
}

/// A line item as the platform answers it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LineItemOut {
    /// Its URL.
    pub id: String,
    /// Label.
    pub label: String,
    /// Maximum.
    pub score_maximum: f64,
    /// `resourceId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The resource link (course item) it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_link_id: Option<String>,
    /// Start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<String>,
    /// End.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date_time: Option<String>,
}

/// A score as a tool posts it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreIn {
    /// `userId`: the learner's `sub`.
    pub user_id: String,
    /// `scoreGiven` (≥ 0), with `scoreMaximum` (> 0).
    pub given: Option<(f64, f64)>,
    /// `activityProgress`.
    pub activity: ActivityProgress,
    /// `gradingProgress`.
    pub grading: GradingProgress,
    /// `timestamp`: a score older than the one kept never replaces it.
    pub timestamp: DateTime<Utc>,
    /// `comment`.
    pub comment: Option<String>,
}

/// Reads a score from a tool's request body.
pub fn score(body: &[u8]) -> Result<ScoreIn, LtiError> {
    let m = object(body)?;
    let user_id = text(&m, "userId")?.ok_or(LtiError::Field("userId"))?;
    let given = number(&m, "scoreGiven")?;
    let maximum = number(&m, "scoreMaximum")?;
    let given = match (given, maximum) {
        (None, _) => None,
        (Some(g), _) if g < 0.0 => return Err(LtiError::Field("scoreGiven")),
        (Some(g), Some(x)) if x > 0.0 && x <= 1e9 => Some((g, x)),
        (Some(_), _) => return Err(LtiError::Field("scoreMaximum")),
    };
    let progress = |name: &'static str| -> Result<String, LtiError> {
        match m.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err(LtiError::Field(name)),
        }
    };
    let activity = progress("activityProgress")?
        .parse::<ActivityProgress>()
        .map_err(|_| LtiError::Field("activityProgress"))?;
    let grading = progress("gradingProgress")?
        .parse::<GradingProgress>()
        .map_err(|_| LtiError::Field("gradingProgress"))?;
    let timestamp = time(&m, "timestamp")?.ok_or(LtiError::Field("timestamp"))?;
    let comment = match m.get("comment") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= 10_000 => Some(s.clone()),
        Some(_) => return Err(LtiError::Field("comment")),
    };
    Ok(ScoreIn {
        user_id,
        given,
        activity,
        grading,
        timestamp,
        comment,
    })
}

/// One result as the platform answers it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResultOut {
    /// Its URL.
    pub id: String,
    /// The line item's URL.
    pub score_of: String,
    /// The learner's `sub`.
    pub user_id: String,
    /// The score given, as posted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_score: Option<f64>,
    /// The maximum it was given on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_maximum: Option<f64>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Vec<u8> {
        v.to_string().into_bytes()
    }

    #[test]
    fn a_score_reads_with_every_field() {
        let s = score(&body(json!({
            "userId": "u1", "scoreGiven": 83, "scoreMaximum": 100, "comment": "Well done",
            "activityProgress": "Completed", "gradingProgress": "FullyGraded",
            "timestamp": "2026-04-16T18:54:36.736+02:00"
        })))
        .unwrap();
        assert_eq!(s.user_id, "u1");
        assert_eq!(s.given, Some((83.0, 100.0)));
        assert_eq!(s.activity, ActivityProgress::Completed);
        assert!(s.grading.is_final());
        assert_eq!(s.timestamp.to_rfc3339(), "2026-04-16T16:54:36.736+00:00");
        // A score without scoreGiven (progress only) reads too.
        let s = score(&body(json!({"userId": "u1", "activityProgress": "Started",
            "gradingProgress": "NotReady", "timestamp": "2026-04-16T18:54:36Z"})))
        .unwrap();
        assert_eq!(s.given, None);
    }

    #[test]
    fn a_wrong_score_names_its_field() {
        let base = json!({"userId": "u1", "scoreGiven": 5, "scoreMaximum": 10,
            "activityProgress": "Completed", "gradingProgress": "FullyGraded",
            "timestamp": "2026-04-16T18:54:36Z"});
        let refused = |k: &str, v: Value| {
            let mut b = base.clone();
            if v.is_null() {
                b.as_object_mut().unwrap().remove(k);
            } else {
                b[k] = v;
            }
            score(&body(b)).unwrap_err()
        };
        assert_eq!(refused("userId", Value::Null), LtiError::Field("userId"));
        assert_eq!(
            refused("scoreGiven", json!(-1)),
            LtiError::Field("scoreGiven")
        );
        assert_eq!(
            refused("scoreGiven", json!("5")),
            LtiError::Field("scoreGiven")
        );
        assert_eq!(
            refused("scoreMaximum", json!(0)),
            LtiError::Field("scoreMaximum")
        );
        assert_eq!(
            refused("scoreMaximum", Value::Null),
            LtiError::Field("scoreMaximum")
        );
        assert_eq!(
            refused("activityProgress", json!("Done")),
            LtiError::Field("activityProgress")
        );
        assert_eq!(
            refused("gradingProgress", Value::Null),
            LtiError::Field("gradingProgress")
        );
        assert_eq!(
            refused("timestamp", json!("yesterday")),
            LtiError::Field("timestamp")
        );
        assert_eq!(
            refused("timestamp", Value::Null),
            LtiError::Field("timestamp")
        );
        assert!(matches!(score(b"[1,2]"), Err(LtiError::Malformed(_))));
        assert!(matches!(score(b"{"), Err(LtiError::Malformed(_))));
    }

    #[test]
    fn line_items_need_a_label_and_a_positive_maximum() {
        let l = line_item(&body(
            json!({"label": "Level 1", "scoreMaximum": 50, "tag": "game",
            "resourceId": "lvl1", "startDateTime": "2026-01-01T00:00:00Z"}),
        ))
        .unwrap();
        assert_eq!(l.label, "Level 1");
        assert_eq!(l.score_maximum, 50.0);
        assert_eq!(l.tag.as_deref(), Some("game"));
        assert_eq!(l.resource_link_id, None);
        assert_eq!(
            line_item(&body(json!({"scoreMaximum": 50}))),
            Err(LtiError::Field("label"))
        );
        assert_eq!(
            line_item(&body(json!({"label": "x", "scoreMaximum": 0}))),
            Err(LtiError::Field("scoreMaximum"))
        );
        assert_eq!(
            line_item(&body(json!({"label": "x", "scoreMaximum": 5,
                "startDateTime": "2026-02-01T00:00:00Z", "endDateTime": "2026-01-01T00:00:00Z"}))),
            Err(LtiError::Field("endDateTime"))
        );
    }

    #[test]
    fn a_line_item_answers_in_camel_case() {
        let v = serde_json::to_value(LineItemOut {
            id: "https://a/l/1".into(),
            label: "L".into(),
            score_maximum: 10.0,
            resource_id: None,
            tag: Some("t".into()),
            resource_link_id: Some("r".into()),
            start_date_time: None,
            end_date_time: None,
        })
        .unwrap();
        assert_eq!(
            v,
            json!({"id": "https://a/l/1", "label": "L", "scoreMaximum": 10.0, "tag": "t",
                   "resourceLinkId": "r"})
        );
    }
}
