//! mamori catalog: frameworks, requirement trees, answer scales, typed crosswalks, built-in catalogs
//! and importers/exporters (OSCAL, CISO Assistant YAML, CSV and XLSX templates). Pure: no IO, clock or
//! randomness (spreadsheets are read and written in memory; the caller passes the document date).

pub mod builtin;
pub mod ciso;
pub mod crosswalk;
pub mod csv_template;
pub mod diff;
pub mod error;
pub mod format;
pub mod model;
pub mod oscal;
mod query;
pub mod scale;
pub mod template;
pub mod validate;
pub mod xlsx_template;

pub use builtin::{BuiltinError, builtin_crosswalks, builtin_frameworks};
pub use crosswalk::{Authorship, Confidence, Crosswalk, CrosswalkIndex, Link, Mapping, NodeRef, Relation};
pub use diff::{FrameworkDiff, NodeChange, diff};
pub use error::{ErrorKind, ExportError, ImportError, Location};
pub use format::{
    ExportFormat, Format, ImportOptions, Imported, detect, export, export_crosswalk, import, import_with,
};
pub use model::{
    CpsfComponent, CsfFunction, Framework, I18n, LevelDescriptor, Node, NodeKind, ScsLevel, Source, Tag, Verification,
};
pub use scale::{Scale, ScaleKind, ScaleLevel, ScoreBand};
pub use validate::ValidationError;
