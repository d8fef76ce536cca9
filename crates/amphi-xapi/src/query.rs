//! The Statements resource's GET parameters, read strictly: an unknown or repeated parameter,
//! `statementId` with `voidedStatementId`, or either of them with a filter is refused.

use crate::format::Format;
use crate::validate::is_iri;
use crate::{agent, time, Result, XapiError};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What a GET of statements asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatementQuery {
    /// One statement by id (not voided).
    pub statement_id: Option<Uuid>,
    /// One voided statement by id.
    pub voided_statement_id: Option<Uuid>,
    /// The key of the `agent` filter ([`agent::key`]).
    pub agent: Option<String>,
    /// The verb IRI.
    pub verb: Option<String>,
    /// The activity IRI.
    pub activity: Option<String>,
    /// The registration.
    pub registration: Option<Uuid>,
    /// `activity` matches any activity the statement names.
    pub related_activities: bool,
    /// `agent` matches any agent the statement names.
    pub related_agents: bool,
    /// Stored strictly after.
    pub since: Option<DateTime<Utc>>,
    /// Stored at or before.
    pub until: Option<DateTime<Utc>>,
    /// Most statements to return; 0 for the server's maximum.
    pub limit: u32,
    /// The format.
    pub format: Format,
    /// Answer `multipart/mixed` with the attachments' content.
    pub attachments: bool,
    /// Oldest first.
    pub ascending: bool,
}

const PARAMS: [&str; 14] = [
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
];

/// Reads the parameters (name, value pairs as sent).
pub fn parse(pairs: &[(String, String)]) -> Result<StatementQuery> {
    let mut q = StatementQuery::default();
    let mut seen: Vec<&str> = Vec::new();
    for (k, v) in pairs {
        let Some(name) = PARAMS.iter().find(|p| **p == k.as_str()) else {
            return Err(XapiError::new(
                k,
                "is not a parameter of the Statements resource",
            ));
        };
        if seen.contains(name) {
            return Err(XapiError::new(k, "is given twice"));
        }
        seen.push(name);
        let uuid = || {
            Uuid::parse_str(v)
                .ok()
                .filter(|_| v.len() == 36)
                .ok_or_else(|| XapiError::new(k, "must be a UUID"))
        };
        // Case aside (Python clients send `True`).
        let boolean = || match v.to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(XapiError::new(k, "must be true or false")),
        };
        let iri = || {
            if is_iri(v) {
                Ok(v.clone())
            } else {
                Err(XapiError::new(k, "must be an IRI"))
            }
        };
        let stamp =
            || time::parse_utc(v).ok_or_else(|| XapiError::new(k, "must be an ISO 8601 timestamp"));
        match *name {
            "statementId" => q.statement_id = Some(uuid()?),
            "voidedStatementId" => q.voided_statement_id = Some(uuid()?),
            "agent" => q.agent = agent::key(&agent::param(k, v)?),
            "verb" => q.verb = Some(iri()?),
            "activity" => q.activity = Some(iri()?),
            "registration" => q.registration = Some(uuid()?),
            "related_activities" => q.related_activities = boolean()?,
            "related_agents" => q.related_agents = boolean()?,
            "since" => q.since = Some(stamp()?),
            "until" => q.until = Some(stamp()?),
            "limit" => {
                q.limit = v
                    .parse()
                    .map_err(|_| XapiError::new(k, "must be a whole number, 0 or more"))?
            }
            "format" => q.format = Format::parse(v)?,
            "attachments" => q.attachments = boolean()?,
            "ascending" => q.ascending = boolean()?,
            _ => {}
        }
    }
    if q.statement_id.is_some() && q.voided_statement_id.is_some() {
        return Err(XapiError::new(
            "statementId",
            "cannot be given with voidedStatementId",
        ));
    }
    if q.statement_id.is_some() || q.voided_statement_id.is_some() {
        if let Some(other) = seen
            .iter()
            .find(|p| !["statementId", "voidedStatementId", "format", "attachments"].contains(p))
        {
            return Err(XapiError::new(
                *other,
                "cannot be given with statementId or voidedStatementId",
            ));
        }
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Result<StatementQuery> {
        parse(
            &pairs
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn every_parameter() {
        let q = p(&[
            ("agent", r#"{"mbox":"mailto:a@example.com"}"#),
            ("verb", "http://example.com/v"),
            ("activity", "http://example.com/a"),
            ("registration", "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"),
            ("related_activities", "true"),
            ("related_agents", "false"),
            ("since", "2026-01-01T00:00:00Z"),
            ("until", "2026-12-31T00:00:00+01:00"),
            ("limit", "10"),
            ("format", "ids"),
            ("attachments", "true"),
            ("ascending", "true"),
        ])
        .unwrap_or_default();
        assert_eq!(q.agent.as_deref(), Some("mbox::mailto:a@example.com"));
        assert_eq!(q.limit, 10);
        assert_eq!(q.format, Format::Ids);
        assert!(q.related_activities && !q.related_agents && q.attachments && q.ascending);
        assert!(q.since.is_some() && q.until.is_some() && q.registration.is_some());
    }

    #[test]
    fn refusals() {
        for bad in [
            vec![("colour", "red")],
            vec![("limit", "-1")],
            vec![("limit", "ten")],
            vec![("verb", "v")],
            vec![("agent", "{}")],
            vec![("since", "yesterday")],
            vec![("ascending", "yes")],
            vec![("format", "pretty")],
            vec![("registration", "r")],
            vec![("limit", "1"), ("limit", "2")],
            vec![
                ("statementId", "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"),
                ("voidedStatementId", "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"),
            ],
            vec![
                ("statementId", "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"),
                ("verb", "http://example.com/v"),
            ],
        ] {
            assert!(p(&bad).is_err(), "{bad:?}");
        }
        assert!(p(&[
            ("statementId", "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"),
            ("format", "ids"),
            ("attachments", "true"),
        ])
        .is_ok());
    }
}
