//! The outline of a run: its modules and items, added, edited, moved and deleted.

use super::item_form::{settings_for, ItemForm};
use super::{commit_structure, parse_when};
use crate::courses::{access, content, writable, Course, Run, RunAccess};
use crate::users::User;
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::course::ItemKind;
use amphi_core::error::Fields;
use amphi_core::policy::Action;
use amphi_core::validate;
use amphi_core::{Error, Result, TenantId};
use amphi_core::{ItemId, ModuleId, RunId};
use amphi_db::repo::structure;
use amphi_db::{rows, Tx};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Loads a run the user may edit and that has not ended (archived runs are read-only).
async fn editable(app: &App, user: &User, tenant: TenantId, run_id: Uuid) -> Result<RunAccess> {
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    writable(&a.run, app.now())?;
    Ok(a)
}

/// The title typed for a module or an item (required, 200 characters at most).
fn title_of(fields: &mut Fields, raw: &str) -> Option<String> {
    fields.check(validate::short_text("title", raw, 200))
}

/// The "available from" date typed for a module or an item, in the person's time zone: None
/// when refused, Some(None) when empty.
fn available_from_of(
    fields: &mut Fields,
    raw: Option<&str>,
    user: &User,
) -> Option<Option<DateTime<Utc>>> {
    fields.check(parse_when("available_from", raw, &user.time_zone))
}

/// A module as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleForm {
    /// Title.
    pub title: Option<String>,
    /// Available from (empty: as soon as the run starts).
    pub available_from: Option<String>,
    /// Visible to learners.
    pub published: Option<bool>,
}

/// Adds a module at the end of the run.
pub async fn add_module(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    f: ModuleForm,
) -> Result<rows::CourseModule> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run_id = run_id.0;
    editable(app, user, tenant, run_id).await?;
    let mut fields = Fields::new();
    let title = title_of(&mut fields, f.title.as_deref().unwrap_or(""));
    let from = available_from_of(&mut fields, f.available_from.as_deref(), user).flatten();
    fields.finish()?;
    let Some(title) = title else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let now = app.now();
    let txn = app.db.begin().await?;
    let position = structure::modules(&txn, tenant, run_id)
        .await?
        .iter()
        .map(|m| m.position)
        .max()
        .unwrap_or(0)
        + 1;
    let m = structure::insert_module(
        &txn,
        tenant,
        rows::CourseModule {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            run_id,
            position,
            title,
            available_from: from,
            published: f.published.unwrap_or(false),
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    commit_structure(txn, app, tenant, run_id).await?;
    Ok(m)
}

/// Edits a module.
pub async fn update_module(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    module_id: ModuleId,
    f: ModuleForm,
) -> Result<rows::CourseModule> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, module_id) = (run_id.0, module_id.0);
    editable(app, user, tenant, run_id).await?;
    let m = structure::module(app.db.reader(), tenant, run_id, module_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut fields = Fields::new();
    let mut new = m.clone();
    if let Some(t) = f.title.as_deref().and_then(|t| title_of(&mut fields, t)) {
        new.title = t;
    }
    if f.available_from.is_some() {
        if let Some(d) = available_from_of(&mut fields, f.available_from.as_deref(), user) {
            new.available_from = d;
        }
    }
    if let Some(p) = f.published {
        new.published = p;
    }
    fields.finish()?;
    let now = app.now();
    new.updated_at = now;
    let txn = app.db.begin().await?;
    let m = structure::update_module(&txn, tenant, &m, &new).await?;
    commit_structure(txn, app, tenant, run_id).await?;
    Ok(m)
}

