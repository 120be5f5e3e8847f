//! The placeholder parser: `${Param}`, `${AWS::Region}`, `${aws:username}`, `$${` for a literal.

use crate::model::{LookupKey, ParamName, Part, Piece, Pseudo, Template};

/// IAM policy-variable prefixes: `${prefix:...}` is kept literal for IAM.
pub(crate) const POLICY_VARIABLE_PREFIXES: &[&str] = &[
    "aws",
    "saml",
    "sts",
    "ec2",
    "s3",
    "iam",
    "ssm",
    "cognito-identity.amazonaws.com",
    "www.amazon.com",
    "graph.facebook.com",
    "accounts.google.com",
];

/// What went wrong parsing a placeholder string.
#[derive(Debug, PartialEq, Eq)]
pub enum PlaceholderError {
    /// `${` without a closing `}`.
    Unterminated,
    /// `${}`.
    Empty,
    /// `${AWS::Something}` that is not a supported pseudo parameter.
    UnknownPseudo(String),
    /// `${prefix:key}` with a prefix that is not a policy-variable prefix.
    UnknownPolicyVariable(String),
    /// A name that is not declared.
    Undeclared(String),
    /// `${oidc_providers.<id>.<attribute>}` that names no provider of the module, or an
    /// attribute other than `arn`: the provider id and the attribute.
    UnknownProvider(String, String),
    /// `${kms_keys.<id>.<attribute>}` that names no KMS key of the module a string may name
    /// (an unswitched one), or an attribute other than `arn`: the key id and the attribute.
    UnknownKey(String, String),
    /// `${mappings.<...>}` that is not a lookup of the module's mappings: the message and
    /// the fix.
    Lookup(String, String),
    /// `${split(...)[...]}` written wrong: the message and the fix.
    Piece(String, String),
}

/// Parses `s`; `declared` says whether a `${Name}` is a declared parameter. A
/// `${oidc_providers.<id>.arn}` or `${mappings....}` is an error here (see [`parse_with_providers`]).
pub fn parse(s: &str, declared: impl Fn(&str) -> bool) -> Result<Template, PlaceholderError> {
    parse_with_providers(
        s,
        declared,
        |_| None,
        |b| {
            Err((
                format!("`${{mappings.{b}}}`: no mappings here"),
                String::new(),
            ))
        },
    )
}

/// [`parse`], with `${oidc_providers.<id>.arn}` and `${kms_keys.<id>.arn}` the ARN
/// `provider("oidc_providers.<id>")` / `provider("kms_keys.<id>")` gives (the part that
/// references the module's provider or key), when it gives one, and
/// `${mappings.<Map>[<by>].<key>}` what `lookup` makes of `<Map>[<by>].<key>` (a part, or the
/// message and fix of what is wrong).
pub fn parse_with_providers(
    s: &str,
    declared: impl Fn(&str) -> bool,
    provider: impl Fn(&str) -> Option<Part>,
    lookup: impl Fn(&str) -> Result<Part, (String, String)>,
) -> Result<Template, PlaceholderError> {
    let mut t = Template::default();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix("${") {
            // `$${` is a literal `${`.
            t.push(Part::Lit(format!("{}${{", &rest[..i])));
            rest = tail;
            continue;
        }
        if !after.starts_with('{') {
            t.push(Part::Lit(rest[..=i].to_owned()));
            rest = after;
            continue;
        }
        t.push(Part::Lit(rest[..i].to_owned()));
        let body_start = &after[1..];
        let end = body_start.find('}').ok_or(PlaceholderError::Unterminated)?;
        let name = &body_start[..end];
        t.push(classify(name, &declared, &provider, &lookup)?);
        rest = &body_start[end + 1..];
    }
    t.push(Part::Lit(rest.to_owned()));
    Ok(t)
}

