//! Embedded migrations, the same list for SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_integer_null, boolean, integer, string, string_null, text};

use crate::schema::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Foundation),
            Box::new(crate::catalog::migration::M0002Catalog),
            Box::new(crate::migrations_intel::M0003Intel),
            Box::new(crate::assess::migration::M0004Assess),
            Box::new(crate::chain::migration::M0005Chain),
            Box::new(crate::migrations_intel::M0006Federation),
            Box::new(crate::migrations_intel::M0007IntelIngest),
            Box::new(crate::chain::migration::M0008ChainReminders),
            Box::new(crate::assess::migration::M0009OrgGroups),
            Box::new(crate::chain::migration::M0010ChainReviewers),
        ]
    }
}

struct M0001Foundation;

// Named by hand: the derive names a migration after its file, which is not unique.
impl MigrationName for M0001Foundation {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0001Foundation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Orgs::Table)
                .col(string(Orgs::Id).primary_key())
                .col(string(Orgs::Slug).unique_key())
                .col(string(Orgs::Name))
                .col(string_null(Orgs::NameJa))
                .col(string(Orgs::Kind))
                .col(string_null(Orgs::Sector))
                .col(big_integer(Orgs::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(string(Users::Id).primary_key())
                .col(string(Users::Email).unique_key())
                .col(string(Users::Name))
                .col(string(Users::PasswordHash))
                .col(string(Users::Lang))
                .col(boolean(Users::IsPlatformAdmin))
                .col(string_null(Users::TotpSecret))
                .col(boolean(Users::TotpEnabled))
                .col(big_integer_null(Users::TotpLastStep))
                .col(integer(Users::FailedLogins))
                .col(big_integer_null(Users::LockedUntil))
                .col(big_integer(Users::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .col(string(Memberships::OrgId))
                .col(string(Memberships::UserId))
                .col(string(Memberships::Role))
                .col(big_integer(Memberships::CreatedAt))
                .primary_key(Index::create().col(Memberships::OrgId).col(Memberships::UserId))
                .foreign_key(&mut fk((Memberships::Table, Memberships::OrgId), (Orgs::Table, Orgs::Id)))
                .foreign_key(&mut fk((Memberships::Table, Memberships::UserId), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_memberships_user").table(Memberships::Table).col(Memberships::UserId).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string(Sessions::IdHash).primary_key())
                .col(string(Sessions::UserId))
                .col(string_null(Sessions::ActiveOrgId))
                .col(string(Sessions::Csrf))
                .col(big_integer(Sessions::CreatedAt))
                .col(big_integer(Sessions::ExpiresAt))
                .col(big_integer(Sessions::LastSeen))
                .foreign_key(&mut fk((Sessions::Table, Sessions::UserId), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Invitations::Table)
                .col(string(Invitations::Id).primary_key())
                .col(string(Invitations::TokenHash).unique_key())
                .col(string(Invitations::OrgId))
                .col(string(Invitations::Email))
                .col(string(Invitations::Role))
                .col(string(Invitations::InvitedBy))
                .col(big_integer(Invitations::CreatedAt))
                .col(big_integer(Invitations::ExpiresAt))
                .col(big_integer_null(Invitations::AcceptedAt))
                .foreign_key(&mut fk((Invitations::Table, Invitations::OrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PasswordResets::Table)
                .col(string(PasswordResets::TokenHash).primary_key())
                .col(string(PasswordResets::UserId))
                .col(big_integer(PasswordResets::CreatedAt))
                .col(big_integer(PasswordResets::ExpiresAt))
                .col(big_integer_null(PasswordResets::UsedAt))
                .foreign_key(&mut fk((PasswordResets::Table, PasswordResets::UserId), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(string(ApiTokens::Id).primary_key())
                .col(string(ApiTokens::OrgId))
                .col(string(ApiTokens::UserId))
                .col(string(ApiTokens::Name))
                .col(string(ApiTokens::Role))
                .col(string(ApiTokens::TokenHash).unique_key())
                .col(string(ApiTokens::Prefix))
                .col(big_integer(ApiTokens::CreatedAt))
                .col(big_integer_null(ApiTokens::LastUsedAt))
                .col(big_integer_null(ApiTokens::ExpiresAt))
                .col(big_integer_null(ApiTokens::RevokedAt))
                .foreign_key(&mut fk((ApiTokens::Table, ApiTokens::OrgId), (Orgs::Table, Orgs::Id)))
                .foreign_key(&mut fk((ApiTokens::Table, ApiTokens::UserId), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_api_tokens_org").table(ApiTokens::Table).col(ApiTokens::OrgId).to_owned(),
        )
        .await?;
        // The audit log has no foreign keys on purpose: entries outlive what they describe.
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_integer(AuditLog::Seq).primary_key())
                .col(big_integer(AuditLog::At))
                .col(string_null(AuditLog::TenantId))
                .col(string(AuditLog::Actor))
                .col(string(AuditLog::Action))
                .col(string(AuditLog::ObjectType))
                .col(string(AuditLog::ObjectId))
                .col(text(AuditLog::Detail))
                .col(string(AuditLog::Digest))
                .col(string(AuditLog::PrevHash))
                .col(string(AuditLog::Hash))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_tenant_seq")
                .table(AuditLog::Table)
                .col(AuditLog::TenantId)
                .col(AuditLog::Seq)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::Seq))
                .col(string(AuditHead::Hash))
                .to_owned(),
        )
        .await?;
        let genesis = Query::insert()
            .into_table(AuditHead::Table)
            .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
            .values_panic([1.into(), 0i64.into(), crate::audit::GENESIS.into()])
            .to_owned();
        m.exec_stmt(genesis).await?;
        m.create_table(
            Table::create()
                .table(SupplyLinks::Table)
                .col(string(SupplyLinks::Id).primary_key())
                .col(string(SupplyLinks::BuyerOrgId))
                .col(string(SupplyLinks::SupplierOrgId))
                .col(string(SupplyLinks::Supplied))
                .col(string(SupplyLinks::Criticality))
                .col(big_integer(SupplyLinks::CreatedAt))
                .foreign_key(&mut fk((SupplyLinks::Table, SupplyLinks::BuyerOrgId), (Orgs::Table, Orgs::Id)))
                .foreign_key(&mut fk((SupplyLinks::Table, SupplyLinks::SupplierOrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_supply_buyer_supplier")
                .table(SupplyLinks::Table)
                .col(SupplyLinks::BuyerOrgId)
                .col(SupplyLinks::SupplierOrgId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
