//! IAM wildcard matching: `*` any run of characters, `?` one character, case-insensitive.

/// True if `text` matches the IAM pattern (linear time, no backtracking blow-up).
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("iam:*", "iam:PassRole"));
        assert!(matches("*", "s3:GetObject"));
        assert!(matches("s3:Get*", "S3:GETOBJECT"));
        assert!(matches("s3:?etObject", "s3:GetObject"));
        assert!(!matches("s3:Get*", "s3:PutObject"));
        assert!(!matches("a*a*a*a*b", &"a".repeat(200)));
    }
}
