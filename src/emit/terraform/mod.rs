//! The Terraform backend: `versions.tf`, `variables.tf`, `main.tf`, `outputs.tf`.

mod conditions;
pub mod hcl;
mod kms;
mod moved;
mod policy;
mod stack_name;
mod validation;
mod variables;
pub(crate) use stack_name::stack_name_description;
use stack_name::stack_name_variable;

use super::{Backend, OutputFile};
use crate::model::*;
use hcl::{map_key, pseudo_ref, quote_literal, template_expr, Block, Expr, FileWriter};
use indexmap::IndexMap;
use validation::{allowed_validation, length_validation, range_validation};

/// Emits a Terraform module.
pub struct Terraform;

impl Backend for Terraform {
    fn emit(&self, m: &Module) -> Vec<OutputFile> {
        let tf = Tf::new(m);
        let mut files = vec![
            OutputFile::new("terraform/versions.tf", hcl::write_file(&[versions(m)])),
            OutputFile::new("terraform/variables.tf", hcl::write_file(&tf.variables())),
            OutputFile::new("terraform/main.tf", tf.main()),
            OutputFile::new("terraform/outputs.tf", tf.outputs()),
        ];
        files.push(OutputFile::new(EXAMPLE_PATH, example(m)));
        let moved = tf.moved();
        if !moved.is_empty() {
            let mut text = String::from(MOVED_HEADER);
            text.push_str(&hcl::write_file(&moved));
            files.push(OutputFile::new("terraform/moved.tf", text));
        }
        files
    }
}

/// The provider constraint of a module: 5.x (5.100.0 is run against moto in the conformance
/// stage) through 6.x, whose upgrade guide removes or deprecates nothing the emitted resources
/// and data sources use (`aws_iam_role`, `aws_iam_role_policy`,
/// `aws_iam_role_policy_attachment`, `aws_iam_policy`, `aws_iam_instance_profile`,
/// `aws_kms_key`, `aws_kms_alias`, `aws_iam_policy_document`, `aws_partition`,
/// `aws_caller_identity`) — except the region: see [`AWS_PROVIDER_WITH_REGION`].
pub(crate) const AWS_PROVIDER: &str = ">= 5.0, < 7.0";

/// The provider constraint of a module that reads the region (`${AWS::Region}`). 6.0
/// deprecates `data.aws_region.*.name` for `region` (which 5.x lacks), and 6.47.0 deprecates
/// `id` as well, so no attribute reads the region on both majors without a deprecation; such
/// modules stay on 5.x and keep `name`.
pub(crate) const AWS_PROVIDER_WITH_REGION: &str = ">= 5.0, < 6.0";

/// The Terraform versions a module needs: `moved` blocks (moved.tf) are the newest feature
/// the output uses (1.1); validation blocks, `can()`, `alltrue()`, `for_each` and `dynamic`
/// blocks are older.
pub(crate) const TERRAFORM_VERSION: &str = ">= 1.1";

/// The module's on/off toggle (terraform-aws-modules' `create`): every resource is counted by it.
const CREATE: &str = "var.create";
/// Tags for every taggable resource; a resource's own tags win.
const TAGS: &str = "var.tags";

use crate::model::conventions::CONVENTION_VARIABLES;
use crate::model::conventions::{output_groups, OutputGroup, OutputKind, OutputOwner};

/// Why `moved.tf` exists.
const MOVED_HEADER: &str = "# The renames the spec declares (`moved:`): Terraform (>= 1.1) moves the state of each\n# resource from its earlier address instead of destroying and recreating it. Addresses\n# that are not in the state are ignored.\n\n";

/// Where a module's example root configuration goes, relative to the module's folder.
pub(crate) const EXAMPLE_PATH: &str = "examples/terraform/main.tf";

/// The tags the usage examples pass (`tags` in Terraform, `--tags` in CloudFormation).
pub(crate) const EXAMPLE_TAGS: [(&str, &str); 1] = [("team", "platform")];

