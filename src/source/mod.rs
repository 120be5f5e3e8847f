//! Source files and positions: maps a path in the YAML tree (`roles.task.name`) to where it
//! was written, so a diagnostic found after lowering can point at file:line:col. A leaf: it
//! uses nothing else of the crate, so the model and validation carry positions without
//! reaching into the spec reader.
//!
//! Two ways to get positions, with the same answers:
//!
//! - [`parse_fast`] (`fast.rs`): a single-pass parser for the plain block YAML specs are
//!   written in (block mappings and sequences, one-line flow collections, plain and one-line
//!   quoted scalars, comments). It builds a [`Tree`] (`tree.rs`) of every node with its
//!   position, which both the spec deserializer (`spec::load`) and [`SourceFile::locate`]
//!   read. Anything outside that subset (anchors, tags, block scalars, multi-line scalars,
//!   duplicate keys, tabs, ...) makes it give up, and the file takes the second way.
//! - The general way (`general.rs`): the marked events of `yaml-rust2`, turned into a map
//!   from path to position the first time a diagnostic needs one.
//!
//! The fast parser reproduces the positions `yaml-rust2` reports (a block mapping starts at
//! the `:` of its first key, an indented block sequence at its first `-`, an indentless one at
//! its first item), which the tests check node by node (`check.rs`).
//!
//! The rest: [`YamlPath`] (`path.rs`), the persistent path list every model node carries as
//! its origin; [`SourceFile`] (`file.rs`), a file's text with its index; [`Span`] and
//! [`SourceRef`] (`span.rs`), what a diagnostic points at.

#[cfg(test)]
pub(crate) mod check;
mod fast;
mod file;
mod general;
mod path;
mod span;
mod tree;

pub use fast::parse_fast;
#[cfg(test)]
pub(crate) use fast::same_in_two;
#[cfg(test)]
pub(crate) use fast::BAIL_AT;
pub use file::SourceFile;
pub use path::{Seg, YamlPath};
pub use span::{SourceRef, Span};
pub use tree::{Node, NodeKind, Tree};