/// Adds an item at the end of a module.
pub async fn add_item(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    module_id: ModuleId,
    f: ItemForm,
) -> Result<rows::CourseItem> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, module_id) = (run_id.0, module_id.0);
    editable(app, user, tenant, run_id).await?;
    structure::module(app.db.reader(), tenant, run_id, module_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut fields = Fields::new();
    let kind = f
        .kind
        .as_deref()
        .unwrap_or_default()
        .parse::<ItemKind>()
        .ok();
    if kind.is_none() {
        fields.push("kind", codes::CHOICE_INVALID);
    }
    let title = title_of(&mut fields, f.title.as_deref().unwrap_or(""));
    let body = fields
        .check(parse_body(f.body.as_deref().unwrap_or("")))
        .unwrap_or_default();
    let settings = settings_for(app, tenant, kind, &f, &serde_json::json!({}), &mut fields).await?;
    let from = available_from_of(&mut fields, f.available_from.as_deref(), user).flatten();
    let requires = parse_requires(
        app,
        tenant,
        run_id,
        f.requires_item_id.as_deref(),
        None,
        &mut fields,
    )
    .await?;
    fields.finish()?;
    let (Some(title), Some(kind)) = (title, kind) else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let now = app.now();
    let txn = app.db.begin().await?;
    let position = structure::items(&txn, tenant, run_id)
        .await?
        .iter()
        .filter(|i| i.module_id == module_id)
        .map(|i| i.position)
        .max()
        .unwrap_or(0)
        + 1;
    let m = structure::insert_item(
        &txn,
        tenant,
        rows::CourseItem {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            run_id,
            module_id,
            position,
            kind: kind.as_str().into(),
            title,
            body,
            settings: settings.to_string(),
            published: f.published.unwrap_or(false),
            available_from: from,
            requires_item_id: requires.flatten(),
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    commit_structure(txn, app, tenant, run_id).await?;
    Ok(m)
}

fn parse_body(raw: &str) -> Result<String> {
    if raw.chars().count() > 200_000 {
        return Err(Error::field("body", codes::TOO_LONG));
    }
    if content::has_unsafe_html(raw) {
        return Err(Error::field("body", codes::UNSAFE_HTML));
    }
    Ok(raw.to_owned())
}

async fn parse_requires(
    app: &App,
    tenant: TenantId,
    run: Uuid,
    raw: Option<&str>,
    this: Option<Uuid>,
    fields: &mut Fields,
) -> Result<Option<Option<Uuid>>> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Some(None));
    }
    let Ok(id) = raw.parse::<Uuid>() else {
        fields.push("requires_item_id", codes::CHOICE_INVALID);
        return Ok(None);
    };
    if Some(id) == this
        || structure::item(app.db.reader(), tenant, run, id)
            .await?
            .is_none()
    {
        fields.push("requires_item_id", codes::CHOICE_INVALID);
        return Ok(None);
    }
    Ok(Some(Some(id)))
}

/// Edits an item.
pub async fn update_item(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
    f: ItemForm,
) -> Result<rows::CourseItem> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, item_id) = (run_id.0, item_id.0);
    editable(app, user, tenant, run_id).await?;
    let it = structure::item(app.db.reader(), tenant, run_id, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut fields = Fields::new();
    let kind = it.kind()?;
    if f.kind.as_deref().is_some_and(|k| k != kind.as_str()) {
        fields.push("kind", codes::KIND_FIXED);
    }
    let current: serde_json::Value = serde_json::from_str(&it.settings).unwrap_or_default();
    let settings = settings_for(app, tenant, Some(kind), &f, &current, &mut fields).await?;
    let requires = parse_requires(
        app,
        tenant,
        run_id,
        f.requires_item_id.as_deref(),
        Some(item_id),
        &mut fields,
    )
    .await?;
    let mut new = it.clone();
    if let Some(t) = f.title.as_deref().and_then(|t| title_of(&mut fields, t)) {
        new.title = t;
    }
    if let Some(b) = &f.body {
        if let Some(b) = fields.check(parse_body(b)) {
            new.body = b;
        }
    }
    if f.available_from.is_some() {
        if let Some(d) = available_from_of(&mut fields, f.available_from.as_deref(), user) {
            new.available_from = d;
        }
    }
    if let Some(r) = requires {
        new.requires_item_id = r;
    }
    if let Some(p) = f.published {
        new.published = p;
    }
    fields.finish()?;
    new.settings = settings.to_string();
    let now = app.now();
    new.updated_at = now;
    let txn = app.db.begin().await?;
    let m = structure::save_item(&txn, tenant, &it, &new).await?;
    if kind == ItemKind::Package {
        crate::packages::worth_changed(&txn, &it, &new, now).await?;
    }
    commit_structure(txn, app, tenant, run_id).await?;
    Ok(m)
}