/// `module "<name>" { source = ...  <inputs> tags = ... }`: the module called with every
/// input that has no default or has an example ([`Parameter::in_examples`]), set to the spec's
/// example value (the values of `cloudformation/<module>.params.json`), or a placeholder
/// marked `# required` when the spec gives none. The README's usage block and
/// `examples/terraform/main.tf` are this block.
pub(crate) fn usage_block(m: &Module, source: &str) -> Block {
    let mut b = Block::new("module", &[&crate::model::names::snake(&m.name)]);
    b.attr("source", source);
    b.blank();
    for p in m.params.values().filter(|p| p.in_examples()) {
        let value = match (&p.example, p.kind) {
            (Some(ParamValue::List(v)), _) => {
                let items: Vec<String> = v.iter().map(|x| quote_literal(x)).collect();
                format!("[{}]", items.join(", "))
            }
            (Some(ParamValue::Bool(b)), _) => b.to_string(),
            (Some(ParamValue::Number(n)), _) => n.clone(),
            (Some(ParamValue::Str(v)), _) => quote_literal(v),
            (None, ParamKind::List) => "[\"...\"] # required".into(),
            (None, ParamKind::Bool) => "false # required".into(),
            (None, ParamKind::Number) => "0 # required".into(),
            (None, ParamKind::String) => "\"...\" # required".into(),
        };
        b.attr(p.name.snake(), value);
    }
    if m.pseudos_used().contains(&Pseudo::StackName) {
        b.attr(
            crate::model::conventions::STACK_NAME_VARIABLE,
            quote_literal(crate::model::conventions::SAMPLE_STACK_NAME),
        );
    }
    let tags: Vec<String> = EXAMPLE_TAGS
        .iter()
        .map(|(k, v)| format!("{} = {}", map_key(k), quote_literal(v)))
        .collect();
    b.attr("tags", format!("{{ {} }}", tags.join(", ")));
    b
}

/// `examples/terraform/main.tf`: a root configuration a user can copy, calling the module
/// (`../../terraform`) with the same example values as the stack's `params.json`.
fn example(m: &Module) -> String {
    let values = if m.params.values().any(Parameter::in_examples) {
        format!(
            "with the example values of\n# cloudformation/{}.params.json (the stack's example parameters)",
            m.name
        )
    } else if m.pseudos_used().contains(&Pseudo::StackName) {
        "with an example `stack_name`\n# (the name of the CloudFormation stack it stands for)"
            .to_owned()
    } else {
        "(every input has a default)".to_owned()
    };
    let mut text = format!(
        "# Example: the {} module {values}.\n\
         # Copy this folder, set your own values and run `terraform init && terraform apply`;\n\
         # the provider takes its region and credentials from the environment (AWS_REGION,\n\
         # AWS_PROFILE, ...).\n\n",
        m.name
    );
    text.push_str(&root_configuration(m, &quote_literal("../../terraform")));
    text
}

/// A root configuration that uses the module from `source` (an HCL expression): the
/// `terraform` block, `provider "aws"` and the [`usage_block`].
pub(crate) fn root_configuration(m: &Module, source: &str) -> String {
    hcl::write_file(&[
        versions(m),
        Block::new("provider", &["aws"]),
        usage_block(m, source),
    ])
}

/// The `hashicorp/aws` version constraint of the module.
pub(crate) fn aws_provider_constraint(m: &Module) -> &'static str {
    if m.pseudos_used().contains(&Pseudo::Region) {
        AWS_PROVIDER_WITH_REGION
    } else {
        AWS_PROVIDER
    }
}

/// A block of `main.tf` that terraform-docs lists under Resources: a `resource` or a `data`
/// source, by type and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// `data` source (else a managed resource).
    pub data: bool,
    /// `aws_iam_role`.
    pub ty: &'static str,
    /// The block's name (`task`).
    pub name: String,
}

