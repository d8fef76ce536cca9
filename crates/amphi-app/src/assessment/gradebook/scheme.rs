//! A run's grading scheme: categories (weights, drop-lowest), the pass mark and the columns,
//! read (and cached by run version) for every grade computed.

use crate::App;
use amphi_core::grades::{self as core_grades, Category, Gradebook, LearnerScores, Score};
use amphi_core::{Result, TenantId};
use amphi_db::repo::grades as repo;
use amphi_db::{rows, Conn};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;

/// Default pass mark of a run without settings.
pub const DEFAULT_PASS_PERCENT: f64 = 50.0;

/// Id of the category every run starts with.
pub const DEFAULT_CATEGORY: &str = "main";

/// A category as configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CategorySetting {
    /// Stable id (letters, digits, `-`, `_`).
    pub id: String,
    /// Name shown to learners.
    pub name: String,
    /// Weight among categories (only ratios matter).
    pub weight: f64,
    /// How many of its lowest items to drop.
    #[serde(default)]
    pub drop_lowest: u32,
    /// Count only graded items (missing ones do not count as 0).
    #[serde(default)]
    pub only_graded: bool,
}

/// The grading scheme of a run as stored.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// Categories, in order.
    pub categories: Vec<CategorySetting>,
    /// Pass mark in percent.
    pub pass_percent: f64,
    /// Grade items, in order.
    pub items: Vec<rows::GradeItem>,
}

impl Scheme {
    /// The scheme as the grading rules take it.
    pub(super) fn book(&self) -> Gradebook {
        Gradebook {
            categories: self
                .categories
                .iter()
                .map(|c| Category {
                    id: c.id.clone(),
                    weight: c.weight,
                    drop_lowest: c.drop_lowest,
                    only_graded: c.only_graded,
                })
                .collect(),
            items: self
                .items
                .iter()
                .map(|i| core_grades::GradeItem {
                    id: i.id.to_string(),
                    category: i.category.clone(),
                    max_points: i.max_points,
                    weight: i.weight,
                    extra_credit: i.extra_credit,
                })
                .collect(),
            pass_percent: self.pass_percent,
        }
    }
}

/// The one category of a run without settings.
fn default_categories() -> Vec<CategorySetting> {
    vec![CategorySetting {
        id: DEFAULT_CATEGORY.into(),
        name: String::new(),
        weight: 1.0,
        drop_lowest: 0,
        only_graded: false,
    }]
}

/// Schemes cached by run and version, as the run structure is: every write to a run's
/// gradebook settings or grade items bumps the run's `version` in the same transaction
/// (`amphi_db::repo::grades`).
pub type SchemeCache = crate::memo::RunCache<Scheme>;

/// The scheme of a run whose `version` the caller read (with its access check), from the
/// cache when it holds that version, else read on `c` and kept. `c` is the primary (the
/// caller's transaction): what it reads is at least as new as `version`, so the cache never
/// keeps an older scheme under a newer version.
pub(super) async fn scheme_at(
    c: &impl Conn,
    app: &App,
    tenant: TenantId,
    run: Uuid,
    version: i64,
) -> Result<Scheme> {
    if let Some(s) = app.scheme_cache.get(tenant, run, version) {
        return Ok(Scheme::clone(&s));
    }
    let s = scheme(c, tenant, run).await?;
    app.scheme_cache
        .put(tenant, run, version, Arc::new(s.clone()));
    Ok(s)
}

/// Loads a run's scheme (two indexed reads).
pub async fn scheme(c: &impl Conn, tenant: TenantId, run: Uuid) -> Result<Scheme> {
    let (categories, pass_percent) = match repo::settings(c, tenant, run).await? {
        Some(s) => (
            serde_json::from_str(&s.categories).unwrap_or_else(|_| default_categories()),
            s.pass_percent,
        ),
        None => (default_categories(), DEFAULT_PASS_PERCENT),
    };
    Ok(Scheme {
        categories,
        pass_percent,
        items: repo::items(c, tenant, run).await?,
    })
}

/// A learner's grade rows as the grading rules take them.
pub(super) fn learner_scores(rows: &[rows::Grade], total_override: Option<f64>) -> LearnerScores {
    let mut s = LearnerScores {
        total_override,
        ..Default::default()
    };
    for g in rows {
        let id = g.grade_item_id.to_string();
        let score = if g.excused {
            Score::Excused
        } else {
            g.points.map(Score::Points).unwrap_or(Score::Missing)
        };
        s.scores.insert(id.clone(), score);
        if let Some(o) = g.override_points {
            s.item_overrides.insert(id, o);
        }
    }
    s
}
