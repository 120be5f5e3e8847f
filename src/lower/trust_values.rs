//! Input checks of the values the `github` and `irsa` trust helpers put into a token's subject
//! and a provider's name (RG014 `repo`, RG015 `subjects`, RG016 `provider`). Each check takes
//! the value as written in the spec (placeholders `${...}` included) and returns what is wrong
//! and the corrected value, or `None`. Placeholders are opaque: only the literal text around
//! them is judged.

/// What is wrong with a value, and the help line that fixes it.
pub struct Problem {
    /// The message.
    pub what: String,
    /// The help line, with the corrected value where there is one.
    pub fix: String,
}

fn problem(what: impl Into<String>, fix: impl Into<String>) -> Option<Problem> {
    Some(Problem {
        what: what.into(),
        fix: fix.into(),
    })
}

/// The literal text before the first placeholder, and whether there is one.
fn literal_prefix(raw: &str) -> (&str, bool) {
    match raw.find("${") {
        Some(i) => (&raw[..i], true),
        None => (raw, false),
    }
}

fn is_wild(c: char) -> bool {
    c == '*' || c == '?'
}

/// Clone and browse addresses of a github.com repository, longest first.
const GITHUB_URL_PREFIXES: &[&str] = &[
    "ssh://git@github.com/",
    "https://www.github.com/",
    "https://github.com/",
    "http://github.com/",
    "git@github.com:",
    "www.github.com/",
    "github.com/",
];

/// `owner/name` from a github.com URL or clone address (`.git`, trailing `/`, and any
/// `/tree/...` after the name dropped); `None` if `raw` is not one.
fn repo_from_url(raw: &str) -> Option<String> {
    let rest = GITHUB_URL_PREFIXES
        .iter()
        .find_map(|p| raw.strip_prefix(p))?;
    let mut segs = rest.split('/').filter(|s| !s.is_empty());
    let owner = segs.next()?;
    let name = segs.next().unwrap_or("*");
    let name = name.strip_suffix(".git").unwrap_or(name);
    Some(format!("{owner}/{name}"))
}

/// RG014: a `github.repo` value.
pub(crate) fn github_repo(raw: &str) -> Option<Problem> {
    if raw.trim() != raw || raw.contains(char::is_whitespace) {
        return problem(
            format!("`repo: {raw}` contains whitespace"),
            format!(
                "write `repo: {}`",
                raw.split_whitespace().collect::<String>()
            ),
        );
    }
    if let Some(fixed) = repo_from_url(raw) {
        return problem(
            format!("`repo: {raw}` is an address of the repository, not `owner/name`: the helper writes the token subject `repo:<owner>/<name>:...`, which never holds a URL"),
            format!("write `repo: {fixed}`"),
        );
    }
    if raw.contains("://") {
        return problem(
            format!("`repo: {raw}` is a URL; the `github` helper trusts github.com's Actions tokens, whose subject names the repository as `owner/name`"),
            "write `repo: <owner>/<name>`".to_string(),
        );
    }
    if let Some(rest) = raw.strip_prefix("repo:") {
        let mut parts = rest.splitn(2, ':');
        let repo = parts.next().unwrap_or_default();
        let fix = match parts.next() {
            Some(subject) => format!("write `repo: {repo}` and `subjects: [\"{subject}\"]`"),
            None => format!("write `repo: {repo}`"),
        };
        return problem(
            format!("`repo: {raw}` is a token subject; the helper adds `repo:` itself, so the subject would read `repo:{raw}:...`"),
            fix,
        );
    }
    let (lit, dynamic) = literal_prefix(raw);
    if dynamic {
        // Only the literal text before a placeholder can be judged.
        return bad_repo_chars(lit, raw);
    }
    if raw.contains(':') {
        return problem(
            format!("`repo: {raw}` contains `:`, which ends the repository in GitHub's subject `repo:<owner>/<name>:<context>`"),
            "write `repo: <owner>/<name>` and put the context (`ref:refs/heads/main`, `environment:prod`) under `subjects`".to_string(),
        );
    }
    let segs: Vec<&str> = raw.split('/').collect();
    match segs.as_slice() {
        // `*` alone, or an owner wildcard: a security finding (RG310), not a typo.
        [one] if one.chars().any(is_wild) => None,
        [one] => problem(
            format!("`repo: {raw}` names no repository: the value is `owner/name`"),
            format!(
                "write `repo: {one}/<name>`, or `repo: {one}/*` for every repository of `{one}`"
            ),
        ),
        [owner, name] if owner.is_empty() || name.is_empty() => problem(
            format!("`repo: {raw}` has an empty owner or name"),
            "write `repo: <owner>/<name>`".to_string(),
        ),
        [_, _] => bad_repo_chars(raw, raw),
        [owner, name, ..] => problem(
            format!("`repo: {raw}` has more than one `/`; the value is `owner/name`"),
            format!("write `repo: {owner}/{name}`"),
        ),
        [] => None,
    }
}