/// Every `resource` and `data` block of `main.tf`, in the order it writes them.
pub fn addresses(m: &Module) -> Vec<Address> {
    let mut v = Vec::with_capacity(4 * m.roles.len() + 2 * m.policies.len() + 8);
    let mut add = |data: bool, ty: &'static str, name: String| v.push(Address { data, ty, name });
    let pseudos = m.pseudos_used();
    if pseudos.contains(&Pseudo::Partition) || pseudos.contains(&Pseudo::UrlSuffix) {
        add(true, "aws_partition", "current".into());
    }
    if pseudos.contains(&Pseudo::AccountId) {
        add(true, "aws_caller_identity", "current".into());
    }
    if pseudos.contains(&Pseudo::Region) {
        add(true, "aws_region", "current".into());
    }
    for p in m.policies.values() {
        let name = p.id.snake();
        add(true, "aws_iam_policy_document", format!("{name}_policy"));
        add(false, "aws_iam_policy", name);
    }
    for k in m.kms_keys.values() {
        let name = k.id.snake();
        add(
            true,
            "aws_iam_policy_document",
            format!("{name}_key_policy"),
        );
        add(false, "aws_kms_key", name.clone());
        if k.alias.is_some() {
            add(false, "aws_kms_alias", name);
        }
    }
    for o in m.oidc_providers.values() {
        add(false, "aws_iam_openid_connect_provider", o.id.snake());
    }
    for r in m.roles.values() {
        let id = r.id.snake();
        add(true, "aws_iam_policy_document", [&*id, "_trust"].concat());
        add(false, "aws_iam_role", id.clone());
        for p in &r.inline {
            let pname = [&*id, "_", &names::snake(&p.name)].concat();
            add(true, "aws_iam_policy_document", pname.clone());
            add(false, "aws_iam_role_policy", pname);
        }
        if r.fixed_managed().next().is_some() {
            add(false, "aws_iam_role_policy_attachment", id.clone());
        }
        if r.arn_list().is_some() {
            add(
                false,
                "aws_iam_role_policy_attachment",
                [&*id, "_additional"].concat(),
            );
        }
        if r.instance_profile.is_some() {
            add(false, "aws_iam_instance_profile", id);
        }
    }
    v
}

fn versions(m: &Module) -> Block {
    let mut t = Block::new("terraform", &[]);
    t.attr("required_version", quote_literal(TERRAFORM_VERSION));
    let aws = aws_provider_constraint(m);
    let mut rp = Block::new("required_providers", &[]);
    rp.attr_expr(
        "aws",
        Expr::Map(vec![
            ("source".into(), quote_literal("hashicorp/aws")),
            ("version".into(), quote_literal(aws)),
        ]),
    );
    t.block(rp);
    t
}

pub(crate) struct Tf<'a> {
    m: &'a Module,
    /// `var.<snake_case>` of every parameter, made once.
    vars: std::collections::HashMap<&'a str, String>,
}

impl<'a> Tf<'a> {
    fn new(m: &'a Module) -> Self {
        let vars = m
            .params
            .keys()
            .map(|p| (p.as_str(), format!("var.{}", p.snake())))
            .collect();
        Tf { m, vars }
    }

    /// `var.<snake_case>` of a parameter.
    fn var(&self, p: &ParamName) -> String {
        match self.vars.get(p.as_str()) {
            Some(v) => v.clone(),
            None => format!("var.{}", p.snake()),
        }
    }

    fn is_list(&self, p: &ParamName) -> bool {
        self.m
            .params
            .get(p)
            .is_some_and(|x| x.kind == ParamKind::List)
    }

    fn template(&self, t: &Template) -> String {
        template_expr(t, &|p| self.var(p))
    }

    /// `count = <gate> ? 1 : 0`: every resource of the module hangs off `var.create`.
    fn count(b: &mut Block, gate: &str) {
        b.attr("count", [gate, " ? 1 : 0"].concat());
    }

    /// `aws_iam_role.x[0].name` (every resource is counted).
    fn role_ref(r: &Role, attr: &str) -> String {
        ["aws_iam_role.", &r.id.snake(), "[0].", attr].concat()
    }

