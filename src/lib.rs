//! ombudsearch: fast, exact, faceted full-text search over published
//! decisions of the Local Government and Social Care Ombudsman.

pub mod caseref;
pub mod citation;
pub mod decision;
pub mod parse;
