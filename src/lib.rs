//! ombudsearch: fast, exact, faceted full-text search over published
//! decisions of the Local Government and Social Care Ombudsman.

pub mod bench;
pub mod caseref;
pub mod check;
pub mod citation;
pub mod cli;
pub mod commands;
pub mod corpus;
pub mod decision;
pub mod generate;
pub mod index;
pub mod indexer;
pub mod manifest;
pub mod parse;
pub mod render;
pub mod schema;
pub mod search;
pub mod server;
pub mod store;
pub mod tokenizer;
mod vint;
