"""The `terraform-moved` check of the real-Terraform stage (tf_stage.py): a module whose spec
declares renames (`moved:`, so the module has terraform/moved.tf) must upgrade a deployment made
with the earlier keys without replacing anything.

For such a module, in a scratch folder:
  1. the module's spec (found by its `module:` name under ROLEGEN_SPEC_DIRS, default the repo's
     specs/ and tests/fixtures/) is rewritten with the earlier keys: every rename of `moved:`
     undone (roles, customer managed policies with the roles' `policy:` references, KMS keys)
     and `moved:` dropped; rolegen (ROLEGEN_BIN, else the repo's target/release or target/debug
     build, else `rolegen` on PATH) builds it: the module as it was before the renames;
  2. its example root configuration is applied against moto (each renamed role with one extra
     policy through its additional-policies escape hatch, set by the earlier input name and
     later by the new one, as the caller would); with `from_unindexed: true` the
     state of every resource that `moved.tf` moves from an unindexed address is then moved to
     that address (`terraform state mv`), as rolegen output from before the `create` toggle
     left it;
  3. the module under test replaces it in place (same root configuration, same state), and
     `terraform plan` must neither create nor destroy anything: every resource is unchanged
     or updated in place, and at least one was found at its earlier address;
  4. terraform destroy.
"""

import json
import os
import re
import shutil
import subprocess

import yaml

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CHECK = "terraform-moved"
MOVED_BLOCK = re.compile(r"moved \{\s*from\s*=\s*(\S+)\s*to\s*=\s*(\S+)\s*\}")


# --------------------------------------------------------------------------
# Spec text round trip that keeps every scalar as written
# --------------------------------------------------------------------------
class Plain(str):
    """A plain (unquoted) scalar of the spec, kept as its text so YAML 1.1's readings of
    `no`, `2012-10-17` or `0x10` never change what rolegen (YAML 1.2) reads."""


class _Loader(yaml.SafeLoader):
    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            return "!plain"
        return super().resolve(kind, value, implicit)


_Loader.add_constructor("!plain", lambda loader, node: Plain(node.value))


class _Dumper(yaml.SafeDumper):
    pass


def _plain(dumper, data):
    # The tag the text resolves to, so the emitter writes it plain again.
    tag = dumper.resolve(yaml.ScalarNode, str(data), (True, False))
    return dumper.represent_scalar(tag, str(data))


_Dumper.add_representer(Plain, _plain)


def spec_dirs():
    env = os.environ.get("ROLEGEN_SPEC_DIRS")
    if env:
        return [d for d in env.split(os.pathsep) if d]
    return [os.path.join(REPO_ROOT, "specs"), os.path.join(REPO_ROOT, "tests", "fixtures")]


def find_spec(name):
    """The spec file (`*.yaml` in a spec folder or one level below) of module `name`."""
    line = re.compile(r"^module:\s*['\"]?" + re.escape(name) + r"['\"]?\s*$", re.M)
    for root in spec_dirs():
        if not os.path.isdir(root):
            continue
        candidates = sorted(os.path.join(root, f) for f in os.listdir(root))
        for path in list(candidates):
            if os.path.isdir(path):
                candidates += sorted(os.path.join(path, f) for f in os.listdir(path))
        for path in candidates:
            if path.endswith((".yaml", ".yml")) and os.path.isfile(path):
                with open(path, encoding="utf-8") as handle:
                    if line.search(handle.read()):
                        return path
    return None


def rolegen_bin():
    env = os.environ.get("ROLEGEN_BIN")
    if env:
        return env if os.access(env, os.X_OK) else None
    for build in ("release", "debug"):
        path = os.path.join(REPO_ROOT, "target", build, "rolegen")
        if os.access(path, os.X_OK):
            return path
    return shutil.which("rolegen")


