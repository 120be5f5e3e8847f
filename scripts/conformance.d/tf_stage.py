"""The real-Terraform stage of scripts/conformance: every module through real Terraform and the
real AWS provider against a local moto_server, and what Terraform deployed compared with what
the module's CloudFormation stack deploys.

Usage (python of the moto venv):
    python tf_stage.py TERRAFORM PLUGIN_DIR MOTO_SERVER SCRATCH JOBS_FILE

TERRAFORM    the terraform binary (1.11.x; the caller checks the version)
PLUGIN_DIR   provider mirror root (holds registry.terraform.io/hashicorp/aws/...)
MOTO_SERVER  moto_server of the pinned moto venv
SCRATCH      scratch folder (the caller removes it)
JOBS_FILE    one "<modules root>\\t<module path>" per line

Per module (in a scratch copy, never in the repo): the module's own example root configuration
`examples/terraform/main.tf` gets `conformance_override.tf` (provider endpoints iam/sts/kms ->
moto, dummy credentials, skip_* flags, and the module block's bool inputs for the combination)
and `conformance_outputs.tf` (the module's outputs as one root output). Then:

  terraform-init        init -plugin-dir (offline)
  terraform-validate    validate, with the example values
  per combination of the bool inputs (each on and off at least once; pairwise when many; and
  `create = false`), plus one row per value a named condition compares a string with and one
  per value that may be nothing left empty (the example sets it), on a freshly reset moto (a module with the `stack_name` variable, which
  stands for `${AWS::StackName}`, gets the name of the stack deployed-equivalence creates):
    terraform-apply       apply -auto-approve (create = false: must create nothing)
    terraform-plan-empty  plan -detailed-exitcode exits 0 (no perpetual diff)
    deployed-equivalence  IAM and KMS read back from moto after the apply equal what the
                          module's CloudFormation stack deploys (fresh stack on a reset moto)
                          with the same values; properties moto's CloudFormation does not
                          implement are compared with the template resolved at those values
    terraform-destroy     destroy, and nothing the module made is left in moto
  and for a module with terraform/moved.tf (its spec declares renames), moved_check.py:
    terraform-moved       the module built with its earlier keys, applied, then replaced by
                          this one: the plan creates and destroys nothing

Jobs run two at a time (ROLEGEN_TF_JOBS), each worker on its own moto_server. Result lines
go to stdout, module by module in input order.
"""

import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cfn_template as ct  # noqa: E402
import moved_check  # noqa: E402
import stack_checks as sc  # noqa: E402  (sets dummy AWS credentials for boto3)
import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

TIMEOUT = int(os.environ.get("ROLEGEN_CONFORMANCE_TIMEOUT", "600"))
JOBS = max(1, int(os.environ.get("ROLEGEN_TF_JOBS", "2")))
# The tags every run passes: `tags` in Terraform, stack tags in CloudFormation.
TAGS = {"team": "platform"}
IND = "    "


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------
def snake(name):
    """rolegen's names::snake (the Terraform variable of a CloudFormation parameter)."""
    out = ""
    for i, c in enumerate(name):
        if not (c.isascii() and c.isalnum()):
            if out and not out.endswith("_"):
                out += "_"
            continue
        if c.isupper() and i > 0:
            prev = name[i - 1]
            nxt = name[i + 1] if i + 1 < len(name) else ""
            boundary = prev.islower() or prev.isdigit() or (prev.isupper() and nxt.islower())
            if boundary and out and not out.endswith("_"):
                out += "_"
        out += c.lower()
    return out.rstrip("_")


def hcl_string(value):
    return json.dumps(value)  # a JSON string is a valid HCL string without ${ or %{


def bool_variables(tf_dir):
    """{name: default} of the module's bool variables (rolegen's variables.tf layout)."""
    out = {}
    text = ""
    for fname in sorted(os.listdir(tf_dir)):
        if fname.endswith(".tf"):
            with open(os.path.join(tf_dir, fname), encoding="utf-8") as handle:
                text += handle.read() + "\n"
    for match in re.finditer(r'^variable "([^"]+)" \{\n(.*?)^\}', text, re.S | re.M):
        body = match.group(2)
        if re.search(r"^\s*type\s*=\s*bool\s*$", body, re.M):
            default = re.search(r"^\s*default\s*=\s*(true|false)\s*$", body, re.M)
            out[match.group(1)] = (default.group(1) == "true") if default else None
    return out


def stack_name(module):
    """The name of the module's CloudFormation stack in deployed-equivalence; a module that
    uses `${AWS::StackName}` gets it as `stack_name` in Terraform too, so names agree."""
    return "conformance-" + re.sub(r"[^A-Za-z0-9-]", "-", module)


def takes_stack_name(tf_dir):
    """Whether the module declares the `stack_name` variable (it uses `${AWS::StackName}`)."""
    path = os.path.join(tf_dir, "variables.tf")
    if not os.path.isfile(path):
        return False
    with open(path, encoding="utf-8") as handle:
        return re.search(r'^variable "stack_name" \{', handle.read(), re.M) is not None


