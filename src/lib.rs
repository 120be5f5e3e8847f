//! rolegen: compile YAML specs of AWS IAM roles into Terraform modules and CloudFormation stacks.
//!
//! The pipeline: [`spec`] (load YAML) → [`lower`] (typed [`model`]) → [`validate`]
//! (diagnostics) → [`emit`] (Terraform, CloudFormation, README) → [`out`] (atomic write or
//! drift check).
#![warn(missing_docs)]

pub mod build;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod fmt;
pub mod graph;
pub mod hash;
pub mod import;
pub mod jobs;
pub mod lower;
pub mod model;
pub mod out;
pub mod rules;
pub mod selection;
pub mod source;
pub mod spec;
pub mod suggest;
pub mod validate;
pub mod wildcard;