/// Which way to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Earlier.
    Up,
    /// Later.
    Down,
}

/// A move in the outline: one or more places up or down (the buttons move by one, a drag by
/// several).
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
pub struct Move {
    /// `up` or `down`.
    pub direction: Direction,
    /// How many places (default 1).
    pub steps: Option<u32>,
}

/// The list with the element matching `is_it` moved `steps` places in `direction` (stopping at
/// either end); None when it cannot move at all.
fn moved<T>(mut list: Vec<T>, is_it: impl Fn(&T) -> bool, mv: Move) -> Result<Option<Vec<T>>> {
    let i = list.iter().position(is_it).ok_or(Error::NotFound)?;
    let steps = mv.steps.unwrap_or(1).clamp(1, 10_000) as usize;
    let j = match mv.direction {
        Direction::Up => i.saturating_sub(steps),
        Direction::Down => (i + steps).min(list.len().saturating_sub(1)),
    };
    if i == j {
        return Ok(None);
    }
    let el = list.remove(i);
    list.insert(j, el);
    Ok(Some(list))
}

/// A module or an item: a row with a place in the outline, written through its own repository
/// function.
trait Placed: Clone {
    /// The row's id.
    fn id(&self) -> Uuid;
    /// Its place (1, 2, …) and its last change.
    fn place(&mut self) -> (&mut i32, &mut DateTime<Utc>);
    /// Writes the columns of `new` that differ from `old`.
    async fn save(txn: &Tx, tenant: TenantId, old: &Self, new: &Self) -> Result<()>;
}

/// Modules and items keep their place in the same columns; each is written by its own
/// repository function.
macro_rules! placed {
    ($row:ty, $save:path) => {
        impl Placed for $row {
            fn id(&self) -> Uuid {
                self.id
            }
            fn place(&mut self) -> (&mut i32, &mut DateTime<Utc>) {
                (&mut self.position, &mut self.updated_at)
            }
            async fn save(txn: &Tx, tenant: TenantId, old: &Self, new: &Self) -> Result<()> {
                $save(txn, tenant, old, new).await?;
                Ok(())
            }
        }
    };
}

placed!(rows::CourseModule, structure::update_module);
placed!(rows::CourseItem, structure::save_item);

/// Numbers the rows 1, 2, … in the order given, writing only those whose place changes.
async fn renumber<'a, T: Placed + 'a>(
    txn: &Tx,
    tenant: TenantId,
    list: impl IntoIterator<Item = &'a T>,
    now: DateTime<Utc>,
) -> Result<()> {
    for (pos, old) in list.into_iter().enumerate() {
        let mut new = old.clone();
        let (position, updated_at) = new.place();
        if *position != pos as i32 + 1 {
            *position = pos as i32 + 1;
            *updated_at = now;
            T::save(txn, tenant, old, &new).await?;
        }
    }
    Ok(())
}

/// Moves the row `id` of `list` (a run's modules, or a module's items) and commits the new
/// places; nothing is written when it cannot move.
async fn reorder<T: Placed>(
    app: &App,
    txn: Tx,
    tenant: TenantId,
    run_id: Uuid,
    list: Vec<T>,
    id: Uuid,
    mv: Move,
) -> Result<()> {
    let Some(list) = moved(list, |x| x.id() == id, mv)? else {
        return Ok(());
    };
    renumber(&txn, tenant, &list, app.now()).await?;
    commit_structure(txn, app, tenant, run_id).await?;
    Ok(())
}

/// Moves a module one place up or down.
pub async fn move_module(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    module_id: ModuleId,
    mv: Move,
) -> Result<()> {
    let tenant = caller.tenant;
    editable(app, &caller.user, tenant, run_id.0).await?;
    let txn = app.db.begin().await?;
    let mods = structure::modules(&txn, tenant, run_id.0).await?;
    reorder(app, txn, tenant, run_id.0, mods, module_id.0, mv).await
}

