//! The CloudFormation backend: one stack per module with Parameters, Conditions, Resources and
//! Outputs, plus `<module>.params.json` with example values when some parameter has no default.

mod conditions;
mod kms;
pub(crate) use kms::prefixed as kms_alias_name;
mod mappings;
mod parameters;
pub(crate) use parameters::{params_file_complete, value_text};
use parameters::{params_json, HATCH_GROUP};
mod policy;
mod rules;
pub mod yaml;

use super::{Backend, OutputFile};
use crate::model::conventions::{
    hatch_params, longest_export, output_groups, OutputValue, EXPORT_PREFIX,
};
use crate::model::*;
use std::collections::HashSet;
use yaml::{Node, Text};

/// Emits a CloudFormation stack.
pub struct CloudFormation;

/// The condition that `ExportPrefix` is set.
const HAS_EXPORT_PREFIX: &str = "HasExportPrefix";
/// The console group of parameters that name none.
const DEFAULT_GROUP: &str = "Parameters";
/// The console group of `ExportPrefix` (shared with spec parameters that name it).
const EXPORT_GROUP: &str = "Stack outputs";
/// Values that can go into JSON text unescaped: no `"`, `\` or control character (Java regex,
/// as CloudFormation's AllowedPattern).
pub const JSON_SAFE_PATTERN: &str = "[^\"\\\\\\x00-\\x1f]*";
/// The `ConstraintDescription` of [`JSON_SAFE_PATTERN`].
const JSON_SAFE_CONSTRAINT: &str = "Must not contain double quotes, backslashes or control characters: the value is inserted into policy JSON text";
/// Longest export name CloudFormation accepts.
const EXPORT_NAME_MAX: usize = 255;

impl Backend for CloudFormation {
    fn emit(&self, m: &Module) -> Vec<OutputFile> {
        let cfn = Cfn { m, import: false };
        let mut files = vec![OutputFile::new(
            format!("cloudformation/{}.yaml", m.name),
            cfn.stack(),
        )];
        if let Some(params) = params_json(m) {
            files.push(OutputFile::new(
                format!("cloudformation/{}.params.json", m.name),
                params,
            ));
        }
        files
    }
}

pub(crate) struct Cfn<'a> {
    m: &'a Module,
    /// The variant an IMPORT change set needs: `DeletionPolicy` on every resource, no
    /// `Outputs` (an import cannot add them) and so no export prefix.
    import: bool,
}

/// The template of an IMPORT change set that adopts the module's existing resources.
pub(crate) fn import_template(m: &Module) -> String {
    Cfn { m, import: true }.stack()
}

impl<'a> Cfn<'a> {
    /// String and list parameters; `Ref` to them is text.
    fn is_text(&self, p: &'a ParamName) -> bool {
        self.m
            .params
            .get(p)
            .is_some_and(|x| matches!(x.kind, ParamKind::String | ParamKind::List))
    }

    /// The condition for something switched by both its role and itself (`AAndB`).
    fn both(&self, role: &Option<Switch>, own: &Option<Switch>) -> Option<String> {
        match (role, own) {
            (Some(a), Some(b)) => Some(format!(
                "{}And{}",
                self.condition_name(a),
                self.condition_name(b)
            )),
            (Some(a), None) | (None, Some(a)) => Some(self.condition_name(a)),
            (None, None) => None,
        }
    }

    fn is_list(&self, p: &'a ParamName) -> bool {
        self.m
            .params
            .get(p)
            .is_some_and(|x| x.kind == ParamKind::List)
    }

    /// The condition a switch names (see [`Module::cfn_condition`]).
    fn condition_name(&self, s: &'a Switch) -> String {
        self.m.cfn_condition(s)
    }