    /// The module-wide `tags` variable merged under a resource's own tags.
    fn tags(&self, own: &IndexMap<String, Template>) -> Expr {
        if own.is_empty() {
            return Expr::Inline(TAGS.into());
        }
        let (optional, fixed): (Vec<_>, Vec<_>) = own
            .iter()
            .partition(|(_, v)| self.m.optional_param(v).is_some());
        let width = fixed
            .iter()
            .map(|(k, _)| map_key(k).chars().count())
            .max()
            .unwrap_or(0);
        // A tag that may be nothing: left out while its variable is empty (a conditional
        // between `{}` and an object has inconsistent types in Terraform).
        let optional: Vec<String> = optional
            .into_iter()
            .map(|(k, v)| {
                format!(
                    "{{ for k, v in {{ {} = {} }} : k => v if v != \"\" }}",
                    map_key(k),
                    self.template(v)
                )
            })
            .collect();
        let tail: String = optional.iter().map(|o| format!(", {o}")).collect();
        if fixed.is_empty() {
            return Expr::Lines(vec![format!("merge({TAGS}{tail})")]);
        }
        let mut lines = vec![format!("merge({TAGS}, {{")];
        for (k, v) in &fixed {
            lines.push(format!("  {:width$} = {}", map_key(k), self.template(v)));
        }
        lines.push(format!("}}{tail})"));
        Expr::Lines(lines)
    }

    /// Room for a file of about `per_item` bytes per role, policy and key.
    fn writer(&self, per_item: usize) -> FileWriter {
        let items = self.m.roles.len() + self.m.policies.len() + self.m.kms_keys.len();
        FileWriter::with_capacity(1024 + per_item * items)
    }

    fn main(&self) -> String {
        let mut out = self.writer(2048);
        if let Some(b) = self.locals() {
            out.push(b);
        }
        let pseudos = self.m.pseudos_used();
        if pseudos.contains(&Pseudo::Partition) || pseudos.contains(&Pseudo::UrlSuffix) {
            out.push(Block::new("data", &["aws_partition", "current"]));
        }
        if pseudos.contains(&Pseudo::AccountId) {
            out.push(Block::new("data", &["aws_caller_identity", "current"]));
        }
        if pseudos.contains(&Pseudo::Region) {
            out.push(Block::new("data", &["aws_region", "current"]));
        }
        hcl::mapping_locals(self.m)
            .into_iter()
            .for_each(|b| out.push(b));
        for p in self.m.policies.values() {
            let name = p.id.snake();
            out.push(self.policy_document(&format!("{name}_policy"), &p.doc));
            let mut b = Block::new("resource", &["aws_iam_policy", &name]);
            Self::count(&mut b, &self.gate(&[&p.when]));
            match &p.name {
                // A policy has no name-or-prefix (lowering refuses both).
                RoleName::Fixed(t) | RoleName::FixedOrPrefix(t, _) => {
                    b.attr("name", self.template(t));
                }
                RoleName::Prefix(t) => {
                    b.attr("name_prefix", self.template(t));
                }
                RoleName::Generated => {}
            }
            if let Some(path) = &p.path {
                b.attr("path", self.template(path));
            }
            if let Some(d) = &p.description {
                b.attr("description", self.template(d));
            }
            b.attr(
                "policy",
                format!("data.aws_iam_policy_document.{name}_policy.json"),
            );
            b.attr_expr("tags", self.tags(&IndexMap::new()));
            out.push(b);
        }
        for k in self.m.kms_keys.values() {
            self.kms_key(&mut out, k);
        }
        for o in self.m.oidc_providers.values() {
            let mut b = Block::new(
                "resource",
                &["aws_iam_openid_connect_provider", &o.id.snake()],
            );
            Self::count(&mut b, &self.gate(&[&o.when]));
            b.attr("url", self.template(&o.url()));
            let ids: Vec<String> = o.audiences.iter().map(|a| self.template(a)).collect();
            b.attr("client_id_list", format!("[{}]", ids.join(", ")));
            if !o.thumbprints.is_empty() {
                let prints: Vec<String> = o.thumbprints.iter().map(|t| quote_literal(t)).collect();
                b.attr("thumbprint_list", format!("[{}]", prints.join(", ")));
            }
            b.attr_expr("tags", self.tags(&IndexMap::new()));
            out.push(b);
        }
        for r in self.m.roles.values() {
            self.role(r, &mut out);
        }
        out.finish()
    }

