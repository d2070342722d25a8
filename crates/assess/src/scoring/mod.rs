//! Exact scheme scoring (SECURITY ACTION, SCS, Guidelines, CSF 2.0) and generic roll-ups, targets and gaps.

pub mod csf;
pub mod gaps;
pub mod guidelines;
pub mod rollup;
pub mod scs;
pub mod security_action;