def earlier_spec(spec):
    """The spec with every rename of `moved:` undone and `moved:` dropped."""
    moved = spec.pop("moved", None) or {}

    def undo(section, renames):
        items = spec.get(section)
        if not isinstance(items, dict) or not renames:
            return
        back = {str(new): str(old) for old, new in renames.items()}
        spec[section] = {Plain(back.get(str(k), str(k))) if str(k) in back else k: v
                         for k, v in items.items()}

    undo("roles", moved.get("roles") or {})
    undo("policies", moved.get("policies") or {})
    undo("kms_keys", moved.get("kms_keys") or {})
    back = {str(new): str(old) for old, new in (moved.get("policies") or {}).items()}
    for role in (spec.get("roles") or {}).values():
        for attachment in (role or {}).get("managed_policies") or []:
            if isinstance(attachment, dict) and str(attachment.get("policy")) in back:
                attachment["policy"] = Plain(back[str(attachment["policy"])])
    return moved


def moved_blocks(tf_dir):
    path = os.path.join(tf_dir, "moved.tf")
    with open(path, encoding="utf-8") as handle:
        return MOVED_BLOCK.findall(handle.read())


# --------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------
def run(runner, mod, call, target, moto, out, write_overrides, errors, plan_changes):
    """Runs the check for the module folder `mod` (its example's module block is `call`)."""
    name = os.path.basename(mod)
    spec_path = find_spec(name)
    if spec_path is None:
        out.skip(CHECK, target, f"no spec with `module: {name}` under {os.pathsep.join(spec_dirs())} "
                                "(set ROLEGEN_SPEC_DIRS): the check builds the module with its earlier keys from it")
        return
    rolegen = rolegen_bin()
    if rolegen is None:
        out.skip(CHECK, target, "no rolegen binary: `cargo build`, or set ROLEGEN_BIN")
        return
    base = os.path.join(runner.scratch, f"moved-{name}")
    shutil.rmtree(base, ignore_errors=True)
    spec_dir = os.path.join(base, "spec")
    shutil.copytree(os.path.dirname(spec_path), spec_dir)
    with open(spec_path, encoding="utf-8") as handle:
        spec = yaml.load(handle, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    moved = earlier_spec(spec)
    old_spec = os.path.join(spec_dir, os.path.basename(spec_path))
    with open(old_spec, "w", encoding="utf-8") as handle:
        yaml.dump(spec, handle, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096)
    old_root = os.path.join(base, "earlier")
    proc = subprocess.run([rolegen, "build", "--out", old_root, old_spec], capture_output=True, text=True)
    if proc.returncode != 0:
        out.result(False, CHECK, target, f"rolegen could not build the module with its earlier keys "
                                         f"(exit {proc.returncode}) from {spec_path}")
        out.detail((proc.stderr or proc.stdout)[-2000:])
        return
    work_mod = os.path.join(base, "work", name)
    shutil.copytree(os.path.join(old_root, name), work_mod)
    work = os.path.join(work_mod, "examples", "terraform")
    blocks = moved_blocks(os.path.join(mod, "terraform"))
    # A renamed role's extra policies (its escape hatch) are state too: the earlier module
    # gets one through the earlier input, the module under test the same through its own.
    extra = [(old[len(HATCH):-len("_additional")], new[len(HATCH):-len("_additional")])
             for old, new in blocks if old.startswith(HATCH) and new.startswith(HATCH)
             and old.endswith("_additional") and new.endswith("_additional")]
    moto.reset()
    write_overrides(work, call, moto.endpoint, {})
    hatch_inputs(work, call, [old for old, _ in extra])
    rc, text = runner.terraform(work, "init", "-input=false", "-backend=false",
                                f"-plugin-dir={runner.plugin_dir}")
    if rc == 0:
        rc, text = runner.terraform(work, "apply", "-auto-approve", "-input=false")
    if rc != 0:
        out.result(False, CHECK, target, f"the module with its earlier keys did not apply (exit {rc})")
        out.detail(errors(text))
        return
    try:
        if moved.get("from_unindexed"):
            problem = unindex(runner, work, call, blocks)
            if problem:
                out.result(False, CHECK, target, problem)
                return
        # The module under test takes the earlier one's place: same root, same state.
        shutil.rmtree(os.path.join(work_mod, "terraform"))
        shutil.copytree(os.path.join(mod, "terraform"), os.path.join(work_mod, "terraform"))
        shutil.copy(os.path.join(mod, "examples", "terraform", "main.tf"), os.path.join(work, "main.tf"))
        hatch_inputs(work, call, [new for _, new in extra])
        rc, text = runner.terraform(work, "plan", "-input=false", "-out=moved.tfplan")
        if rc != 0:
            out.result(False, CHECK, target, f"terraform plan after the renames exited {rc}")
            out.detail(errors(text))
            return
        rc, shown = runner.terraform(work, "show", "-json", "moved.tfplan", color=False)
        try:
            plan = json.loads(shown) if rc == 0 else None
        except ValueError:
            plan = None
        if plan is None:
            out.result(False, CHECK, target, f"terraform show -json exited {rc}")
            out.detail(errors(shown))
            return
        judge(plan, target, out, text, plan_changes, len(blocks))
    finally:
        runner.terraform(work, "destroy", "-auto-approve", "-input=false")


HATCH = "aws_iam_role_policy_attachment."
# An AWS managed policy moto knows (MOTO_IAM_LOAD_MANAGED_POLICIES), attached through the hatch.
EXTRA_POLICY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def hatch_inputs(work, call, roles):
    """An override file giving each role (Terraform name) one extra policy through its hatch."""
    path = os.path.join(work, "moved_override.tf")
    if not roles:
        if os.path.exists(path):
            os.remove(path)
        return
    lines = [f'module "{call}" {{']
    lines += [f'  {role}_additional_policy_arns = ["{EXTRA_POLICY}"]' for role in roles]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines + ["}", ""]))


