//! IAM wildcard matching of names: `*` any run of characters, `?` one, ASCII case ignored.
//!
//! Greedy matching that, on a mismatch, only ever retries from the most recent `*`: at most
//! O(pattern × text) steps, never exponential (`a*a*a*a*b` against `aaaa…` is cheap).

/// Whether `pattern` contains an IAM wildcard (`*` or `?`).
pub(super) fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Whether `pattern` matches the whole of `text`, ignoring ASCII case.
pub(super) fn matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    // After a `*`: the pattern position just past it and the text position it resumes from.
    let mut resume: Option<(usize, usize)> = None;
    while ti < t.len() {
        if let Some(&c) = p.get(pi) {
            match c {
                b'*' => {
                    pi += 1;
                    resume = Some((pi, ti));
                    continue;
                }
                b'?' => {
                    pi += 1;
                    ti += char_len(t, ti);
                    continue;
                }
                _ if c.eq_ignore_ascii_case(&t[ti]) => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        // Mismatch: let the last `*` swallow one more character, or fail.
        let Some((star_pi, star_ti)) = resume else {
            return false;
        };
        let next = star_ti + char_len(t, star_ti);
        resume = Some((star_pi, next));
        pi = star_pi;
        ti = next;
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Length in bytes of the UTF-8 character starting at `i` (`?` and `*` step whole characters).
fn char_len(text: &[u8], i: usize) -> usize {
    match text[i] {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        _ => 2,
    }
}
