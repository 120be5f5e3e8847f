"""Deploy each CloudFormation stack to moto and check what IAM holds.

Usage (python of the moto venv):
    python stack_checks.py ENDPOINT PARLIAMENT_PYTHON OUT_DIR JOBS_FILE

ENDPOINT     the moto_server scripts/conformance started (http://127.0.0.1:PORT)
PARLIAMENT_PYTHON  python of the parliament venv ("" if it is not installed)
OUT_DIR      per stack, result lines go to OUT_DIR/<id>.stack.txt, then an
             empty OUT_DIR/<id>.stack.done marks it finished
JOBS_FILE    one "<id>\\t<modules root>\\t<template path>" per line

Per template it prints the result lines of four checks:
  moto-deploy          CreateStack (all parameters explicit) reaches CREATE_COMPLETE
  moto-readback        every AWS::IAM::Role read back from moto (trust policy,
                       inline policies, instance profiles) equals the template's
                       own documents, resolved (cfn_template.Resolver)
  managed-policy-arns  every resolved ManagedPolicyArns entry is a well-formed
                       ARN; AWS managed ones exist in moto's AWS policy list
  parliament           one line per identity policy document
  awscli-parameters    (templates with a <stack>.params.json) the real AWS CLI
                       (ROLEGEN_AWSCLI, scripts/tools' awscli) runs `aws cloudformation
                       create-stack --parameters file://<stack>.params.json` against moto:
                       the CLI parses the file, the stack reaches CREATE_COMPLETE and
                       describe-stacks reports every value of the file (`****` for NoEcho,
                       which moto does not mask)

moto 5.2.5 pitfalls handled (each printed as a note when it happens):
  * a CommaDelimitedList Default is not split: every parameter is passed
    explicitly, defaults included;
  * Fn::If -> AWS::NoValue inside a Statement list comes back as None: dropped;
  * Fn::If -> AWS::NoValue inside a Tags list fails the stack (a None tag): such a
    tag is resolved at the stack's values before the template is sent (as JSON);
  * get_role_policy may return a python repr string: parsed leniently;
  * ManagedPolicyArns are silently ignored: checked by managed-policy-arns;
  * a PolicyDocument given as a JSON string may be rejected, and moto's YAML
    loader mishandles `!Condition` and the list form of `!GetAtt`: such a
    template is sent as JSON, its string documents parsed.
"""

import ast
import copy
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Everything goes to the local moto: never pick up real credentials or config.
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
})

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

import cfn_template as ct  # noqa: E402
from baseline import Baseline  # noqa: E402

IND = "    "
CHECKS = ("moto-deploy", "moto-readback", "managed-policy-arns", "parliament")

# parliament finding classes that mean "this policy cannot do what it says".
PARLIAMENT_FAIL_ISSUES = {"UNKNOWN_ACTION", "UNKNOWN_PREFIX", "MALFORMED", "MALFORMED_JSON",
                          "INVALID_ARN", "RESOURCE_MISMATCH"}
PARLIAMENT_FAIL_SEVERITIES = {"HIGH", "CRITICAL"}

# arn:PARTITION:iam::(aws|ACCOUNT):policy/[PATH/]NAME
POLICY_ARN = re.compile(r"^arn:(?P<partition>aws(?:-[a-z]+)*):iam::(?P<account>aws|\d{12}):"
                        r"policy(?P<path>/(?:[\w+=,.@-]+/)*)(?P<name>[\w+=,.@-]+)$")

DOC_HOLDERS = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::ManagedPolicy",
               "AWS::IAM::Policy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy")


class Output:
    """Collects the lines of one stack; written out when the stack is done."""

    def __init__(self):
        self.lines = []

    def result(self, ok, check, target, reason=""):
        """One result line; a multi-line reason continues indented below it."""
        first, *rest = str(reason).strip().splitlines() or [""]
        self.lines.append(f"{'PASS' if ok else 'FAIL'} {check} {target} {first}".rstrip())
        for line in rest:
            self.detail(line)

    def detail(self, text):
        for line in str(text).splitlines() or [""]:
            self.lines.append(IND + line)

    def note(self, text):
        self.detail("note: " + str(text))

    def skip(self, check, target, why):
        self.lines.append(f"SKIP {check} {target} {why}")


