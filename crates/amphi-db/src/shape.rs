//! The SQL of hot queries, rendered by sea-query once per backend and reused.
//!
//! Rendering a select to SQL text (quoting every column, aliasing a joined entity's columns)
//! cost more server CPU than running it on the course home: a [`Shape`] renders its query once
//! with marker parameters, remembers which bound value each marker became, and afterwards only
//! fills in the values. Debug builds (the test suite, on both backends) also render the query
//! in full on every call and check that the reused SQL and values are identical.

use sea_orm::sea_query::Value;
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, FromQueryResult, QueryTrait, SelectTwoModel, SelectorTrait,
    Statement,
};
use std::sync::OnceLock;

const MARK: &str = "\u{1}amphi-shape-param-";

enum Slot {
    Param(usize),
    Const(Value),
}

struct Rendered {
    sql: String,
    values: Vec<Slot>,
}

/// One query whose SQL never changes between calls, only its parameter values. Declare it as
/// a `static` next to the function that runs it.
pub struct Shape {
    postgres: OnceLock<Rendered>,
    sqlite: OnceLock<Rendered>,
}

impl Default for Shape {
    fn default() -> Self {
        Self::new()
    }
}

impl Shape {
    /// A shape not rendered yet.
    pub const fn new() -> Self {
        Self {
            postgres: OnceLock::new(),
            sqlite: OnceLock::new(),
        }
    }

    /// The statement of `build(params)` for `backend`. `build` must use each of `params` as a
    /// bound value (`col.eq(p[0].clone())`) and make the same query whatever their values.
    pub fn statement<Q: QueryTrait>(
        &self,
        backend: DbBackend,
        params: &[Value],
        build: impl Fn(&[Value]) -> Q,
    ) -> Statement {
        let cell = match backend {
            DbBackend::Postgres => &self.postgres,
            _ => &self.sqlite,
        };
        let r = cell.get_or_init(|| {
            let marks: Vec<Value> = (0..params.len())
                .map(|i| Value::String(Some(Box::new(format!("{MARK}{i}")))))
                .collect();
            let st = build(&marks).build(backend);
            let values = st
                .values
                .map(|v| v.0)
                .unwrap_or_default()
                .into_iter()
                .map(|v| match &v {
                    Value::String(Some(s)) if s.starts_with(MARK) => s[MARK.len()..]
                        .parse()
                        .map(Slot::Param)
                        .unwrap_or(Slot::Const(v)),
                    _ => Slot::Const(v),
                })
                .collect();
            Rendered {
                sql: st.sql,
                values,
            }
        });
        let values: Vec<Value> = r
            .values
            .iter()
            .map(|s| match s {
                Slot::Param(i) => params[*i].clone(),
                Slot::Const(v) => v.clone(),
            })
            .collect();
        let st = Statement::from_sql_and_values(backend, r.sql.clone(), values);
        #[cfg(debug_assertions)]
        {
            let full = build(params).build(backend);
            assert_eq!(full.sql, st.sql, "a Shape's query changed with its values");
            assert_eq!(full.values, st.values, "a Shape's values are out of place");
        }
        st
    }

    /// Runs the shape and reads the first row as `M`.
    pub async fn one<M: FromQueryResult, Q: QueryTrait>(
        &self,
        c: &impl ConnectionTrait,
        params: &[Value],
        build: impl Fn(&[Value]) -> Q,
    ) -> Result<Option<M>, DbErr> {
        let st = self.statement(c.get_database_backend(), params, build);
        match c.query_one(st).await? {
            Some(row) => Ok(Some(M::from_query_result(&row, "")?)),
            None => Ok(None),
        }
    }

    /// Runs the shape and reads every row as `M`.
    pub async fn all<M: FromQueryResult, Q: QueryTrait>(
        &self,
        c: &impl ConnectionTrait,
        params: &[Value],
        build: impl Fn(&[Value]) -> Q,
    ) -> Result<Vec<M>, DbErr> {
        let st = self.statement(c.get_database_backend(), params, build);
        c.query_all(st)
            .await?
            .iter()
            .map(|row| M::from_query_result(row, ""))
            .collect()
    }

    /// Runs a shape made of a `select_also` (two entities) and reads every row.
    pub async fn all_two<M: FromQueryResult, N: FromQueryResult, Q: QueryTrait>(
        &self,
        c: &impl ConnectionTrait,
        params: &[Value],
        build: impl Fn(&[Value]) -> Q,
    ) -> Result<Vec<(M, Option<N>)>, DbErr> {
        let st = self.statement(c.get_database_backend(), params, build);
        c.query_all(st)
            .await?
            .into_iter()
            .map(SelectTwoModel::<M, N>::from_raw_query_result)
            .collect()
    }

    /// Runs a shape made of a `select_also` (two entities) and reads its first row.
    pub async fn one_two<M: FromQueryResult, N: FromQueryResult, Q: QueryTrait>(
        &self,
        c: &impl ConnectionTrait,
        params: &[Value],
        build: impl Fn(&[Value]) -> Q,
    ) -> Result<Option<(M, Option<N>)>, DbErr> {
        let st = self.statement(c.get_database_backend(), params, build);
        c.query_one(st)
            .await?
            .map(SelectTwoModel::<M, N>::from_raw_query_result)
            .transpose()
    }
}
