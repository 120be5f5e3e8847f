//! Validation: pure functions `&Module -> diagnostics`, one file per rule family. Errors stop
//! the build; warnings print, fail with `--deny warnings`, and can be allowed in the spec.

mod backend;
mod catalog;
mod conditions;
mod grammar;
mod limits;
mod names;
mod security;
mod web_identity;

use crate::diagnostics::Diagnostic;
use crate::model::*;
use crate::rules::Rule;
use crate::source::YamlPath;

/// Runs every check on a module.
pub fn validate(m: &Module) -> Vec<Diagnostic> {
    // The checks are independent: they run side by side, and their findings are joined in
    // this fixed order, so the output does not depend on which finishes first.
    let checks: [fn(&mut Validator); 10] = [
        grammar::check,
        names::check,
        names::unused_parameters,
        names::mapping_gaps,
        catalog::check,
        conditions::check,
        limits::check,
        security::check,
        web_identity::check,
        backend::check,
    ];
    let mut found: Vec<Vec<Diagnostic>> = checks.iter().map(|_| Vec::new()).collect();
    let jobs: Vec<crate::jobs::Job> = checks
        .iter()
        .zip(found.iter_mut())
        .map(|(check, out)| -> crate::jobs::Job {
            Box::new(move || {
                let mut v = Validator {
                    m,
                    diags: Vec::new(),
                };
                check(&mut v);
                *out = v.diags;
            })
        })
        .collect();
    crate::jobs::run_jobs(jobs);
    found.concat()
}

/// Where a statement sits, for suppressions and messages.
pub(crate) struct Scope<'a> {
    pub allows: Vec<&'a Allow>,
}

pub(crate) struct Validator<'a> {
    pub m: &'a Module,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Validator<'a> {
    /// Reports unless the rule is allowed at one of the scope's levels.
    pub fn report(
        &mut self,
        rule: &'static Rule,
        allows: &[&Allow],
        at: &YamlPath,
        msg: String,
        help: String,
    ) {
        if !self.allowed(rule, allows) {
            let d = Diagnostic::new(rule, msg)
                .help(help)
                .at(Some(self.m.source.locate(at)));
            self.diags.push(d);
        }
    }

    /// Whether the spec allows `rule` at the module level or one of `allows`.
    fn allowed(&self, rule: &'static Rule, allows: &[&Allow]) -> bool {
        rule.suppressible && (self.m.allow.allows(rule) || allows.iter().any(|a| a.allows(rule)))
    }

    /// Like [`Validator::report`], pointing at the key of the entry `at` rather than its
    /// value (a condition key or operator that is wrong).
    pub(crate) fn report_on_key(
        &mut self,
        rule: &'static Rule,
        allows: &[&Allow],
        at: &YamlPath,
        msg: String,
        help: String,
    ) {
        if !self.allowed(rule, allows) {
            let d = Diagnostic::new(rule, msg)
                .help(help)
                .at(Some(self.m.source.locate_key(at)));
            self.diags.push(d);
        }
    }

    /// Like [`Validator::report`], pointing at the key of the entry (for names).
    pub(crate) fn report_key(
        &mut self,
        rule: &'static Rule,
        at: &YamlPath,
        msg: String,
        help: String,
    ) {
        let d = Diagnostic::new(rule, msg)
            .help(help)
            .at(Some(self.m.source.locate_key(at)));
        self.diags.push(d);
    }

    /// Every document with its allow chain: trust, inline, managed, key policies.
    pub fn documents(&self) -> Vec<(&'a PolicyDocument, Scope<'a>)> {
        let m = self.m;
        let mut out = Vec::new();
        for r in m.roles.values() {
            out.push((
                &r.trust,
                Scope {
                    allows: vec![&r.allow],
                },
            ));
            for p in &r.inline {
                out.push((
                    &p.doc,
                    Scope {
                        allows: vec![&r.allow, &p.allow],
                    },
                ));
            }
        }
        for p in m.policies.values() {
            out.push((
                &p.doc,
                Scope {
                    allows: vec![&p.allow],
                },
            ));
        }
        for k in m.kms_keys.values() {
            out.push((
                &k.policy,
                Scope {
                    allows: vec![&k.allow],
                },
            ));
        }
        out
    }
}

/// Actions of a statement that the IAM pattern list grants (`iam:*` grants `iam:PassRole`).
pub(crate) fn grants(s: &Statement, action: &str) -> bool {
    if s.not_action {
        return !s
            .actions
            .iter()
            .any(|a| crate::wildcard::matches(a, action));
    }
    s.actions
        .iter()
        .any(|a| crate::wildcard::matches(a, action))
}
