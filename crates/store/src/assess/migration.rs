//! Migration `M0004Assess`: assessments, assessors, answers, comments, evidence and the sector opt-in.

use sea_orm::DeriveIden;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, blob, boolean, integer_null, string, string_null, text, text_null,
};

use crate::schema::Orgs;

#[derive(DeriveIden, Clone, Copy)]
pub enum Assessments {
    Table,
    Id,
    OrgId,
    FrameworkId,
    FrameworkVersion,
    Title,
    ScopeKind,
    ScopeName,
    State,
    CreatedBy,
    CreatedByLabel,
    AssessedOn,
    CreatedAt,
    UpdatedAt,
    ApprovedBy,
    ApprovedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum AssessmentAssessors {
    Table,
    AssessmentId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum AssessmentAnswers {
    Table,
    AssessmentId,
    RequirementId,
    Status,
    NaReason,
    Maturity,
    SelfCheck,
    Notes,
    Owner,
    DueDate,
    Provenance,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum AssessmentComments {
    Table,
    Id,
    AssessmentId,
    RequirementId,
    Author,
    Body,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Evidence {
    Table,
    Id,
    OrgId,
    Name,
    Kind,
    Mime,
    Size,
    Sha256,
    Url,
    ExpiresOn,
    CreatedBy,
    CreatedAt,
}

/// Expiry reminders already claimed: one row per evidence and kind (`due_7d`, `due_1d`, `overdue`).
#[derive(DeriveIden, Clone, Copy)]
pub enum EvidenceReminders {
    Table,
    EvidenceId,
    Kind,
    SentAt,
    Recipients,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum EvidenceBlobs {
    Table,
    EvidenceId,
    Content,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum EvidenceLinks {
    Table,
    EvidenceId,
    AssessmentId,
    RequirementId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum AssessSettings {
    Table,
    OrgId,
    SectorOptIn,
    UpdatedAt,
}

/// The self-assessment tables.
pub struct M0004Assess;

impl MigrationName for M0004Assess {
    // Named by hand: `DeriveMigrationName` uses the file stem, which is not unique.
    fn name(&self) -> &str {
        "m0004_assess"
    }
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0004Assess {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Assessments::Table)
                .col(string(Assessments::Id).primary_key())
                .col(string(Assessments::OrgId))
                .col(string(Assessments::FrameworkId))
                .col(string(Assessments::FrameworkVersion))
                .col(string(Assessments::Title))
                .col(string(Assessments::ScopeKind))
                .col(string(Assessments::ScopeName))
                .col(string(Assessments::State))
                .col(string(Assessments::CreatedBy))
                .col(string(Assessments::CreatedByLabel))
                .col(string(Assessments::AssessedOn))
                .col(big_integer(Assessments::CreatedAt))
                .col(big_integer(Assessments::UpdatedAt))
                .col(string_null(Assessments::ApprovedBy))
                .col(big_integer_null(Assessments::ApprovedAt))
                .foreign_key(&mut fk((Assessments::Table, Assessments::OrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_assessments_org_created", Assessments::Table, &["org_id", "created_at", "id"]))
            .await?;
        m.create_table(
            Table::create()
                .table(AssessmentAssessors::Table)
                .col(string(AssessmentAssessors::AssessmentId))
                .col(string(AssessmentAssessors::UserId))
                .col(big_integer(AssessmentAssessors::CreatedAt))
                .primary_key(Index::create().col(AssessmentAssessors::AssessmentId).col(AssessmentAssessors::UserId))
                .foreign_key(&mut fk(
                    (AssessmentAssessors::Table, AssessmentAssessors::AssessmentId),
                    (Assessments::Table, Assessments::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AssessmentAnswers::Table)
                .col(string(AssessmentAnswers::AssessmentId))
                .col(string(AssessmentAnswers::RequirementId))
                .col(string(AssessmentAnswers::Status))
                .col(text_null(AssessmentAnswers::NaReason))
                .col(integer_null(AssessmentAnswers::Maturity))
                .col(string_null(AssessmentAnswers::SelfCheck))
                .col(text_null(AssessmentAnswers::Notes))
                .col(string_null(AssessmentAnswers::Owner))
                .col(string_null(AssessmentAnswers::DueDate))
                .col(text_null(AssessmentAnswers::Provenance))
                .col(string(AssessmentAnswers::UpdatedBy))
                .col(big_integer(AssessmentAnswers::UpdatedAt))
                .primary_key(Index::create().col(AssessmentAnswers::AssessmentId).col(AssessmentAnswers::RequirementId))
                .foreign_key(&mut fk(
                    (AssessmentAnswers::Table, AssessmentAnswers::AssessmentId),
                    (Assessments::Table, Assessments::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AssessmentComments::Table)
                .col(string(AssessmentComments::Id).primary_key())
                .col(string(AssessmentComments::AssessmentId))
                .col(string(AssessmentComments::RequirementId))
                .col(string(AssessmentComments::Author))
                .col(text(AssessmentComments::Body))
                .col(big_integer(AssessmentComments::CreatedAt))
                .foreign_key(&mut fk(
                    (AssessmentComments::Table, AssessmentComments::AssessmentId),
                    (Assessments::Table, Assessments::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_assessment_comments",
            AssessmentComments::Table,
            &["assessment_id", "requirement_id", "created_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(Evidence::Table)
                .col(string(Evidence::Id).primary_key())
                .col(string(Evidence::OrgId))
                .col(string(Evidence::Name))
                .col(string(Evidence::Kind))
                .col(string_null(Evidence::Mime))
                .col(big_integer(Evidence::Size))
                .col(string_null(Evidence::Sha256))
                .col(text_null(Evidence::Url))
                .col(string_null(Evidence::ExpiresOn))
                .col(string(Evidence::CreatedBy))
                .col(big_integer(Evidence::CreatedAt))
                .foreign_key(&mut fk((Evidence::Table, Evidence::OrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_evidence_org", Evidence::Table, &["org_id", "created_at"])).await?;
        m.create_table(
            Table::create()
                .table(EvidenceBlobs::Table)
                .col(string(EvidenceBlobs::EvidenceId).primary_key())
                .col(blob(EvidenceBlobs::Content))
                .foreign_key(&mut fk(
                    (EvidenceBlobs::Table, EvidenceBlobs::EvidenceId),
                    (Evidence::Table, Evidence::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EvidenceLinks::Table)
                .col(string(EvidenceLinks::EvidenceId))
                .col(string(EvidenceLinks::AssessmentId))
                .col(string(EvidenceLinks::RequirementId))
                .col(big_integer(EvidenceLinks::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(EvidenceLinks::EvidenceId)
                        .col(EvidenceLinks::AssessmentId)
                        .col(EvidenceLinks::RequirementId),
                )
                .foreign_key(&mut fk(
                    (EvidenceLinks::Table, EvidenceLinks::EvidenceId),
                    (Evidence::Table, Evidence::Id),
                ))
                .foreign_key(&mut fk(
                    (EvidenceLinks::Table, EvidenceLinks::AssessmentId),
                    (Assessments::Table, Assessments::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_evidence_links_assessment", EvidenceLinks::Table, &["assessment_id"])).await?;
        m.create_table(
            Table::create()
                .table(EvidenceReminders::Table)
                .col(string(EvidenceReminders::EvidenceId))
                .col(string(EvidenceReminders::Kind))
                .col(big_integer(EvidenceReminders::SentAt))
                .col(big_integer(EvidenceReminders::Recipients))
                .primary_key(Index::create().col(EvidenceReminders::EvidenceId).col(EvidenceReminders::Kind))
                .foreign_key(&mut fk(
                    (EvidenceReminders::Table, EvidenceReminders::EvidenceId),
                    (Evidence::Table, Evidence::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AssessSettings::Table)
                .col(string(AssessSettings::OrgId).primary_key())
                .col(boolean(AssessSettings::SectorOptIn))
                .col(big_integer(AssessSettings::UpdatedAt))
                .foreign_key(&mut fk((AssessSettings::Table, AssessSettings::OrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub enum OrgGroups {
    Table,
    Id,
    ParentOrgId,
    ChildOrgId,
    State,
    RequestedBy,
    RequestedAt,
    DecidedBy,
    DecidedAt,
}

/// Migration `M0009OrgGroups`: parent → subsidiary links that the subsidiary accepts, for group comparison.
pub struct M0009OrgGroups;

impl MigrationName for M0009OrgGroups {
    fn name(&self) -> &str {
        "m0009_org_groups"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0009OrgGroups {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OrgGroups::Table)
                .col(string(OrgGroups::Id).primary_key())
                .col(string(OrgGroups::ParentOrgId))
                .col(string(OrgGroups::ChildOrgId))
                .col(string(OrgGroups::State))
                .col(string(OrgGroups::RequestedBy))
                .col(big_integer(OrgGroups::RequestedAt))
                .col(string_null(OrgGroups::DecidedBy))
                .col(big_integer_null(OrgGroups::DecidedAt))
                .foreign_key(&mut fk((OrgGroups::Table, OrgGroups::ParentOrgId), (Orgs::Table, Orgs::Id)))
                .foreign_key(&mut fk((OrgGroups::Table, OrgGroups::ChildOrgId), (Orgs::Table, Orgs::Id)))
                .to_owned(),
        )
        .await?;
        // One row per pair: a new request after a decline or an end reuses it.
        m.create_index(
            Index::create()
                .name("idx_org_groups_pair")
                .table(OrgGroups::Table)
                .col(OrgGroups::ParentOrgId)
                .col(OrgGroups::ChildOrgId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_org_groups_child", OrgGroups::Table, &["child_org_id", "state"])).await
    }
}
