"""Compares the IAM of a moto estate with what the adopted Terraform state holds.

Usage: compare.py ENDPOINT STATE.json... --left-out NAME...

Every role (except the ones named after --left-out and service-linked roles), with its
path, boundary, trust policy, inline policies, attachments and instance profiles, and every
customer managed policy with its default version, must be in exactly one state, equal to
the estate: nothing dropped, nothing added (never widen), nothing changed.
"""

import json
import sys

import boto3


def canon(doc):
    if isinstance(doc, str):
        doc = json.loads(doc)

    def norm(x):
        if isinstance(x, dict):
            return {k: norm(v) for k, v in sorted(x.items())}
        if isinstance(x, list):
            items = [norm(v) for v in x]
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True)) if all(
                isinstance(v, str) for v in items
            ) else items
        return x

    d = norm(doc)
    for st in d.get("Statement", []):
        for k in ("Action", "Resource", "NotAction", "NotResource"):
            if isinstance(st.get(k), str):
                st[k] = [st[k]]
        if isinstance(st.get("Principal"), dict):
            st["Principal"] = {
                t: sorted(v if isinstance(v, list) else [v]) for t, v in st["Principal"].items()
            }
    if isinstance(d.get("Statement"), dict):
        d["Statement"] = [d["Statement"]]
    return d


def estate(iam, left_out):
    roles, policies = {}, {}
    for page in iam.get_paginator("get_account_authorization_details").paginate(
        Filter=["Role", "LocalManagedPolicy"]
    ):
        for r in page.get("RoleDetailList", []):
            if r["Path"].startswith("/aws-service-role/") or r["RoleName"] in left_out:
                continue
            roles[r["RoleName"]] = {
                "path": r["Path"],
                "boundary": (r.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"),
                "trust": canon(r["AssumeRolePolicyDocument"]),
                "inline": {p["PolicyName"]: canon(p["PolicyDocument"]) for p in r["RolePolicyList"]},
                "attached": sorted(p["PolicyArn"] for p in r["AttachedManagedPolicies"]),
                "profiles": sorted(p["InstanceProfileName"] for p in r["InstanceProfileList"]),
                "tags": {t["Key"]: t["Value"] for t in r.get("Tags", [])},
            }
        for p in page.get("Policies", []):
            doc = next(v["Document"] for v in p["PolicyVersionList"] if v["IsDefaultVersion"])
            policies[p["Arn"]] = canon(doc)
    return roles, policies


def state(paths):
    roles, policies = {}, {}
    for path in paths:
        with open(path) as f:
            s = json.load(f)
        mods = [s["values"]["root_module"]]
        res = []
        while mods:
            m = mods.pop()
            res += m.get("resources", [])
            mods += m.get("child_modules", [])
        for r in res:
            if r["mode"] != "managed":
                continue
            v = r["values"]
            t = r["type"]
            if t == "aws_iam_role":
                e = roles.setdefault(v["name"], {"inline": {}, "attached": [], "profiles": []})
                if "path" in e:
                    raise SystemExit(f"role {v['name']} is in two states")
                e.update(
                    path=v["path"],
                    boundary=v["permissions_boundary"] or None,
                    trust=canon(v["assume_role_policy"]),
                    tags=v["tags"] or {},
                )
            elif t == "aws_iam_role_policy":
                e = roles.setdefault(v["role"], {"inline": {}, "attached": [], "profiles": []})
                e["inline"][v["name"]] = canon(v["policy"])
            elif t == "aws_iam_role_policy_attachment":
                e = roles.setdefault(v["role"], {"inline": {}, "attached": [], "profiles": []})
                e["attached"] = sorted(e["attached"] + [v["policy_arn"]])
            elif t == "aws_iam_instance_profile":
                e = roles.setdefault(v["role"], {"inline": {}, "attached": [], "profiles": []})
                e["profiles"] = sorted(e["profiles"] + [v["name"]])
            elif t == "aws_iam_policy":
                if v["arn"] in policies:
                    raise SystemExit(f"policy {v['arn']} is in two states")
                policies[v["arn"]] = canon(v["policy"])
    return roles, policies


def main():
    args = sys.argv[1:]
    endpoint = args.pop(0)
    left_out = []
    if "--left-out" in args:
        i = args.index("--left-out")
        left_out = args[i + 1 :]
        args = args[:i]
    iam = boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    want_roles, want_policies = estate(iam, left_out)
    got_roles, got_policies = state(args)
    bad = 0
    for name in sorted(set(want_roles) | set(got_roles)):
        w, g = want_roles.get(name), got_roles.get(name)
        if w != g:
            bad += 1
            print(f"role {name}: estate {json.dumps(w, sort_keys=True)}\n  state  {json.dumps(g, sort_keys=True)}")
    for arn in sorted(set(want_policies) | set(got_policies)):
        if want_policies.get(arn) != got_policies.get(arn):
            bad += 1
            print(f"policy {arn}: estate {want_policies.get(arn)} state {got_policies.get(arn)}")
    print(
        f"compared {len(want_roles)} roles and {len(want_policies)} customer managed policies: {bad} difference(s)"
    )
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