# --------------------------------------------------------------------------
# moto plumbing
# --------------------------------------------------------------------------
def wait_ready(endpoint, seconds=90):
    deadline = time.time() + seconds
    while True:
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=5).read()
            return
        except (urllib.error.URLError, OSError):
            if time.time() > deadline:
                raise
            time.sleep(0.3)


def reset(endpoint):
    req = urllib.request.Request(endpoint + "/moto-api/reset", method="POST", data=b"")
    urllib.request.urlopen(req, timeout=60).read()


def lenient_document(value, notes):
    """A policy document as moto returns it -> python data; None statements dropped."""
    doc = value
    if isinstance(doc, str):
        text = urllib.parse.unquote(doc) if doc.lstrip().startswith("%7B") else doc
        try:
            doc = json.loads(text)
        except ValueError:
            doc = ast.literal_eval(text)
            notes.add("moto returned a policy document as a python repr string (parsed)")
    if isinstance(doc, dict) and isinstance(doc.get("Statement"), list):
        kept = [s for s in doc["Statement"] if s is not None]
        if len(kept) != len(doc["Statement"]):
            notes.add("moto kept None for an Fn::If/AWS::NoValue statement (dropped)")
            doc = dict(doc, Statement=kept)
    return doc


# --------------------------------------------------------------------------
# Semantic comparison of policy documents
# --------------------------------------------------------------------------
def _strs(value, lower=False):
    items = value if isinstance(value, list) else [value]
    out = [ct._to_str(v) for v in items if v is not None]
    return sorted({v.lower() for v in out} if lower else set(out))


def normalise_statement(stmt):
    if not isinstance(stmt, dict):
        return stmt
    out = {}
    for key, value in stmt.items():
        if key in ("Action", "NotAction"):
            out[key] = _strs(value, lower=True)  # actions are case-insensitive
        elif key in ("Resource", "NotResource"):
            out[key] = _strs(value)
        elif key in ("Principal", "NotPrincipal"):
            if isinstance(value, dict):
                out[key] = {ptype: _strs(ids) for ptype, ids in value.items()}
            else:
                out[key] = ct._to_str(value)
        elif key == "Condition" and isinstance(value, dict):
            out[key] = {op: ({ckey.lower(): _strs(cval) for ckey, cval in body.items()}
                             if isinstance(body, dict) else body)
                        for op, body in value.items()}
        else:
            out[key] = ct._to_str(value) if not isinstance(value, (dict, list)) else value
    return out


def normalise_document(doc):
    """Order-insensitive, single value == one-element list, actions lower-case."""
    if not isinstance(doc, dict):
        return doc
    out = {k: (ct._to_str(v) if not isinstance(v, (dict, list)) else v) for k, v in doc.items()}
    if "Statement" in doc:
        stmts = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
        norm = [normalise_statement(s) for s in stmts if s is not None]
        out["Statement"] = sorted(norm, key=lambda s: json.dumps(s, sort_keys=True))
    return out


def _match(expected, actual):
    """Equality where an unresolved marker in `expected` matches anything."""
    if isinstance(expected, str):
        if not isinstance(actual, str):
            return False
        if ct.MARK_OPEN not in expected:
            return expected == actual
        parts = ct.MARK_RE.split(expected)
        return re.fullmatch(".*".join(re.escape(p) for p in parts), actual, re.S) is not None
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and set(expected) == set(actual)
                and all(_match(expected[k], actual[k]) for k in expected))
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(expected) != len(actual):
            return False
        unused = list(actual)
        for item in expected:  # greedy pairing: lists are sets here
            hit = next((i for i, cand in enumerate(unused) if _match(item, cand)), None)
            if hit is None:
                return False
            unused.pop(hit)
        return True
    return expected == actual


def documents_equal(expected, actual):
    return _match(normalise_document(expected), normalise_document(actual))


def short_diff(expected, actual, limit=30):
    left = json.dumps(normalise_document(expected), indent=1, sort_keys=True, default=str).splitlines()
    right = json.dumps(normalise_document(actual), indent=1, sort_keys=True, default=str).splitlines()
    diff = list(difflib.unified_diff(left, right, "template (resolved)", "moto", n=1, lineterm=""))
    if len(diff) > limit:
        diff = diff[:limit] + [f"... ({len(diff) - limit} more diff lines)"]
    return "\n".join(diff)