fn classify(
    name: &str,
    declared: &impl Fn(&str) -> bool,
    provider: &impl Fn(&str) -> Option<Part>,
    lookup: &impl Fn(&str) -> Result<Part, (String, String)>,
) -> Result<Part, PlaceholderError> {
    if name.is_empty() {
        return Err(PlaceholderError::Empty);
    }
    if let Some(body) = name.strip_prefix("mappings.") {
        return lookup(body).map_err(|(msg, help)| PlaceholderError::Lookup(msg, help));
    }
    if let Some(args) = name.strip_prefix("split(") {
        return piece(name, args, declared);
    }
    for (section, key) in [("oidc_providers.", false), ("kms_keys.", true)] {
        let Some(rest) = name.strip_prefix(section) else {
            continue;
        };
        let (id, attr) = rest.rsplit_once('.').unwrap_or((rest, ""));
        return match provider(&name[..section.len() + id.len()]) {
            Some(p) if attr == "arn" => Ok(p),
            _ if key => Err(PlaceholderError::UnknownKey(id.to_owned(), attr.to_owned())),
            _ => Err(PlaceholderError::UnknownProvider(
                id.to_owned(),
                attr.to_owned(),
            )),
        };
    }
    if let Some(rest) = name.strip_prefix("AWS::") {
        return Pseudo::parse(name)
            .map(Part::Pseudo)
            .ok_or_else(|| PlaceholderError::UnknownPseudo(rest.to_owned()));
    }
    if matches!(name, "*" | "?" | "$") {
        return Ok(Part::PolicyVar(name.to_owned()));
    }
    if let Some((prefix, _)) = name.split_once(':') {
        // A policy variable is one name: `${aws:a${b}` is not one.
        if name.contains(['$', '{', '}']) {
            return Err(PlaceholderError::UnknownPolicyVariable(name.to_owned()));
        }
        return if POLICY_VARIABLE_PREFIXES
            .iter()
            .any(|p| p.eq_ignore_ascii_case(prefix))
        {
            Ok(Part::PolicyVar(name.to_owned()))
        } else {
            Err(PlaceholderError::UnknownPolicyVariable(name.to_owned()))
        };
    }
    if declared(name) {
        Ok(Part::Param(ParamName(name.to_owned())))
    } else {
        Err(PlaceholderError::Undeclared(name.to_owned()))
    }
}

/// How a piece is written, for messages.
const PIECE_FORM: &str = "write `${split(\"<delimiter>\", <Parameter>)[<index>]}`, the delimiter first as in CloudFormation's `Fn::Split` and Terraform's `split`, the index counted from 0";

