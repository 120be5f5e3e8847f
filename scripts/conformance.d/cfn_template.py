"""A small CloudFormation template model for scripts/conformance.

Loads a template (YAML with the short intrinsic tags, or JSON), works out the
parameter values a deploy would use, and resolves intrinsic functions the way
CloudFormation would for one fixed account:

    partition aws, account 123456789012, region us-east-1

Supported: Ref (parameters, pseudo parameters, resources), Fn::Sub (both
forms, ``${!Literal}``), Fn::GetAtt, Fn::If with Conditions (Fn::Equals,
Fn::Not, Fn::And, Fn::Or, Condition), AWS::NoValue, Fn::Join, Fn::Split,
Fn::Select, Fn::FindInMap, Fn::GetAZs, Fn::Base64, Fn::ImportValue
(placeholder), Fn::ToJsonString, Fn::Length. CommaDelimitedList and List<...>
parameters become python lists. A policy document written as a JSON string is
parsed (``policy_document``).

Ref/GetAtt of a resource use the physical ids of a deployed stack when they
are given (``physical``); otherwise the name the template sets, else an
"unresolved" marker (``unresolved``) that the read-back comparison in
stack_checks.py treats as a wildcard and ``for_linting`` turns into ``*``.

Standard library + PyYAML only: it runs inside the moto venv.
"""

import json
import os
import re

import yaml

PARTITION = "aws"
ACCOUNT = "123456789012"
REGION = "us-east-1"


class TemplateError(Exception):
    """The template cannot be loaded or an intrinsic cannot be resolved."""


class _NoValue:
    """AWS::NoValue: removes the property / list item that holds it."""

    def __repr__(self):
        return "AWS::NoValue"


NOVALUE = _NoValue()

# "Unresolved" marker: a value only the real deploy knows (an attribute of a
# resource type this model has no shape for). Compared as a wildcard.
MARK_OPEN, MARK_CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧
MARK_RE = re.compile(MARK_OPEN + "[^" + MARK_CLOSE + "]*" + MARK_CLOSE)


def unresolved(what):
    return f"{MARK_OPEN}{what}{MARK_CLOSE}"


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """SafeLoader + CloudFormation short tags; dates stay strings."""


# CloudFormation keeps `Version: 2012-10-17` a string; PyYAML would make a date.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_tag(loader, tag_suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Fn::" + tag_suffix: value}


_Loader.add_multi_constructor("!", _construct_tag)


def load_template(path):
    """Parse a template file into plain python data (intrinsics as dicts)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        if text.lstrip().startswith("{"):
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - our safe subclass
    except (ValueError, yaml.YAMLError) as exc:
        raise TemplateError(f"cannot parse {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources mapping)")
    return data


# --------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------
# Resource types the local moto (5.2.5, pinned in scripts/constraints/moto.txt) cannot create
# through CloudFormation: CreateStack answers HTTP 500. The stack checks that deploy into moto
# report SKIP for a template using one (with this reason) instead of a failure that says nothing
# about our output; cfn-lint, checkov and parliament still check it, and the Terraform side is
# applied for real (moto's IAM API has the resource).
MOTO_UNSUPPORTED = {
    "AWS::IAM::OIDCProvider": "moto 5.2.5's CloudFormation has no AWS::IAM::OIDCProvider (CreateStack answers 500)",
}


def moto_unsupported(template):
    """The reasons moto cannot deploy `template`, one per unsupported resource type used."""
    types = {r.get("Type") for r in (template.get("Resources") or {}).values() if isinstance(r, dict)}
    return [MOTO_UNSUPPORTED[t] for t in sorted(types & set(MOTO_UNSUPPORTED))]


def is_list_type(ptype):
    ptype = str(ptype or "String")
    return ptype == "CommaDelimitedList" or ptype.startswith("List<")


def params_file_for(template_path):
    """<stack>.params.json next to <stack>.yaml."""
    return os.path.splitext(template_path)[0] + ".params.json"


def load_overrides(template_path):
    """Read <stack>.params.json: {"Name": value} or the CLI's list form."""
    path = params_file_for(template_path)
    if not os.path.exists(path):
        return {}, None
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if isinstance(data, list):  # [{"ParameterKey": ..., "ParameterValue": ...}]
        data = {item["ParameterKey"]: item["ParameterValue"] for item in data}
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: expected a JSON object of parameter values")
    return data, path


def _as_param_string(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_as_param_string(v) for v in value)
    return str(value)


