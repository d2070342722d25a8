//! Migration `M0005Chain`: relationship attributes on `supply_links`, consent and registry
//! settings, requests, supplier invitations, organization keys, attestations and shares.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean, integer, string, string_null, text, text_null,
};

use super::schema::*;
use crate::schema::{Orgs, SupplyLinks, Users};

/// The supply-chain assurance tables.
pub struct M0005Chain;

impl MigrationName for M0005Chain {
    // Named by hand: `DeriveMigrationName` uses the file stem, which is not unique.
    fn name(&self) -> &str {
        "m0005_chain"
    }
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

fn index(name: &str, table: impl IntoIden, cols: &[ChainCol]) -> IndexCreateStatement {
    let mut i = Index::create().name(name).table(table).to_owned();
    for c in cols {
        i.col(*c);
    }
    i
}

#[async_trait::async_trait]
impl MigrationTrait for M0005Chain {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite accepts one column per ALTER TABLE, so each addition is its own statement.
        let additions = [
            boolean(LinkCol::HandlesConfidentialData).default(false).to_owned(),
            boolean(LinkCol::ConnectsToBuyerSystems).default(false).to_owned(),
            string(LinkCol::InterruptionImpact).default("tolerable").to_owned(),
            string_null(LinkCol::OverrideLevel).to_owned(),
            text_null(LinkCol::OverrideReason).to_owned(),
            string_null(LinkCol::OverrideBy).to_owned(),
            big_integer_null(LinkCol::OverrideAt).to_owned(),
        ];
        for mut col in additions {
            m.alter_table(Table::alter().table(SupplyLinks::Table).add_column(&mut col).to_owned()).await?;
        }
        m.create_index(
            Index::create()
                .name("idx_supply_supplier")
                .table(SupplyLinks::Table)
                .col(SupplyLinks::SupplierOrgId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ChainSettings::Table)
                .col(string(ChainCol::OrgId).primary_key())
                .col(boolean(ChainCol::DiscloseSuppliers).default(false))
                .col(boolean(ChainCol::RegistryListed).default(false))
                .col(big_integer(ChainCol::UpdatedAt))
                .foreign_key(&mut fk((ChainSettings::Table, ChainCol::OrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OrgKeys::Table)
                .col(string(ChainCol::Id).primary_key())
                .col(string(ChainCol::OrgId))
                .col(string(ChainCol::PublicKey))
                .col(text(ChainCol::PrivateEnc))
                .col(big_integer(ChainCol::CreatedAt))
                .col(big_integer_null(ChainCol::RetiredAt))
                .foreign_key(&mut fk((OrgKeys::Table, ChainCol::OrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_org_keys_org", OrgKeys::Table, &[ChainCol::OrgId])).await?;
        m.create_table(
            Table::create()
                .table(ChainRequests::Table)
                .col(string(ChainCol::Id).primary_key())
                .col(string(ChainCol::BuyerOrgId))
                .col(string(ChainCol::SupplierOrgId))
                .col(string_null(ChainCol::Level))
                .col(string_null(ChainCol::Profile))
                .col(big_integer(ChainCol::Deadline))
                .col(string(ChainCol::State))
                .col(string(ChainCol::CreatedBy))
                .col(big_integer(ChainCol::CreatedAt))
                .col(big_integer_null(ChainCol::ClosedAt))
                .foreign_key(&mut fk((ChainRequests::Table, ChainCol::BuyerOrgId), (Orgs::Table, Orgs::Id)))
                .foreign_key(&mut fk((ChainRequests::Table, ChainCol::SupplierOrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_chain_requests_buyer", ChainRequests::Table, &[ChainCol::BuyerOrgId])).await?;
        m.create_index(index("idx_chain_requests_supplier", ChainRequests::Table, &[ChainCol::SupplierOrgId])).await?;
        m.create_table(
            Table::create()
                .table(ChainInvitations::Table)
                .col(string(ChainCol::Id).primary_key())
                .col(string(ChainCol::TokenHash).unique_key())
                .col(string(ChainCol::BuyerOrgId))
                .col(string(ChainCol::Email))
                .col(string(ChainCol::SupplierName))
                .col(text(ChainCol::Relationship))
                .col(string_null(ChainCol::Level))
                .col(string_null(ChainCol::Profile))
                .col(big_integer(ChainCol::Deadline))
                .col(string(ChainCol::CreatedBy))
                .col(big_integer(ChainCol::CreatedAt))
                .col(big_integer(ChainCol::ExpiresAt))
                .col(big_integer_null(ChainCol::AcceptedAt))
                .col(string_null(ChainCol::SupplierOrgId))
                .foreign_key(&mut fk((ChainInvitations::Table, ChainCol::BuyerOrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Attestations::Table)
                .col(string(ChainCol::Id).primary_key())
                .col(string(ChainCol::OrgId))
                .col(string(ChainCol::Level))
                .col(string(ChainCol::State))
                .col(string_null(ChainCol::ReviewerOrgId))
                .col(string_null(ChainCol::AssessmentRef))
                .col(text(ChainCol::Body))
                .col(text_null(ChainCol::Envelope))
                .col(big_integer(ChainCol::ValidFrom))
                .col(big_integer(ChainCol::ValidUntil))
                .col(big_integer(ChainCol::CreatedAt))
                .col(big_integer_null(ChainCol::IssuedAt))
                .col(big_integer_null(ChainCol::RevokedAt))
                .col(text_null(ChainCol::RevokeReason))
                .foreign_key(&mut fk((Attestations::Table, ChainCol::OrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_attestations_org", Attestations::Table, &[ChainCol::OrgId])).await?;
        m.create_index(index("idx_attestations_reviewer", Attestations::Table, &[ChainCol::ReviewerOrgId])).await?;
        m.create_table(
            Table::create()
                .table(AttestationShares::Table)
                .col(string(ChainCol::Id).primary_key())
                .col(string(ChainCol::AttestationId))
                .col(string(ChainCol::SupplierOrgId))
                .col(string(ChainCol::BuyerOrgId))
                .col(string(ChainCol::Scope))
                .col(big_integer(ChainCol::CreatedAt))
                .col(big_integer_null(ChainCol::RevokedAt))
                .foreign_key(&mut fk(
                    (AttestationShares::Table, ChainCol::AttestationId),
                    (Attestations::Table, ChainCol::Id),
                ))
                .foreign_key(&mut fk((AttestationShares::Table, ChainCol::BuyerOrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_shares_buyer", AttestationShares::Table, &[ChainCol::BuyerOrgId])).await?;
        m.create_index(index("idx_shares_supplier", AttestationShares::Table, &[ChainCol::SupplierOrgId])).await?;
        m.create_table(
            Table::create()
                .table(ExpertReviewers::Table)
                .col(string(ChainCol::UserId).primary_key())
                .col(string(ChainCol::Registration))
                .col(big_integer(ChainCol::CreatedAt))
                .foreign_key(&mut fk((ExpertReviewers::Table, ChainCol::UserId), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// Migration `M0008ChainReminders`: the reminders of requests already sent.
pub struct M0008ChainReminders;

impl MigrationName for M0008ChainReminders {
    fn name(&self) -> &str {
        "m0008_chain_reminders"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0008ChainReminders {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ChainReminders::Table)
                .col(string(ChainCol::RequestId))
                .col(string(ChainCol::Kind))
                .col(big_integer(ChainCol::SentAt))
                .col(integer(ChainCol::Recipients))
                // The key makes a claim succeed once per request and kind.
                .primary_key(Index::create().col(ChainCol::RequestId).col(ChainCol::Kind))
                .foreign_key(&mut fk(
                    (ChainReminders::Table, ChainCol::RequestId),
                    (ChainRequests::Table, ChainCol::Id),
                ))
                .to_owned(),
        )
        .await
    }
}

/// Migration `M0010ChainReviewers`: expert reviewers can be deactivated (and are kept
/// for the record) by the platform administrator.
pub struct M0010ChainReviewers;

impl MigrationName for M0010ChainReviewers {
    fn name(&self) -> &str {
        "m0010_chain_reviewers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0010ChainReviewers {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ExpertReviewers::Table)
                .add_column(big_integer_null(ChainCol::DeactivatedAt))
                .to_owned(),
        )
        .await
    }
}