    /// A scalar template: literal string, `!Ref`, or `!Sub`.
    fn template<'t>(&self, t: &'t Template) -> Node<'t> {
        if let Some(l) = t.literal() {
            return Node::Str(l);
        }
        match t.parts.as_slice() {
            // `Ref` of a Number parameter is a number to some readers; strings need `Fn::Sub`.
            [Part::Param(p)] if !self.is_text(p) => {
                return Node::tag("!Sub", format!("${{{}}}", p.as_str()))
            }
            [Part::Param(p)] => return Node::reference(p.as_str()),
            [Part::Pseudo(p)] => return Node::reference(p.cfn_name()),
            [Part::ProviderArn(p)] => {
                return match &p.when {
                    Some(w) => mappings::switched_arn(self.m, p, w),
                    None => Node::tag("!GetAtt", format!("{}.Arn", p.id.logical_id())),
                }
            }
            [Part::Lookup(l)] => return mappings::find_in_map(l),
            [Part::Piece(x)] => return mappings::select_piece(x),
            _ => {}
        }
        mappings::sub(self.m, t)
    }

    /// The stack template, written resource by resource.
    fn stack(&self) -> String {
        let items = self.m.roles.len() + self.m.policies.len() + self.m.kms_keys.len();
        let mut w = yaml::DocWriter::with_capacity(4096 + 1600 * items);
        w.entry("AWSTemplateFormatVersion", &Node::str("2010-09-09"));
        let desc = self
            .m
            .description
            .clone()
            .unwrap_or_else(|| format!("IAM roles of the {} module", self.m.name));
        w.entry("Description", &Node::str(desc));
        let exports = longest_export(self.m).filter(|_| !self.import);
        w.entry("Metadata", &self.interface(exports.is_some()));
        let params = self.parameters(exports);
        if !params.is_empty() {
            w.entry("Parameters", &Node::Map(params));
        }
        let mappings = mappings::section(self.m);
        if !mappings.is_empty() {
            w.entry("Mappings", &Node::Map(mappings));
        }
        let mut conditions = self.conditions();
        if exports.is_some() {
            conditions.push((
                HAS_EXPORT_PREFIX.into(),
                Node::func(
                    "Fn::Not",
                    Node::Seq(vec![Node::func(
                        "Fn::Equals",
                        Node::Seq(vec![Node::reference(EXPORT_PREFIX), Node::str("")]),
                    )]),
                ),
            ));
        }
        if !conditions.is_empty() {
            w.entry("Conditions", &Node::Map(conditions));
        }
        let rules = rules::section(self.m);
        if !rules.is_empty() {
            w.entry("Rules", &Node::Map(rules));
        }
        w.begin("Resources");
        self.resources(&mut Section(&mut w));
        if self.import {
            w.end(true);
            return w.finish();
        }
        w.end(true);
        w.begin("Outputs");
        self.outputs(&mut Section(&mut w));
        w.end(false);
        w.finish()
    }

    /// `AWS::CloudFormation::Interface`: the console's parameter groups (in the order the
    /// spec first names them, the ungrouped under "Parameters", the export prefix last, when
    /// the stack exports anything) and labels.
    fn interface(&self, exports: bool) -> Node<'a> {
        let mut groups: Vec<(&str, Vec<Node>)> = Vec::new();
        let grouped = self
            .m
            .params
            .values()
            .map(|p| (p.group.as_deref().unwrap_or(DEFAULT_GROUP), p.name.as_str()));
        let hatches = hatch_params(self.m).map(|(_, _, name)| (HATCH_GROUP, name));
        let export = exports.then_some((EXPORT_GROUP, EXPORT_PREFIX.to_owned()));
        let grouped = grouped.map(|(g, n)| (g, n.to_owned()));
        for (g, name) in grouped.chain(hatches).chain(export) {
            match groups.iter_mut().find(|(n, _)| *n == g) {
                Some((_, v)) => v.push(Node::str(name)),
                None => groups.push((g, vec![Node::str(name)])),
            }
        }
        let groups = groups
            .into_iter()
            .map(|(label, params)| {
                Node::map(vec![
                    ("Label", Node::map(vec![("default", Node::str(label))])),
                    ("Parameters", Node::Seq(params)),
                ])
            })
            .collect();
        let labels = self
            .m
            .params
            .values()
            .filter_map(|p| Some((p.name.as_str(), p.label.as_deref()?)))
            .chain(exports.then_some((EXPORT_PREFIX, "Export name prefix")))
            .map(|(name, label)| (name.into(), Node::map(vec![("default", Node::str(label))])))
            .collect();
        Node::map(vec![(
            "AWS::CloudFormation::Interface",
            Node::map(vec![
                ("ParameterGroups", Node::Seq(groups)),
                ("ParameterLabels", Node::Map(labels)),
            ]),
        )])
    }

    fn documents(&self) -> impl Iterator<Item = &'a PolicyDocument> {
        self.m
            .roles
            .values()
            .flat_map(|r| std::iter::once(&r.trust).chain(r.inline.iter().map(|p| &p.doc)))
            .chain(self.m.policies.values().map(|p| &p.doc))
            .chain(self.m.kms_keys.values().map(|k| &k.policy))
    }

    fn resource(
        &self,
        ty: &'static str,
        when: &Option<Switch>,
        props: Vec<(Text<'a>, Node<'a>)>,
        allow: &[&Allow],
    ) -> Node<'a> {
        self.resource_if(
            ty,
            when.as_ref().map(|sw| self.condition_name(sw)),
            props,
            allow,
        )
    }

    fn resource_if(
        &self,
        ty: &'static str,
        condition: Option<String>,
        props: Vec<(Text<'a>, Node<'a>)>,
        allow: &[&Allow],
    ) -> Node<'a> {
        let mut e: Vec<(Text<'a>, Node<'a>)> = vec![("Type".into(), Node::str(ty))];
        if let Some(c) = condition {
            e.push(("Condition".into(), Node::str(c)));
        }
        if self.import {
            e.push(("DeletionPolicy".into(), Node::str("Retain")));
            e.push(("UpdateReplacePolicy".into(), Node::str("Retain")));
        }
        let ignored = cfn_lint_ignores(allow);
        if !ignored.is_empty() {
            e.push((
                "Metadata".into(),
                Node::map(vec![(
                    "cfn-lint",
                    Node::map(vec![(
                        "config",
                        Node::map(vec![(
                            "ignore_checks",
                            Node::Seq(ignored.into_iter().map(Node::str).collect()),
                        )]),
                    )]),
                )]),
            ));
        }
        e.push(("Properties".into(), Node::Map(props)));
        Node::Map(e)
    }

    fn resources(&self, out: &mut Section) {
        for p in self.m.policies.values() {
            // CloudFormation has no prefix: a policy without a fixed name is named by the stack.
            let mut props = Vec::new();
            if let RoleName::Fixed(n) = &p.name {
                props.push(("ManagedPolicyName".into(), self.template(n)));
            }
            if let Some(path) = &p.path {
                props.push(("Path".into(), self.template(path)));
            }
            if let Some(d) = &p.description {
                props.push(("Description".into(), self.template(d)));
            }
            props.push(("PolicyDocument".into(), self.document(&p.doc)));
            out.push((
                p.id.pascal(),
                self.resource(
                    "AWS::IAM::ManagedPolicy",
                    &p.when,
                    props,
                    &[&self.m.allow, &p.allow],
                ),
            ));
        }
        for k in self.m.kms_keys.values() {
            self.kms_key(out, k);
        }
        for o in self.m.oidc_providers.values() {
            let url = o.url();
            let mut props = vec![("Url".into(), self.template(&url).into_owned())];
            props.push((
                "ClientIdList".into(),
                Node::Seq(o.audiences.iter().map(|a| self.template(a)).collect()),
            ));
            if !o.thumbprints.is_empty() {
                props.push((
                    "ThumbprintList".into(),
                    Node::Seq(o.thumbprints.iter().map(Node::str).collect()),
                ));
            }
            out.push((
                o.id.logical_id(),
                self.resource("AWS::IAM::OIDCProvider", &o.when, props, &[]),
            ));
        }
        for r in self.m.roles.values() {
            out.push((r.id.pascal(), self.role(r)));
            // A switched inline policy is its own AWS::IAM::Policy with a Condition: an
            // `Fn::If`/`AWS::NoValue` inside a role's Policies list is valid CloudFormation but
            // breaks tools that read the list (moto crashes on the null element).
            for p in r.inline.iter().filter(|p| p.when.is_some()) {
                let props = vec![
                    ("PolicyName".into(), self.template(&p.iam_name)),
                    ("PolicyDocument".into(), self.document(&p.doc)),
                    (
                        "Roles".into(),
                        Node::Seq(vec![Node::reference(r.id.pascal())]),
                    ),
                ];
                let id = format!("{}{}Policy", r.id.pascal(), names::pascal(&p.name));
                out.push((
                    id,
                    self.resource_if(
                        "AWS::IAM::Policy",
                        self.both(&r.when, &p.when),
                        props,
                        &[&self.m.allow, &r.allow, &p.allow],
                    ),
                ));
            }
            if let Some(ip) = &r.instance_profile {
                let mut props = Vec::new();
                let name = match (&ip.name, &r.name) {
                    (Some(n), _) => Some(self.template(n)),
                    // Named like the role, the name hatch included.
                    // CloudFormation has no prefix: generated while the name is empty.
                    (None, RoleName::Fixed(n) | RoleName::FixedOrPrefix(n, _)) => {
                        self.hatched(r, Hatch::Name, Some(self.optional(n)))
                    }
                    (None, _) => self.hatched(r, Hatch::Name, None),
                };
                if let Some(n) = name {
                    props.push(("InstanceProfileName".into(), n));
                }
                if let Some(p) = &ip.path {
                    props.push(("Path".into(), self.template(p)));
                }
                props.push((
                    "Roles".into(),
                    Node::Seq(vec![Node::reference(r.id.pascal())]),
                ));
                out.push((
                    format!("{}InstanceProfile", r.id.pascal()),
                    self.resource_if(
                        "AWS::IAM::InstanceProfile",
                        self.both(&r.when, &ip.when),
                        props,
                        &[],
                    ),
                ));
            }
        }
    }

    fn role(&self, r: &'a Role) -> Node<'a> {
        let mut props: Vec<(Text<'a>, Node<'a>)> = Vec::new();
        // A name that may be nothing: generated while its parameter is empty.
        let name = r.name.fixed().map(|n| self.optional(n));
        let mut hatched = |key: &'static str, h: Hatch, spec: Option<Node<'a>>| {
            if let Some(v) = self.hatched(r, h, spec) {
                props.push((key.into(), v));
            }
        };
        hatched("RoleName", Hatch::Name, name);
        hatched(
            "Path",
            Hatch::Path,
            r.path.as_ref().map(|p| self.optional(p)),
        );
        if let Some(d) = &r.description {
            props.push(("Description".into(), self.template(d)));
        }
        let mut hatched = |key: &'static str, h: Hatch, spec: Option<Node<'a>>| {
            if let Some(v) = self.hatched(r, h, spec) {
                props.push((key.into(), v));
            }
        };
        hatched(
            "MaxSessionDuration",
            Hatch::MaxSessionDuration,
            r.max_session.as_ref().map(|t| self.number(t)),
        );
        hatched(
            "PermissionsBoundary",
            Hatch::PermissionsBoundary,
            r.boundary.as_ref().map(|b| self.optional(b)),
        );
        props.push(("AssumeRolePolicyDocument".into(), self.document(&r.trust)));
        if let Some(arns) = self.managed_policy_arns(r) {
            props.push(("ManagedPolicyArns".into(), arns));
        }
        let fixed: Vec<Node> = r
            .inline
            .iter()
            .filter(|p| p.when.is_none())
            .map(|p| {
                Node::map(vec![
                    ("PolicyName", self.template(&p.iam_name)),
                    ("PolicyDocument", self.document(&p.doc)),
                ])
            })
            .collect();
        if !fixed.is_empty() {
            props.push(("Policies".into(), Node::Seq(fixed)));
        }
        if !r.tags.is_empty() {
            let tags = r
                .tags
                .iter()
                .map(|(k, v)| {
                    let tag = Node::map(vec![("Key", Node::str(k)), ("Value", self.template(v))]);
                    // A tag that may be nothing: left out while its parameter is empty.
                    match self.m.optional_param(v) {
                        Some(p) => Node::func(
                            "Fn::If",
                            Node::Seq(vec![
                                Node::str(self.m.has_condition(p)),
                                tag,
                                Node::reference("AWS::NoValue"),
                            ]),
                        ),
                        None => tag,
                    }
                })
                .collect();
            props.push(("Tags".into(), Node::Seq(tags)));
        }
        let mut allows: Vec<&Allow> = vec![&self.m.allow, &r.allow];
        allows.extend(r.inline.iter().map(|p| &p.allow));
        allows.extend(r.trust.statements.iter().map(|s| &s.allow));
        allows.extend(
            r.inline
                .iter()
                .flat_map(|p| p.doc.statements.iter().map(|s| &s.allow)),
        );
        self.resource("AWS::IAM::Role", &r.when, props, &allows)
    }

    /// A value that may be nothing (`Module::optional_param`): `!If [Has<P>, !Ref P, !Ref
    /// AWS::NoValue]`; any other value as written.
    fn optional(&self, t: &'a Template) -> Node<'a> {
        match self.m.optional_param(t) {
            Some(p) => Node::func(
                "Fn::If",
                Node::Seq(vec![
                    Node::str(self.m.has_condition(p)),
                    Node::reference(p.as_str()),
                    Node::reference("AWS::NoValue"),
                ]),
            ),
            None => self.template(t),
        }
    }

    /// A whole number written out, or `!Ref` of its number parameter.
    pub(super) fn number(&self, t: &'a Template) -> Node<'a> {
        match (t.as_literal(), t.as_single_param()) {
            (Some(n), _) => Node::raw(n),
            (None, Some(p)) => Node::reference(p.as_str()),
            (None, None) => self.template(t),
        }
    }

    /// A property an escape hatch can override: `!If [Has<Hatch>, !Ref <Hatch>, <spec>]`, with
    /// `AWS::NoValue` when the spec sets nothing.
    fn hatched(&self, r: &'a Role, h: Hatch, spec: Option<Node<'a>>) -> Option<Node<'a>> {
        if !r.has(h) {
            return spec;
        }
        let name = h.cfn_param(&r.id);
        Some(Node::func(
            "Fn::If",
            Node::Seq(vec![
                Node::str(format!("Has{name}")),
                Node::reference(name),
                spec.unwrap_or_else(|| Node::reference("AWS::NoValue")),
            ]),
        ))
    }

    /// The role's `ManagedPolicyArns`: the spec's attachments (switched ones under `Fn::If`),
    /// and with the additional-policies hatch set, its ARNs too. CloudFormation cannot append
    /// one list to another, so that branch joins every ARN with `|` (a character no IAM
    /// policy ARN holds, unlike `,`) and splits the text again.
    fn managed_policy_arns(&self, r: &'a Role) -> Option<Node<'a>> {
        let spec: Vec<Node> = r
            .fixed_managed()
            .map(|m| {
                let arn = self.policy_arn(&m.target);
                match &m.when {
                    Some(sw) => self.if_node(sw, arn),
                    None => arn,
                }
            })
            .collect();
        let Some(list) = r.arn_list() else {
            return (!spec.is_empty()).then_some(Node::Seq(spec));
        };
        let (name, switch) = match list {
            ArnList::Hatch => (Hatch::AdditionalPolicyArns.cfn_param(&r.id), None),
            ArnList::Param(m, p) => (p.to_string(), m.when.as_ref()),
        };
        let extra = Node::reference(name.clone());
        let (with, without) = if spec.is_empty() {
            (extra, Node::reference("AWS::NoValue"))
        } else {
            let mut pieces: Vec<Node> = Vec::new();
            for m in r.fixed_managed() {
                let arn = self.policy_arn(&m.target);
                let piece = Node::func(
                    "Fn::Join",
                    Node::Seq(vec![Node::str(""), Node::Seq(vec![arn, Node::str("|")])]),
                );
                pieces.push(match &m.when {
                    Some(sw) => Node::func(
                        "Fn::If",
                        Node::Seq(vec![
                            Node::str(self.condition_name(sw)),
                            piece,
                            Node::str(""),
                        ]),
                    ),
                    None => piece,
                });
            }
            pieces.push(Node::func(
                "Fn::Join",
                Node::Seq(vec![Node::str("|"), extra]),
            ));
            let joined = Node::func(
                "Fn::Join",
                Node::Seq(vec![Node::str(""), Node::Seq(pieces)]),
            );
            (
                Node::func("Fn::Split", Node::Seq(vec![Node::str("|"), joined])),
                Node::Seq(spec),
            )
        };
        let chosen = Node::func(
            "Fn::If",
            Node::Seq(vec![Node::str(format!("Has{name}")), with, without.clone()]),
        );
        // A switched list parameter attachment: its list only when the switch is on.
        Some(match switch {
            Some(sw) => Node::func(
                "Fn::If",
                Node::Seq(vec![Node::str(self.condition_name(sw)), chosen, without]),
            ),
            None => chosen,
        })
    }

    fn policy_arn(&self, p: &'a PolicyRef) -> Node<'a> {
        match p {
            PolicyRef::Aws(name) => {
                // The name is literal text: `Template::to_sub` escapes a `${` in it as `${!`.
                let mut arn = Template::lit("arn:");
                arn.push(Part::Pseudo(Pseudo::Partition));
                arn.push(Part::Lit(format!(":iam::aws:policy/{name}")));
                Node::tag("!Sub", arn.to_sub())
            }
            PolicyRef::Module(id) => Node::reference(id.pascal()),
            PolicyRef::Arn(t) => self.template(t),
            // Spliced into the list by `managed_policy_arns`, never one item.
            PolicyRef::Arns(p) => Node::reference(p.as_str()),
        }
    }

    fn outputs(&self, out: &mut Section) {
        let mut output = |name: String, desc: String, value: Node, when: Option<String>| {
            let mut e = vec![
                ("Description".into(), Node::str(desc)),
                ("Value".into(), value),
            ];
            if let Some(cond) = when {
                // Not exported: while another stack imports an export, CloudFormation refuses
                // the update that removes it, so the switch could not be turned off.
                e.push(("Condition".into(), Node::str(cond)));
                out.push((name, Node::Map(e)));
                return;
            }
            if !self.m.outputs.export {
                // `outputs: {export: false}`: nothing is exported.
                out.push((name, Node::Map(e)));
                return;
            }
            // An `Export` cannot itself be conditional (cfn-lint E6001: `Fn::If` is not
            // allowed there), so every output is exported and the parameter picks the prefix.
            let export = Node::func(
                "Fn::If",
                Node::Seq(vec![
                    Node::str(HAS_EXPORT_PREFIX),
                    Node::tag("!Sub", format!("${{{EXPORT_PREFIX}}}-{name}")),
                    Node::tag("!Sub", format!("${{AWS::StackName}}-{name}")),
                ]),
            );
            e.push(("Export".into(), Node::map(vec![("Name", export)])));
            out.push((name, Node::Map(e)));
        };
        for g in output_groups(self.m) {
            let when = self.both(g.when[0], g.when[1]);
            for k in g.kinds() {
                let target = [&*g.logical_id, k.cfn_resource].concat();
                let value = match k.value {
                    OutputValue::GetAtt(a) => Node::tag("!GetAtt", [&*target, ".", a].concat()),
                    OutputValue::Ref => Node::reference(target),
                    OutputValue::RolePath => self
                        .m
                        .roles
                        .get(g.key)
                        .and_then(|r| r.path.as_ref())
                        .map_or_else(|| Node::str("/"), |p| self.template(p)),
                };
                output(
                    [&*g.logical_id, k.cfn_suffix].concat(),
                    k.what.replace("{}", g.key),
                    value,
                    when.clone(),
                );
            }
        }
    }
}

/// The open section of a [`yaml::DocWriter`]: entries are written as they are pushed.
struct Section<'w>(&'w mut yaml::DocWriter);

impl Section<'_> {
    fn push(&mut self, (key, value): (String, Node)) {
        self.0.item(&key, &value);
    }
}

/// The cfn-lint checks silenced by the rules allowed at these levels, sorted and unique.
fn cfn_lint_ignores(allow: &[&Allow]) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = allow
        .iter()
        .flat_map(|a| a.0.iter().flat_map(|(r, _)| r.cfn_lint.iter().copied()))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}