def unindex(runner, work, call, blocks):
    """Moves the state of each resource that a `from X to X[0]` block covers to X, as rolegen
    output from before the `create` toggle left it (after the renames: the earlier keys)."""
    renames = {new: old for old, new in blocks if "[" not in old and "[" not in new}
    unindexed = {old for old, new in blocks if new == old + "[0]"}
    rc, text = runner.terraform(work, "state", "list", color=False)
    if rc != 0:
        return f"terraform state list exited {rc}: {text.strip()[:300]}"
    prefix = f"module.{call}."
    moved = 0
    for address in text.split():
        if not (address.startswith(prefix) and address.endswith("[0]")):
            continue
        earlier = address[len(prefix):-3]
        # The earlier key's resource, under the name it has now.
        now = next((new for new, old in renames.items() if old == earlier), earlier)
        if now in unindexed:
            rc, text = runner.terraform(work, "state", "mv", address, prefix + earlier, color=False)
            if rc != 0:
                return f"terraform state mv {address} exited {rc}: {text.strip()[:300]}"
            moved += 1
    if not moved:
        return "from_unindexed: no resource of the earlier module could be made unindexed"
    return None


def judge(plan, target, out, text, plan_changes, block_count):
    moved, in_place, replaced = [], [], []
    for change in plan.get("resource_changes") or []:
        actions = change.get("change", {}).get("actions") or []
        address = change.get("address", "?")
        if change.get("previous_address"):
            moved.append(f"{change['previous_address']} -> {address}")
        if "create" in actions or "delete" in actions:
            replaced.append(f"{address}: {'/'.join(actions)}")
        elif "update" in actions:
            in_place.append(address)
    if replaced:
        out.result(False, CHECK, target, f"the renames replace {len(replaced)} resource(s) "
                                         "(a rename without its moved block?)")
        for line in replaced:
            out.detail(line)
        out.detail(plan_changes(text))
        return
    if not moved:
        out.result(False, CHECK, target, "no resource was found at an earlier address: "
                                         "the earlier module did not use the renamed keys")
        return
    out.result(True, CHECK, target,
               f"{len(moved)} resource(s) moved by {block_count} moved block(s), "
               f"{len(in_place)} updated in place, none created or destroyed")
    for line in moved:
        out.detail("moved: " + line)