def combinations(bools):
    """Assignments of the bool inputs: the defaults first, then rows until every switch has
    been on and off and every pair of switches has seen all four value pairs (greedy pairwise);
    `create` stays true in those, and one last row has create = false."""
    switches = sorted(k for k in bools if k != "create")
    first = {k: (bools[k] if bools[k] is not None else True) for k in switches}
    rows = [first]
    need = set()
    for i, a in enumerate(switches):
        for va in (False, True):
            need.add(((a, va),))
            for b in switches[i + 1:]:
                for vb in (False, True):
                    need.add(((a, va), (b, vb)))

    def covered(row):
        got = set()
        for i, a in enumerate(switches):
            got.add(((a, row[a]),))
            for b in switches[i + 1:]:
                got.add(((a, row[a]), (b, row[b])))
        return got

    need -= covered(first)
    while need:
        best, best_gain = None, -1
        # candidates: every assignment when few switches, else flips of each needed pair
        if len(switches) <= 10:
            cands = []
            for n in range(2 ** len(switches)):
                cands.append({k: bool(n >> i & 1) for i, k in enumerate(switches)})
        else:
            cands = []
            for pair in need:
                row = dict(first)
                row.update(dict(pair))
                cands.append(row)
        for row in cands:
            gain = len(covered(row) & need)
            if gain > best_gain:
                best, best_gain = row, gain
        rows.append(best)
        need -= covered(best)
    out = [dict(r, create=True) if "create" in bools else dict(r) for r in rows]
    if "create" in bools:
        out.append(dict(first, create=False))
    return out


def condition_inputs(tf_dir):
    """{variable: [values]} that the module's named conditions (the `locals` rolegen writes)
    compare string variables with: each literal of `var.x == "lit"`, and "" for `var.x != ""`."""
    path = os.path.join(tf_dir, "main.tf")
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        match = re.search(r"^locals \{\n(.*?)^\}", handle.read(), re.S | re.M)
    out = {}
    if not match:
        return out
    body = match.group(1)
    for var, lit in re.findall(r'var\.(\w+) == ("(?:[^"\\]|\\.)*")', body):
        values = out.setdefault(var, [])
        if json.loads(lit) not in values:
            values.append(json.loads(lit))
    for var in re.findall(r'var\.(\w+) != ""', body):
        values = out.setdefault(var, [])
        if "" not in values:
            values.append("")
    return out


def optional_inputs(tf_dir):
    """{variable: [""]} for the values that may be nothing (`var.x == "" ? null : var.x`, a
    boundary or path the spec makes optional; a tag's `{ for k, v in { K = var.x } : k => v if
    v != "" }`): the module's example sets them, so one more row applies each empty, and both
    ways are deployed."""
    path = os.path.join(tf_dir, "main.tf")
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    found = set(m.group(1) for m in re.finditer(r'var\.(\w+) == "" \? null : var\.(\w+)', text)
                if m.group(1) == m.group(2))
    # A tag that may be nothing: `{ for k, v in { K = var.x } : k => v if v != "" }`.
    found.update(re.findall(r'\{ for k, v in \{ \S+ = var\.(\w+) \} : k => v if v != "" \}', text))
    return {var: [""] for var in sorted(found)}


def with_condition_rows(combos, inputs):
    """The combinations, plus one row per value a condition compares a string variable with
    (from the first row), before the create = false row: every comparison both ways."""
    if not inputs:
        return combos
    last = combos[-1] if combos and combos[-1].get("create") is False else None
    rows = combos[:-1] if last else list(combos)
    first = rows[0] if rows else {}
    for var, values in sorted(inputs.items()):
        for value in values:
            rows.append(dict(first, **{var: value}))
    return rows + ([last] if last else [])


def hcl_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return hcl_string(value)


def label(combo):
    return " ".join(f"{k}={hcl_value(v)}" for k, v in sorted(combo.items())) or "(no bool inputs)"


# Applies per combination before terraform-apply fails (each from a reset moto).
APPLY_TRIES = 3


