//! The xAPI Learning Record Store of each tenant: its clients (key and hashed secret, scopes),
//! the short-lived learner tokens Amphi gives content, the statements (the JSON as stored, plus
//! the columns the spec's queries filter on, as 64-bit hashes of the identifiers so that every
//! index entry is small whatever the length of an IRI), the agents and activities each
//! statement names (for `related_agents` / `related_activities`), attachments' content (by
//! SHA-256), the activities' merged definitions, and the State, Activity Profile and Agent
//! Profile documents.
//!
//! `seq` orders statements as stored; pages are read by keyset on it, never by OFFSET.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum XapiClients {
    Table,
    Id,
    TenantId,
    Name,
    Key,
    SecretHash,
    Scopes,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum XapiTokens {
    Table,
    Key,
    SecretHash,
    TenantId,
    UserId,
    Scopes,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum XapiStatements {
    Table,
    Seq,
    TenantId,
    StatementId,
    StoredAt,
    Timestamp,
    VerbH,
    ActorH,
    ActivityH,
    ObjectAgentH,
    AuthorityH,
    ObjectStatement,
    Registration,
    Voids,
    Voided,
    Body,
}

#[derive(DeriveIden)]
enum XapiAttachments {
    Table,
    TenantId,
    Sha2,
    ContentType,
    Length,
    Content,
}

#[derive(DeriveIden)]
enum XapiActivities {
    Table,
    TenantId,
    IdHash,
    ActivityId,
    Definition,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum XapiDocuments {
    Table,
    TenantId,
    KeyHash,
    ScopeHash,
    Kind,
    ActivityId,
    AgentKey,
    Registration,
    DocId,
    Content,
    ContentType,
    Etag,
    UpdatedAt,
}

fn ts(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn uuid(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c).uuid().not_null().to_owned()
}

fn hash(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c).big_integer().null().to_owned()
}

fn tenant_fk(
    table: impl IntoIden + 'static,
    col: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Tenants::Table, Tenants::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// An index on `table` named `name` over `cols`.
fn index(name: &str, table: impl IntoIden + 'static, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(c);
    }
    i.to_owned()
}

fn d(c: impl IntoIden + 'static) -> DynIden {
    c.into_iden()
}

/// A table of (tenant, hash of what a statement names, the statement's seq).
async fn related(m: &SchemaManager<'_>, table: &str, hash_col: &str) -> Result<(), DbErr> {
    let (t, h) = (Alias::new(table), Alias::new(hash_col));
    let (tenant, seq) = (Alias::new("tenant_id"), Alias::new("seq"));
    m.create_table(
        Table::create()
            .table(t.clone())
            .col(uuid(tenant.clone()))
            .col(ColumnDef::new(h.clone()).big_integer().not_null())
            .col(ColumnDef::new(seq.clone()).big_integer().not_null())
            .primary_key(Index::create().col(tenant).col(h).col(seq.clone()))
            .foreign_key(
                ForeignKey::create()
                    .from(t, seq)
                    .to(XapiStatements::Table, XapiStatements::Seq)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned(),
    )
    .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(XapiClients::Table)
                .col(
                    ColumnDef::new(XapiClients::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(uuid(XapiClients::TenantId))
                .col(ColumnDef::new(XapiClients::Name).string_len(200).not_null())
                .col(ColumnDef::new(XapiClients::Key).string_len(64).not_null())
                .col(
                    ColumnDef::new(XapiClients::SecretHash)
                        .string_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(XapiClients::Scopes)
                        .string_len(500)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(XapiClients::Enabled)
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .col(ts(XapiClients::CreatedAt))
                .col(ts(XapiClients::UpdatedAt))
                .foreign_key(&mut tenant_fk(XapiClients::Table, XapiClients::TenantId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "xapi_clients_key",
                XapiClients::Table,
                vec![d(XapiClients::Key)],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "xapi_clients_tenant",
            XapiClients::Table,
            vec![d(XapiClients::TenantId), d(XapiClients::Name)],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(XapiTokens::Table)
                .col(
                    ColumnDef::new(XapiTokens::Key)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(XapiTokens::SecretHash)
                        .string_len(64)
                        .not_null(),
                )
                .col(uuid(XapiTokens::TenantId))
                .col(uuid(XapiTokens::UserId))
                .col(
                    ColumnDef::new(XapiTokens::Scopes)
                        .string_len(500)
                        .not_null(),
                )
                .col(ts(XapiTokens::ExpiresAt))
                .foreign_key(&mut tenant_fk(XapiTokens::Table, XapiTokens::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(XapiTokens::Table, XapiTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "xapi_tokens_expires",
            XapiTokens::Table,
            vec![d(XapiTokens::ExpiresAt)],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(XapiStatements::Table)
                .col(
                    ColumnDef::new(XapiStatements::Seq)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(uuid(XapiStatements::TenantId))
                .col(uuid(XapiStatements::StatementId))
                .col(ts(XapiStatements::StoredAt))
                .col(
                    ColumnDef::new(XapiStatements::Timestamp)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(XapiStatements::VerbH)
                        .big_integer()
                        .not_null(),
                )
                .col(hash(XapiStatements::ActorH))
                .col(hash(XapiStatements::ActivityH))
                .col(hash(XapiStatements::ObjectAgentH))
                .col(hash(XapiStatements::AuthorityH))
                .col(
                    ColumnDef::new(XapiStatements::ObjectStatement)
                        .uuid()
                        .null(),
                )
                .col(ColumnDef::new(XapiStatements::Registration).uuid().null())
                .col(ColumnDef::new(XapiStatements::Voids).uuid().null())
                .col(
                    ColumnDef::new(XapiStatements::Voided)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ColumnDef::new(XapiStatements::Body).text().not_null())
                .foreign_key(&mut tenant_fk(
                    XapiStatements::Table,
                    XapiStatements::TenantId,
                ))
                .to_owned(),
        )
        .await?;
        use XapiStatements as S;
        m.create_index(
            index(
                "xapi_statements_id",
                S::Table,
                vec![d(S::TenantId), d(S::StatementId)],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        // One index per filter the spec names, each ending with `seq` so that a page in
        // either order is a range scan; agent + activity (the common query of a learner's
        // record in one course) has its own.
        for (name, cols) in [
            ("xapi_statements_seq", vec![d(S::TenantId), d(S::Seq)]),
            (
                "xapi_statements_actor_activity",
                vec![d(S::TenantId), d(S::ActorH), d(S::ActivityH), d(S::Seq)],
            ),
            (
                "xapi_statements_actor",
                vec![d(S::TenantId), d(S::ActorH), d(S::Seq)],
            ),
            (
                "xapi_statements_object_agent",
                vec![d(S::TenantId), d(S::ObjectAgentH), d(S::Seq)],
            ),
            (
                "xapi_statements_activity",
                vec![d(S::TenantId), d(S::ActivityH), d(S::Seq)],
            ),
            (
                "xapi_statements_verb",
                vec![d(S::TenantId), d(S::VerbH), d(S::Seq)],
            ),
            (
                "xapi_statements_registration",
                vec![d(S::TenantId), d(S::Registration), d(S::Seq)],
            ),
            ("xapi_statements_voids", vec![d(S::TenantId), d(S::Voids)]),
            (
                "xapi_statements_authority",
                vec![d(S::TenantId), d(S::AuthorityH), d(S::Seq)],
            ),
        ] {
            m.create_index(index(name, S::Table, cols)).await?;
        }

        // What a statement names, for `related_agents` and `related_activities`.
        related(m, "xapi_statement_agents", "agent_h").await?;
        related(m, "xapi_statement_activities", "activity_h").await?;

        m.create_table(
            Table::create()
                .table(XapiAttachments::Table)
                .col(uuid(XapiAttachments::TenantId))
                .col(
                    ColumnDef::new(XapiAttachments::Sha2)
                        .string_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(XapiAttachments::ContentType)
                        .string_len(255)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(XapiAttachments::Length)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(XapiAttachments::Content).binary().not_null())
                .primary_key(
                    Index::create()
                        .col(XapiAttachments::TenantId)
                        .col(XapiAttachments::Sha2),
                )
                .foreign_key(&mut tenant_fk(
                    XapiAttachments::Table,
                    XapiAttachments::TenantId,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(XapiActivities::Table)
                .col(uuid(XapiActivities::TenantId))
                .col(
                    ColumnDef::new(XapiActivities::IdHash)
                        .string_len(64)
                        .not_null(),
                )
                .col(ColumnDef::new(XapiActivities::ActivityId).text().not_null())
                .col(ColumnDef::new(XapiActivities::Definition).text().not_null())
                .col(ts(XapiActivities::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(XapiActivities::TenantId)
                        .col(XapiActivities::IdHash),
                )
                .foreign_key(&mut tenant_fk(
                    XapiActivities::Table,
                    XapiActivities::TenantId,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(XapiDocuments::Table)
                .col(uuid(XapiDocuments::TenantId))
                .col(
                    ColumnDef::new(XapiDocuments::KeyHash)
                        .string_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(XapiDocuments::ScopeHash)
                        .string_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(XapiDocuments::Kind)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(XapiDocuments::ActivityId).text().not_null())
                .col(ColumnDef::new(XapiDocuments::AgentKey).text().not_null())
                .col(
                    ColumnDef::new(XapiDocuments::Registration)
                        .string_len(36)
                        .not_null(),
                )
                .col(ColumnDef::new(XapiDocuments::DocId).text().not_null())
                .col(ColumnDef::new(XapiDocuments::Content).binary().not_null())
                .col(
                    ColumnDef::new(XapiDocuments::ContentType)
                        .string_len(255)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(XapiDocuments::Etag)
                        .string_len(40)
                        .not_null(),
                )
                .col(ts(XapiDocuments::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(XapiDocuments::TenantId)
                        .col(XapiDocuments::KeyHash),
                )
                .foreign_key(&mut tenant_fk(
                    XapiDocuments::Table,
                    XapiDocuments::TenantId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "xapi_documents_scope",
            XapiDocuments::Table,
            vec![
                d(XapiDocuments::TenantId),
                d(XapiDocuments::ScopeHash),
                d(XapiDocuments::UpdatedAt),
            ],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "xapi_documents",
            "xapi_activities",
            "xapi_attachments",
            "xapi_statement_activities",
            "xapi_statement_agents",
            "xapi_statements",
            "xapi_tokens",
            "xapi_clients",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
