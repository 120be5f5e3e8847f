//! The one list of every rule rolegen checks: code, name, severity and documentation.
//!
//! Codes are stable. Families: `RG0xx` spec input, `RG1xx` IAM grammar and the action
//! catalogue, `RG2xx` limits AWS enforces, `RG3xx` security lints, `RG4xx` what a backend
//! cannot express.

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Stops the build; nothing is written.
    Error,
    /// Printed; fails only with `--deny warnings`.
    Warning,
}

impl Severity {
    /// Lower-case name as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A rule: what it checks and how to fix what it finds.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable code, `RG` and three digits.
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Whether a spec may silence it with `allow:`.
    pub suppressible: bool,
    /// The cfn-lint checks that an `allow:` of this rule also silences in the emitted stack.
    pub cfn_lint: &'static [&'static str],
    /// What it checks (one paragraph).
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// An example that triggers it, and the fix.
    pub example: &'static str,
}

macro_rules! rules {
    ($( $id:ident = { $code:literal, $name:literal, $sev:ident, $supp:literal, [$($cfn:literal),*],
        $what:literal, $why:literal, $example:literal } )*) => {
        $(
            #[doc = $what]
            pub static $id: Rule = Rule {
                code: $code, name: $name, severity: Severity::$sev, suppressible: $supp,
                cfn_lint: &[$($cfn),*], what: $what, why: $why, example: $example,
            };
        )*
        /// Every rule, in code order.
        pub static ALL: &[&Rule] = &[$(&$id),*];
    };
}