def _dummy(name, spec):
    ptype = str(spec.get("Type", "String"))
    allowed = spec.get("AllowedValues")
    if allowed:
        return _as_param_string(allowed[0])
    if ptype == "Number":
        return _as_param_string(spec.get("MinValue", 1))
    if is_list_type(ptype):
        return "dummy-a,dummy-b"
    return "dummy"


def parameter_values(template, template_path):
    """Values for every declared parameter, as CreateStack strings.

    Defaults, overridden by <stack>.params.json; a parameter with neither
    gets a dummy. Returns (values, notes)."""
    overrides, opath = load_overrides(template_path)
    declared = template.get("Parameters") or {}
    values, notes = {}, []
    for name, spec in declared.items():
        spec = spec or {}
        if name in overrides:
            values[name] = _as_param_string(overrides[name])
        elif "Default" in spec:
            values[name] = _as_param_string(spec["Default"])
        else:
            values[name] = _dummy(name, spec)
            notes.append(f"parameter {name} has no default and no override: dummy value {values[name]!r} used")
    for name in overrides:
        if name not in declared:
            notes.append(f"{os.path.basename(opath)}: {name} is not a parameter of the template (ignored)")
    return values, notes


# --------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------
_SUB_RE = re.compile(r"\$\{([^}]*)\}")


