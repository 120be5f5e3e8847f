//! The brute-force IAM oracle the soundness tests share (`diff_soundness`,
//! `import_never_wider`): wildcard matching and condition operators with IAM's documented
//! semantics, evaluated on one concrete request at a time.

/// IAM wildcard matching: `*` any run of characters, `?` exactly one.
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let norm = |s: &str| -> Vec<char> {
        if ignore_case {
            s.to_ascii_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    let (p, t) = (norm(pattern), norm(text));
    // m[j]: p[..i] matches t[..j].
    let mut m = vec![false; t.len() + 1];
    m[0] = true;
    for pc in &p {
        let mut next = vec![false; t.len() + 1];
        for j in 0..=t.len() {
            next[j] = match pc {
                '*' => m[j] || (j > 0 && next[j - 1]),
                '?' => j > 0 && m[j - 1],
                c => j > 0 && m[j - 1] && t[j - 1] == *c,
            };
        }
        m = next;
    }
    m[t.len()]
}

/// One condition operator on the request's value `v` of a single-valued key (`None`: the key
/// is absent), with IAM's documented semantics: a missing key fails a test, except that
/// negated tests, `...IfExists`, `ForAllValues:` (nothing to check) and `Null` hold on it.
/// Operators outside this set never hold.
pub fn condition_holds(op: &str, v: Option<&str>, values: &[&str]) -> bool {
    if op == "Null" {
        return values.iter().any(|x| match *x {
            "true" => v.is_none(),
            "false" => v.is_some(),
            _ => false,
        });
    }
    let (qualifier, test) = match op.split_once(':') {
        Some((q, t)) => (Some(q), t),
        None => (None, op),
    };
    let (test, if_exists) = match test.strip_suffix("IfExists") {
        Some(t) => (t, true),
        None => (test, false),
    };
    let negated = test.contains("Not");
    let Some(v) = v else {
        return match qualifier {
            Some("ForAllValues") => true,
            Some(_) => false,
            None => if_exists || negated,
        };
    };
    match test {
        "StringEquals" => values.contains(&v),
        "StringNotEquals" => !values.contains(&v),
        "StringEqualsIgnoreCase" => values.iter().any(|x| x.eq_ignore_ascii_case(v)),
        "StringLike" => values.iter().any(|p| glob(p, v, false)),
        "StringNotLike" => !values.iter().any(|p| glob(p, v, false)),
        "Bool" => values.iter().any(|x| x.eq_ignore_ascii_case(v)),
        _ => false,
    }
}