/// Moves an item one place up or down within its module.
pub async fn move_item(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
    mv: Move,
) -> Result<()> {
    let tenant = caller.tenant;
    editable(app, &caller.user, tenant, run_id.0).await?;
    let txn = app.db.begin().await?;
    let all = structure::items(&txn, tenant, run_id.0).await?;
    let module = all
        .iter()
        .find(|i| i.id == item_id.0)
        .ok_or(Error::NotFound)?
        .module_id;
    let items: Vec<rows::CourseItem> = all.into_iter().filter(|i| i.module_id == module).collect();
    reorder(app, txn, tenant, run_id.0, items, item_id.0, mv).await
}

/// Moves an item to the end of another module of the same run.
pub async fn move_item_to(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
    module_id: ModuleId,
) -> Result<()> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, item_id, module_id) = (run_id.0, item_id.0, module_id.0);
    editable(app, user, tenant, run_id).await?;
    let now = app.now();
    let txn = app.db.begin().await?;
    if structure::module(&txn, tenant, run_id, module_id)
        .await?
        .is_none()
    {
        return Err(Error::field("module_id", codes::CHOICE_INVALID));
    }
    let all = structure::items(&txn, tenant, run_id).await?;
    let it = all
        .iter()
        .find(|i| i.id == item_id)
        .ok_or(Error::NotFound)?;
    if it.module_id == module_id {
        return Ok(());
    }
    let last = all
        .iter()
        .filter(|i| i.module_id == module_id)
        .map(|i| i.position)
        .max()
        .unwrap_or(0);
    let mut new = it.clone();
    new.module_id = module_id;
    new.position = last + 1;
    new.updated_at = now;
    structure::save_item(&txn, tenant, it, &new).await?;
    // Close the gap the item left in its old module.
    let old_module = it.module_id;
    let rest: Vec<&rows::CourseItem> = all
        .iter()
        .filter(|i| i.module_id == old_module && i.id != item_id)
        .collect();
    renumber(&txn, tenant, rest, now).await?;
    commit_structure(txn, app, tenant, run_id).await?;
    Ok(())
}

/// What deleting a module or an item would take with it, for the confirmation the course team
/// reads first.
#[derive(Debug, Clone, Serialize)]
pub struct Deletion {
    /// The module's or the item's title.
    pub title: String,
    /// The items that would go: a module's items, or the item alone.
    pub items: Vec<DeletedItem>,
}

/// An item a deletion would take, with the learners' work on it.
#[derive(Debug, Clone, Serialize)]
pub struct DeletedItem {
    /// Title.
    pub title: String,
    /// Kind (`quiz`, `page`, …).
    pub kind: String,
    /// Quiz attempts on it.
    pub attempts: i64,
    /// Assignment or peer-assessment submissions on it.
    pub submissions: i64,
}

impl Deletion {
    /// Whether learners have work on any of the items: then the deletion is refused.
    pub fn has_work(&self) -> bool {
        self.items.iter().any(|i| i.attempts + i.submissions > 0)
    }
}

/// What a deletion takes: a module with its items, or one item.
#[derive(Clone, Copy)]
enum Part {
    Module(ModuleId),
    Item(ItemId),
}

/// What deleting `part` would take with it.
async fn deletion(app: &App, caller: &Caller, run_id: RunId, part: Part) -> Result<Deletion> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run_id = run_id.0;
    editable(app, user, tenant, run_id).await?;
    let c = app.db.reader();
    let items = structure::items(c, tenant, run_id).await?;
    let (title, chosen): (String, Vec<&rows::CourseItem>) = match part {
        Part::Module(m) => {
            let module = structure::module(c, tenant, run_id, m.0)
                .await?
                .ok_or(Error::NotFound)?;
            let chosen = items.iter().filter(|i| i.module_id == m.0).collect();
            (module.title, chosen)
        }
        Part::Item(i) => {
            let it = items.iter().find(|x| x.id == i.0).ok_or(Error::NotFound)?;
            (it.title.clone(), vec![it])
        }
    };
    let work = structure::work_by_item(c, tenant, run_id).await?;
    let items = chosen
        .into_iter()
        .map(|i| {
            let w = work.iter().find(|w| w.0 == i.id);
            DeletedItem {
                title: i.title.clone(),
                kind: i.kind.clone(),
                attempts: w.map_or(0, |w| w.1),
                submissions: w.map_or(0, |w| w.2),
            }
        })
        .collect();
    Ok(Deletion { title, items })
}