class Resolver:
    """Resolves intrinsics of one template for one set of parameter values."""

    def __init__(self, template, values, stack_name="stack", physical=None):
        self.template = template
        self.params = template.get("Parameters") or {}
        self.values = values
        self.stack_name = stack_name
        self.resources = template.get("Resources") or {}
        self.conditions = template.get("Conditions") or {}
        self.mappings = template.get("Mappings") or {}
        self.physical = physical or {}
        self._cond_cache = {}

    # -- conditions ---------------------------------------------------------
    def condition(self, name):
        if name not in self._cond_cache:
            if name not in self.conditions:
                raise TemplateError(f"unknown condition {name!r}")
            self._cond_cache[name] = None  # cycle guard
            self._cond_cache[name] = self._truth(self.conditions[name])
        if self._cond_cache[name] is None:
            raise TemplateError(f"condition {name!r} refers to itself")
        return self._cond_cache[name]

    def _truth(self, expr):
        if isinstance(expr, bool):
            return expr
        if isinstance(expr, str):
            return expr.lower() == "true"
        if isinstance(expr, dict) and len(expr) == 1:
            (key, arg), = expr.items()
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::Equals":
                left, right = (self.resolve(a) for a in arg)
                return _norm_scalar(left) == _norm_scalar(right)
            if key == "Fn::Not":
                return not self._truth(arg[0] if isinstance(arg, list) else arg)
            if key == "Fn::And":
                return all(self._truth(a) for a in arg)
            if key == "Fn::Or":
                return any(self._truth(a) for a in arg)
        raise TemplateError(f"cannot evaluate condition {expr!r}")

    def resource_enabled(self, logical_id):
        res = self.resources.get(logical_id) or {}
        cond = res.get("Condition")
        return True if cond is None else self.condition(cond)

    # -- refs and attributes ------------------------------------------------
    def ref(self, name):
        pseudo = {
            "AWS::Partition": PARTITION,
            "AWS::AccountId": ACCOUNT,
            "AWS::Region": REGION,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT}:stack/"
                            f"{self.stack_name}/00000000-0000-0000-0000-000000000000",
            "AWS::NotificationARNs": [],
        }
        if name == "AWS::NoValue":
            return NOVALUE
        if name in pseudo:
            return pseudo[name]
        if name in self.params:
            raw = self.values.get(name, "")
            if is_list_type(self.params[name].get("Type")):
                return [] if raw == "" else [part.strip() for part in raw.split(",")]
            return raw
        if name in self.resources:
            return self._resource_ref(name)
        raise TemplateError(f"Ref to unknown name {name!r}")

    def _props(self, logical_id):
        res = self.resources.get(logical_id) or {}
        return res.get("Type", ""), res.get("Properties") or {}

    def _prop(self, logical_id, key):
        """A resolved property value, or None."""
        _, props = self._props(logical_id)
        if key not in props:
            return None
        value = self.resolve(props[key])
        return None if value is NOVALUE else value

    def _resource_name(self, logical_id):
        """The physical name: deployed id, else the name property, else None."""
        if self.physical.get(logical_id):
            return self.physical[logical_id]
        rtype, _ = self._props(logical_id)
        name_prop = {
            "AWS::IAM::Role": "RoleName", "AWS::IAM::User": "UserName",
            "AWS::IAM::Group": "GroupName", "AWS::IAM::InstanceProfile": "InstanceProfileName",
            "AWS::IAM::ManagedPolicy": "ManagedPolicyName", "AWS::IAM::Policy": "PolicyName",
            "AWS::S3::Bucket": "BucketName", "AWS::SQS::Queue": "QueueName",
            "AWS::SNS::Topic": "TopicName", "AWS::Logs::LogGroup": "LogGroupName",
            "AWS::DynamoDB::Table": "TableName", "AWS::Lambda::Function": "FunctionName",
            "AWS::SecretsManager::Secret": "Name",
        }.get(rtype)
        return self._prop(logical_id, name_prop) if name_prop else None

    def _iam_path(self, logical_id):
        path = self._prop(logical_id, "Path") or "/"
        return path if path.endswith("/") else path + "/"

    def _resource_ref(self, logical_id):
        rtype, _ = self._props(logical_id)
        name = self._resource_name(logical_id)
        if rtype == "AWS::IAM::ManagedPolicy":
            if name and name.startswith("arn:"):
                return name
            if name:
                return f"arn:{PARTITION}:iam::{ACCOUNT}:policy{self._iam_path(logical_id)}{name}"
        if rtype == "AWS::SNS::Topic" and name and not name.startswith("arn:"):
            return f"arn:{PARTITION}:sns:{REGION}:{ACCOUNT}:{name}"
        if rtype == "AWS::SQS::Queue" and name and not name.startswith("http"):
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"
        return name if name else unresolved(f"Ref {logical_id}")

    def get_att(self, logical_id, attr):
        if logical_id not in self.resources:
            raise TemplateError(f"GetAtt of unknown resource {logical_id!r}")
        rtype, _ = self._props(logical_id)
        name = self._resource_name(logical_id)
        if name is None:
            return unresolved(f"GetAtt {logical_id}.{attr}")
        if isinstance(name, str) and name.startswith("arn:") and attr in ("Arn", "PolicyArn", "TopicArn", "Id"):
            return name
        iam = {"AWS::IAM::Role": "role", "AWS::IAM::User": "user", "AWS::IAM::Group": "group",
               "AWS::IAM::InstanceProfile": "instance-profile"}
        if rtype in iam and attr == "Arn":
            return f"arn:{PARTITION}:iam::{ACCOUNT}:{iam[rtype]}{self._iam_path(logical_id)}{name}"
        if rtype == "AWS::IAM::ManagedPolicy" and attr == "PolicyArn":
            return self._resource_ref(logical_id)
        if rtype == "AWS::S3::Bucket":
            shapes = {"Arn": f"arn:{PARTITION}:s3:::{name}",
                      "DomainName": f"{name}.s3.amazonaws.com",
                      "RegionalDomainName": f"{name}.s3.{REGION}.amazonaws.com"}
            if attr in shapes:
                return shapes[attr]
        if rtype == "AWS::SQS::Queue":
            qname = name.rsplit("/", 1)[-1]
            shapes = {"Arn": f"arn:{PARTITION}:sqs:{REGION}:{ACCOUNT}:{qname}", "QueueName": qname,
                      "QueueUrl": self._resource_ref(logical_id)}
            if attr in shapes:
                return shapes[attr]
        if rtype == "AWS::SNS::Topic" and attr in ("TopicArn", "Arn"):
            return self._resource_ref(logical_id)
        if rtype == "AWS::SNS::Topic" and attr == "TopicName":
            return name.rsplit(":", 1)[-1]
        if rtype == "AWS::Logs::LogGroup" and attr == "Arn":
            return f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:{name}:*"
        if rtype == "AWS::DynamoDB::Table" and attr == "Arn":
            return f"arn:{PARTITION}:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
        if rtype == "AWS::Lambda::Function" and attr == "Arn":
            return f"arn:{PARTITION}:lambda:{REGION}:{ACCOUNT}:function:{name}"
        if rtype == "AWS::KMS::Key" and attr == "Arn":
            return f"arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:key/{name}"
        if rtype == "AWS::KMS::Key" and attr == "KeyId":
            return name
        return unresolved(f"GetAtt {logical_id}.{attr}")

    # -- the resolver proper --------------------------------------------------
    def resolve(self, value):
        """Resolve every intrinsic inside value; AWS::NoValue items vanish."""
        if isinstance(value, list):
            out = [self.resolve(v) for v in value]
            return [v for v in out if v is not NOVALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key.startswith("Fn::"):
                return self._function(key, arg)
        out = {}
        for k, v in value.items():
            v = self.resolve(v)
            if v is not NOVALUE:
                out[k] = v
        return out

    def _function(self, key, arg):
        if key == "Fn::If":
            cond, when_true, when_false = arg
            return self.resolve(when_true if self.condition(cond) else when_false)
        if key == "Fn::Sub":
            return self._sub(arg)
        if key == "Fn::GetAtt":
            if isinstance(arg, str):
                arg = arg.split(".", 1)
            logical, attr = self.resolve(arg[0]), self.resolve(arg[1])
            return self.get_att(logical, attr)
        if key == "Fn::Join":
            delim, items = arg
            items = self.resolve(items)
            return str(delim).join(_to_str(v) for v in _flatten(items))
        if key == "Fn::Split":
            delim, text = arg
            return _to_str(self.resolve(text)).split(delim)
        if key == "Fn::Select":
            index, items = arg
            items = self.resolve(items)
            return items[int(self.resolve(index))]
        if key == "Fn::FindInMap":
            mapname, top, second = (self.resolve(a) for a in arg[:3])
            try:
                return self.mappings[mapname][top][second]
            except KeyError as exc:
                raise TemplateError(f"Fn::FindInMap: no {mapname}/{top}/{second}") from exc
        if key == "Fn::GetAZs":
            return [f"{REGION}a", f"{REGION}b", f"{REGION}c"]
        if key == "Fn::Base64":
            return self.resolve(arg)
        if key == "Fn::ImportValue":
            return unresolved(f"ImportValue {self.resolve(arg)}")
        if key == "Fn::ToJsonString":
            return json.dumps(self.resolve(arg), separators=(",", ":"))
        if key == "Fn::Length":
            return len(self.resolve(arg))
        if key in ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"):
            return self._truth({key: arg})
        raise TemplateError(f"unsupported intrinsic {key}")

    def _sub(self, arg):
        if isinstance(arg, list):
            text, variables = arg[0], arg[1] if len(arg) > 1 else {}
        else:
            text, variables = arg, {}
        variables = {k: self.resolve(v) for k, v in (variables or {}).items()}

        def one(match):
            inner = match.group(1)
            if inner.startswith("!"):
                return "${" + inner[1:] + "}"
            name = inner.strip()
            if name in variables:
                return _to_str(variables[name])
            if name in self.params or name.startswith("AWS::") or name in self.resources:
                return _to_str(self.ref(name))
            if "." in name:
                logical, attr = name.split(".", 1)
                return _to_str(self.get_att(logical, attr))
            raise TemplateError(f"Fn::Sub: unknown variable ${{{name}}}")

        return _SUB_RE.sub(one, str(text))


def _flatten(items):
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def _to_str(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_to_str(v) for v in value)
    return str(value)


def _norm_scalar(value):
    return _to_str(value) if not isinstance(value, list) else [_to_str(v) for v in value]


# --------------------------------------------------------------------------
# Policy documents
# --------------------------------------------------------------------------
def policy_document(value):
    """A resolved PolicyDocument: parsed if it is a JSON string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise TemplateError(f"policy document is a string but not JSON: {exc}") from exc
    return value


def for_linting(value):
    """Replace unresolved markers by '*' (for tools that need plain strings)."""
    if isinstance(value, str):
        return MARK_RE.sub("*", value)
    if isinstance(value, list):
        return [for_linting(v) for v in value]
    if isinstance(value, dict):
        return {k: for_linting(v) for k, v in value.items()}
    return value


def identity_documents(resolver):
    """Every identity policy document of the stack, resolved.

    Yields (label, document) with label "<LogicalId>/<PolicyName>": inline
    Policies of roles/users/groups, AWS::IAM::ManagedPolicy, AWS::IAM::Policy
    and AWS::IAM::{Role,User,Group}Policy. Trust policies are not included."""
    for logical, res in resolver.resources.items():
        if not isinstance(res, dict) or not resolver.resource_enabled(logical):
            continue
        rtype, props = res.get("Type"), res.get("Properties") or {}
        if rtype in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
            for pol in resolver.resolve(props.get("Policies") or []):
                if isinstance(pol, dict):
                    yield f"{logical}/{pol.get('PolicyName')}", policy_document(pol.get("PolicyDocument"))
        elif rtype in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::RolePolicy",
                       "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy"):
            doc = resolver.resolve(props.get("PolicyDocument"))
            name = resolver.resolve(props.get("ManagedPolicyName") or props.get("PolicyName") or logical)
            yield f"{logical}/{name}", policy_document(doc)