# --------------------------------------------------------------------------
# Template preparation for moto
# --------------------------------------------------------------------------
def _wrap_subs(node, variables):
    """Parsed JSON of an Fn::Sub string: leaves holding ${...} become Fn::Sub again."""
    if isinstance(node, str):
        if "${" not in node:
            return node
        return {"Fn::Sub": [node, variables]} if variables else {"Fn::Sub": node}
    if isinstance(node, list):
        return [_wrap_subs(v, variables) for v in node]
    if isinstance(node, dict):
        return {k: _wrap_subs(v, variables) for k, v in node.items()}
    return node


def _keys_have_subs(node):
    if isinstance(node, dict):
        return any("${" in str(k) or _keys_have_subs(v) for k, v in node.items())
    if isinstance(node, list):
        return any(_keys_have_subs(v) for v in node)
    return False


def _parse_string_document(raw, resolver):
    """A PolicyDocument written as a JSON string (maybe built by intrinsics) -> mapping, or None.

    Resolved here when it can be (parameters, pseudo parameters, names the
    template sets); a document that needs values only the deploy knows keeps
    its ${...} as Fn::Sub leaves for moto to substitute."""
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return None
    if not (isinstance(raw, dict) and len(raw) == 1 and next(iter(raw)).startswith("Fn::")):
        return None
    if "Fn::If" in raw:  # convert each branch
        cond, *branches = raw["Fn::If"]
        converted = []
        for branch in branches:
            doc = _parse_string_document(branch, resolver)
            converted.append(branch if doc is None else doc)
        return None if converted == branches else {"Fn::If": [cond, *converted]}
    try:
        value = resolver.resolve(raw)
    except ct.TemplateError:
        value = None
    if isinstance(value, str) and ct.MARK_OPEN not in value:
        try:
            return json.loads(value)
        except ValueError:
            return None
    if list(raw) == ["Fn::Sub"]:
        arg = raw["Fn::Sub"]
        text, variables = (arg[0], arg[1] if len(arg) > 1 else {}) if isinstance(arg, list) else (arg, {})
        try:
            parsed = json.loads(text)
        except (ValueError, TypeError):
            return None
        if not _keys_have_subs(parsed):  # keys cannot hold intrinsics
            return _wrap_subs(parsed, variables)
    return None