/// Characters GitHub allows in owners (letters, digits, `-`) and names (also `.` and `_`),
/// with the IAM wildcards.
fn bad_repo_chars(text: &str, raw: &str) -> Option<Problem> {
    let bad = text.chars().find(|c| {
        !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '/') || is_wild(*c))
    })?;
    problem(
        format!("`repo: {raw}` contains `{bad}`, which GitHub does not allow in an owner or repository name"),
        "write `repo: <owner>/<name>` (letters, digits, `-`, `.` and `_`)".to_string(),
    )
}

/// Contexts people write for GitHub's, with the prefix GitHub uses.
const CONTEXT_TYPOS: &[(&str, &str)] = &[
    ("branch:", "ref:refs/heads/"),
    ("branches:", "ref:refs/heads/"),
    ("head:", "ref:refs/heads/"),
    ("heads:", "ref:refs/heads/"),
    ("tag:", "ref:refs/tags/"),
    ("tags:", "ref:refs/tags/"),
    ("env:", "environment:"),
    ("environments:", "environment:"),
    ("refs:", "ref:refs/"),
];

/// Bare words people write for GitHub's `pull_request` context.
const PULL_REQUEST_TYPOS: &[&str] = &["pull-request", "pullrequest", "pull_requests", "pr", "prs"];

/// RG015: one `github.subjects` entry of the helper whose `repo` is `repo`.
pub(crate) fn github_subject(raw: &str, repo: &str) -> Option<Problem> {
    let said = format!("`subjects` entry `{raw}`");
    if let Some(rest) = raw.strip_prefix("repo:") {
        // `repo:o/r:ref:...`: the helper would write `repo:<repo>:repo:o/r:ref:...`.
        let (named, suffix) = match rest.split_once(':') {
            Some((named, suffix)) => (named, Some(suffix)),
            None => (rest, None),
        };
        let same = named == repo;
        let fix = match (suffix, same) {
            (Some(s), true) => format!("write `\"{s}\"`: the part after `repo:{repo}:`"),
            (Some(s), false) => format!("write `\"{s}\"` in a `github` entry with `repo: {named}`"),
            (None, _) => format!("drop the entry; to pin a ref write `\"ref:refs/heads/<branch>\"` in an entry with `repo: {named}`"),
        };
        return problem(
            format!("{said} is a whole subject; the helper prefixes `repo:{repo}:` to each entry, so it would become `repo:{repo}:{raw}`"),
            fix,
        );
    }
    let (lit, dynamic) = literal_prefix(raw);
    if lit.starts_with(is_wild) || (lit.is_empty() && dynamic) {
        return None;
    }
    for (typo, right) in CONTEXT_TYPOS {
        if lit.starts_with(typo) {
            let rest = &raw[typo.len()..];
            return problem(
                format!("{said} is not a context GitHub sends"),
                format!("did you mean `\"{right}{rest}\"`?"),
            );
        }
    }
    if let Some(after) = lit.strip_prefix("ref:") {
        if !after.is_empty() && !after.starts_with("refs/") && !after.starts_with(is_wild) {
            let rest = &raw[4..];
            return problem(
                format!("{said}: GitHub's ref context is the full ref name (`ref:refs/heads/<branch>`, `ref:refs/tags/<tag>`)"),
                format!("did you mean `\"ref:refs/heads/{rest}\"` (or `\"ref:refs/tags/{rest}\"` for a tag)?"),
            );
        }
        return None;
    }
    if lit.contains(':') || raw == "pull_request" {
        // `environment:prod`, or a claim of a customised subject template (`job_workflow_ref:...`).
        return None;
    }
    if PULL_REQUEST_TYPOS.contains(&raw.to_ascii_lowercase().as_str()) {
        return problem(
            format!("{said} is not a context GitHub sends"),
            "did you mean `\"pull_request\"`?".to_string(),
        );
    }
    if lit.starts_with("refs/") {
        return problem(
            format!("{said} lacks the `ref:` of GitHub's ref context"),
            format!("did you mean `\"ref:{raw}\"`?"),
        );
    }
    if dynamic {
        return None;
    }
    problem(
        format!("{said} is a bare name: GitHub's subject continues after `repo:{repo}:` with `ref:refs/heads/<branch>`, `ref:refs/tags/<tag>`, `environment:<name>` or `pull_request`"),
        format!("did you mean `\"ref:refs/heads/{raw}\"` (or `\"environment:{raw}\"`)?"),
    )
}

/// The text of a spec string outside its `${…}` placeholders (which may hold spaces:
/// `${split("//", Url)[1]}`).
fn outside_placeholders(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(end) => rest = &rest[i + end + 1..],
            None => return out + &rest[i..],
        }
    }
    out + rest
}

