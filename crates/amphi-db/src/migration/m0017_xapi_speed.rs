//! The LRS's statements, for writes and for StatementRefs.
//!
//! - `xapi_statements_refs` (tenant, seq) over the statements whose object is a StatementRef
//!   only: queries walk them in `seq` order to find those targeting a match (Communication
//!   2.1.3, "Filter Conditions for StatementRefs"), without reading any other statement.
//! - The indexes of `voids`, `object_agent_h` and `registration` keep only the rows that have
//!   one. Most statements have none (an activity as object, no registration, voiding
//!   nothing), and every row of a full index cost each stored statement a B-tree insert;
//!   a query filters on a value (`= x`, `IN (…)`), which tells either database the partial
//!   index holds every row it may want.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, columns, the column whose rows are kept) of the indexes made partial.
const PARTIAL: [(&str, &str, &str); 3] = [
    ("xapi_statements_voids", "tenant_id, voids", "voids"),
    (
        "xapi_statements_object_agent",
        "tenant_id, object_agent_h, seq",
        "object_agent_h",
    ),
    (
        "xapi_statements_registration",
        "tenant_id, registration, seq",
        "registration",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        c.execute_unprepared(
            "CREATE INDEX xapi_statements_refs ON xapi_statements (tenant_id, seq) \
             WHERE object_statement IS NOT NULL",
        )
        .await?;
        for (name, cols, kept) in PARTIAL {
            c.execute_unprepared(&format!("DROP INDEX {name}")).await?;
            c.execute_unprepared(&format!(
                "CREATE INDEX {name} ON xapi_statements ({cols}) WHERE {kept} IS NOT NULL"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        for (name, cols, _) in PARTIAL {
            c.execute_unprepared(&format!("DROP INDEX {name}")).await?;
            c.execute_unprepared(&format!("CREATE INDEX {name} ON xapi_statements ({cols})"))
                .await?;
        }
        c.execute_unprepared("DROP INDEX xapi_statements_refs")
            .await?;
        Ok(())
    }
}
