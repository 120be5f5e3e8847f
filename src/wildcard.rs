//! IAM wildcard matching: `*` any run of characters, `?` one character, case-insensitive.

/// True if `text` matches the IAM pattern (linear time, no backtracking blow-up).
///
/// ASCII input (every action and nearly every pattern) is compared byte by byte without
/// allocating; other text is lower-cased character by character (Unicode rules) first.
pub fn matches(pattern: &str, text: &str) -> bool {
    // Most comparisons fail on the first character (`s3:GetObject` against `iam:PassRole`):
    // an ASCII letter that is no wildcard must meet the same letter, in either case, before
    // either string is scanned.
    if let (Some(&p), Some(&t)) = (pattern.as_bytes().first(), text.as_bytes().first()) {
        if p.is_ascii() && t.is_ascii() && p != b'*' && p != b'?' && !p.eq_ignore_ascii_case(&t) {
            return false;
        }
    }
    if pattern.is_ascii() && text.is_ascii() {
        return glob(
            pattern.as_bytes(),
            text.as_bytes(),
            |c| c == b'*',
            |c| c == b'?',
            |a, b| a.eq_ignore_ascii_case(&b),
        );
    }
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    glob(&p, &t, |c| c == '*', |c| c == '?', |a, b| a == b)
}

/// Greedy glob matching that only ever retries from the most recent `*`.
fn glob<T: Copy>(
    p: &[T],
    t: &[T],
    is_star: impl Fn(T) -> bool,
    is_any: impl Fn(T) -> bool,
    eq: impl Fn(T, T) -> bool,
) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        // A `*` is a wildcard even where the text holds a `*` too (`*` matches `*x`).
        if pi < p.len() && is_star(p[pi]) {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && (is_any(p[pi]) || eq(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| is_star(*c))
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
        assert!(matches("*", ""));
        assert!(!matches("?", ""));
        assert!(matches("a**", "a"));
        assert!(matches("*", "*x"));
        assert!(matches("s3:*", "s3:*Object"));
    }

    #[test]
    fn unicode_lowercases_like_before() {
        assert!(matches("É*", "école"));
        assert!(matches("?cole", "école"));
        assert!(!matches("e*", "école"));
        // 'İ' lower-cases to two characters ('i' + combining dot).
        assert!(matches("i??", "İx"));
    }

    /// The plain definition: lower-case both (Unicode rules), then `*` any run, `?` one.
    fn reference(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, _) => t.is_empty(),
            (Some('*'), _) => reference(&p[1..], t) || (!t.is_empty() && reference(p, &t[1..])),
            (Some(_), None) => false,
            (Some(&a), Some(&b)) => (a == '?' || a == b) && reference(&p[1..], &t[1..]),
        }
    }

    #[test]
    fn matches_its_definition() {
        // ASCII of both cases, wildcards, and characters whose lower case is ASCII or longer.
        let alphabet: Vec<char> = "aAbB:*?\u{212A}kKİié".chars().collect();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..100_000 {
            let mut word = |max: u64| -> String {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (0..seed % max)
                    .map(|i| alphabet[((seed >> (8 + 5 * i)) % alphabet.len() as u64) as usize])
                    .collect()
            };
            let (p, t) = (word(5), word(6));
            let lower = |s: &str| -> Vec<char> { s.chars().flat_map(char::to_lowercase).collect() };
            assert_eq!(
                matches(&p, &t),
                reference(&lower(&p), &lower(&t)),
                "{p:?} {t:?}"
            );
        }
    }
}
