//! Table and column names of the intelligence hub (migrations `M0003Intel`,
//! `M0006Federation` and `M0011IntelScale`).

use sea_orm::DeriveIden;

macro_rules! table {
    ($name:ident) => {
        #[derive(DeriveIden, Clone, Copy)]
        pub enum $name {
            Table,
        }
    };
}

table!(IntelCircles);
table!(IntelCircleMembers);
table!(IntelCollections);
table!(IntelCollectionAccess);
table!(IntelObjects);
table!(IntelRecipients);
table!(IntelClock);
table!(IntelStatus);
table!(IntelReports);
table!(IntelPeers);
table!(IntelDeletions);

/// Every column of the intelligence tables (names are shared where the meaning is).
#[derive(DeriveIden, Clone, Copy)]
pub enum IntelCol {
    Id,
    Root,
    Title,
    TitleJa,
    Description,
    Kind,
    HubOrgId,
    CreatedAt,
    CircleId,
    OrgId,
    UserId,
    Alias,
    CollectionId,
    CanRead,
    CanWrite,
    RowId,
    StixId,
    StixType,
    Version,
    VersionMicros,
    SpecVersion,
    DateAdded,
    ProducerOrg,
    ProducerUser,
    Tlp,
    Digest,
    Secret,
    SourceRef,
    TargetRef,
    SearchText,
    Body,
    PrincipalId,
    LastRowId,
    LastMicros,
    RequestMicros,
    TotalCount,
    SuccessCount,
    FailureCount,
    Details,
    State,
    Original,
    Sanitised,
    Changes,
    AnalystId,
    UpdatedAt,
    PublishedAt,
    OriginPeer,
    Name,
    CollectionUrl,
    AuthKind,
    Username,
    SecretEnc,
    Direction,
    LocalCollectionId,
    MaxTlp,
    IntervalSecs,
    Enabled,
    CreatedBy,
    PullCursor,
    PullNext,
    PushAfterDate,
    PushAfterRow,
    LastAttemptAt,
    LastSuccessAt,
    LastError,
    Failures,
    NextAttemptAt,
    LeaseUntil,
    LastPulled,
    LastPushed,
    Tick,
}