    fn role(&self, r: &Role, out: &mut FileWriter) {
        let id = r.id.snake();
        out.push(self.policy_document(&[&*id, "_trust"].concat(), &r.trust));
        let mut b = Block::new("resource", &["aws_iam_role", &id]);
        let role_gate = self.gate(&[&r.when]);
        Self::count(&mut b, &role_gate);
        self.name_attrs(r, &r.name, &mut b);
        self.hatched(
            r,
            Hatch::Path,
            "path",
            r.path.as_ref().map(|p| self.optional(p)),
            &mut b,
        );
        if let Some(d) = &r.description {
            b.attr("description", self.template(d));
        }
        self.hatched(
            r,
            Hatch::MaxSessionDuration,
            "max_session_duration",
            r.max_session
                .as_ref()
                .map(|t| (t.as_literal().unwrap_or_else(|| self.template(t)), false)),
            &mut b,
        );
        self.hatched(
            r,
            Hatch::PermissionsBoundary,
            "permissions_boundary",
            r.boundary.as_ref().map(|pb| self.optional(pb)),
            &mut b,
        );
        b.attr(
            "assume_role_policy",
            ["data.aws_iam_policy_document.", &*id, "_trust.json"].concat(),
        );
        b.attr_expr("tags", self.tags(&r.tags));
        out.push(b);
        for p in &r.inline {
            let pname = [&*id, "_", &names::snake(&p.name)].concat();
            out.push(self.policy_document(&pname, &p.doc));
            let mut rp = Block::new("resource", &["aws_iam_role_policy", &pname]);
            Self::count(&mut rp, &self.gate(&[&r.when, &p.when]));
            rp.attr("name", self.template(&p.iam_name));
            rp.attr("role", Self::role_ref(r, "id"));
            rp.attr(
                "policy",
                ["data.aws_iam_policy_document.", &*pname, ".json"].concat(),
            );
            out.push(rp);
        }
        if r.fixed_managed().next().is_some() {
            let mut a = Block::new("resource", &["aws_iam_role_policy_attachment", &id]);
            a.attr_expr("for_each", self.attachment_map(r));
            a.attr("role", Self::role_ref(r, "name"));
            a.attr("policy_arn", "each.value");
            out.push(a);
        }
        if let Some(list) = r.arn_list() {
            // The caller's extra policies (the hatch) or a list parameter's: counted by the
            // list's length (known at plan time even when the ARNs are not, as
            // terraform-aws-modules' custom_role_policy_arns).
            let (var, gate) = match list {
                ArnList::Hatch => (
                    format!("var.{}", Hatch::AdditionalPolicyArns.tf_var(&r.id)),
                    role_gate.clone(),
                ),
                ArnList::Param(m, p) => {
                    (format!("var.{}", p.snake()), self.gate(&[&r.when, &m.when]))
                }
            };
            let name = format!("{id}_additional");
            let mut a = Block::new("resource", &["aws_iam_role_policy_attachment", &name]);
            a.attr("count", format!("{gate} ? length({var}) : 0"));
            a.attr("role", Self::role_ref(r, "name"));
            a.attr("policy_arn", format!("{var}[count.index]"));
            out.push(a);
        }
        if let Some(ip) = &r.instance_profile {
            let mut b = Block::new("resource", &["aws_iam_instance_profile", &id]);
            Self::count(&mut b, &self.gate(&[&r.when, &ip.when]));
            match &ip.name {
                Some(n) => {
                    b.attr("name", self.template(n));
                }
                // Named like the role, the name hatch included.
                None => self.name_attrs(r, &r.name, &mut b),
            }
            if let Some(p) = &ip.path {
                b.attr("path", self.template(p));
            }
            b.attr("role", Self::role_ref(r, "name"));
            b.attr_expr("tags", self.tags(&IndexMap::new()));
            out.push(b);
        }
    }

    /// `name` / `name_prefix` of a role (or of its instance profile, named like it), with the
    /// role's name hatch: the caller's name when set, else the spec's.
    /// A name that may be nothing is null while its variable is empty (the provider generates
    /// one).
    fn name_attrs(&self, r: &Role, name: &RoleName, b: &mut Block) {
        match name {
            RoleName::Fixed(t) => self.hatched(r, Hatch::Name, "name", Some(self.optional(t)), b),
            // The prefix only while the name (and the name hatch) is empty.
            RoleName::FixedOrPrefix(t, p) => {
                self.hatched(r, Hatch::Name, "name", Some(self.optional(t)), b);
                let mut named = format!("{} != \"\"", self.template(t));
                if r.has(Hatch::Name) {
                    let set = hatch_set(&Hatch::Name.tf_var(&r.id));
                    named = format!("({set}) || {named}");
                }
                b.attr(
                    "name_prefix",
                    format!("{named} ? null : ({})", self.optional(p).0),
                );
            }
            RoleName::Generated => self.hatched(r, Hatch::Name, "name", None, b),
            RoleName::Prefix(t) => {
                let t = self.template(t);
                if r.has(Hatch::Name) {
                    let var = format!("var.{}", Hatch::Name.tf_var(&r.id));
                    b.attr("name", var.clone());
                    b.attr("name_prefix", format!("{var} == null ? {t} : null"));
                } else {
                    b.attr("name_prefix", t);
                }
            }
        }
    }