def template_body_for_moto(path, template, resolver, out):
    """The TemplateBody to send: the file itself unless moto needs help."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    reasons = []
    data = copy.deepcopy(template)
    parsed = 0
    for res in (data.get("Resources") or {}).values():
        if not isinstance(res, dict) or res.get("Type") not in DOC_HOLDERS:
            continue
        props = res.get("Properties") or {}
        holders = [props] + [p for p in (props.get("Policies") or []) if isinstance(p, dict)]
        for holder in holders:
            for key in ("PolicyDocument", "AssumeRolePolicyDocument"):
                raw = holder.get(key)
                if raw is None or (isinstance(raw, dict) and not (len(raw) == 1 and next(iter(raw)).startswith("Fn::"))):
                    continue
                doc = _parse_string_document(raw, resolver)
                if doc is not None:
                    holder[key] = doc
                    parsed += 1
    if parsed:
        reasons.append(f"{parsed} policy document(s) written as JSON strings were parsed "
                       "(moto may reject them; CloudFormation accepts them)")
    tags = 0
    for res in (data.get("Resources") or {}).values():
        props = res.get("Properties") if isinstance(res, dict) else None
        items = props.get("Tags") if isinstance(props, dict) else None
        if not isinstance(items, list):
            continue
        conditional = [t for t in items if isinstance(t, dict) and "Fn::If" in t]
        if conditional:
            # Each `Fn::If` item resolved at the stack's values (NoValue items vanish).
            props["Tags"] = [t for item in items
                             for t in (resolver.resolve([item]) if item in conditional else [item])]
            tags += len(conditional)
    if tags:
        reasons.append(f"{tags} Fn::If tag(s) resolved at the stack's values (moto keeps an "
                       "AWS::NoValue tag as None and fails the stack; CloudFormation drops it)")
    is_yaml = not text.lstrip().startswith("{")
    if is_yaml and (re.search(r"!Condition\b", text) or re.search(r"!GetAtt\s*(\[|\n\s*-)", text)):
        reasons.append("moto's YAML loader mishandles !Condition / the list form of !GetAtt")
    if not reasons:
        return text
    out.note("template sent to moto as JSON: " + "; ".join(reasons))
    return json.dumps(data)


def stack_name_for(path):
    name = re.sub(r"[^A-Za-z0-9-]", "-", os.path.splitext(os.path.basename(path))[0])
    return name if name[:1].isalpha() else "s-" + name


# --------------------------------------------------------------------------
# The checks of one template
# --------------------------------------------------------------------------
class StackChecker:
    def __init__(self, endpoint, parliament_python):
        self.endpoint = endpoint
        kw = dict(endpoint_url=endpoint, region_name="us-east-1",
                  config=Config(retries={"max_attempts": 2}, read_timeout=120))
        self.cfn = boto3.client("cloudformation", **kw)
        self.iam = boto3.client("iam", **kw)
        self._aws_policies = None
        self.baseline = Baseline()
        self.parliament = None
        self.parliament_error = None
        if parliament_python:
            here = os.path.dirname(os.path.abspath(__file__))
            self.parliament = subprocess.Popen(
                [parliament_python, os.path.join(here, "parliament_worker.py")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        else:
            self.parliament_error = "parliament is not installed"

    def close(self):
        if self.parliament:
            self.parliament.stdin.close()
            self.parliament.wait(timeout=30)

    def aws_managed_policies(self):
        """{arn: name} of moto's AWS managed policies (MOTO_IAM_LOAD_MANAGED_POLICIES)."""
        if self._aws_policies is None:
            pages = self.iam.get_paginator("list_policies").paginate(Scope="AWS")
            self._aws_policies = {p["Arn"]: p["PolicyName"] for page in pages for p in page["Policies"]}
        return self._aws_policies

    def check(self, root, path, out):
        reset(self.endpoint)
        try:
            template = ct.load_template(path)
            values, notes = ct.parameter_values(template, path)
        except Exception as exc:  # noqa: BLE001
            out.result(False, CHECKS[0], path, f"cannot load the template: {exc}")
            for check in CHECKS[1:]:
                out.result(False, check, path, f"skipped: the template cannot be loaded (see {CHECKS[0]})")
            return
        stack = stack_name_for(path)
        plain = ct.Resolver(template, values, stack_name=stack)
        unsupported = ct.moto_unsupported(template)
        if unsupported:
            for check in ("moto-deploy", "moto-readback", "managed-policy-arns", "awscli-parameters"):
                out.skip(check, path, "; ".join(unsupported))
            self.lint_policies(root, path, plain, out)
            return
        physical = self.deploy(path, template, values, stack, plain, notes, out)
        resolver = ct.Resolver(template, values, stack_name=stack, physical=physical or {})
        self.readback(path, template, resolver, physical, out)
        self.managed_policy_arns(path, resolver, physical, out)
        self.lint_policies(root, path, resolver, out)
        self.cli_parameters(path, template, plain, out)

    # -- awscli-parameters ------------------------------------------------------
    def cli_parameters(self, path, template, resolver, out):
        """The real AWS CLI creates the stack with `--parameters file://<stack>.params.json`."""
        check, pfile = "awscli-parameters", ct.params_file_for(path)
        if not os.path.exists(pfile):
            return
        aws = os.environ.get("ROLEGEN_AWSCLI", "")
        if not aws:
            out.skip(check, pfile, "the AWS CLI is not installed: run `scripts/tools install awscli` "
                     "(needs the PyPI registry)")
            return
        reset(self.endpoint)
        stack = stack_name_for(path) + "-cli"
        staged = Output()
        with tempfile.TemporaryDirectory() as tmp:
            body = os.path.join(tmp, "template")
            with open(body, "w", encoding="utf-8") as handle:
                handle.write(template_body_for_moto(path, template, resolver, staged))
            base = [aws, "--endpoint-url", self.endpoint, "--region", "us-east-1", "--output", "json",
                    "cloudformation"]
            create = base + ["create-stack", "--stack-name", stack, "--template-body", "file://" + body,
                             "--parameters", "file://" + os.path.abspath(pfile),
                             "--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
            done = subprocess.run(create, capture_output=True, text=True, timeout=300, env=dict(os.environ))
            if done.returncode != 0:
                out.result(False, check, pfile, f"aws cloudformation create-stack exited {done.returncode}: "
                           + (done.stderr.strip() or done.stdout.strip()))
                return
            described = subprocess.run(base + ["describe-stacks", "--stack-name", stack],
                                       capture_output=True, text=True, timeout=120)
        try:
            desc = json.loads(described.stdout)["Stacks"][0]
        except (ValueError, KeyError, IndexError):
            out.result(False, check, pfile, "aws cloudformation describe-stacks: "
                       + (described.stderr.strip() or described.stdout.strip()))
            return
        with open(pfile, encoding="utf-8") as handle:
            wanted = json.load(handle)
        got = {p.get("ParameterKey"): p.get("ParameterValue") for p in desc.get("Parameters") or []}
        declared = template.get("Parameters") or {}
        wrong, notes = [], []
        for entry in wanted:
            key, value = entry["ParameterKey"], entry["ParameterValue"]
            secret = str((declared.get(key) or {}).get("NoEcho", "")).lower() == "true"
            expect = "****" if secret else value
            have = got.get(key)
            if isinstance(have, str) and have.startswith("[") and ct.is_list_type(
                    (declared.get(key) or {}).get("Type")):
                # moto 5.2.5 reports a CommaDelimitedList value as a python list repr.
                try:
                    have = ",".join(str(v) for v in ast.literal_eval(have))
                    notes.append(f"{key}: moto reported the list as a python repr (joined)")
                except (ValueError, SyntaxError):
                    pass
            if secret and have == value:
                # Real CloudFormation masks a NoEcho value; moto 5.2.5 does not.
                notes.append(f"{key}: NoEcho, but moto reported its value unmasked")
                have = expect
            if have != expect:
                wrong.append(f"{key}: the stack has {have!r}, the file {expect!r}")
        status = desc.get("StackStatus")
        if status != "CREATE_COMPLETE" or wrong:
            out.result(False, check, pfile, f"stack {stack}: {status} {desc.get('StackStatusReason', '')}".rstrip()
                       + "".join("\n" + w for w in wrong))
            return
        out.result(True, check, pfile, f"aws-cli create-stack --parameters file://: {status}, "
                   f"{len(wanted)} parameter(s) as in the file")
        for note in notes:
            out.note(note)

    # -- moto-deploy ------------------------------------------------------------
    def deploy(self, path, template, values, stack, resolver, notes, out):
        """Create the stack; returns {logical id: physical id} or None."""
        staged = Output()
        for note in notes:
            staged.note(note)
        try:
            body = template_body_for_moto(path, template, resolver, staged)
            params = [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]
            self.cfn.create_stack(StackName=stack, TemplateBody=body, Parameters=params,
                                  Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"])
            status, reason = "CREATE_IN_PROGRESS", ""
            for _ in range(240):  # moto creates synchronously; this is a safety net
                desc = self.cfn.describe_stacks(StackName=stack)["Stacks"][0]
                status, reason = desc["StackStatus"], desc.get("StackStatusReason", "")
                if not status.endswith("_IN_PROGRESS"):
                    break
                time.sleep(0.5)
            summaries = self.cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
        except Exception as exc:  # noqa: BLE001 - botocore ClientError and friends
            out.result(False, "moto-deploy", path, f"CreateStack failed: {exc}")
            out.lines.extend(staged.lines)
            return None
        bad = [s for s in summaries if s.get("ResourceStatus") not in ("CREATE_COMPLETE", None)]
        if status != "CREATE_COMPLETE" or bad:
            why = reason or ", ".join(f"{s['LogicalResourceId']}={s['ResourceStatus']}" for s in bad)
            out.result(False, "moto-deploy", path, f"stack {stack}: {status} {why}".rstrip())
            out.lines.extend(staged.lines)
            return None
        physical = {s["LogicalResourceId"]: s.get("PhysicalResourceId")
                    for s in summaries if s.get("LogicalResourceId")}
        out.result(True, "moto-deploy", path, f"stack {stack}: CREATE_COMPLETE, {len(physical)} resource(s)")
        out.lines.extend(staged.lines)
        for logical, res in (template.get("Resources") or {}).items():
            if resolver.resource_enabled(logical) and not physical.get(logical):
                out.note(f"moto did not create {logical} ({res.get('Type')}): not implemented by moto, "
                         "so not verified by the deploy")
        return physical

    # -- moto-readback ------------------------------------------------------------
    def _expected_inline(self, resolver, role_name, physical, notes):
        """{policy name: document} the role should carry, from the template."""
        expected = {}
        for logical, res in resolver.resources.items():
            if not isinstance(res, dict) or not resolver.resource_enabled(logical):
                continue
            rtype, props = res.get("Type"), res.get("Properties") or {}
            if rtype == "AWS::IAM::Policy":
                if role_name in [str(r) for r in resolver.resolve(props.get("Roles") or [])]:
                    expected[resolver.resolve(props.get("PolicyName"))] = \
                        ct.policy_document(resolver.resolve(props.get("PolicyDocument")))
            elif rtype == "AWS::IAM::RolePolicy":
                if resolver.resolve(props.get("RoleName")) == role_name:
                    if not physical.get(logical):
                        notes.add(f"{logical} (AWS::IAM::RolePolicy) is not implemented by moto: not read back")
                        continue
                    expected[resolver.resolve(props.get("PolicyName"))] = \
                        ct.policy_document(resolver.resolve(props.get("PolicyDocument")))
        return expected

    def _expected_profiles(self, resolver, role_name, physical):
        names = set()
        for logical, res in resolver.resources.items():
            if (isinstance(res, dict) and res.get("Type") == "AWS::IAM::InstanceProfile"
                    and resolver.resource_enabled(logical)):
                roles = [str(r) for r in resolver.resolve((res.get("Properties") or {}).get("Roles") or [])]
                if role_name in roles:
                    names.add(physical.get(logical) or str(resolver.ref(logical)))
        return names

    def readback(self, path, template, resolver, physical, out):
        roles = [lid for lid, res in (template.get("Resources") or {}).items()
                 if isinstance(res, dict) and res.get("Type") == "AWS::IAM::Role"]
        if physical is None:
            out.result(False, "moto-readback", path, "skipped: the stack was not created")
            return
        problems, notes, summary = [], set(), []
        try:
            for logical in roles:
                if not resolver.resource_enabled(logical):
                    notes.add(f"{logical}: its Condition is false, not expected")
                    continue
                name = physical.get(logical)
                if not name:
                    problems.append(f"{logical}: moto created no role")
                    continue
                problems.extend(self._readback_role(logical, name, resolver, physical, notes, summary))
        except ct.TemplateError as exc:
            problems.append(f"cannot resolve the template: {exc}")
        except Exception as exc:  # noqa: BLE001
            problems.append(f"read-back crashed: {type(exc).__name__}: {exc}")
        if not roles:
            out.result(not problems, "moto-readback", path, "no AWS::IAM::Role in the template")
        elif problems:
            out.result(False, "moto-readback", path, f"{len(problems)} mismatch(es) with the template")
            for problem in problems:
                out.detail(problem)
        else:
            out.result(True, "moto-readback", path, "; ".join(summary) or "no enabled role")
        for note in sorted(notes):
            out.note(note)

    def _readback_role(self, logical, name, resolver, physical, notes, summary):
        problems = []
        props = (resolver.resources[logical].get("Properties") or {})
        try:
            role = self.iam.get_role(RoleName=name)["Role"]
        except self.iam.exceptions.NoSuchEntityException:
            return [f"{logical}: role {name!r} does not exist in moto"]
        # Path
        want_path = resolver._iam_path(logical)
        if role.get("Path", "/") != want_path:
            problems.append(f"{logical}: path {role.get('Path')!r}, template says {want_path!r}")
        # Trust policy
        want_trust = ct.policy_document(resolver.resolve(props.get("AssumeRolePolicyDocument")))
        got_trust = lenient_document(role.get("AssumeRolePolicyDocument"), notes)
        if not documents_equal(want_trust, got_trust):
            problems.append(f"{logical}: trust policy differs\n" + short_diff(want_trust, got_trust))
        # Inline policies: the role's own Policies + AWS::IAM::Policy/RolePolicy naming it.
        want_inline = {}
        for pol in resolver.resolve(props.get("Policies") or []):
            if isinstance(pol, dict):
                want_inline[str(pol.get("PolicyName"))] = ct.policy_document(pol.get("PolicyDocument"))
        want_inline.update(self._expected_inline(resolver, name, physical, notes))
        got_names = set(self.iam.list_role_policies(RoleName=name)["PolicyNames"])
        for missing in sorted(set(want_inline) - got_names):
            problems.append(f"{logical}: inline policy {missing!r} missing in moto")
        for extra in sorted(got_names - set(want_inline)):
            problems.append(f"{logical}: moto has an inline policy {extra!r} the template does not declare")
        for pname in sorted(set(want_inline) & got_names):
            got = lenient_document(self.iam.get_role_policy(RoleName=name, PolicyName=pname)["PolicyDocument"],
                                   notes)
            if not documents_equal(want_inline[pname], got):
                problems.append(f"{logical}: inline policy {pname!r} differs\n" + short_diff(want_inline[pname], got))
        # Instance profiles naming the role.
        want_profiles = self._expected_profiles(resolver, name, physical)
        got_profiles = {p["InstanceProfileName"]
                        for p in self.iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"]}
        if not _match(sorted(want_profiles), sorted(got_profiles)):
            problems.append(f"{logical}: instance profiles {sorted(got_profiles)}, "
                            f"template says {sorted(want_profiles)}")
        if props.get("ManagedPolicyArns"):
            notes.add("moto ignores ManagedPolicyArns (checked by managed-policy-arns instead)")
        summary.append(f"{logical}: trust + {len(want_inline)} inline + {len(want_profiles)} profile(s) match")
        return problems

    # -- managed-policy-arns ------------------------------------------------------
    def managed_policy_arns(self, path, resolver, physical, out):
        own = {lid for lid, res in resolver.resources.items()
               if isinstance(res, dict) and res.get("Type") == "AWS::IAM::ManagedPolicy"}
        problems, notes, checked = [], [], 0
        try:
            own_arns = {str(resolver.ref(lid)): lid for lid in own if resolver.resource_enabled(lid)}
            for logical, res in resolver.resources.items():
                if (not isinstance(res, dict) or res.get("Type") not in
                        ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
                        or not resolver.resource_enabled(logical)):
                    continue
                raw = (res.get("Properties") or {}).get("ManagedPolicyArns")
                if raw is None:
                    continue
                items = raw if isinstance(raw, list) else [raw]
                for item in items:
                    values = resolver.resolve([item])
                    for value in ct._flatten(values):
                        checked += 1
                        problem = self._check_policy_arn(logical, item, value, own, own_arns, physical, notes)
                        if problem:
                            problems.append(problem)
        except ct.TemplateError as exc:
            problems.append(f"cannot resolve the template: {exc}")
        except Exception as exc:  # noqa: BLE001
            problems.append(f"check crashed: {type(exc).__name__}: {exc}")
        if problems:
            out.result(False, "managed-policy-arns", path, f"{len(problems)} problem(s) in {checked} ARN(s)")
            for problem in problems:
                out.detail(problem)
        else:
            out.result(True, "managed-policy-arns", path,
                       f"{checked} ARN(s) checked" if checked else "no ManagedPolicyArns")
        for note in notes:
            out.note(note)

    def _check_policy_arn(self, logical, raw, value, own, own_arns, physical, notes):
        ref_target = None
        if isinstance(raw, dict) and "Ref" in raw and raw["Ref"] in own:
            ref_target = raw["Ref"]
        if not isinstance(value, str):
            return f"{logical}: entry {value!r} is not a string"
        if value in own_arns:
            ref_target = own_arns[value]
        if ref_target:
            if physical is not None:
                try:
                    self.iam.get_policy(PolicyArn=value)
                except Exception:  # noqa: BLE001
                    return f"{logical}: {value} (the stack's own {ref_target}) was not created in moto"
            return None
        if ct.MARK_OPEN in value:
            return f"{logical}: cannot resolve entry {json.dumps(raw)}"
        match = POLICY_ARN.match(value)
        if not match:
            return f"{logical}: malformed managed policy ARN {value!r}"
        if match.group("account") != "aws":
            notes.append(f"{logical}: {value} is a customer managed policy outside the stack (syntax checked only)")
            return None
        policies = self.aws_managed_policies()
        wanted = f"arn:aws:iam::aws:policy{match.group('path')}{match.group('name')}"
        if wanted in policies:
            return None
        by_name = {name: arn for arn, name in policies.items()}
        if match.group("name") in by_name:
            return f"{logical}: {value} does not exist; the policy lives at {by_name[match.group('name')]}"
        near = difflib.get_close_matches(match.group("name"), list(by_name), n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        return f"{logical}: {value} is not an AWS managed policy{hint}"

    # -- parliament ---------------------------------------------------------------
    def lint_policies(self, root, path, resolver, out):
        try:
            documents = list(ct.identity_documents(resolver))
        except ct.TemplateError as exc:
            out.result(False, "parliament", path, f"cannot resolve the template: {exc}")
            return
        if not documents:
            out.result(True, "parliament", path, "no identity policy document in the template")
            return
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
        for label, document in documents:
            target = f"{path}#{label}"
            if self.parliament is None:
                out.result(False, "parliament", target, self.parliament_error)
                continue
            text = json.dumps(ct.for_linting(document))
            self.parliament.stdin.write(text + "\n")
            self.parliament.stdin.flush()
            answer = self.parliament.stdout.readline()
            if not answer:
                out.result(False, "parliament", target, "the parliament worker died")
                self.parliament, self.parliament_error = None, "the parliament worker died"
                continue
            failing, notes = [], []
            for finding in json.loads(answer):
                desc = describe_finding(finding)
                fails = (finding["issue"] in PARLIAMENT_FAIL_ISSUES
                         or finding["severity"] in PARLIAMENT_FAIL_SEVERITIES)
                if fails:
                    entry = self.baseline.match("parliament", finding["issue"], label, [rel, path])
                    if entry is None:
                        failing.append(finding["issue"])
                        self.baseline.suggest("parliament", finding["issue"], label, rel)
                        notes.append(desc)
                    else:
                        notes.append(f"note: baselined: {desc} ({entry['reason']})")
                else:
                    notes.append("note: " + desc)
            if failing:
                out.result(False, "parliament", target, "findings: " + ", ".join(sorted(set(failing))))
            else:
                out.result(True, "parliament", target, f"{len(notes)} note(s)" if notes else "")
            for line in notes:
                out.detail(line)


def describe_finding(finding):
    """One line: severity, class, title, parliament's detail and the offending string."""
    detail = finding.get("detail")
    if not isinstance(detail, str):
        detail = json.dumps(detail, default=str, sort_keys=True)
    location = finding.get("location") or {}
    where = f" (at {json.dumps(location['string'])})" if isinstance(location, dict) and location.get("string") else ""
    return f"{finding['severity']} {finding['issue']} - {finding.get('title', '')}: {detail}{where}"


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    endpoint, parliament_python, out_dir, jobs_file = argv
    with open(jobs_file, encoding="utf-8") as handle:
        jobs = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
    wait_ready(endpoint)
    checker = StackChecker(endpoint, parliament_python)
    try:
        for job_id, root, path in jobs:
            out = Output()
            try:
                checker.check(root, path, out)
            except Exception as exc:  # noqa: BLE001 - one stack must not stop the others
                out.result(False, "moto-deploy", path, f"stack checks crashed: {type(exc).__name__}: {exc}")
                out.detail(traceback.format_exc().rstrip())
            with open(os.path.join(out_dir, f"{job_id}.stack.txt"), "w", encoding="utf-8") as handle:
                handle.write("\n".join(out.lines) + "\n")
            open(os.path.join(out_dir, f"{job_id}.stack.done"), "w").close()
    finally:
        checker.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
