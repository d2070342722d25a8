//! Tables of the framework catalog: stored framework versions, crosswalks and a change counter.

use sea_orm::DeriveIden;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, boolean, integer, string, string_null, text};

use crate::schema::Orgs;

/// One stored version of a framework. `owner_key` is `""` for the global catalog and the
/// organization id for a tenant-private framework; it exists because a unique index treats
/// NULLs as distinct, so `owner_org_id` alone could not keep `(id, version, owner)` unique.
#[derive(DeriveIden, Clone, Copy)]
pub enum CatalogFrameworks {
    Table,
    RowId,
    FrameworkId,
    Version,
    OwnerKey,
    OwnerOrgId,
    Builtin,
    Content,
    ContentHash,
    NodeCount,
    AssessableCount,
    ImportedAt,
}

/// One crosswalk (a typed link set between two frameworks), with its links as JSON.
#[derive(DeriveIden, Clone, Copy)]
pub enum CatalogCrosswalks {
    Table,
    RowId,
    CrosswalkId,
    OwnerKey,
    OwnerOrgId,
    SourceFramework,
    TargetFramework,
    Authorship,
    Builtin,
    Content,
    ContentHash,
    LinkCount,
    ImportedAt,
}

/// A single row whose `generation` grows with every catalog change, so caches in any process
/// can tell with one cheap query whether they are stale.
#[derive(DeriveIden, Clone, Copy)]
pub enum CatalogMeta {
    Table,
    Id,
    Generation,
}

pub struct M0002Catalog;

impl MigrationName for M0002Catalog {
    fn name(&self) -> &str {
        "m0002_catalog"
    }
}

fn owner_fk(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, col).to(Orgs::Table, Orgs::Id).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0002Catalog {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CatalogFrameworks::Table)
                .col(string(CatalogFrameworks::RowId).primary_key())
                .col(string(CatalogFrameworks::FrameworkId))
                .col(string(CatalogFrameworks::Version))
                .col(string(CatalogFrameworks::OwnerKey))
                .col(string_null(CatalogFrameworks::OwnerOrgId))
                .col(boolean(CatalogFrameworks::Builtin))
                .col(text(CatalogFrameworks::Content))
                .col(string(CatalogFrameworks::ContentHash))
                .col(integer(CatalogFrameworks::NodeCount))
                .col(integer(CatalogFrameworks::AssessableCount))
                .col(big_integer(CatalogFrameworks::ImportedAt))
                .foreign_key(&mut owner_fk(CatalogFrameworks::Table, CatalogFrameworks::OwnerOrgId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_catalog_frameworks_id_version_owner")
                .table(CatalogFrameworks::Table)
                .col(CatalogFrameworks::FrameworkId)
                .col(CatalogFrameworks::Version)
                .col(CatalogFrameworks::OwnerKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_catalog_frameworks_owner")
                .table(CatalogFrameworks::Table)
                .col(CatalogFrameworks::OwnerKey)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CatalogCrosswalks::Table)
                .col(string(CatalogCrosswalks::RowId).primary_key())
                .col(string(CatalogCrosswalks::CrosswalkId))
                .col(string(CatalogCrosswalks::OwnerKey))
                .col(string_null(CatalogCrosswalks::OwnerOrgId))
                .col(string(CatalogCrosswalks::SourceFramework))
                .col(string(CatalogCrosswalks::TargetFramework))
                .col(string(CatalogCrosswalks::Authorship))
                .col(boolean(CatalogCrosswalks::Builtin))
                .col(text(CatalogCrosswalks::Content))
                .col(string(CatalogCrosswalks::ContentHash))
                .col(integer(CatalogCrosswalks::LinkCount))
                .col(big_integer(CatalogCrosswalks::ImportedAt))
                .foreign_key(&mut owner_fk(CatalogCrosswalks::Table, CatalogCrosswalks::OwnerOrgId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_catalog_crosswalks_id_owner")
                .table(CatalogCrosswalks::Table)
                .col(CatalogCrosswalks::CrosswalkId)
                .col(CatalogCrosswalks::OwnerKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CatalogMeta::Table)
                .col(integer(CatalogMeta::Id).primary_key())
                .col(big_integer(CatalogMeta::Generation))
                .to_owned(),
        )
        .await?;
        let first = Query::insert()
            .into_table(CatalogMeta::Table)
            .columns([CatalogMeta::Id, CatalogMeta::Generation])
            .values_panic([1.into(), 0i64.into()])
            .to_owned();
        m.exec_stmt(first).await?;
        Ok(())
    }
}
