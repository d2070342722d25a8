//! Migration `M0003Intel`: sharing circles, collections, STIX objects, TAXII status
//! resources and the reporting flow of the information-sharing hub. Migration
//! `M0006Federation`: federation peers (remote TAXII collections) with their sync state, and
//! the peer each pulled object came from. `M0007IntelIngest`: fewer random-order indexes on
//! STIX objects, for bulk ingest. `M0011IntelScale`: the `match[type]` page index and the
//! log of deleted objects that incremental matching reads.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean, integer, string, string_null, text, text_null,
};

use crate::intel::schema::*;

pub(crate) struct M0003Intel;

// Named by hand: the derive names a migration after its file, which is not unique.
impl MigrationName for M0003Intel {
    fn name(&self) -> &str {
        "m0003_intel"
    }
}

fn idx(name: &str, table: impl IntoIden + Clone, cols: &[IntelCol]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0003Intel {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IntelCircles::Table)
                .col(string(IntelCol::Id).primary_key())
                .col(string(IntelCol::Root).unique_key())
                .col(string(IntelCol::Title))
                .col(string(IntelCol::TitleJa))
                .col(text(IntelCol::Description))
                .col(string(IntelCol::Kind))
                .col(string(IntelCol::HubOrgId))
                .col(string(IntelCol::Secret))
                .col(big_integer(IntelCol::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IntelCircleMembers::Table)
                .col(string(IntelCol::CircleId))
                .col(string(IntelCol::OrgId))
                .col(big_integer(IntelCol::CreatedAt))
                .primary_key(Index::create().col(IntelCol::CircleId).col(IntelCol::OrgId))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("idx_intel_circle_members_org", IntelCircleMembers::Table, &[IntelCol::OrgId])).await?;
        m.create_table(
            Table::create()
                .table(IntelCollections::Table)
                .col(string(IntelCol::Id).primary_key())
                .col(string(IntelCol::CircleId))
                .col(string(IntelCol::Alias))
                .col(string(IntelCol::Title))
                .col(text(IntelCol::Description))
                .col(big_integer(IntelCol::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("idx_intel_collections_alias", IntelCollections::Table, &[IntelCol::CircleId, IntelCol::Alias])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IntelCollectionAccess::Table)
                .col(string(IntelCol::CollectionId))
                .col(string(IntelCol::OrgId))
                .col(boolean(IntelCol::CanRead))
                .col(boolean(IntelCol::CanWrite))
                .primary_key(Index::create().col(IntelCol::CollectionId).col(IntelCol::OrgId))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("idx_intel_access_org", IntelCollectionAccess::Table, &[IntelCol::OrgId])).await?;
        // One row per object version. `row_id` and `date_added` (microseconds) are both
        // assigned from the `intel_clock` row, so both are unique and strictly increasing.
        m.create_table(
            Table::create()
                .table(IntelObjects::Table)
                .col(big_integer(IntelCol::RowId).primary_key())
                .col(string(IntelCol::CollectionId))
                .col(string(IntelCol::CircleId))
                .col(string(IntelCol::StixId))
                .col(string(IntelCol::StixType))
                .col(string(IntelCol::Version))
                .col(big_integer(IntelCol::VersionMicros))
                .col(string(IntelCol::SpecVersion))
                .col(big_integer(IntelCol::DateAdded))
                .col(string(IntelCol::ProducerOrg))
                .col(string_null(IntelCol::ProducerUser))
                .col(string(IntelCol::Tlp))
                .col(string(IntelCol::Digest))
                .col(string_null(IntelCol::SourceRef))
                .col(string_null(IntelCol::TargetRef))
                .col(text(IntelCol::SearchText))
                .col(text(IntelCol::Body))
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "idx_intel_objects_page",
            IntelObjects::Table,
            &[IntelCol::CollectionId, IntelCol::DateAdded, IntelCol::RowId],
        ))
        .await?;
        m.create_index(
            idx(
                "idx_intel_objects_version",
                IntelObjects::Table,
                &[IntelCol::CollectionId, IntelCol::StixId, IntelCol::VersionMicros],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(idx("idx_intel_objects_source", IntelObjects::Table, &[IntelCol::SourceRef])).await?;
        m.create_index(idx("idx_intel_objects_target", IntelObjects::Table, &[IntelCol::TargetRef])).await?;
        m.create_index(idx("idx_intel_objects_stix_id", IntelObjects::Table, &[IntelCol::StixId])).await?;
        m.create_index(idx("idx_intel_objects_type", IntelObjects::Table, &[IntelCol::StixType, IntelCol::RowId]))
            .await?;
        m.create_table(
            Table::create()
                .table(IntelRecipients::Table)
                .col(big_integer(IntelCol::RowId))
                .col(string(IntelCol::Kind))
                .col(string(IntelCol::PrincipalId))
                .primary_key(Index::create().col(IntelCol::RowId).col(IntelCol::Kind).col(IntelCol::PrincipalId))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IntelClock::Table)
                .col(integer(IntelCol::Id).primary_key())
                .col(big_integer(IntelCol::LastRowId))
                .col(big_integer(IntelCol::LastMicros))
                .to_owned(),
        )
        .await?;
        let seed = Query::insert()
            .into_table(IntelClock::Table)
            .columns([IntelCol::Id, IntelCol::LastRowId, IntelCol::LastMicros])
            .values_panic([1.into(), 0i64.into(), 0i64.into()])
            .to_owned();
        m.exec_stmt(seed).await?;
        m.create_table(
            Table::create()
                .table(IntelStatus::Table)
                .col(string(IntelCol::Id).primary_key())
                .col(string(IntelCol::CircleId))
                .col(string(IntelCol::CollectionId))
                .col(string(IntelCol::OrgId))
                .col(big_integer(IntelCol::RequestMicros))
                .col(big_integer(IntelCol::TotalCount))
                .col(big_integer(IntelCol::SuccessCount))
                .col(big_integer(IntelCol::FailureCount))
                .col(text(IntelCol::Details))
                .col(big_integer(IntelCol::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IntelReports::Table)
                .col(string(IntelCol::Id).primary_key())
                .col(string(IntelCol::CircleId))
                .col(string(IntelCol::CollectionId))
                .col(string(IntelCol::OrgId))
                .col(string(IntelCol::UserId))
                .col(string(IntelCol::Title))
                .col(string(IntelCol::Tlp))
                .col(string(IntelCol::State))
                .col(text(IntelCol::Original))
                .col(text_null(IntelCol::Sanitised))
                .col(text_null(IntelCol::Changes))
                .col(string_null(IntelCol::AnalystId))
                .col(big_integer(IntelCol::CreatedAt))
                .col(big_integer(IntelCol::UpdatedAt))
                .col(big_integer_null(IntelCol::PublishedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("idx_intel_reports_circle", IntelReports::Table, &[IntelCol::CircleId, IntelCol::State]))
            .await?;
        Ok(())
    }
}

pub(crate) struct M0006Federation;

impl MigrationName for M0006Federation {
    fn name(&self) -> &str {
        "m0006_federation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0006Federation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Configuration (first block) and sync state (second block) of one peer. Times are
        // milliseconds since the epoch; `push_after_*` is the local (date_added, row_id) keyset
        // position of the last object pushed; `pull_cursor` is the remote's last
        // `X-TAXII-Date-Added-Last`, and `pull_next` a `next` token still being paged.
        m.create_table(
            Table::create()
                .table(IntelPeers::Table)
                .col(string(IntelCol::Id).primary_key())
                .col(string(IntelCol::OrgId))
                .col(string(IntelCol::Name))
                .col(text(IntelCol::CollectionUrl))
                .col(string(IntelCol::AuthKind))
                .col(string_null(IntelCol::Username))
                .col(text_null(IntelCol::SecretEnc))
                .col(string(IntelCol::Direction))
                .col(string(IntelCol::LocalCollectionId))
                .col(string(IntelCol::MaxTlp))
                .col(big_integer(IntelCol::IntervalSecs))
                .col(boolean(IntelCol::Enabled))
                .col(string_null(IntelCol::CreatedBy))
                .col(big_integer(IntelCol::CreatedAt))
                .col(big_integer(IntelCol::UpdatedAt))
                .col(string_null(IntelCol::PullCursor))
                .col(text_null(IntelCol::PullNext))
                .col(big_integer(IntelCol::PushAfterDate))
                .col(big_integer(IntelCol::PushAfterRow))
                .col(big_integer_null(IntelCol::LastAttemptAt))
                .col(big_integer_null(IntelCol::LastSuccessAt))
                .col(text_null(IntelCol::LastError))
                .col(integer(IntelCol::Failures))
                .col(big_integer(IntelCol::NextAttemptAt))
                .col(big_integer_null(IntelCol::LeaseUntil))
                .col(big_integer(IntelCol::LastPulled))
                .col(big_integer(IntelCol::LastPushed))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("idx_intel_peers_org", IntelPeers::Table, &[IntelCol::OrgId])).await?;
        m.create_index(idx("idx_intel_peers_due", IntelPeers::Table, &[IntelCol::Enabled, IntelCol::NextAttemptAt]))
            .await?;
        m.alter_table(
            Table::alter().table(IntelObjects::Table).add_column(string_null(IntelCol::OriginPeer)).to_owned(),
        )
        .await?;
        Ok(())
    }
}

pub(crate) struct M0007IntelIngest;

impl MigrationName for M0007IntelIngest {
    fn name(&self) -> &str {
        "m0007_intel_ingest"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0007IntelIngest {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Every lookup by STIX id also names the collection(s), which the unique
        // (collection_id, stix_id, version_micros) index serves. Keyed by random UUIDs, each
        // such index costs about one page write per stored object, the largest cost of a bulk
        // ingest once the indexes outgrow the page cache.
        m.drop_index(Index::drop().name("idx_intel_objects_stix_id").table(IntelObjects::Table).to_owned()).await
    }
}

pub(crate) struct M0011IntelScale;

impl MigrationName for M0011IntelScale {
    fn name(&self) -> &str {
        "m0011_intel_scale"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0011IntelScale {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // `match[type]` pages: one type of one collection in keyset order, without scanning
        // the other types or sorting (the (stix_type, row_id) index serves matching only).
        m.create_index(idx(
            "idx_intel_objects_type_page",
            IntelObjects::Table,
            &[IntelCol::CollectionId, IntelCol::StixType, IntelCol::DateAdded, IntelCol::RowId],
        ))
        .await?;
        // What every delete removed, stamped with the clock tick it burned, so a matching
        // index built before the delete can be brought up to date instead of rebuilt.
        m.create_table(
            Table::create()
                .table(IntelDeletions::Table)
                .col(big_integer(IntelCol::Tick))
                .col(string(IntelCol::CollectionId))
                .col(string(IntelCol::StixId))
                .col(string(IntelCol::StixType))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("idx_intel_deletions_tick", IntelDeletions::Table, &[IntelCol::Tick])).await
    }
}