    /// An attribute an escape hatch can override: `coalesce(var.<hatch>, <spec>)`, or the
    /// variable alone (null, so the provider's default) when the spec sets nothing.
    /// A value that may be nothing (`Module::optional_param`): `var.p == "" ? null : var.p`
    /// (`true`: it can be null); any other value as written (`false`).
    fn optional(&self, t: &Template) -> (String, bool) {
        let v = self.template(t);
        match self.m.optional_param(t) {
            Some(_) => (format!("{v} == \"\" ? null : {v}"), true),
            None => (v, false),
        }
    }

    /// An attribute an escape hatch can override: the hatch when set (neither null nor
    /// empty), else the spec's value. `coalesce` fails when every argument is null, so a spec
    /// value that can be null takes the conditional.
    fn hatched(
        &self,
        r: &Role,
        h: Hatch,
        attr: &'static str,
        spec: Option<(String, bool)>,
        b: &mut Block,
    ) {
        if !r.has(h) {
            if let Some((v, _)) = spec {
                b.attr(attr, v);
            }
            return;
        }
        let var = h.tf_var(&r.id);
        match spec {
            Some((v, false)) => {
                b.attr(attr, format!("coalesce(var.{var}, {v})"));
            }
            Some((v, true)) => {
                b.attr(attr, format!("{} ? var.{var} : ({v})", hatch_set(&var)));
            }
            None => {
                b.attr(attr, format!("var.{var}"));
            }
        }
    }

    /// Static keys → policy ARNs when the role is created; switched attachments merged in only
    /// when on.
    fn attachment_map(&self, r: &Role) -> Expr {
        let entry = |m: &ManagedAttachment| (map_key(&m.key), self.policy_arn(&m.target));
        // Group consecutive attachments with the same switch.
        type Group = (Option<String>, Vec<(String, String)>);
        let mut groups: Vec<Group> = Vec::new();
        for m in r.fixed_managed() {
            let cond = m.when.as_ref().map(|s| self.switch(s));
            match groups.last_mut() {
                Some((c, v)) if *c == cond => v.push(entry(m)),
                _ => groups.push((cond, vec![entry(m)])),
            }
        }
        let entries = |lines: &mut Vec<String>, entries: &[(String, String)], pad: &str| {
            let width = entries.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (k, v) in entries {
                lines.push(format!("{pad}{k:width$} = {v}"));
            }
        };
        let gate = self.gate(&[&r.when]);
        if let [(None, only)] = groups.as_slice() {
            let mut lines = vec![format!("{gate} ? {{")];
            entries(&mut lines, only, "  ");
            lines.push("} : {}".into());
            return Expr::Lines(lines);
        }
        let mut lines = vec![format!("{gate} ? merge(")];
        for (cond, group) in &groups {
            lines.push(match cond {
                Some(c) => format!("  {c} ? {{"),
                None => "  {".to_owned(),
            });
            entries(&mut lines, group, "    ");
            lines.push(match cond {
                Some(_) => "  } : {},".to_owned(),
                None => "  },".to_owned(),
            });
        }
        lines.push(") : {}".into());
        Expr::Lines(lines)
    }

    fn policy_arn(&self, p: &PolicyRef) -> String {
        match p {
            PolicyRef::Aws(name) => {
                let mut s = String::from("\"arn:${");
                s.push_str(pseudo_ref(Pseudo::Partition));
                s.push_str("}:iam::aws:policy/");
                hcl::escape_into(&mut s, name);
                s.push('"');
                s
            }
            PolicyRef::Module(id) => format!("aws_iam_policy.{}[0].arn", id.snake()),
            PolicyRef::Arn(t) => self.template(t),
            // Attached by their own counted resource, never through the map.
            PolicyRef::Arns(p) => format!("var.{}", p.snake()),
        }
    }