rules! {
    YAML_SYNTAX = { "RG001", "yaml-syntax", Error, false, [],
        "The spec file is not well-formed YAML.",
        "Nothing can be compiled from a file that does not parse.",
        "roles:\n  task\n    name: x      # missing ':' after task\n\nFix: `task:`" }
    UNKNOWN_FIELD = { "RG002", "unknown-field", Error, false, [],
        "A mapping has a key the spec format does not know.",
        "A misspelt key (`managed_polices`) would otherwise be ignored and the role would silently lack what the author meant.",
        "roles:\n  task:\n    managed_polices: []\n\nFix: `managed_policies:` (the message lists the expected keys)." }
    WRONG_TYPE = { "RG003", "wrong-type", Error, false, [],
        "A value has the wrong shape or type (a list where a string belongs, a word where a number belongs).",
        "The model is typed; a value that does not fit cannot be lowered.",
        "max_session_duration: one hour\n\nFix: `max_session_duration: 3600`" }
    UNDECLARED_PARAMETER = { "RG004", "undeclared-parameter", Error, false, [],
        "A `${Name}` placeholder names no declared parameter, pseudo parameter or IAM policy variable; a `${kms_keys.<id>.arn}` names no key of the module, a key switched by `when:`, or stands in a key policy.",
        "A typo in a placeholder would otherwise reach AWS as literal text or as an unresolved reference.",
        "name: ${NamePrefx}-task\n\nFix: declare the parameter, or correct the name (`${NamePrefix}`)." }
    DUPLICATE_NAME = { "RG005", "duplicate-name", Error, false, [],
        "Two things would get the same name or identifier in the output (role keys that map to one Terraform name, two inline policies of one name, two roles with one role name).",
        "Terraform and CloudFormation would reject the module, or one resource would overwrite the other.",
        "roles:\n  app-task: ...\n  app_task: ...   # both become aws_iam_role.app_task\n\nFix: rename one." }
    PARAMETER_MISUSE = { "RG006", "parameter-misuse", Error, false, [],
        "A parameter is used where its type does not fit: a list where one value is needed, a non-bool in `when:`, a default of the wrong type, a default or example that its own `pattern` or `min_length`/`max_length` refuses, a `bool` marked `secret`; a piece `${split(\"<delimiter>\", <Parameter>)[<index>]}` written wrong (the delimiter not first, empty, a negative index), of a parameter that is not a `string`, or of one whose default, example or an allowed value lacks the piece.",
        "Both backends need to know at build time whether a value is one string or many; Terraform cannot count resources by a sensitive value, so a switch cannot be secret; a missing piece fails both backends at deploy time (`Fn::Select`, an index), so a value the spec knows must have it.",
        "when: NamePrefix      # a string parameter\n\nFix: use a `bool` parameter in `when:`." }
    POLICY_FILE = { "RG007", "policy-file", Error, false, [],
        "A `policy_file:` cannot be read: it does not exist, is not JSON, or lies outside the spec's folder.",
        "Policies from files must be reproducible and confined to the project.",
        "policy_file: ../../etc/policy.json\n\nFix: keep policy files beside the spec and name them relative to it." }
    MODULE_NAME = { "RG008", "module-name", Error, false, [],
        "The module name is not 1–64 characters of `[a-z0-9-]` starting with a letter, or two specs share it.",
        "The module name becomes a folder under modules-out/ and a stack name.",
        "module: My Module\n\nFix: `module: my-module`" }
    UNKNOWN_ALLOW = { "RG009", "unknown-allow", Error, false, [],
        "An `allow:` list names a code that is not a rule, or a rule that cannot be silenced.",
        "A suppression that silences nothing hides the intent and rots.",
        "allow: [RG999]\n\nFix: use `rolegen explain` to find the right code; errors that AWS would enforce cannot be allowed." }
    INPUT_LIMIT = { "RG010", "input-limit", Error, false, [],
        "The spec exceeds an input limit: file size, nesting depth, number of roles, or YAML aliases.",
        "Hostile or runaway input must fail fast instead of exhausting memory.",
        "A spec of 50 MB, or an alias bomb.\n\nFix: split the spec into modules." }
    UNUSED_PARAMETER = { "RG011", "unused-parameter", Warning, true, [],
        "A declared parameter is used by no placeholder, no `when:` and no named condition; or a named condition is used by no `when:` and no other condition.",
        "It still becomes a Terraform variable and a CloudFormation parameter (cfn-lint W2001) that changes nothing, which misleads whoever sets it; often it is a typo of the name used elsewhere.",
        "parameters:\n  BucketName: {type: string}\nroles: ...   # no ${BucketName} anywhere\n\nFix: use it, or remove it." }
    REGEX_DIALECT = { "RG012", "regex-dialect", Error, false, [],
        "A parameter's `pattern` uses a construct that Terraform's `regex()` (Go's RE2 syntax) or CloudFormation's `AllowedPattern` (Java's java.util.regex) cannot compile or reads differently: a count over 1000 (also as the product of nested counts), look-around, back-references, possessive quantifiers, atomic groups, `\\Z`, `\\h`, `\\R`, `\\e`, `\\Q…\\E`, Unicode classes `\\p{…}`, POSIX classes `[[:alpha:]]`, nested classes and `&&`, named groups, inline flags other than `s`, `.` outside `(?s)`, `\\s`, `\\v`, word boundaries, `$` before more pattern, `\\u` escapes.",
        "Terraform validates with `can(regex(\"^(?:P)$\", var.x))`: a pattern Go cannot compile makes `can()` false, so every value is refused (`{2,1224}` did this to the StackState module). CloudFormation matches the whole value with Java's engine, whose `.`, `\\s`, `\\v`, `\\b`, `(?i)` and `$` differ from Go's; the two outputs would then accept different values. Sources: Go `regexp/syntax` docs (counts above 1000 are rejected, nested ones too), RE2 `syntax.txt` (NOT SUPPORTED constructs), Java `java.util.regex.Pattern` docs (line terminators, predefined classes, quantifiers).",
        "pattern: \"[A-Za-z0-9+=,.@:/_-]{2,1224}\"\n\nFix: `pattern: \"[A-Za-z0-9+=,.@:/_-]+\"` with `min_length: 2` and `max_length: 1224`; `.` becomes a class such as `[A-Za-z0-9._-]`, `\\s` becomes `[\\t\\n\\f\\r ]`, `(?i)ab` becomes `[Aa][Bb]`." }
    LENGTH_COUNT = { "RG013", "length-count", Error, false, [],
        "A `string` parameter has `min_length`/`max_length` but no `pattern`, or a pattern that admits characters other than printable ASCII (`' '`–`'~'`).",
        "Terraform's `length()` counts Unicode grapheme clusters (`\\r\\n` is one, a letter with a combining accent is one) while CloudFormation's MinLength/MaxLength count characters; on printable ASCII they agree, elsewhere the two outputs would accept different values.",
        "ExternalId: {type: string, max_length: 1224}\n\nFix: add `pattern: \"[A-Za-z0-9+=,.@:/_-]+\"`." }
    GITHUB_REPO = { "RG014", "github-repo", Error, false, [],
        "A `github` trust helper's `repo` is not `owner/name` (or `owner/*`): a URL (`https://github.com/o/r`, `git@github.com:o/r.git`), a subject (`repo:o/r:...`), a name without owner, or characters GitHub does not allow. A parameter used as the whole `repo` is checked through its default and example.",
        "The helper writes the subject `repo:<repo>:<subject>`; GitHub's token never carries a URL there, so such a trust matches no workflow and the deploy fails far from the spec.",
        "github:\n  repo: https://github.com/example-org/infra\n\nFix: `repo: example-org/infra`" }
    GITHUB_SUBJECT = { "RG015", "github-subject", Error, false, [],
        "A `github` trust helper's `subjects` entry is not the part of GitHub's `sub` claim after `repo:<owner>/<name>:`: a bare branch name (`main`), a ref without `ref:` (`refs/heads/main`), `ref:main`, a misspelt context (`branch:`, `tag:`, `env:`), or a whole subject `repo:o/r:...` that the helper would prefix a second time. The help line gives the entry GitHub sends (`ref:refs/heads/main`, `environment:prod`, `pull_request`). Entries of the form `<claim>:<value>` are left alone (customised subject templates).",
        "GitHub's subject is `repo:<owner>/<name>:ref:refs/heads/<branch>`, `...:environment:<name>` or `...:pull_request`; any other spelling matches no token, so the role cannot be assumed.",
        "github:\n  repo: example-org/infra\n  subjects: [main]\n\nFix: `subjects: [\"ref:refs/heads/main\"]`" }
    OIDC_PROVIDER = { "RG016", "oidc-provider", Error, false, [],
        "An `irsa` trust helper's `provider` is not an OIDC issuer host and path: it starts with `https://` (as `aws eks describe-cluster` prints the issuer), ends with `/`, or is the provider's ARN. A parameter used as the whole `provider` is checked through its default and example. rolegen rejects the value rather than stripping it: the same value reaches the role's principal and its condition keys, and a parameter's deployed value cannot be stripped inside CloudFormation's `Fn::Sub` text, so literal and parameter follow one rule.",
        "IAM names the provider `arn:<partition>:iam::<account>:oidc-provider/<host/path>` and its condition keys `<host/path>:sub` and `<host/path>:aud`; with `https://` in them the trust names a provider that does not exist and nothing can assume the role.",
        "irsa:\n  provider: https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE\n\nFix: `provider: oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE`; a parameter also wants a `pattern` that refuses `https://` at deploy time (the poolside spec's `OidcProvider` has one)." }
    OIDC_PROVIDER_RESOURCE = { "RG017", "oidc-provider-resource", Error, false, [],
        "An `oidc_providers:` entry, or a trust helper's `oidc_provider:` naming one, is wrong: the URL is not `https://` and a host and path (no trailing `/`, query or fragment, at most 255 characters), a thumbprint is not 40 hex digits or there are more than 5, an audience is empty or over 255 characters, the helper names no declared provider, names one whose audiences lack `sts.amazonaws.com`, a `github` helper names a provider other than `https://token.actions.githubusercontent.com`, an `irsa` helper has both or neither of `provider` and `oidc_provider`, or a string's `${oidc_providers.<id>.arn}` names no declared provider or an attribute other than `arn`.",
        "IAM refuses such a provider, or the role's trust names a provider whose tokens can never carry the audience or issuer the helper's conditions require, so nothing can assume the role.",
        "oidc_providers:\n  github:\n    url: https://token.actions.githubusercontent.com/\nroles:\n  deploy:\n    trust:\n      - github: {repo: acme/web, oidc_provider: gihub}\n\nFix: `url: https://token.actions.githubusercontent.com` and `oidc_provider: github`." }
    CONDITION = { "RG018", "condition", Error, false, [],
        "A named condition under `conditions:` is malformed: a test with none or several of `equals`, `not_empty`, `and`, `or`, `not`; `equals:` without exactly a parameter and a literal value, or with a value the parameter's `allowed_values` exclude; `and:`/`or:` with fewer than two conditions; conditions that name each other in a cycle; a condition named like a parameter.",
        "A condition becomes a CloudFormation `Conditions:` entry and a Terraform local; a cycle or a malformed test compiles in neither, a comparison with a value the parameter can never take is always false (usually a typo), and a name shared with a parameter would make `when:` ambiguous.",
        "conditions:\n  IsProd: {equals: [Env, prd]}     # Env allows dev, prod\n  A: {and: [B]}\n\nFix: `{equals: [Env, prod]}`; `A: B` (or `and:` two conditions)." }
    MAPPING = { "RG020", "mapping", Error, false, [],
        "A `mappings:` entry or a `${mappings.<Map>[<by>].<key>}` lookup is wrong: the mapping's name is not letters and digits, an entry's name is not letters, digits, `-` and `.`, a key is not letters and digits, a mapping or entry is empty, the lookup is not written `mappings.<Map>[<by>].<key>`, names no declared mapping, no key of it, a key some entries lack, is picked by something other than a pseudo parameter (`AWS::Partition`, `AWS::Region`, `AWS::AccountId`, `AWS::URLSuffix`) or a `string`/`number` parameter, sits in a string with a list parameter, or a mapping picked by `AWS::Partition` has an entry that is no partition.",
        "CloudFormation refuses a mapping name or key that is not alphanumeric, and a lookup of a missing mapping, entry or key fails the deployment (`Fn::FindInMap`) or the Terraform plan (an invalid index); a typo must fail the build instead.",
        "mappings:\n  PartitionMap:\n    aws: {principal: ec2.amazonaws.com}\n    aws-cn: {principal: ec2.amazonaws.com.cn}\nroles:\n  node:\n    trust:\n      - service: ${mappings.PartitionMap[AWS::Partition].principle}\n\nFix: `${mappings.PartitionMap[AWS::Partition].principal}`." }
    MAPPING_GAPS = { "RG021", "mapping-gaps", Warning, true, [],
        "A mapping may be looked up with an entry it does not have: it is picked by `AWS::Partition` and lacks one of `aws`, `aws-cn`, `aws-us-gov`; it is picked by a parameter whose `allowed_values` it does not all cover, or by a parameter without `allowed_values`; or no string uses the mapping.",
        "Both backends fail where the entry is missing, and only at deploy time: CloudFormation fails the stack at `Fn::FindInMap`, Terraform fails the plan (`Invalid index`). Neither falls back to a default, and rolegen does not invent one. A mapping no string uses is emitted for nothing.",
        "mappings:\n  PartitionMap:\n    aws: {principal: ec2.amazonaws.com}\n\nFix: add `aws-cn` and `aws-us-gov` entries, or `allow: [RG021]` at the module if the module is deployed in `aws` only; give a parameter that picks an entry `allowed_values:` the mapping covers." }
    INVALID_EFFECT = { "RG101", "invalid-effect", Error, false, [],
        "A statement's `Effect` is not `Allow` or `Deny`.",
        "IAM rejects the policy.",
        "Effect: allow\n\nFix: `Effect: Allow`" }
    INVALID_CONDITION_OPERATOR = { "RG102", "invalid-condition-operator", Error, false, [],
        "A condition operator is not one IAM knows (with optional `ForAllValues:`/`ForAnyValue:` and `IfExists`).",
        "IAM rejects the policy at apply time, far from the spec.",
        "Condition:\n  StringEqual: {aws:SourceAccount: '123456789012'}\n\nFix: `StringEquals`" }
    ACTION_SYNTAX = { "RG103", "action-syntax", Error, false, [],
        "An action is not `service:Action` (letters, digits, `-`, and the wildcards `*` and `?`), or `*`.",
        "IAM rejects malformed actions.",
        "Action: s3 GetObject\n\nFix: `Action: s3:GetObject`" }
    MALFORMED_ARN = { "RG104", "malformed-arn", Error, false, [],
        "A resource or principal ARN does not have the shape `arn:partition:service:region:account:resource`, or its account is not 12 digits.",
        "IAM rejects the policy, or worse, the statement matches nothing.",
        "Resource: arn:aws:secretsmanager:eu-west-1:0000000000:platform-key-name\n\nFix: arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:platform-key-name-*" }
    OLD_POLICY_VERSION = { "RG105", "old-policy-version", Warning, true, ["W2511"],
        "A policy document uses `Version: 2008-10-17`.",
        "The old version does not support policy variables; `${aws:username}` stays literal text. Keep it only where a vendor document requires it.",
        "Version: '2008-10-17'\n\nFix: `Version: '2012-10-17'`, or `allow: [RG105]` with a reason." }
    INVALID_STATEMENT = { "RG106", "invalid-statement", Error, false, [],
        "A statement lacks what IAM requires: an action (`Action`/`NotAction`), a resource in identity policies, a principal in trust and resource policies, or has both `X` and `NotX`; or a policy has no statement, also when some choice of `when:` switches turns the policy on and all of its statements off; or two statements share a Sid.",
        "IAM rejects the document.",
        "Statement:\n  - Effect: Allow\n    Action: s3:GetObject\n\nFix: add `Resource:`." }
    UNKNOWN_SERVICE = { "RG110", "unknown-service", Warning, true, [],
        "An action's service prefix is neither in the IAM action catalogue (`rolegen --version` gives its date) nor among the `[catalog] extra_actions` of `rolegen.toml`.",
        "IAM accepts unknown actions silently (Access Analyzer only warns), so a misspelt prefix grants nothing and nobody notices; a retired service's actions grant nothing either. A service launched after the catalogue snapshot is real: list its actions in `rolegen.toml`, or allow the rule with a reason.",
        "Action: s4:GetObject\n\nFix: `s3:GetObject`; for a service newer than the catalogue, `[catalog] extra_actions = [\"newsvc:DoThing\"]` in rolegen.toml." }
    UNKNOWN_ACTION = { "RG111", "unknown-action", Warning, true, [],
        "An action is neither in the IAM action catalogue nor among the `[catalog] extra_actions` of `rolegen.toml`, or a wildcard pattern matches none of them.",
        "IAM accepts unknown actions silently (Access Analyzer only warns): a typo grants nothing. An action AWS announced after the catalogue snapshot is real: list it in `rolegen.toml`, or allow the rule with a reason.",
        "Action: s3:PutObjects\n\nFix: `s3:PutObject`; for an action announced yesterday, `[catalog] extra_actions = [\"bedrock:NewThing\"]` in rolegen.toml at the repository root." }
    RESOURCE_TYPE_MISMATCH = { "RG112", "resource-type-mismatch", Warning, true, [],
        "No action of a statement can apply to one of its resources (the ARN matches none of the resource types the actions accept).",
        "Such a resource grants nothing; usually the ARN lacks `/*` or names the wrong service.",
        "Action: s3:GetObject\nResource: arn:aws:s3:::bucket\n\nFix: `arn:aws:s3:::bucket/*`" }
    RESOURCE_STAR = { "RG113", "resource-star", Warning, true, [],
        "`Resource: \"*\"` with actions that support resource-level permissions.",
        "The statement grants the action on every resource of the account where it could be scoped.",
        "Action: s3:GetObject\nResource: '*'\n\nFix: name the bucket: `arn:${AWS::Partition}:s3:::${Bucket}/*`." }
    MANAGED_POLICY_TYPO = { "RG114", "managed-policy-typo", Error, true, [],
        "An AWS managed policy attachment (`aws: Name`, or an `arn:` under `iam::aws:policy/`) or permissions boundary names no AWS managed policy of rolegen's snapshot, but one close to it: a typo, another case, or a missing or wrong path such as `service-role/`.",
        "Nothing checks the name before apply: AttachRolePolicy then fails with NoSuchEntity, far from the spec. The did-you-mean names the policy meant.",
        "managed_policies:\n  - aws: AmazonECSTaskExecutionRolePolicy\n\nFix: `aws: service-role/AmazonECSTaskExecutionRolePolicy` (and `ReadOnlyAcess` → `ReadOnlyAccess`); if AWS really published the name after the snapshot, `allow: [{code: RG114, reason: ...}]`." }
    UNKNOWN_MANAGED_POLICY = { "RG115", "unknown-managed-policy", Warning, true, [],
        "An AWS managed policy attachment or permissions boundary names no AWS managed policy of rolegen's snapshot (`rolegen --version` gives its date), and none close to it.",
        "The name is probably wrong, and AttachRolePolicy would fail at apply; it may also be a policy AWS published after the snapshot.",
        "managed_policies:\n  - aws: AmazonBrandNewServiceAccess\n\nFix: check the name and path in the IAM console; if it is newer than the snapshot, `allow: [{code: RG115, reason: published 2026-12-01}]`." }
    UNKNOWN_CONDITION_KEY = { "RG116", "unknown-condition-key", Warning, true, [],
        "A condition key of a known service (`s3:`, `kms:`, ...) or a global `aws:` key is not in the catalogue (templated keys such as `aws:ResourceTag/${TagKey}` match any tag), or a known service key is a key of none of the statement's actions (`s3:prefix` on `sqs:ReceiveMessage` or `s3:GetObject`; keys of the actions' resource types count). Keys of other prefixes (OIDC providers, SAML) are not checked; global keys always apply; a statement with `*`, `NotAction` or an action the catalogue lacks is not held against its actions, nor is a key its service lists for no action.",
        "IAM accepts any key; a misspelt one, or one the action's requests do not carry, is simply absent from the request, so the condition never matches (an Allow grants nothing, a Deny denies nothing) or, with `IfExists` and negated operators, always matches.",
        "Condition:\n  StringLike: {s3:prefx: [home/]}\n\nFix: `s3:prefix`, on `s3:ListBucket` (the key of listing) rather than `s3:GetObject`." }
    CONDITION_OPERATOR_TYPE = { "RG117", "condition-operator-type", Warning, true, [],
        "A typed condition operator (`Bool`, `Arn*`, `Numeric*`, `Date*`, `IpAddress`) is used on a key of another type (a `Bool` on a string key, `ArnLike` on a key that holds no ARN).",
        "IAM compares the request's value as the operator's type; on a key of another type the condition may never match. Access Analyzer reports the same mismatch.",
        "Condition:\n  ArnLike: {aws:SourceAccount: '111122223333'}\n\nFix: `StringEquals: {aws:SourceAccount: '111122223333'}`." }
    ROLE_NAME_LIMIT = { "RG201", "role-name-limit", Error, false, [],
        "A role or policy name (or name prefix) is longer than IAM allows: 64 characters for a role (38 for a prefix), 128 for a managed or inline policy (102 for a managed policy's prefix), or uses characters outside `[\\w+=,.@-]`.",
        "CreateRole or CreatePolicy fails at apply time; Terraform's provider refuses a longer prefix at plan (it appends 26 characters). A name holding `${AWS::StackName}` is measured with the shortest stack name (1 character): the room it leaves is the longest stack name the module takes, which Terraform's `stack_name` validation checks (CloudFormation cannot measure it before deploying).",
        "name: a-very-long-prefix-...-role (70 characters)\n\nFix: shorten it." }
    PATH_LIMIT = { "RG202", "path-limit", Error, false, [],
        "A path is longer than 512 characters or is not `/` or `/segment/.../`.",
        "CreateRole fails at apply time.",
        "path: service-role\n\nFix: `path: /service-role/`" }
    DESCRIPTION_LIMIT = { "RG203", "description-limit", Error, false, [],
        "A role description is longer than 1,000 characters (or a policy description over 1,000).",
        "CreateRole fails at apply time.",
        "description: <1,200 characters>\n\nFix: shorten it." }
    SESSION_DURATION = { "RG204", "session-duration", Error, false, [],
        "`max_session_duration` is outside 3,600–43,200 seconds, or is a number parameter whose declared bounds, default or allowed values are.",
        "CreateRole fails at apply time.",
        "max_session_duration: 60\n\nFix: `max_session_duration: 3600`" }
    MANAGED_POLICY_SIZE = { "RG205", "managed-policy-size", Error, false, [],
        "A customer managed policy is over 6,144 characters (whitespace excluded).",
        "CreatePolicy fails at apply time.",
        "A policy listing hundreds of ARNs.\n\nFix: use wildcards or split the policy." }
    INLINE_POLICY_SIZE = { "RG206", "inline-policy-size", Error, false, [],
        "A role's inline policies together are over 10,240 characters (whitespace excluded).",
        "PutRolePolicy fails at apply time.",
        "Many large inline policies on one role.\n\nFix: move some into customer managed policies." }
    TRUST_POLICY_SIZE = { "RG207", "trust-policy-size", Error, true, [],
        "A trust policy is over 2,048 characters (whitespace excluded), the default quota.",
        "CreateRole fails at apply time unless the quota was raised (up to 8,192).",
        "Trust with forty accounts.\n\nFix: shorten, or raise the quota and `allow: [RG207]` with a reason." }
    MANAGED_ATTACHMENT_COUNT = { "RG208", "managed-attachment-count", Error, true, [],
        "A role has more than 10 managed policy attachments, the default quota.",
        "AttachRolePolicy fails at apply time unless the quota was raised (up to 20).",
        "Eleven managed_policies entries.\n\nFix: merge policies, or raise the quota and `allow: [RG208]`." }
    TAG_LIMIT = { "RG209", "tag-limit", Error, false, [],
        "A role has more than 50 tags, or a tag key over 128 / value over 256 characters.",
        "CreateRole fails at apply time.",
        "tags with 51 entries.\n\nFix: fewer tags." }
    PASS_ROLE_UNSCOPED = { "RG301", "pass-role-unscoped", Warning, true, [],
        "`iam:PassRole` is allowed on `*`, or without an `iam:PassedToService` condition.",
        "Passing any role to any service lets the holder escalate to the most privileged role in the account.",
        "Action: iam:PassRole\nResource: '*'\n\nFix: name the role ARN and add `StringEquals: {iam:PassedToService: bedrock.amazonaws.com}`." }
    PRIVILEGE_ESCALATION = { "RG302", "privilege-escalation", Warning, true, [],
        "An Allow statement grants an action known to allow privilege escalation (`iam:CreatePolicyVersion`, `iam:AttachRolePolicy`, `iam:PutRolePolicy`, `iam:UpdateAssumeRolePolicy`, `iam:CreateAccessKey`, `sts:AssumeRole` on `*`, ...).",
        "The holder can grant itself more than the policy says.",
        "Action: iam:AttachRolePolicy\nResource: '*'\n\nFix: remove it, or scope it and `allow:` with a reason." }
    CROSS_ACCOUNT_NO_EXTERNAL_ID = { "RG303", "cross-account-without-external-id", Warning, true, [],
        "A trust statement lets another AWS account assume the role without an `sts:ExternalId` condition.",
        "Without an external id a third party can be tricked into acting on your account (confused deputy).",
        "trust:\n  - account: '111122223333'\n\nFix: `external_id: ${ExternalId}`." }
    SERVICE_TRUST_NO_SOURCE = { "RG304", "service-trust-without-source", Warning, true, [],
        "A service principal is trusted (a role's trust policy) or allowed in a KMS key policy without an `aws:SourceAccount`, `aws:SourceArn` or `aws:SourceOrgID` condition, where AWS documents that the service sends these keys. The services it knows, with the page that says so: in trust policies `bedrock.amazonaws.com` (<https://docs.aws.amazon.com/bedrock/latest/userguide/batch-iam-sr.html>), `config.amazonaws.com` (<https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html>), `ecs-tasks.amazonaws.com` (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html>), `logs.amazonaws.com` (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html>), `scheduler.amazonaws.com` (<https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html>); in key policies `cloudtrail.amazonaws.com` (trails; CloudTrail Lake event data stores do not send the keys: <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html>), `delivery.logs.amazonaws.com` (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html>). Other services are not flagged: a condition on a key the service does not send denies the service.",
        "AWS recommends these conditions to stop the service acting for another account (confused deputy): without them, a resource of any account can make the service assume your role or use your key.",
        "trust:\n  - service: [scheduler.amazonaws.com]\n\nFix: `source_account: true` (adds `aws:SourceAccount = ${AWS::AccountId}`); in a key policy add `StringEquals: {aws:SourceAccount: ${AWS::AccountId}}`." }
    PRINCIPAL_STAR = { "RG305", "principal-star", Warning, true, [],
        "`Principal: \"*\"` (or `AWS: \"*\"`) in a trust or resource policy with no condition.",
        "Anyone, in any account, matches the statement.",
        "Principal: {AWS: '*'}\n\nFix: add a condition (`aws:PrincipalAccount`, `kms:ViaService`) or name the principal." }
    NOT_ACTION_ALLOW = { "RG306", "not-action-allow", Warning, true, [],
        "An Allow statement uses `NotAction` (or `NotResource`).",
        "It grants every action but the listed ones, including actions AWS adds later.",
        "Effect: Allow\nNotAction: iam:*\n\nFix: list the actions you mean." }
    DEPRECATED_MANAGED_POLICY = { "RG307", "deprecated-managed-policy", Warning, true, [],
        "An AWS managed policy that AWS has deprecated or superseded is attached, or is a permissions boundary.",
        "Deprecated policies stop receiving updates and may be removed.",
        "managed_policies:\n  - aws: CloudWatchFullAccess\n\nFix: `aws: CloudWatchFullAccessV2`." }
    FULL_ACCESS_MANAGED_POLICY = { "RG308", "full-access-managed-policy", Warning, true, [],
        "An AWS managed `*FullAccess` (or `AdministratorAccess`, `PowerUserAccess`, `IAMFullAccess`) policy is attached.",
        "These grant every action of a service on every resource; least privilege needs a scoped policy.",
        "managed_policies:\n  - aws: AmazonS3FullAccess\n\nFix: an inline policy with the actions and buckets needed." }
    WILDCARD_ACTION = { "RG309", "wildcard-action", Warning, true, [],
        "An Allow statement grants `*` or `service:*`.",
        "It grants every present and future action of the service.",
        "Action: s3:*\n\nFix: list the actions needed (`s3:GetObject`, `s3:PutObject`)." }
    WEB_IDENTITY_ANY_SUBJECT = { "RG310", "web-identity-any-subject", Error, true, [],
        "A web-identity trust statement (`sts:AssumeRoleWithWebIdentity` from an OIDC provider: the `github` and `irsa` helpers, a raw `statement` or a `trust_document`) does not pin the token's subject: there is no positive `StringEquals`/`StringLike` condition on `<issuer>:sub`, or it matches every subject (`*`), or, for GitHub (`token.actions.githubusercontent.com:sub`), a wildcard stands in the repository owner (`repo:*:*`, `github: {repo: \"*\"}`). Cognito identity pools (`cognito-identity.amazonaws.com`) and the Google, Facebook and Login with Amazon providers are pinned by their audience instead (RG311).",
        "The issuer signs tokens for everyone it serves: any GitHub Actions workflow of any repository on GitHub, any service account of the cluster. Without the subject, each of them can assume the role.",
        "trust:\n  - github: {repo: \"*\"}\n\nFix: `repo: example-org/infra` with `subjects: [\"ref:refs/heads/main\"]`; in a raw statement add `StringEquals: {token.actions.githubusercontent.com:sub: repo:example-org/infra:ref:refs/heads/main}`." }
    WEB_IDENTITY_WITHOUT_AUDIENCE = { "RG311", "web-identity-without-audience", Error, true, [],
        "A web-identity trust statement has no positive condition on the token's audience: `<issuer>:aud` for an OIDC provider (`token.actions.githubusercontent.com:aud`, `oidc.eks.<region>.amazonaws.com/id/<id>:aud`), `cognito-identity.amazonaws.com:aud` for Cognito identity pools, `accounts.google.com:aud`, `graph.facebook.com:app_id` or `www.amazon.com:app_id`; or its only value is `*`.",
        "The audience says whom the token was issued for. A Cognito trust without `cognito-identity.amazonaws.com:aud` accepts identities of every identity pool of every AWS account; an OIDC trust without `aud` accepts tokens the issuer minted for other consumers.",
        "Condition:\n  StringEquals:\n    token.actions.githubusercontent.com:sub: repo:example-org/infra:ref:refs/heads/main\n\nFix: add `token.actions.githubusercontent.com:aud: sts.amazonaws.com` (Cognito: `cognito-identity.amazonaws.com:aud: <identity pool id>`); the `github` and `irsa` helpers add it." }
    GITHUB_ANY_REF = { "RG312", "github-any-ref", Warning, true, [],
        "A GitHub Actions trust pins the repository but not the workflow's context: the subject after `repo:<owner>/<name>:` is `*` (a `github` helper without `subjects`, or a raw `repo:o/r:*`).",
        "Every branch, tag, pull request and environment of the repository can assume the role, so anyone who can push a branch or open a pull request that runs a workflow gets its permissions, bypassing branch protection and environment reviewers.",
        "github:\n  repo: example-org/infra\n\nFix: `subjects: [\"ref:refs/heads/main\", \"environment:production\"]`." }
    IRSA_WILDCARD_SUBJECT = { "RG313", "irsa-wildcard-subject", Warning, true, [],
        "An EKS (IRSA) trust matches its subject `system:serviceaccount:<namespace>:<service account>` with any wildcard in the namespace (`irsa: {namespace: \"*\"}`, `team-*`), or with `*` as the service account (`service_account: \"*\"`); also `StringLike` on such a `sub` in a raw statement. A prefix such as `worker-*` inside one namespace is not flagged: a pod can run as any service account of its namespace anyway, so the namespace is the boundary.",
        "Every pod that runs under a matching service account gets the role: with a wildcard namespace, whoever can create a pod in any matching namespace of the cluster; with `*` as the service account, every workload of the namespace, not the one that needs the role.",
        "irsa:\n  provider: ${OidcProvider}\n  namespace: \"*\"\n  service_account: app\n\nFix: `namespace: app` (the one namespace the workload runs in)." }
    PRINCIPAL_STAR_ANY_ACCOUNT = { "RG314", "principal-star-any-account", Warning, true, [],
        "A KMS key policy (or trust) statement allows `Principal: \"*\"` (or `AWS: \"*\"`) with conditions, none of which confines the caller to known accounts: no `kms:CallerAccount` (key policies), `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, or `aws:PrincipalArn` with a fixed account. The typical case narrows only with `kms:ViaService`. `aws:SourceAccount` does not count: a service sets it when it acts with its own service principal, not for the IAM principal whose request it forwards. A statement without any condition is RG305.",
        "`kms:ViaService` says which service forwards the request, not whose: principals of every AWS account can use the key through that service (encrypt their data with it, or decrypt what they can reach there).",
        "Principal: {AWS: '*'}\nCondition:\n  StringEquals:\n    kms:ViaService: s3.${AWS::Region}.amazonaws.com\n\nFix: add `kms:CallerAccount: ${AWS::AccountId}` to the `StringEquals` block." }
    LIST_IN_STRING = { "RG401", "list-in-string", Error, false, [],
        "A `list` parameter is used inside a string where a backend cannot expand it: two list parameters in one string, a list where one value is required, or (CloudFormation) a list inside a string that also holds other placeholders.",
        "CloudFormation has no map over a list: `Fn::Join`'s delimiter and `Fn::Sub`'s template are literal text, and `Fn::Sub` does not substitute inside a variable's value, so a deploy-time value (a pseudo parameter, another parameter) appears in the output only as many times as the template writes it, while `arn:${AWS::Partition}:s3:::${Buckets}/*` needs it once per item, however many items the list is given. Literal text around the list is built per item (`!Split` of `!Join`s), and a comma in it would split one item into two.",
        "Resource: arn:${AWS::Partition}:s3:::${Buckets}/*\n\nFix: make the list hold whole ARNs, or write the partition literally if the module is single-partition." }
    SWITCH_LIMIT = { "RG402", "switch-limit", Error, false, [],
        "A policy document whose condition keys contain parameters has more than 4 distinct `when:` switches.",
        "CloudFormation cannot put an intrinsic in a map key, so such a document is emitted as one `Fn::Sub` JSON string per combination of switches; more than 16 variants is unreasonable.",
        "A trust policy with an IRSA statement and five switched statements.\n\nFix: split the role or reduce the switches." }
    JSON_UNSAFE_PARAMETER = { "RG403", "json-unsafe-parameter", Error, false, [],
        "A parameter used in a policy document that CloudFormation receives as `Fn::Sub` JSON text (a condition key holds a placeholder, as in IRSA trust) has a default or example value with `\"`, `\\` or a control character.",
        "`Fn::Sub` inserts the value into the JSON text unescaped, so such a value makes the document invalid (or changes it) in CloudFormation while Terraform encodes it correctly. The stack also refuses such values at deploy time through the parameter's AllowedPattern.",
        "Team: {type: string, default: 'a\"b'}   # used next to an IRSA trust\n\nFix: use a value without quotes, backslashes and control characters." }
    STACK_QUOTA = { "RG404", "stack-quota", Warning, true, [],
        "The CloudFormation stack would exceed a CloudFormation quota: more than 500 resources, 200 outputs or 200 parameters in one template. Escape hatches count: every role has five parameters for them unless the spec turns them off.",
        "CloudFormation (and cfn-lint: E3010, E6010, E2010) rejects such a template, although the Terraform module of the same spec is fine. Every role adds a resource and four outputs (ARN, name, unique id, path; six with an instance profile). Every role also has one parameter per escape hatch (five unless the spec turns them off).",
        "A spec with 40 roles and their escape hatches: 200 hatch parameters, plus the spec's own.\n\nFix: `hatches: false` at module level (or `hatches: [additional_policy_arns]`, the ones callers need); for outputs, `outputs: {roles: [arn]}` keeps one per role; for resources, split the spec into modules of at most 50 roles, or `allow: [{code: RG404, reason: Terraform only}]` at module level when the stack is not deployed." }
    ADOPT_UNRESOLVED = { "RG405", "adopt-unresolved", Error, false, [],
        "A module with `adopt: true` holds something whose import ID is not known when the module is built: a role or managed policy without a fixed `name` (a `name_prefix` or a generated name), a resource switched by `when:`, a KMS key, or a parameter without a default.",
        "The adoption files (`adopt/main.tf` import blocks, the CloudFormation resources-to-import file) name every existing resource by its ID (role name, `role:policy`, `role/arn`, policy ARN, instance profile name). An ID that depends on a value given at deploy time, or a resource that may not exist, cannot be written, and adopting only part of a module would recreate the rest.",
        "adopt: true\nparameters: {Prefix: {type: string}}\nroles: {app: {name: ${Prefix}-app, ...}}\n\nFix: give Prefix a default (the value the existing roles use), or remove `adopt: true`." }
    DEFAULT_NOT_DEPLOYABLE = { "RG406", "default-not-deployable", Warning, true, ["W1031"],
        "A trust principal that is on with the parameters' defaults is, with those defaults, an ARN without an account id (`arn:aws:iam:::root`): a parameter that may stay empty in another mode (`default: \"\"`) is empty here.",
        "IAM refuses such a principal, so the module (and the stack: cfn-lint W1031 resolves the defaults the same way) does not deploy with its defaults; the caller must give the value in this mode. Allow it, with the reason, when the parameter is needed only in this mode and left empty in the other.",
        "parameters:\n  AgentAccountId: {type: string, default: \"\"}\ntrust:\n  - account: ${AgentAccountId}\n    when: not OnEc2\n\nFix: remove the default (the value is then required), or `allow: [{code: RG406, reason: ...}]` on the trust entry when the other mode needs no value." }
    EMPTY_ITEM_IN_STRING = { "RG407", "empty-item-in-string", Warning, true, [],
        "A `list` parameter is expanded inside a string with literal text (one string per item: `arn:aws:s3:::data-${Suffixes}*`), and nothing keeps its items from being empty: no `pattern`, or one that matches `\"\"`, and no `allowed_values` that leave `\"\"` out.",
        "CloudFormation has no empty `CommaDelimitedList`: a stack given an empty list (`\"\"`) has one empty item, which makes the text around the list alone, and next to a wildcard that names everything the items could (`arn:aws:s3:::data-*`), where Terraform given `[]` makes no string. An empty item does the same in both.",
        "parameters:\n  Suffixes: {type: list, default: [raw]}\n...\n            Resource: arn:aws:s3:::data-${Suffixes}*\n\nFix: `pattern: \"[a-z0-9-]+\"` on Suffixes (or `[^,]+`): both backends then refuse an empty item at deploy time." }
}

/// Looks a rule up by code (case-insensitive).
pub fn by_code(code: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// Looks a rule up by name (case-insensitive; `_` for `-` accepted).
pub fn by_name(name: &str) -> Option<&'static Rule> {
    let name = name.replace('_', "-");
    ALL.iter()
        .copied()
        .find(|r| r.name.eq_ignore_ascii_case(&name))
}

/// The documentation of a rule as `rolegen explain` prints it.
pub fn explain(rule: &Rule) -> String {
    let mut s = format!(
        "{} {} ({}{})\n\nWhat it checks\n  {}\n\nWhy\n  {}\n\nExample\n",
        rule.code,
        rule.name,
        rule.severity.as_str(),
        if rule.suppressible {
            ", can be allowed"
        } else {
            ""
        },
        rule.what,
        rule.why
    );
    for line in rule.example.lines() {
        s.push_str("  ");
        s.push_str(line);
        s.push('\n');
    }
    if !rule.cfn_lint.is_empty() {
        s.push_str(&format!(
            "\nAllowing it also silences cfn-lint {} on the emitted resource.\n",
            rule.cfn_lint.join(", ")
        ));
    }
    s
}