class Moto:
    """One moto_server on a free loopback port, reset between runs."""

    def __init__(self, server, log_path):
        self.port = int(subprocess.check_output([sys.executable, "-c",
                                                 "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); "
                                                 "print(s.getsockname()[1]); s.close()"], text=True))
        self.endpoint = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true")
        self.log = open(log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen([server, "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env)
        sc.wait_ready(self.endpoint)
        kw = dict(endpoint_url=self.endpoint, region_name="us-east-1",
                  config=Config(retries={"max_attempts": 2}, read_timeout=120))
        self.iam = boto3.client("iam", **kw)
        self.kms = boto3.client("kms", **kw)
        self.cfn = boto3.client("cloudformation", **kw)

    def reset(self):
        sc.reset(self.endpoint)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


# --------------------------------------------------------------------------
# Read back what is deployed in moto
# --------------------------------------------------------------------------
def _tags(items):
    return {t["Key"]: t["Value"] for t in items or []}


def readback(moto, notes, prerequisites=()):
    """Every customer IAM role, policy, instance profile and live KMS key in moto (the
    prerequisite policies the run created itself left out)."""
    iam, kms = moto.iam, moto.kms
    snap = {"roles": {}, "policies": {}, "instance_profiles": {}, "kms_keys": {}}
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            name = role["RoleName"]
            full = iam.get_role(RoleName=name)["Role"]
            inline = {}
            for pname in iam.list_role_policies(RoleName=name)["PolicyNames"]:
                doc = iam.get_role_policy(RoleName=name, PolicyName=pname)["PolicyDocument"]
                inline[pname] = sc.lenient_document(doc, notes)
            attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
            profiles = iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"]
            snap["roles"][name] = {
                "path": full.get("Path", "/"),
                "description": full.get("Description") or "",
                "trust": sc.lenient_document(full.get("AssumeRolePolicyDocument"), notes),
                "permissions_boundary": (full.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"),
                "max_session_duration": full.get("MaxSessionDuration", 3600),
                "tags": _tags(iam.list_role_tags(RoleName=name).get("Tags")),
                "inline": inline,
                "managed": sorted(p["PolicyArn"] for p in attached),
                "instance_profiles": sorted(p["InstanceProfileName"] for p in profiles),
            }
    for page in iam.get_paginator("list_policies").paginate(Scope="Local"):
        for pol in page["Policies"]:
            if pol["Arn"] in prerequisites:
                continue
            got = iam.get_policy(PolicyArn=pol["Arn"])["Policy"]
            version = iam.get_policy_version(PolicyArn=pol["Arn"], VersionId=got["DefaultVersionId"])
            snap["policies"][pol["Arn"]] = {
                "name": got["PolicyName"],
                "path": got.get("Path", "/"),
                "description": got.get("Description") or "",
                "document": sc.lenient_document(version["PolicyVersion"]["Document"], notes),
                "tags": _tags(iam.list_policy_tags(PolicyArn=pol["Arn"]).get("Tags")),
            }
    for page in iam.get_paginator("list_instance_profiles").paginate():
        for prof in page["InstanceProfiles"]:
            snap["instance_profiles"][prof["InstanceProfileName"]] = {
                "path": prof.get("Path", "/"),
                "roles": sorted(r["RoleName"] for r in prof.get("Roles", [])),
                # moto does not implement ListInstanceProfileTags; GetInstanceProfile has them.
                "tags": _tags(iam.get_instance_profile(
                    InstanceProfileName=prof["InstanceProfileName"])["InstanceProfile"].get("Tags")),
            }
    aliases = {}
    for page in kms.get_paginator("list_aliases").paginate():
        for alias in page["Aliases"]:
            if alias.get("TargetKeyId") and not alias["AliasName"].startswith("alias/aws/"):
                aliases.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    for page in kms.get_paginator("list_keys").paginate():
        for key in page["Keys"]:
            try:
                meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
            except Exception:  # noqa: BLE001 - moto 5.2.5 fails on a key CloudFormation made
                notes.add("moto cannot describe a KMS key its CloudFormation created (it keeps the "
                          "KeyPolicy as a mapping): that key's properties come from the template")
                snap["kms_keys"][key["KeyArn"]] = {"unreadable": True,
                                                   "aliases": sorted(aliases.get(key["KeyId"], []))}
                continue
            if meta.get("KeyState") == "PendingDeletion" or meta.get("KeyManager") == "AWS":
                continue
            policy = kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]
            snap["kms_keys"][meta["Arn"]] = {
                "description": meta.get("Description") or "",
                "key_usage": meta.get("KeyUsage"),
                "key_spec": meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
                "enabled": meta.get("Enabled"),
                "rotation": kms.get_key_rotation_status(KeyId=key["KeyId"]).get("KeyRotationEnabled"),
                "policy": sc.lenient_document(policy, notes),
                "tags": {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags", [])},
                "aliases": sorted(aliases.get(meta["KeyId"], [])),
            }
    return snap


# A customer managed policy ARN in moto's account (the only account the stage deploys to).
EXTERNAL_POLICY_ARN = re.compile(r"arn:aws:iam::123456789012:policy(/(?:[\w+=,.@-]+/)*)([\w+=,.@-]+)")


def external_policies(paths):
    """Customer managed policy ARNs the module's inputs name (defaults, example values): they
    must exist before an apply can attach them, as in a real account."""
    found = set()
    for path in paths:
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                found.update(m.group(0) for m in EXTERNAL_POLICY_ARN.finditer(handle.read()))
    return sorted(found)


def create_prerequisites(moto, arns):
    for arn in arns:
        match = EXTERNAL_POLICY_ARN.fullmatch(arn)
        moto.iam.create_policy(PolicyName=match.group(2), Path=match.group(1),
                               PolicyDocument=json.dumps({
                                   "Version": "2012-10-17",
                                   "Statement": [{"Effect": "Deny", "Action": "s3:GetObject",
                                                  "Resource": "arn:aws:s3:::prerequisite/*"}]}))


def count(snap):
    return sum(len(v) for v in snap.values())


def substitute(value, mapping):
    """Replace generated names/ids/ARNs (longest first) by their output tokens, everywhere."""
    if isinstance(value, str):
        for old, new in mapping:
            if old in value:
                value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [substitute(v, mapping) for v in value]
    if isinstance(value, dict):
        return {substitute(k, mapping): substitute(v, mapping) for k, v in value.items()}
    return value


def state_policy_names(state):
    """{resource name: policy name} of every aws_iam_policy in `terraform show -json` state."""
    found = {}

    def walk(module):
        for res in module.get("resources") or []:
            if res.get("mode") == "managed" and res.get("type") == "aws_iam_policy":
                name = (res.get("values") or {}).get("name")
                if name:
                    found[res["name"]] = name
        for child in module.get("child_modules") or []:
            walk(child)

    walk((state.get("values") or {}).get("root_module") or {})
    return found


def generated_policies(template):
    """Logical ids of the stack's managed policies without a ManagedPolicyName: CloudFormation
    generates their names (<stack>-<LogicalId>-<random>), Terraform completes a `name_prefix`
    or generates one. Neither side's name is the other's, so both are compared as the
    stand-in the Rust evaluators use, keyed by the policy's id: <generated:<snake id>>."""
    return sorted(logical for logical, res in (template.get("Resources") or {}).items()
                  if isinstance(res, dict) and res.get("Type") == "AWS::IAM::ManagedPolicy"
                  and "ManagedPolicyName" not in (res.get("Properties") or {}))


def generated_mapping(names):
    """[(generated name, <generated:id>)] for substitute(), longest first: the name is replaced
    in the policy's ARN (the snapshot's key, the roles' attachments) and its name alike."""
    return sorted(((n, f"<generated:{i}>") for i, n in names.items() if n),
                  key=lambda kv: -len(kv[0]))


def token_mapping(outputs, shared):
    """[(value, <output>)], longest value first, for every string output value. A value several
    outputs hold (a role's name and its instance profile's) takes the first of them, in name
    order, that both deployments output, so both sides name it alike."""
    keys = {}
    for key, value in outputs.items():
        if isinstance(value, str) and len(value) >= 3:
            keys.setdefault(value, []).append(snake(key))
    pairs = {}
    for value, names in keys.items():
        common = sorted(n for n in names if n in shared)
        pairs[value] = f"<{(common or sorted(names))[0]}>"
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


def canonical(snap):
    """Policy documents semantically normalised; KMS keys and policies keyed by their names."""
    out = {"roles": {}, "policies": {}, "instance_profiles": {}, "kms_keys": {}}
    for name, role in snap["roles"].items():
        role = dict(role)
        role["trust"] = sc.normalise_document(role["trust"])
        role["inline"] = {k: sc.normalise_document(v) for k, v in role["inline"].items()}
        out["roles"][name] = role
    for arn, pol in snap["policies"].items():
        out["policies"][arn] = dict(pol, document=sc.normalise_document(pol["document"]))
    out["instance_profiles"] = snap["instance_profiles"]
    for arn, key in snap["kms_keys"].items():
        out["kms_keys"][arn] = dict(key, policy=sc.normalise_document(key["policy"]))
    return out


# --------------------------------------------------------------------------
# What CloudFormation deploys, where moto's CloudFormation falls short
# --------------------------------------------------------------------------
HOW = ("compared with moto's CloudFormation deployment: role path, description, trust, "
       "permissions boundary, max session, inline policies (Policies and AWS::IAM::Policy), "
       "instance profiles and their roles and paths, managed policy path/description/document, "
       "managed policies attached by AWS::IAM::ManagedPolicy Roles, KMS key description/usage/"
       "spec/enabled/rotation/policy and aliases; with the template resolved at the same values "
       "(moto does not implement them): role ManagedPolicyArns, AWS::IAM::RolePolicy, the "
       "properties of a KMS key moto cannot describe, and the tags of every resource (its own Tags under the stack tags, which CloudFormation "
       "propagates and moto does not)")


def template_fill(snap, template, resolver, physical, stack_tags, notes):
    """Put into the moto read-back what CloudFormation would have set that moto ignores."""
    resources = template.get("Resources") or {}
    by_type = {}
    for logical, res in resources.items():
        if isinstance(res, dict) and resolver.resource_enabled(logical):
            by_type.setdefault(res.get("Type"), []).append(logical)

    def tags_of(logical):
        own = resolver._prop(logical, "Tags") or []
        merged = dict(stack_tags)
        if isinstance(own, list):
            merged.update({str(t["Key"]): str(t["Value"]) for t in own if isinstance(t, dict)})
        elif isinstance(own, dict):
            merged.update({str(k): str(v) for k, v in own.items()})
        return merged

    for logical in by_type.get("AWS::IAM::Role", []):
        name = physical.get(logical)
        role = snap["roles"].get(name)
        if role is None:
            continue
        arns = resolver._prop(logical, "ManagedPolicyArns") or []
        role["managed"] = sorted(set(role["managed"]) | {str(a) for a in ct._flatten(arns)})
        role["tags"] = tags_of(logical)
    for logical in by_type.get("AWS::IAM::RolePolicy", []):
        role_name = str(resolver._prop(logical, "RoleName"))
        if role_name in snap["roles"]:
            pname = str(resolver._prop(logical, "PolicyName"))
            snap["roles"][role_name]["inline"].setdefault(
                pname, ct.policy_document(resolver._prop(logical, "PolicyDocument")))
            notes.add("AWS::IAM::RolePolicy is not implemented by moto: taken from the template")
    for logical in by_type.get("AWS::IAM::ManagedPolicy", []):
        arn = physical.get(logical)
        if arn in snap["policies"]:
            snap["policies"][arn]["tags"] = tags_of(logical)
    for logical in by_type.get("AWS::IAM::InstanceProfile", []):
        name = physical.get(logical)
        if name in snap["instance_profiles"]:
            # AWS::IAM::InstanceProfile has no Tags property; stack tags propagate to it.
            snap["instance_profiles"][name]["tags"] = dict(stack_tags)
    key_ids = {}
    for logical in by_type.get("AWS::KMS::Key", []):
        key_ids[physical.get(logical)] = logical
    for arn, key in snap["kms_keys"].items():
        logical = key_ids.get(arn.rsplit("/", 1)[-1])
        if logical:
            key["tags"] = tags_of(logical)
            if key.pop("unreadable", False):
                enabled = resolver._prop(logical, "Enabled")
                key.update({
                    "description": str(resolver._prop(logical, "Description") or ""),
                    "key_usage": str(resolver._prop(logical, "KeyUsage") or "ENCRYPT_DECRYPT"),
                    "key_spec": str(resolver._prop(logical, "KeySpec") or "SYMMETRIC_DEFAULT"),
                    "enabled": enabled is None or str(enabled).lower() == "true",
                    "rotation": str(resolver._prop(logical, "EnableKeyRotation")).lower() == "true",
                    "policy": ct.policy_document(resolver._prop(logical, "KeyPolicy")),
                })


def diff_snapshots(tf, cfn):
    """Human-readable differences of two canonical snapshots (Terraform first)."""
    problems = []
    for kind in ("roles", "policies", "instance_profiles", "kms_keys"):
        left, right = tf[kind], cfn[kind]
        for name in sorted(set(left) - set(right)):
            problems.append(f"{kind} {name}: deployed by Terraform only")
        for name in sorted(set(right) - set(left)):
            problems.append(f"{kind} {name}: deployed by CloudFormation only")
        for name in sorted(set(left) & set(right)):
            a, b = left[name], right[name]
            for prop in sorted(set(a) | set(b)):
                va, vb = a.get(prop), b.get(prop)
                if prop == "inline":
                    for pname in sorted(set(va) | set(vb)):
                        if pname not in vb:
                            problems.append(f"{kind} {name}: inline policy {pname!r} from Terraform only")
                        elif pname not in va:
                            problems.append(f"{kind} {name}: inline policy {pname!r} from CloudFormation only")
                        elif not sc._match(va[pname], vb[pname]):
                            problems.append(f"{kind} {name}: inline policy {pname!r} differs\n"
                                            + doc_diff(va[pname], vb[pname]))
                elif va != vb:
                    if isinstance(va, dict) and ("Statement" in va or "Statement" in (vb or {})):
                        problems.append(f"{kind} {name}: {prop} differs\n" + doc_diff(va, vb))
                    else:
                        problems.append(f"{kind} {name}: {prop}: Terraform {json.dumps(va)}, "
                                        f"CloudFormation {json.dumps(vb)}")
    return problems


def doc_diff(a, b):
    import difflib
    left = json.dumps(a, indent=1, sort_keys=True, default=str).splitlines()
    right = json.dumps(b, indent=1, sort_keys=True, default=str).splitlines()
    diff = list(difflib.unified_diff(left, right, "terraform", "cloudformation", n=1, lineterm=""))
    return "\n".join(diff[:40] + ([f"... ({len(diff) - 40} more lines)"] if len(diff) > 40 else []))


# --------------------------------------------------------------------------
# One module
# --------------------------------------------------------------------------
class Lines(sc.Output):
    """stack_checks' result lines; details are cut at 400 characters (terraform's errors run long)."""

    def detail(self, text):
        for line in str(text).splitlines():
            self.lines.append(IND + line[:400])


# terraform processes running now (stopped, with their process groups, when the stage ends).
RUNNING = set()
# Set when the stage is stopped: no new terraform command starts.
STOPPING = threading.Event()


def stop_group(proc):
    import signal
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except OSError:
        pass


class Runner:
    def __init__(self, terraform, plugin_dir, scratch):
        self.tf = terraform
        self.plugin_dir = plugin_dir
        self.scratch = scratch
        self.env = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", NO_COLOR="1",
                        TF_INPUT="0", TF_CLI_CONFIG_FILE=os.devnull,
                        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                        AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                        AWS_EC2_METADATA_DISABLED="true")
        for var in ("TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR", "TF_WORKSPACE", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
            self.env.pop(var, None)

    def terraform(self, cwd, *args, color=True):
        """Runs terraform in its own process group, so a timeout or the end of the stage stops
        its provider plugins too. `color=False`: a command that takes no `-no-color` (or
        writes JSON), whose output goes to stdout alone."""
        if STOPPING.is_set():
            return 143, "the stage was stopped"
        argv = [self.tf, *args, "-no-color"] if color else [self.tf, *args]
        proc = subprocess.Popen(argv, cwd=cwd, env=self.env, text=True, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT if color else subprocess.DEVNULL,
                                start_new_session=True)
        RUNNING.add(proc)
        try:
            text, _ = proc.communicate(timeout=TIMEOUT)
            return proc.returncode, text
        except subprocess.TimeoutExpired:
            stop_group(proc)
            text, _ = proc.communicate()
            return 124, (text or "") + f"\ntimed out after {TIMEOUT}s"
        finally:
            RUNNING.discard(proc)

    def run_module(self, job_id, root, mod, moto):
        out = Lines()
        name = os.path.basename(mod)
        target = os.path.join(mod, "examples", "terraform")
        example = os.path.join(target, "main.tf")
        if not os.path.isfile(example):
            out.result(False, "terraform-init", target,
                       "no examples/terraform/main.tf: the stage runs the module's own example (rebuild with rolegen)")
            return out
        work_mod = os.path.join(self.scratch, f"tf-{job_id}", name)
        shutil.copytree(mod, work_mod, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
        work = os.path.join(work_mod, "examples", "terraform")
        with open(example, encoding="utf-8") as handle:
            match = re.search(r'^module "([^"]+)"', handle.read(), re.M)
        if not match:
            out.result(False, "terraform-init", target, "examples/terraform/main.tf has no module block")
            return out
        call = match.group(1)
        bools = bool_variables(os.path.join(mod, "terraform"))
        self.write_overrides(work, call, moto.endpoint, {})
        with open(os.path.join(work, "conformance_outputs.tf"), "w", encoding="utf-8") as handle:
            handle.write(f'output "conformance_module" {{\n  value = module.{call}\n}}\n')

        rc, text = self.terraform(work, "init", "-input=false", "-backend=false", f"-plugin-dir={self.plugin_dir}")
        if rc != 0:
            out.result(False, "terraform-init", target, f"terraform init exited {rc}")
            out.detail(errors(text))
            return out
        out.result(True, "terraform-init", target, f"aws provider from {self.plugin_dir}")
        rc, text = self.terraform(work, "validate")
        if rc != 0:
            out.result(False, "terraform-validate", target, f"terraform validate exited {rc}")
            out.detail(errors(text))
            return out
        out.result(True, "terraform-validate", target)

        tpl = os.path.join(mod, "cloudformation", f"{name}.yaml")
        prereq = external_policies([os.path.join(mod, "terraform", "variables.tf"), example,
                                    os.path.splitext(tpl)[0] + ".params.json"])
        if prereq:
            out.detail("note: created in moto before each apply and each stack, as the account "
                       "would hold them (not compared): " + ", ".join(prereq))
        inputs = condition_inputs(os.path.join(mod, "terraform"))
        for var, values in optional_inputs(os.path.join(mod, "terraform")).items():
            inputs.setdefault(var, [])
            inputs[var] += [v for v in values if v not in inputs[var]]
        combos = with_condition_rows(combinations(bools), inputs)
        for n, combo in enumerate(combos, 1):
            tag = f"combination {n}/{len(combos)} ({label(combo)})"
            try:
                self.run_combo(work, call, target, tpl, combo, tag, moto, out, prereq)
            except Exception as exc:  # noqa: BLE001 - report, go on with the next combination
                out.result(False, "terraform-apply", target,
                           f"{tag}: the stage crashed: {type(exc).__name__}: {exc}")
        if os.path.isfile(os.path.join(mod, "terraform", "moved.tf")):
            try:
                moved_check.run(self, mod, call, target, moto, out, self.write_overrides,
                                errors, plan_changes)
            except Exception as exc:  # noqa: BLE001 - report it as the check's failure
                out.result(False, moved_check.CHECK, target,
                           f"the check crashed: {type(exc).__name__}: {exc}")
        return out

    def write_overrides(self, work, call, endpoint, combo):
        lines = ['provider "aws" {',
                 '  region                      = "us-east-1"',
                 '  access_key                  = "testing"',
                 '  secret_key                  = "testing"',
                 '  skip_credentials_validation = true',
                 '  skip_metadata_api_check     = true',
                 '  skip_region_validation      = true',
                 '  skip_requesting_account_id  = false',
                 '  endpoints {',
                 f'    iam = "{endpoint}"',
                 f'    sts = "{endpoint}"',
                 f'    kms = "{endpoint}"',
                 '  }',
                 '}',
                 '',
                 f'module "{call}" {{']
        for key, value in sorted(combo.items()):
            lines.append(f"  {key} = {hcl_value(value)}")
        # work is <module>/examples/terraform of a copy of the module.
        module_dir = os.path.dirname(os.path.dirname(work))
        if takes_stack_name(os.path.join(module_dir, "terraform")):
            lines.append(f"  stack_name = {hcl_string(stack_name(os.path.basename(module_dir)))}")
        tags = ", ".join(f"{hcl_string(k)} = {hcl_string(v)}" for k, v in TAGS.items())
        lines.append(f"  tags = {{ {tags} }}")
        lines.append("}")
        with open(os.path.join(work, "conformance_override.tf"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")

    def fresh_apply(self, work, call, combo, moto, prereq):
        """Apply on a freshly reset moto from an empty state."""
        for fname in ("terraform.tfstate", "terraform.tfstate.backup"):
            if os.path.exists(os.path.join(work, fname)):
                os.remove(os.path.join(work, fname))
        moto.reset()
        create_prerequisites(moto, prereq)
        self.write_overrides(work, call, moto.endpoint, combo)
        return self.terraform(work, "apply", "-auto-approve", "-input=false")

    def run_combo(self, work, call, target, tpl, combo, tag, moto, out, prereq):
        started = time.time()
        rc, text = self.fresh_apply(work, call, combo, moto, prereq)
        tries, retried = 1, []
        while rc not in (0, 124) and tries < APPLY_TRIES and not STOPPING.is_set():
            # moto under a loaded machine has failed a create in CI: once the key was created
            # and the apply exited 1 (the KMS fixture), once the SDK retried a CreateRole that
            # moto had already done and got 409 EntityAlreadyExists, leaving a role outside the
            # state that a second apply from that state tripped over again. So each further try
            # starts over on a reset moto from an empty state; a real fault fails every try.
            # Each failed try's error stays visible as a note under the apply's result line.
            retried.append(f"note: apply try {tries} of {APPLY_TRIES} failed and was run again "
                           "from scratch; its error:\n" + errors(text))
            tries += 1
            started = time.time()
            rc, text = self.fresh_apply(work, call, combo, moto, prereq)
        if rc != 0:
            out.result(False, "terraform-apply", target, f"{tag}: terraform apply exited {rc}")
            for note in retried:
                out.detail(note)
            out.detail(errors(text))
            return
        notes = set()
        snap = readback(moto, notes, prereq)
        if combo.get("create") is False:
            if count(snap):
                out.result(False, "terraform-apply", target,
                           f"{tag}: create = false still made {count(snap)} resource(s): {summary(snap)}")
            else:
                out.result(True, "terraform-apply", target, f"{tag}: created nothing, as create = false says")
        else:
            out.result(True, "terraform-apply", target,
                       f"{tag}: {summary(snap)} ({time.time() - started:.0f} s)")
        for note in retried:
            out.detail(note)
        rc, text = self.terraform(work, "plan", "-detailed-exitcode", "-input=false")
        if rc == 0:
            out.result(True, "terraform-plan-empty", target, f"{tag}: no changes")
        elif rc == 2:
            out.result(False, "terraform-plan-empty", target,
                       f"{tag}: plan after apply wants changes (perpetual diff)")
            out.detail(plan_changes(text))
        else:
            out.result(False, "terraform-plan-empty", target, f"{tag}: terraform plan exited {rc}")
            out.detail(errors(text))
        if combo.get("create") is False:
            return
        # Terraform's names of its policies, by resource name (from the state, before destroy).
        tf_policies = {}
        rc, text = self.terraform(work, "show", "-json", color=False)
        if rc == 0:
            try:
                tf_policies = state_policy_names(json.loads(text))
            except ValueError:
                pass
        outputs = {}
        rc, text = self.terraform(work, "output", "-json")
        if rc == 0:
            try:
                outputs = json.loads(text).get("conformance_module", {}).get("value") or {}
            except ValueError:
                pass
        rc, text = self.terraform(work, "destroy", "-auto-approve", "-input=false")
        if rc != 0:
            out.result(False, "terraform-destroy", target, f"{tag}: terraform destroy exited {rc}")
            out.detail(errors(text))
        else:
            left = readback(moto, set(), prereq)
            if count(left):
                out.result(False, "terraform-destroy", target, f"{tag}: left behind {summary(left)}")
            else:
                out.result(True, "terraform-destroy", target, f"{tag}: nothing left")
        if os.path.isfile(tpl):
            self.equivalence(target, tpl, combo, tag, (snap, tf_policies), outputs, notes, moto,
                             out, prereq)

    def equivalence(self, target, tpl, combo, tag, tf_state, tf_outputs, notes, moto, out, prereq):
        tf_snap, tf_policies = tf_state
        try:
            template = ct.load_template(tpl)
            unsupported = ct.moto_unsupported(template)
            if unsupported:
                out.skip("deployed-equivalence", target, f"{tag}: " + "; ".join(unsupported))
                return
            values, _ = ct.parameter_values(template, tpl)
            params = template.get("Parameters") or {}
            by_var = {snake(p): p for p in params}
            for var, value in combo.items():
                if var == "create":
                    continue
                if var not in by_var:
                    out.result(False, "deployed-equivalence", target,
                               f"{tag}: no stack parameter for the variable {var}")
                    return
                if isinstance(value, bool):
                    values[by_var[var]] = "true" if value else "false"
                else:
                    values[by_var[var]] = value
            moto.reset()
            create_prerequisites(moto, prereq)
            stack = stack_name(os.path.basename(tpl).split(".")[0])
            resolver = ct.Resolver(template, values, stack_name=stack)
            log = sc.Output()
            body = sc.template_body_for_moto(tpl, template, resolver, log)
            moto.cfn.create_stack(StackName=stack, TemplateBody=body,
                                  Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()],
                                  Tags=[{"Key": k, "Value": v} for k, v in TAGS.items()],
                                  Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"])
            desc = moto.cfn.describe_stacks(StackName=stack)["Stacks"][0]
            if desc["StackStatus"] != "CREATE_COMPLETE":
                out.result(False, "deployed-equivalence", target,
                           f"{tag}: the stack is {desc['StackStatus']} {desc.get('StackStatusReason', '')}")
                return
            summaries = moto.cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
            physical = {s["LogicalResourceId"]: s.get("PhysicalResourceId") for s in summaries}
            resolver = ct.Resolver(template, values, stack_name=stack, physical=physical)
            cfn_notes = set()
            cfn_snap = readback(moto, cfn_notes, prereq)
            template_fill(cfn_snap, template, resolver, physical, TAGS, cfn_notes)
            cfn_outputs = {o["OutputKey"]: o["OutputValue"] for o in desc.get("Outputs", [])}
        except Exception as exc:  # noqa: BLE001 - one stack must not stop the stage
            out.result(False, "deployed-equivalence", target, f"{tag}: {type(exc).__name__}: {exc}")
            return
        shared = {snake(k) for k in tf_outputs} & {snake(k) for k in cfn_outputs}
        generated = generated_policies(template)
        tf_snap = substitute(tf_snap, generated_mapping(
            {snake(g): tf_policies.get(snake(g)) for g in generated}))
        cfn_snap = substitute(cfn_snap, generated_mapping(
            {snake(g): (physical.get(g) or "").rsplit("/", 1)[-1] for g in generated}))
        tf_c = canonical(substitute(tf_snap, token_mapping(tf_outputs, shared)))
        cfn_c = canonical(substitute(cfn_snap, token_mapping(cfn_outputs, shared)))
        # Key managed policies and keys by their (substituted) ARN; then compare.
        problems = diff_snapshots(tf_c, cfn_c)
        if problems:
            out.result(False, "deployed-equivalence", target,
                       f"{tag}: {len(problems)} difference(s) between Terraform and CloudFormation")
            for problem in problems:
                out.detail(problem)
        else:
            out.result(True, "deployed-equivalence", target, f"{tag}: {summary(tf_snap)} equal")
        for note in sorted(notes | cfn_notes):
            out.detail("note: " + note)


def summary(snap):
    parts = [f"{len(snap[k])} {k.replace('_', ' ')}" for k in ("roles", "policies", "instance_profiles", "kms_keys")
             if snap[k]]
    return ", ".join(parts) or "nothing"


def tail(text, lines=25):
    kept = [line for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def errors(text, lines=25):
    """Terraform's error blocks (from the first `Error:` on), else the tail: what failed, not
    the plan before it, so a reader that keeps only the first lines still sees the cause."""
    kept = [line for line in text.splitlines() if line.strip()]
    first = next((i for i, line in enumerate(kept) if re.match(r"[\s│╷]*Error:", line)), None)
    return "\n".join(kept[first:first + lines]) if first is not None else tail(text, lines)


def plan_changes(text, lines=40):
    kept = [line for line in text.splitlines()
            if re.match(r"\s*(#|[-+~]|-/\+|Plan:)", line)]
    return "\n".join(kept[:lines])


def _terminate(signum, _frame):
    raise SystemExit(128 + signum)  # runs the finally blocks: the moto servers are stopped


def main(argv):
    import signal
    signal.signal(signal.SIGTERM, _terminate)
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    terraform, plugin_dir, moto_server, scratch, jobs_file = argv
    with open(jobs_file, encoding="utf-8") as handle:
        jobs = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
    runner = Runner(terraform, plugin_dir, scratch)
    slots = []
    lock = threading.Lock()
    started = time.time()
    try:
        for i in range(min(JOBS, len(jobs))):
            slots.append(Moto(moto_server, os.path.join(scratch, f"tf-moto-{i}.log")))
        free = list(slots)

        def work(i, root, mod):
            with lock:
                moto = free.pop()
            try:
                return runner.run_module(i, root, mod, moto)
            except Exception as exc:  # noqa: BLE001
                out = Lines()
                out.result(False, "terraform-apply", mod, f"the stage crashed: {type(exc).__name__}: {exc}")
                return out
            finally:
                with lock:
                    free.append(moto)

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(slots) or 1) as pool:
            futures = [pool.submit(work, i, root, mod) for i, (root, mod) in enumerate(jobs)]
            try:
                for future in futures:
                    for line in future.result().lines:
                        print(line, flush=True)
            except BaseException:
                STOPPING.set()
                for proc in list(RUNNING):
                    stop_group(proc)
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    finally:
        for proc in list(RUNNING):
            stop_group(proc)
        for moto in slots:
            moto.stop()
    print(f"NOTE terraform-stage {len(jobs)} module(s) in {time.time() - started:.0f} s; "
          f"deployed-equivalence {HOW}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
