"""Turn one checkov JSON report into a scripts/conformance result line.

Usage: python checkov_report.py CHECK TARGET ROOT REPORT_JSON EXIT_STATUS STDERR_FILE

CHECK is checkov-terraform or checkov-cloudformation, TARGET the directory or
template as printed, ROOT the modules root it belongs to (baseline paths are
relative to it). checkov ran with `--skip-download --quiet --compact -o json`.

FAIL when checkov crashed or printed no JSON, when it reports parsing
errors (it exits 0 on them), when it scanned no resource of a template that
has some (checkov silently skips a file it cannot read as CloudFormation),
or when a failed security check is not accepted by the baseline. Baselined
findings are printed as notes. Runs with the python of the checkov venv.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from baseline import Baseline  # noqa: E402

IND = "    "


def reports(data):
    """checkov prints one object per framework, or a list of them."""
    if isinstance(data, list):
        return [d for d in data if isinstance(d, dict)]
    return [data] if isinstance(data, dict) else []


def template_has_resources(path):
    try:
        import cfn_template  # needs PyYAML: present in the checkov venv

        return bool(cfn_template.load_template(path).get("Resources"))
    except Exception:  # noqa: BLE001 - an unreadable template is cfn-lint's to report
        return False


def tail(path, lines=15):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return [line.rstrip() for line in handle.readlines()[-lines:]]
    except OSError:
        return []


def main(argv):
    check, target, root, report_path, status, stderr_path = argv
    try:
        with open(report_path, encoding="utf-8") as handle:
            text = handle.read()
        data = json.loads(text) if text.strip() else None
    except ValueError:
        data = None
    if data is None:
        print(f"FAIL {check} {target} checkov exited {status} without a JSON report")
        for line in tail(stderr_path):
            print(IND + line)
        return 0

    passed = failed_total = parse_errors = resources = 0
    failed = []
    for rep in reports(data):
        # A scan with nothing to report is a bare summary object.
        summary = rep.get("summary", rep)
        passed += int(summary.get("passed", 0) or 0)
        parse_errors += int(summary.get("parsing_errors", 0) or 0)
        resources += int(summary.get("resource_count", 0) or 0)
        failed_total += int(summary.get("failed", 0) or 0)
        failed.extend((rep.get("results") or {}).get("failed_checks") or [])

    problems = []
    # checkov exits 1 when a security check failed (judged below against the
    # baseline); anything else non-zero is a crash.
    if str(status) not in ("0", "1"):
        problems.append(f"checkov exited {status}")
    if parse_errors:
        problems.append(f"{parse_errors} parsing error(s)")
    if check == "checkov-cloudformation" and resources == 0 and not parse_errors:
        if template_has_resources(target):
            problems.append("checkov scanned no resource (it could not read the template)")

    base = Baseline()
    accepted, rejected = [], []
    for item in failed:
        abs_path = item.get("file_abs_path") or ""
        rel = os.path.relpath(abs_path, os.path.abspath(root)) if abs_path else ""
        shown = os.path.relpath(abs_path) if abs_path else ""
        lines = item.get("file_line_range") or []
        where = f"{rel or item.get('file_path', '')}" + (f":{lines[0]}-{lines[-1]}" if lines else "")
        desc = f"{item.get('check_id')} {item.get('resource')} {where} {item.get('check_name', '')}".rstrip()
        entry = base.match("checkov", str(item.get("check_id")), str(item.get("resource")), [rel, shown, abs_path])
        if entry is None:
            rejected.append(desc)
            base.suggest("checkov", str(item.get("check_id")), str(item.get("resource")), rel)
        else:
            accepted.append(f"baselined: {desc} ({entry['reason']})")
    if rejected:
        problems.append(f"{len(rejected)} security check(s) failed and are not baselined")

    counts = f"{passed} security check(s) passed, {len(accepted)} baselined"
    if problems:
        print(f"FAIL {check} {target} " + "; ".join(problems) + f"; {counts}")
        for desc in rejected:
            print(IND + desc)
        if str(status) not in ("0", "1"):
            for line in tail(stderr_path):
                print(IND + line)
    else:
        print(f"PASS {check} {target} {counts}")
    for note in accepted:
        print(IND + "note: " + note)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 7:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
