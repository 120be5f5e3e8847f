"""Lint IAM policy documents with parliament's python API (its own venv).

A small line protocol so one parliament process serves a whole run:
stdin gets one JSON policy document per line, stdout answers one JSON line
per document: a list of findings

    [{"issue": "UNKNOWN_ACTION", "severity": "LOW", "title": "...",
      "detail": ..., "location": {...}}, ...]

Findings are enhanced with parliament's own configuration (severity, title)
exactly as its CLI does; community auditors are not used.
"""

import json
import sys

from parliament import analyze_policy_string, enhance_finding


def lint(document_text):
    policy = analyze_policy_string(document_text, include_community_auditors=False)
    out = []
    for finding in policy.findings:
        finding = enhance_finding(finding)
        out.append({
            "issue": finding.issue,
            "severity": finding.severity,
            "title": finding.title,
            "detail": finding.detail,
            "location": finding.location,
        })
    return out


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            findings = lint(line)
        except Exception as exc:  # noqa: BLE001 - report, keep serving
            findings = [{"issue": "EXCEPTION", "severity": "CRITICAL", "title": "parliament crashed",
                         "detail": f"{type(exc).__name__}: {exc}", "location": {}}]
        sys.stdout.write(json.dumps(findings, default=str) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
