//! Identifier spelling: spec keys (`eks-pod`) to Terraform names (`eks_pod`) and CloudFormation
//! logical ids (`EksPod`), and what a module may be called.

/// `eks-pod` / `EksPod` / `eks.pod` → `eks_pod`; `NamePrefix` → `name_prefix`.
///
/// Read byte by byte: only ASCII letters and digits are kept, and every byte of a non-ASCII
/// character is a separator as the whole character is.
pub fn snake(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, &c) in b.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_ascii_uppercase() && i > 0 {
            let prev = b[i - 1];
            let next_lower = b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            let boundary = prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower);
            if boundary && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.push(char::from(c.to_ascii_lowercase()));
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `eks-pod` → `EksPod`; `role-1` → `Role1`; `NamePrefix` stays.
pub fn pascal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper_next = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if upper_next {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper_next = false;
        } else {
            upper_next = true;
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'R');
    }
    out
}

/// Whether `name` can name a module: 1–64 characters of `[a-z0-9-]` starting with a letter
/// (it is a folder under modules-out/ and the CloudFormation stack's name).
pub(crate) fn valid_module_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A valid module name close to `s`.
pub(crate) fn suggest_module_name(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        "my-module".into()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("m-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`snake`] as it was written over characters, for the test that compares them.
    fn snake_by_chars(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        for (i, &c) in chars.iter().enumerate() {
            if !c.is_ascii_alphanumeric() {
                if !out.is_empty() && !out.ends_with('_') {
                    out.push('_');
                }
                continue;
            }
            if c.is_ascii_uppercase() && i > 0 {
                let prev = chars[i - 1];
                let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
                let boundary = prev.is_ascii_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_ascii_uppercase() && next_lower);
                if boundary && !out.is_empty() && !out.ends_with('_') {
                    out.push('_');
                }
            }
            out.push(c.to_ascii_lowercase());
        }
        while out.ends_with('_') {
            out.pop();
        }
        if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
            out.insert(0, '_');
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        /// Byte by byte gives what character by character gave, non-ASCII included.
        #[test]
        fn snake_by_bytes_is_snake_by_characters(s in "[a-cA-C0-9_.é€Ü -]{0,12}") {
            prop_assert_eq!(snake(&s), snake_by_chars(&s));
        }
    }

    #[test]
    fn spellings() {
        assert_eq!(snake("eks-pod"), "eks_pod");
        assert_eq!(snake("NamePrefix"), "name_prefix");
        assert_eq!(snake("KmsKeyArn"), "kms_key_arn");
        assert_eq!(snake("role-10"), "role_10");
        assert_eq!(
            snake("service-role/AmazonECSTaskExecutionRolePolicy"),
            "service_role_amazon_ecs_task_execution_role_policy"
        );
        assert_eq!(pascal("eks-pod"), "EksPod");
        assert_eq!(pascal("role-1"), "Role1");
        assert_eq!(pascal("task"), "Task");
    }
}
