//! The syntax of an IAM action as written in a policy or in `rolegen.toml`'s extra actions:
//! `service:Action`, with `*` and `?` wildcards. Validation and the project file both check
//! it, so it lives with the catalogue of actions rather than in either.

/// Why an action is malformed, if it is.
pub(crate) fn action_problem(a: &str) -> Option<String> {
    if a == "*" {
        return None;
    }
    if a.contains("${") {
        return Some("contains a placeholder; actions must be literal".into());
    }
    let Some((svc, name)) = a.split_once(':') else {
        return Some("has no `service:` prefix".into());
    };
    if svc.is_empty()
        || !svc
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*' || b == b'?')
    {
        return Some(format!("has an invalid service prefix `{svc}`"));
    }
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?' || b == b'-' || b == b'_')
    {
        return Some(format!(
            "has an invalid action name `{name}` (letters and digits, with `*` and `?`)"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_syntax() {
        assert!(action_problem("*").is_none());
        assert!(action_problem("s3:GetObject").is_none());
        assert!(action_problem("s3 GetObject").is_some());
        assert!(action_problem("s3:Get Object").is_some());
        assert!(action_problem("s3:${X}").is_some());
    }
}