    /// Whether a template holds a secret parameter: an attribute set from it is sensitive in
    /// Terraform, and so is an output that reads that attribute.
    fn secret(&self, t: Option<&Template>) -> bool {
        t.is_some_and(|t| {
            t.params()
                .any(|p| self.m.params.get(p).is_some_and(|x| x.secret))
        })
    }

    /// Whether an output shows a value built from a secret parameter (a role's name or path,
    /// an instance profile's name, an OIDC provider's issuer).
    fn sensitive_output(&self, g: &OutputGroup, k: &OutputKind) -> bool {
        let role = || self.m.roles.get(g.key);
        match (k.owner, k.key) {
            (OutputOwner::Role, "name") => self.secret(role().and_then(|r| r.name.template())),
            (OutputOwner::Role, "path") => self.secret(role().and_then(|r| r.path.as_ref())),
            (OutputOwner::InstanceProfile, "instance_profile_name") => {
                self.secret(role().and_then(|r| {
                    let ip = r.instance_profile.as_ref()?;
                    ip.name.as_ref().or(r.name.template())
                }))
            }
            (OutputOwner::OidcProvider, _) => {
                self.secret(self.m.oidc_providers.get(g.key).map(|o| &o.issuer))
            }
            _ => false,
        }
    }

    fn outputs(&self) -> String {
        let mut out = self.writer(560);
        let mut output = |name: String, desc: String, value: String, sensitive: bool| {
            let mut b = Block::new("output", &[&name]);
            b.attr("description", quote_literal(&desc));
            b.attr("value", value);
            if sensitive {
                b.attr("sensitive", "true");
            }
            out.push(b);
        };
        // Every resource is counted (by `var.create` and its switches): null when not created.
        for g in output_groups(self.m) {
            for k in g.kinds() {
                output(
                    [&*g.tf_name, "_", k.tf_suffix].concat(),
                    k.what.replace("{}", g.key),
                    [
                        "one(",
                        k.owner.tf_type(),
                        ".",
                        &g.tf_name,
                        "[*].",
                        k.tf_attr,
                        ")",
                    ]
                    .concat(),
                    self.sensitive_output(&g, k),
                );
            }
        }
        out.finish()
    }
}

/// `var.<var> != null && var.<var> != ""`: an escape hatch variable is set (the spelling
/// `import::tf_hatches` reads back).
fn hatch_set(var: &str) -> String {
    format!("var.{var} != null && var.{var} != \"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `addresses` lists exactly the `resource` and `data` blocks `main.tf` writes, in order
    /// (the README's Resources section is built from it).
    #[test]
    fn addresses_are_the_blocks_of_main_tf() {
        let mut specs = crate::build::discover(std::path::Path::new("specs")).unwrap_or_default();
        for e in std::fs::read_dir("tests/fixtures")
            .into_iter()
            .flatten()
            .flatten()
        {
            specs.push(e.path().join("spec.yaml"));
        }
        specs.retain(|p| p.is_file());
        assert!(specs.len() > 10, "{specs:?}");
        for spec in specs {
            let out = crate::build::compile(
                std::slice::from_ref(&spec),
                crate::build::CompileOptions::EMIT,
            );
            for c in out.modules {
                let main = Tf::new(&c.module).main();
                let written: Vec<String> = main
                    .lines()
                    .filter(|l| l.starts_with("resource \"") || l.starts_with("data \""))
                    .map(|l| {
                        l.trim_end_matches(" {}")
                            .trim_end_matches(" {")
                            .replace('"', "")
                    })
                    .collect();
                let listed: Vec<String> = addresses(&c.module)
                    .iter()
                    .map(|a| {
                        let kind = if a.data { "data" } else { "resource" };
                        format!("{kind} {} {}", a.ty, a.name)
                    })
                    .collect();
                assert_eq!(written, listed, "{spec:?}");
            }
        }
    }
}
