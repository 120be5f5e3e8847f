"""The accepted-findings baseline of scripts/conformance.

File: conformance-baseline.json at the repo root (or $ROLEGEN_BASELINE), a
JSON list of entries

    {"tool": "checkov" | "parliament", "check": "CKV_AWS_111",
     "resource": "aws_iam_policy_document.inline", "path_glob": "*/terraform/*.tf",
     "reason": "why this finding is accepted"}

`check`, `resource` and `path_glob` are fnmatch patterns (`*` also crosses
`/`). `path_glob` is matched against the file's path relative to the
checked modules root (e.g. `ecs-agent/terraform/main.tf`) and against the
path as printed. `reason` is mandatory: an entry without one is invalid,
suppresses nothing, and fails the `baseline` check.

Entries that matched a finding are recorded (one index per line) in the
file named by $ROLEGEN_BASELINE_USED, so that the run can report entries
that no longer match anything.

Command line (standard library only):
    python baseline.py validate BASELINE          -> the `baseline` result line
    python baseline.py unused BASELINE USED_FILE  -> NOTE lines for stale entries
    python baseline.py suggest DRAFTS_JSONL       -> draft entries (reason left empty)
"""

import fnmatch
import json
import os
import sys

TOOLS = ("checkov", "parliament")
FIELDS = ("tool", "check", "resource", "path_glob", "reason")


def load(path):
    """Returns (entries, problems). Entries keep their index; invalid ones are None."""
    if not path or not os.path.exists(path):
        return [], []
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except ValueError as exc:
        return [], [f"not valid JSON: {exc}"]
    if not isinstance(data, list):
        return [], ["must be a JSON list of entries"]
    entries, problems = [], []
    for index, entry in enumerate(data):
        what = describe(entry, index)
        if not isinstance(entry, dict):
            problems.append(f"{what}: not an object")
            entries.append(None)
            continue
        missing = [f for f in FIELDS if not isinstance(entry.get(f), str) or not entry.get(f).strip()]
        unknown = sorted(set(entry) - set(FIELDS))
        bad = []
        if missing:
            bad.append("missing " + ", ".join(missing))
        if unknown:
            bad.append("unknown field(s) " + ", ".join(unknown))
        if entry.get("tool") not in TOOLS and "tool" not in missing:
            bad.append(f"tool must be one of {', '.join(TOOLS)}")
        if bad:
            problems.append(f"{what}: " + "; ".join(bad))
            entries.append(None)
        else:
            entries.append(entry)
    return entries, problems


def describe(entry, index):
    if isinstance(entry, dict):
        keys = "/".join(str(entry.get(k, "?")) for k in ("tool", "check", "resource", "path_glob"))
        return f"entry #{index + 1} ({keys})"
    return f"entry #{index + 1}"


class Baseline:
    def __init__(self, path=None, used_file=None):
        self.path = path if path is not None else os.environ.get("ROLEGEN_BASELINE", "")
        self.used_file = used_file if used_file is not None else os.environ.get("ROLEGEN_BASELINE_USED", "")
        self.entries, self.problems = load(self.path)

    def match(self, tool, check, resource, paths):
        """The first valid entry accepting this finding, or None.

        paths: the candidate spellings of the finding's file path."""
        for index, entry in enumerate(self.entries):
            if entry is None or entry["tool"] != tool:
                continue
            if not fnmatch.fnmatchcase(check, entry["check"]):
                continue
            if not fnmatch.fnmatchcase(resource or "", entry["resource"]):
                continue
            if not any(fnmatch.fnmatchcase(p, entry["path_glob"]) for p in paths if p):
                continue
            self._record(index)
            return entry
        return None

    def suggest(self, tool, check, resource, path):
        """Remember an unaccepted finding as a draft entry (--suggest-baseline)."""
        target = os.environ.get("ROLEGEN_BASELINE_SUGGEST", "")
        if target:
            entry = {"tool": tool, "check": check, "resource": resource or "", "path_glob": path, "reason": ""}
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry) + "\n")

    def _record(self, index):
        if self.used_file:
            with open(self.used_file, "a", encoding="utf-8") as handle:
                handle.write(f"{index}\n")


def main(argv):
    if len(argv) >= 2 and argv[0] == "validate":
        path = argv[1]
        if not os.path.exists(path):
            print(f"PASS baseline {path} no baseline file (nothing accepted)")
            return 0
        entries, problems = load(path)
        if problems:
            print(f"FAIL baseline {path} {len(problems)} invalid entr{'y' if len(problems) == 1 else 'ies'}")
            for problem in problems:
                print(f"    {problem}")
        else:
            print(f"PASS baseline {path} {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, each with a reason")
        return 0
    if len(argv) >= 3 and argv[0] == "unused":
        path, used_file = argv[1], argv[2]
        entries, _ = load(path)
        used = set()
        if os.path.exists(used_file):
            with open(used_file, encoding="utf-8") as handle:
                used = {int(line) for line in handle if line.strip().isdigit()}
        for index, entry in enumerate(entries):
            if entry is not None and index not in used:
                print(f"NOTE baseline {path} {describe(entry, index)} matched no finding in this run")
        return 0
    if len(argv) >= 2 and argv[0] == "suggest":
        drafts, seen = [], set()
        if os.path.exists(argv[1]):
            with open(argv[1], encoding="utf-8") as handle:
                for line in handle:
                    entry = json.loads(line)
                    key = tuple(entry[f] for f in FIELDS[:4])
                    if key not in seen:
                        seen.add(key)
                        drafts.append(entry)
        drafts.sort(key=lambda e: (e["path_glob"], e["tool"], e["resource"], e["check"]))
        print(json.dumps(drafts, indent=2))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