/// RG016: an `irsa.provider` value.
pub(crate) fn oidc_provider(raw: &str) -> Option<Problem> {
    if let Some(i) = raw.find(":oidc-provider/") {
        let issuer = &raw[i + ":oidc-provider/".len()..];
        return problem(
            format!("`provider: {raw}` is the provider's ARN; the helper takes the issuer and builds the ARN and the condition keys from it"),
            format!("write `provider: {issuer}`"),
        );
    }
    for scheme in ["https://", "http://"] {
        if let Some(rest) = raw.strip_prefix(scheme) {
            return problem(
                format!("`provider: {raw}` starts with `{scheme}`: IAM names the provider `oidc-provider/<host/path>` and its condition keys `<host/path>:sub`, without the scheme"),
                format!("write `provider: {}`", rest.trim_end_matches('/')),
            );
        }
    }
    if outside_placeholders(raw).contains(char::is_whitespace) {
        return problem(
            format!("`provider: {raw}` contains whitespace"),
            format!(
                "write `provider: {}`",
                raw.split_whitespace().collect::<String>()
            ),
        );
    }
    if raw.len() > 1 && raw.ends_with('/') {
        return problem(
            format!("`provider: {raw}` ends with `/`; the issuer's condition keys would read `{raw}:sub`"),
            format!("write `provider: {}`", raw.trim_end_matches('/')),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each value with the help line its check gives: `None` when it is fine, or a text the
    /// help must contain.
    fn expect(check: impl Fn(&str) -> Option<Problem>, cases: &[(&str, Option<&str>)]) {
        for (value, want) in cases {
            let got = check(value).map(|p| p.fix);
            match (want, &got) {
                (None, None) => {}
                (Some(w), Some(g)) if g.contains(w) => {}
                _ => panic!("{value}: expected {want:?}, got {got:?}"),
            }
        }
    }

    #[test]
    fn repo_values() {
        let fixed = Some("write `repo: o/r`");
        expect(
            github_repo,
            &[
                ("example-org/infra", None),
                ("example-org/*", None),
                ("example-org/my.repo_1", None),
                ("${Repo}", None),
                ("example-org/${Name}", None),
                // Owner wildcards are RG310's, not a typo.
                ("*", None),
                ("*/infra", None),
                ("https://github.com/o/r", fixed),
                ("https://github.com/o/r.git", fixed),
                ("git@github.com:o/r.git", fixed),
                ("https://github.com/o/r/tree/main", fixed),
                ("o/r/x", fixed),
                ("github.com/o", Some("write `repo: o/*`")),
                ("https://ghe.example.com/o/r", Some("<owner>/<name>")),
                (
                    "repo:o/r:ref:refs/heads/main",
                    Some("write `repo: o/r` and `subjects: [\"ref:refs/heads/main\"]`"),
                ),
                ("example-org", Some("example-org/*")),
                ("o/r b", Some("`repo: o/rb`")),
                ("o/r:main", Some("subjects")),
                ("o/r#1", Some("letters, digits")),
                ("/r", Some("<owner>/<name>")),
            ],
        );
    }

    #[test]
    fn subject_values() {
        let main = Some("did you mean `\"ref:refs/heads/main\"`");
        expect(
            |v| github_subject(v, "o/r"),
            &[
                ("ref:refs/heads/main", None),
                ("ref:refs/tags/v*", None),
                ("ref:*", None),
                ("environment:production", None),
                ("pull_request", None),
                ("*", None),
                (
                    "job_workflow_ref:o/r/.github/workflows/deploy.yml@refs/heads/main",
                    None,
                ),
                ("${Subject}", None),
                ("ref:${Ref}", None),
                ("environment:${Env}", None),
                (
                    "main",
                    Some("`\"ref:refs/heads/main\"` (or `\"environment:main\"`)"),
                ),
                ("refs/heads/main", main),
                ("ref:main", main),
                ("branch:main", main),
                (
                    "refs/heads/${Branch}",
                    Some("`\"ref:refs/heads/${Branch}\"`"),
                ),
                ("tag:v1", Some("`\"ref:refs/tags/v1\"`")),
                ("env:prod", Some("`\"environment:prod\"`")),
                ("pull-request", Some("`\"pull_request\"`")),
                (
                    "repo:o/r:ref:refs/heads/main",
                    Some("write `\"ref:refs/heads/main\"`: the part after `repo:o/r:`"),
                ),
                ("repo:x/y:ref:refs/heads/main", Some("`repo: x/y`")),
            ],
        );
    }

    #[test]
    fn provider_values() {
        let fixed = Some("write `provider: oidc.eks.us-east-1.amazonaws.com/id/ABC`");
        expect(
            oidc_provider,
            &[
                ("oidc.eks.us-east-1.amazonaws.com/id/ABC", None),
                (r#"${split("//", Url)[1]}"#, None),
                ("oidc.eks ${Id}", Some("write `provider: oidc.eks${Id}`")),
                ("${OidcProvider}", None),
                ("https://oidc.eks.us-east-1.amazonaws.com/id/ABC", fixed),
                ("http://oidc.eks.us-east-1.amazonaws.com/id/ABC/", fixed),
                ("oidc.eks.us-east-1.amazonaws.com/id/ABC/", fixed),
                (
                    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
                    fixed,
                ),
                ("https://${OidcProvider}", Some("write `provider: ${OidcProvider}`")),
            ],
        );
    }
}
