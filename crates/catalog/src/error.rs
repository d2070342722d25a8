//! Located import and export errors.

use std::fmt;

use crate::validate::ValidationError;

/// Largest input accepted by any importer (64 MiB).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Where in the input an error was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// Nowhere in particular (e.g. the whole file).
    None,
    /// A line (1-based) and, when known, a column (1-based).
    Line {
        /// Line number.
        line: u64,
        /// Column number.
        column: Option<u64>,
    },
    /// A JSON pointer (RFC 6901) into a JSON document.
    Pointer(String),
    /// A spreadsheet cell as `Sheet!C7`, or a whole sheet by its name alone.
    Cell(String),
}

impl Location {
    /// A cell of a sheet (`cell` like `C7`), or the whole sheet when `cell` is empty.
    pub fn cell(sheet: &str, cell: &str) -> Location {
        if cell.is_empty() { Location::Cell(sheet.to_owned()) } else { Location::Cell(format!("{sheet}!{cell}")) }
    }

    /// The sheet and, unless the whole sheet is meant, the cell of a [`Location::Cell`].
    pub fn sheet_and_cell(&self) -> Option<(&str, Option<&str>)> {
        match self {
            Location::Cell(s) => Some(match s.split_once('!') {
                Some((sheet, cell)) => (sheet, Some(cell)),
                None => (s.as_str(), None),
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::None => Ok(()),
            Location::Line { line, column: Some(c) } => write!(f, "line {line}, column {c}"),
            Location::Line { line, column: None } => write!(f, "line {line}"),
            Location::Pointer(p) => write!(f, "{}", if p.is_empty() { "/" } else { p }),
            Location::Cell(s) if s.contains('!') => write!(f, "{s}"),
            Location::Cell(s) => write!(f, "sheet {s}"),
        }
    }
}

/// The rule an input breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The format could not be recognised from the bytes and the file name.
    #[error("cannot tell the file format; pass it explicitly")]
    UnknownFormat,
    /// The input is larger than the limit.
    #[error("input is {size} bytes; at most {max} are accepted")]
    TooLarge {
        /// Actual size.
        size: usize,
        /// Limit.
        max: usize,
    },
    /// The input is not valid UTF-8.
    #[error("input is not valid UTF-8")]
    NotUtf8,
    /// The input is not well-formed in its syntax (JSON, XML, YAML, CSV).
    #[error("syntax error: {0}")]
    Syntax(String),
    /// A required field is missing.
    #[error("required field {0:?} is missing")]
    Missing(String),
    /// A workbook lacks a sheet the template needs.
    #[error("the workbook has no sheet {0:?}; start from the template (export --format xlsx)")]
    MissingSheet(String),
    /// A field has a value the format does not allow.
    #[error("field {field:?}: {reason}")]
    BadValue {
        /// The field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The document nests deeper than the importer allows.
    #[error("document nests deeper than {0} levels")]
    TooDeep(usize),
    /// A profile selects a control the catalog does not have.
    #[error("profile selects control {0:?}, which the catalog does not contain")]
    UnknownControl(String),
    /// The imported framework breaks a structural rule.
    #[error("{0}")]
    Invalid(ValidationError),
    /// The document is of a kind this importer does not handle (e.g. an OSCAL SSP).
    #[error("unsupported document: {0}")]
    Unsupported(String),
}

/// An import failure: which file, where in it, and which rule was broken. Nothing is returned on error,
/// so an import is never half-applied.
///
/// Shown as `file:LINE[:COLUMN]: message` for text files (the form compilers and editors
/// understand), `file: /json/pointer: message`, `file: Sheet!C7: message`, or `file: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    /// File name as given by the caller (may be empty).
    pub file: String,
    /// Location inside the file.
    pub location: Location,
    /// The rule broken.
    pub kind: ErrorKind,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.location, self.file.is_empty()) {
            (Location::Line { line, column }, false) => {
                write!(f, "{}:{line}", self.file)?;
                if let Some(c) = column {
                    write!(f, ":{c}")?;
                }
                write!(f, ": {}", self.kind)
            }
            (Location::None, false) => write!(f, "{}: {}", self.file, self.kind),
            (Location::None, true) => write!(f, "{}", self.kind),
            (location, false) => write!(f, "{}: {location}: {}", self.file, self.kind),
            (location, true) => write!(f, "{location}: {}", self.kind),
        }
    }
}

impl ImportError {
    /// Builds an error without a file name; importers fill the file in at the top level.
    pub fn new(location: Location, kind: ErrorKind) -> Self {
        Self { file: String::new(), location, kind }
    }

    /// Error at a JSON pointer.
    pub fn at(pointer: &str, kind: ErrorKind) -> Self {
        Self::new(Location::Pointer(pointer.to_owned()), kind)
    }

    /// Error at a line.
    pub fn line(line: u64, column: Option<u64>, kind: ErrorKind) -> Self {
        Self::new(Location::Line { line, column }, kind)
    }

    /// Sets the file name.
    pub fn in_file(mut self, file: &str) -> Self {
        self.file = file.to_owned();
        self
    }
}

/// An export failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The format cannot hold this content.
    #[error("cannot export to {format}: {reason}")]
    Unsupported {
        /// Target format.
        format: &'static str,
        /// Why.
        reason: String,
    },
    /// The serializer failed.
    #[error("serialization failed: {0}")]
    Serialize(String),
}

/// Checks the size limit.
pub(crate) fn check_size(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ImportError::new(Location::None, ErrorKind::TooLarge { size: bytes.len(), max: MAX_INPUT_BYTES }));
    }
    Ok(())
}

/// Checks the size limit and decodes UTF-8 (a leading BOM is skipped).
pub(crate) fn as_text(bytes: &[u8]) -> Result<&str, ImportError> {
    check_size(bytes)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        ImportError::line(line, None, ErrorKind::NotUtf8)
    })
}

/// Parses JSON, turning syntax errors into located errors.
pub(crate) fn parse_json(text: &str) -> Result<serde_json::Value, ImportError> {
    serde_json::from_str(text)
        .map_err(|e| ImportError::line(e.line() as u64, Some(e.column() as u64), ErrorKind::Syntax(e.to_string())))
}