/// Deletes `part`; refused while learners have attempts or submissions on any item it takes
/// (their work and grades would go with it).
async fn delete(app: &App, caller: &Caller, run_id: RunId, part: Part) -> Result<()> {
    if deletion(app, caller, run_id, part).await?.has_work() {
        return Err(Error::Conflict(codes::ITEM_HAS_WORK));
    }
    let tenant = caller.tenant;
    let txn = app.db.begin().await?;
    match part {
        Part::Module(m) => structure::delete_module(&txn, tenant, m.0).await?,
        Part::Item(i) => structure::delete_item(&txn, tenant, i.0).await?,
    }
    commit_structure(txn, app, tenant, run_id.0).await?;
    Ok(())
}

/// What deleting a module would take with it (its items and the learners' work on them).
pub async fn module_deletion(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    module_id: ModuleId,
) -> Result<Deletion> {
    deletion(app, caller, run_id, Part::Module(module_id)).await
}

/// What deleting an item would take with it.
pub async fn item_deletion(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
) -> Result<Deletion> {
    deletion(app, caller, run_id, Part::Item(item_id)).await
}

/// Deletes an item and the learners' progress on it; refused while learners have attempts or
/// submissions on it (their work and grades would go with it).
pub async fn delete_item(app: &App, caller: &Caller, run_id: RunId, item_id: ItemId) -> Result<()> {
    delete(app, caller, run_id, Part::Item(item_id)).await
}

/// Deletes a module with its items; refused while learners have work on any of them.
pub async fn delete_module(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    module_id: ModuleId,
) -> Result<()> {
    delete(app, caller, run_id, Part::Module(module_id)).await
}

/// The run as its course team sees it: the run, its course, all modules and items.
pub struct Outline {
    /// The run.
    pub run: Run,
    /// Its course.
    pub course: Course,
    /// The enrolment code (staff see it).
    pub enrolment_code: Option<String>,
    /// Modules in order.
    pub modules: Vec<rows::CourseModule>,
    /// Items in order.
    pub items: Vec<rows::CourseItem>,
}

/// Loads the outline for editing.
pub async fn outline(app: &App, caller: &Caller, run_id: RunId) -> Result<Outline> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run_id = run_id.0;
    let a: RunAccess = access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    let course = crate::courses::course_of(app, tenant, &a.run).await?;
    Ok(Outline {
        run: Run::from_model(&a.run, app.now())?,
        course: course.try_into()?,
        enrolment_code: a.run.enrolment_code.clone(),
        modules: structure::modules(app.db.reader(), tenant, run_id).await?,
        items: structure::items(app.db.reader(), tenant, run_id).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stop_at_the_ends() {
        let m = |d, s| Move {
            direction: d,
            steps: Some(s),
        };
        assert_eq!(
            moved(vec![1, 2, 3, 4], |x| *x == 3, m(Direction::Up, 1)).unwrap(),
            Some(vec![1, 3, 2, 4])
        );
        assert_eq!(
            moved(vec![1, 2, 3, 4], |x| *x == 1, m(Direction::Down, 2)).unwrap(),
            Some(vec![2, 3, 1, 4])
        );
        assert_eq!(
            moved(vec![1, 2, 3, 4], |x| *x == 2, m(Direction::Down, 99)).unwrap(),
            Some(vec![1, 3, 4, 2])
        );
        assert_eq!(
            moved(vec![1, 2], |x| *x == 1, m(Direction::Up, 1)).unwrap(),
            None
        );
        assert!(moved(vec![1, 2], |x| *x == 5, m(Direction::Up, 1)).is_err());
    }
}