/// `split("<delim>", <Source>)[<index>]` (`args` is what follows `split(`).
fn piece(
    name: &str,
    args: &str,
    declared: &impl Fn(&str) -> bool,
) -> Result<Part, PlaceholderError> {
    let wrong = |what: String| PlaceholderError::Piece(what, PIECE_FORM.to_owned());
    let Some(rest) = args.trim_start().strip_prefix('"') else {
        return Err(wrong(format!(
            "`${{{name}}}`: the delimiter must come first, in double quotes"
        )));
    };
    let Some((delim, rest)) = rest.split_once('"') else {
        return Err(wrong(format!(
            "`${{{name}}}`: the delimiter's `\"` is not closed"
        )));
    };
    if delim.is_empty() {
        return Err(PlaceholderError::Piece(
            format!("`${{{name}}}`: the delimiter is empty"),
            "give the text to cut at (`\"//\"`, `\"/\"`, `\":\"`); CloudFormation's `Fn::Split` and Terraform's `split` do not agree on an empty one".into(),
        ));
    }
    let Some(rest) = rest.trim_start().strip_prefix(',') else {
        return Err(wrong(format!(
            "`${{{name}}}`: expected `,` and the parameter after the delimiter"
        )));
    };
    let Some((source, rest)) = rest.split_once(')') else {
        return Err(wrong(format!("`${{{name}}}`: `split(` is not closed")));
    };
    let source = source.trim();
    let Some(index) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
        return Err(wrong(format!(
            "`${{{name}}}`: expected the index in `[...]` right after `)`"
        )));
    };
    let index = match index.trim().parse::<u16>() {
        Ok(i) => usize::from(i),
        Err(_) if index.trim().starts_with('-') => {
            return Err(PlaceholderError::Piece(
                format!("`${{{name}}}`: the index `{}` is negative", index.trim()),
                "count pieces from 0 at the start: a negative index fails both backends at deploy time (CloudFormation's `Fn::Select` and Terraform's index do not count from the end)".into(),
            ))
        }
        Err(_) => {
            return Err(wrong(format!(
                "`${{{name}}}`: the index `{}` is not a whole number from 0 to 65535",
                index.trim()
            )))
        }
    };
    let of = if source.starts_with('"') {
        return Err(wrong(format!(
            "`${{{name}}}`: the value split must be a parameter, not text"
        )));
    } else if let Some(p) = source.strip_prefix("AWS::") {
        LookupKey::Pseudo(
            Pseudo::parse(source).ok_or_else(|| PlaceholderError::UnknownPseudo(p.to_owned()))?,
        )
    } else if declared(source) {
        LookupKey::Param(ParamName(source.to_owned()))
    } else {
        return Err(PlaceholderError::Undeclared(source.to_owned()));
    };
    Ok(Part::Piece(Box::new(Piece {
        of,
        delim: delim.to_owned(),
        index,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Template, PlaceholderError> {
        parse(s, |n| n == "NamePrefix" || n == "Bucket")
    }

    #[test]
    fn parts() {
        let t = p("${NamePrefix}-task").unwrap();
        assert_eq!(
            t.parts,
            vec![
                Part::Param(ParamName("NamePrefix".into())),
                Part::Lit("-task".into())
            ]
        );
        let t = p("arn:${AWS::Partition}:s3:::${Bucket}/home/${aws:username}/*").unwrap();
        assert_eq!(t.parts.len(), 7);
        assert_eq!(t.parts[6], Part::Lit("/*".into()));
        assert_eq!(t.parts[5], Part::PolicyVar("aws:username".into()));
        assert_eq!(
            p("cost $5 and $${literal}").unwrap().as_literal().unwrap(),
            "cost $5 and ${literal}"
        );
        assert_eq!(p("").unwrap().parts, vec![]);
    }

    #[test]
    fn errors() {
        assert_eq!(
            p("${NamePrefx}"),
            Err(PlaceholderError::Undeclared("NamePrefx".into()))
        );
        assert_eq!(
            p("${AWS::StackId}"),
            Err(PlaceholderError::UnknownPseudo("StackId".into()))
        );
        assert_eq!(
            p("${AWS::StackName}-x").unwrap().parts,
            vec![Part::Pseudo(Pseudo::StackName), Part::Lit("-x".into())]
        );
        assert_eq!(
            p("${foo:bar}"),
            Err(PlaceholderError::UnknownPolicyVariable("foo:bar".into()))
        );
        assert_eq!(p("${Bucket"), Err(PlaceholderError::Unterminated));
        assert_eq!(p("${}"), Err(PlaceholderError::Empty));
    }

    #[test]
    fn pieces() {
        let t = p(r#"${split("//", Bucket)[1]}:sub"#).unwrap();
        let Part::Piece(x) = &t.parts[0] else {
            panic!("{t:?}")
        };
        assert_eq!(
            (x.of.as_str(), x.delim.as_str(), x.index),
            ("Bucket", "//", 1)
        );
        assert_eq!(x.spec(), r#"split("//", Bucket)[1]"#);
        assert_eq!(t.display(), r#"${split("//", Bucket)[1]}:sub"#);
        assert_eq!(x.sub_var(), "BucketPiece1Of2F2F");
        assert_eq!(x.of_value("https://oidc.eks/id/X"), Some("oidc.eks/id/X"));
        assert_eq!(x.of_value("oidc.eks/id/X"), None);
        let t = p(r#"${split( "-" ,AWS::Region )[0]}"#).unwrap();
        assert_eq!(t.pieces().next().unwrap().of.as_str(), "AWS::Region");
        for bad in [
            r#"${split(Bucket, "//")[1]}"#,
            r#"${split("", Bucket)[1]}"#,
            r#"${split("//", Bucket)[-1]}"#,
            r#"${split("//", Bucket)[x]}"#,
            r#"${split("//", Bucket)}"#,
            r#"${split("//" Bucket)[1]}"#,
            r#"${split("//", "a//b")[1]}"#,
        ] {
            assert!(matches!(p(bad), Err(PlaceholderError::Piece(..))), "{bad}");
        }
        assert_eq!(
            p(r#"${split("//", Buckt)[1]}"#),
            Err(PlaceholderError::Undeclared("Buckt".into()))
        );
    }
}
