//! A statement's `condition` blocks, and `dynamic "condition"` over a switch (issue 19): the
//! terraform-aws-modules assumable-role idiom
//! `dynamic "condition" { for_each = var.role_requires_mfa ? [1] : [] content { … } }` puts
//! the MFA condition on the trust statement only while the switch is on. A spec statement's
//! condition has no switch of its own, so the statement becomes two: one with the switched
//! conditions under `when: X`, one without them under `when: not X` (each exactly the source's
//! statement for those switch values; the copy's `Sid` gets `Not<X>`). A switch always on
//! (`var.create`) just adds the conditions. Conditions under different switches, a statement
//! under a switch of its own (`dynamic "statement"`) or split by `compact` are reported and
//! settled as before (an Allow left out, a Deny kept without its conditions).

use super::*;

/// The `dynamic "condition"` blocks of one statement, read.
pub(super) enum CondSwitch {
    /// Always on: the conditions belong to the statement (`lost` when one could not be read).
    On(Vec<(String, Y)>, bool),
    /// Under `Sw`: the statement's conditions plus these while on (`lost` as above).
    Switched(Sw, Vec<(String, Y)>, bool),
    /// Not expressible (reported): the statement's conditions are lost.
    Lost,
}

/// The switch of `dynamic "condition" { for_each = c ? [1] : [] … }` as the evaluator leaves
/// it (`!c` when written the other way round), or `None` for another `for_each`.
pub(super) fn condition_switch(d: &Block) -> Option<&Expr> {
    if d.kind != "dynamic" || d.labels.first().map(String::as_str) != Some("condition") {
        return None;
    }
    match d.body.attr("for_each").map(|a| &a.expr) {
        Some(Expr::Cond(c, a, z))
            if matches!(&**z, Expr::Tuple(v) if v.is_empty())
                && matches!(&**a, Expr::Tuple(v) if v.len() == 1) =>
        {
            Some(c)
        }
        _ => None,
    }
}

impl Tf {
    /// One `condition` block into `conds` (test → key → values); `false` when it is lost
    /// (reported).
    pub(super) fn condition_entry(
        &mut self,
        body: &Body,
        x: &At,
        conds: &mut Vec<(String, Y)>,
    ) -> bool {
        let (entry, lost) = self.lost(|tf| {
            let test = body.attr("test").and_then(|a| a.expr.literal());
            let variable = body.attr("variable").map(|a| a.expr.clone());
            let values = body.attr("values").map(|a| a.expr.clone());
            let (Some(test), Some(variable), Some(values)) = (test, variable, values) else {
                tf.issue(x, "a condition needs a literal test, a variable and values");
                return None;
            };
            let kt = tf.scalar(&variable, x)?;
            let key = tf.spec_str(&kt, x)?;
            let v = tf.values_y(&values, x)?;
            Some((test, key, v))
        });
        let Some((test, key, v)) = entry.filter(|_| !lost) else {
            return false;
        };
        let pos = match conds.iter().position(|(t, _)| *t == test) {
            Some(i) => i,
            None => {
                conds.push((test.clone(), Y::map()));
                conds.len() - 1
            }
        };
        let entry = &mut conds[pos].1;
        if entry.get(&key).is_some() {
            self.issue(x, format!("a second `{test}` condition on `{key}` cannot be expressed (a spec condition block has one entry per key)"));
            return false;
        }
        entry.set(&key, v);
        true
    }

    /// The `dynamic "condition"` blocks `dyns` of a statement whose fixed conditions are
    /// `conds`: one switch for all (`splittable`: the statement may become two), read.
    pub(super) fn switched_conditions(
        &mut self,
        dyns: &[&Block],
        conds: &[(String, Y)],
        splittable: bool,
        x: &At,
    ) -> CondSwitch {
        let Some(first) = dyns.first().and_then(|d| condition_switch(d)) else {
            return CondSwitch::Lost;
        };
        if dyns.iter().any(|d| condition_switch(d) != Some(first)) {
            self.issue(x, "`dynamic \"condition\"` blocks under different switches cannot be expressed (a spec statement is split by one switch); the statement's conditions are lost");
            return CondSwitch::Lost;
        }
        let Ok(sw) = self.one_switch(first, &None, x) else {
            return CondSwitch::Lost;
        };
        if sw.is_some() && !splittable {
            self.issue(x, "a `dynamic \"condition\"` switch in a statement under a switch of its own (or split by `compact`) cannot be expressed (the statement would need two switches); the statement's conditions are lost");
            return CondSwitch::Lost;
        }
        let mut on = conds.to_vec();
        let mut lost = false;
        for d in dyns {
            for c in d.body.blocks("content") {
                let cx = At {
                    line: c.line,
                    ..x.clone()
                };
                lost |= !self.condition_entry(&c.body, &cx, &mut on);
            }
        }
        match sw {
            Some(sw) => CondSwitch::Switched(sw, on, lost),
            None => CondSwitch::On(on, lost),
        }
    }

    /// A statement's elements with its `Condition` (when it has any), in the spec's order,
    /// settled: `None` when it is left out (reported).
    pub(super) fn settle_statement(
        &mut self,
        mut els: Vec<(String, El)>,
        conds: Vec<(String, Y)>,
        any_cond: bool,
        cond_lost: bool,
        x: &At,
    ) -> Option<Y> {
        if any_cond {
            els.push((
                "Condition".into(),
                if cond_lost {
                    El::Part(Y::Map(conds))
                } else {
                    El::Exact(Y::Map(conds))
                },
            ));
        }
        els.sort_by_key(|(k, _)| {
            crate::spec::STATEMENT_KEYS
                .iter()
                .position(|x| x == k)
                .unwrap_or(usize::MAX)
        });
        let settled = narrow::settle(els);
        self.settled(x, settled)
    }

    /// The statement as two under `sw`: with the switched conditions `on` while on, without
    /// them while off (its fixed conditions only).
    pub(super) fn split_by_condition(
        &mut self,
        els: Vec<(String, El)>,
        fixed: (Vec<(String, Y)>, bool, bool),
        on: (Sw, Vec<(String, Y)>, bool),
        x: &At,
    ) -> Vec<Y> {
        let (conds, any_cond, cond_lost) = fixed;
        let (sw, on_conds, on_lost) = on;
        let mut out = Vec::new();
        if let Some(y) = self.settle_statement(els.clone(), on_conds, true, cond_lost || on_lost, x)
        {
            out.push(with_when(y, &Some(sw.clone())));
        }
        let off = sw.not();
        if let Some(mut y) = self.settle_statement(els, conds, any_cond, cond_lost, x) {
            if let Some(sid) = y.get("Sid").and_then(Y::as_str).map(str::to_owned) {
                let not = if off.neg { "Not" } else { "" };
                y.set("Sid", Y::s(format!("{sid}{not}{}", off.param)));
            }
            out.push(with_when(y, &Some(off)));
        }
        out
    }
}
