//! Condition keys of the catalogue: their names (possibly templates such as
//! `aws:ResourceTag/${TagKey}` or `s3:ExistingObjectTag/<key>`) and value types.

/// The value type AWS gives a condition key, which decides the operators that fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// Text (`String*` operators).
    String,
    /// An ARN (`Arn*` operators; `String*` work too).
    Arn,
    /// `true`/`false` (`Bool`).
    Bool,
    /// A number (`Numeric*`).
    Numeric,
    /// A date and time (`Date*`).
    Date,
    /// An IP address or range (`IpAddress`, `NotIpAddress`).
    IpAddress,
    /// Base64 bytes (`BinaryEquals`).
    Binary,
}

impl KeyType {
    /// AWS's name of the type (`String`, `ARN`, `Bool`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "String",
            KeyType::Arn => "ARN",
            KeyType::Bool => "Bool",
            KeyType::Numeric => "Numeric",
            KeyType::Date => "Date",
            KeyType::IpAddress => "IPAddress",
            KeyType::Binary => "Binary",
        }
    }

    fn from_letter(c: char) -> Option<KeyType> {
        Some(match c {
            'S' => KeyType::String,
            'A' => KeyType::Arn,
            'B' => KeyType::Bool,
            'N' => KeyType::Numeric,
            'D' => KeyType::Date,
            'I' => KeyType::IpAddress,
            'K' => KeyType::Binary,
            _ => return None,
        })
    }
}

/// One condition key of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConditionKey {
    /// The key as AWS writes it; `${Name}` and `<name>` stand for any non-empty text.
    pub name: &'static str,
    /// Its value type.
    pub ty: KeyType,
    /// Whether it holds several values (`ArrayOfString`).
    pub array: bool,
}

impl ConditionKey {
    /// Decodes a catalogue entry `"<code>:<key>"` (`"[S:aws:TagKeys"`).
    pub(super) fn parse(entry: &'static str) -> Option<ConditionKey> {
        let (code, name) = entry.split_once(':')?;
        ConditionKey::from_code(name, code)
    }

    /// A key from its name and type code (`S`, `[A`, ...).
    pub(super) fn from_code(name: &'static str, code: &str) -> Option<ConditionKey> {
        let (array, letter) = match code.strip_prefix('[') {
            Some(rest) => (true, rest),
            None => (false, code),
        };
        let mut chars = letter.chars();
        let ty = KeyType::from_letter(chars.next()?)?;
        chars
            .next()
            .is_none()
            .then_some(ConditionKey { name, ty, array })
    }

    /// The type as AWS writes it (`ArrayOfString`, `ARN`).
    pub fn type_name(&self) -> String {
        if self.array {
            format!("ArrayOf{}", self.ty.as_str())
        } else {
            self.ty.as_str().to_string()
        }
    }

    /// Whether the key written in a policy is this key: equal ignoring ASCII case, a
    /// placeholder (`${TagKey}`, `<key>`) standing for one or more characters.
    pub fn matches(&self, key: &str) -> bool {
        template_matches(self.name.as_bytes(), key.as_bytes())
    }

    /// Whether the key has a placeholder (`aws:ResourceTag/${TagKey}`).
    pub fn is_template(&self) -> bool {
        self.name.contains("${") || self.name.contains('<')
    }
}

/// Matches `key` against `template`, ASCII case-insensitively, where each `${...}` or
/// `<...>` in the template matches a non-empty run of characters. Placeholders are few
/// (at most two in any AWS key), so the backtracking stays small.
fn template_matches(template: &[u8], key: &[u8]) -> bool {
    let placeholder_end = |t: &[u8]| -> Option<usize> {
        if t.starts_with(b"${") {
            t.iter().position(|&c| c == b'}').map(|i| i + 1)
        } else if t.first() == Some(&b'<') {
            t.iter().position(|&c| c == b'>').map(|i| i + 1)
        } else {
            None
        }
    };
    match template.first() {
        None => key.is_empty(),
        Some(_) => match placeholder_end(template) {
            Some(end) => {
                let rest = &template[end..];
                (1..=key.len()).any(|n| template_matches(rest, &key[n..]))
            }
            None => {
                key.first()
                    .is_some_and(|k| k.eq_ignore_ascii_case(&template[0]))
                    && template_matches(&template[1..], &key[1..])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &'static str) -> ConditionKey {
        ConditionKey {
            name,
            ty: KeyType::String,
            array: false,
        }
    }

    #[test]
    fn templates_match_any_non_empty_text() {
        assert!(key("aws:ResourceTag/${TagKey}").matches("aws:resourcetag/team"));
        assert!(!key("aws:ResourceTag/${TagKey}").matches("aws:ResourceTag/"));
        assert!(key("s3:ExistingObjectTag/<key>").matches("s3:ExistingObjectTag/x"));
        assert!(
            key("codebuild:secondarySources/${sourceIdentifier}.auth.type")
                .matches("codebuild:secondarySources/src1.auth.type")
        );
        assert!(key("s3:prefix").matches("S3:Prefix"));
        assert!(!key("s3:prefix").matches("s3:prefx"));
        assert!(!key("s3:prefix").matches("s3:prefixes"));
    }

    #[test]
    fn codes_decode() {
        let k = ConditionKey::parse("[S:aws:TagKeys");
        assert_eq!(
            k,
            Some(ConditionKey {
                name: "aws:TagKeys",
                ty: KeyType::String,
                array: true
            })
        );
        assert_eq!(k.map(|k| k.type_name()), Some("ArrayOfString".into()));
        assert_eq!(ConditionKey::parse("Q:x:y"), None);
    }
}
