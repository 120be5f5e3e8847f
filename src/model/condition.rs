//! Condition operators: a closed set, with the `ForAllValues:`/`ForAnyValue:` qualifiers and
//! the `IfExists` suffix.

use std::fmt;

macro_rules! tests {
    ($($v:ident),* $(,)?) => {
        /// The base test of a condition operator.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum ConditionTest { $($v),* }
        impl ConditionTest {
            /// Every test.
            pub const ALL: &'static [ConditionTest] = &[$(ConditionTest::$v),*];
            /// As IAM spells it.
            pub fn as_str(self) -> &'static str {
                match self { $(ConditionTest::$v => stringify!($v)),* }
            }
        }
    };
}

tests!(
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
);

/// `ForAllValues:` or `ForAnyValue:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// `ForAllValues:`.
    ForAllValues,
    /// `ForAnyValue:`.
    ForAnyValue,
}

/// A parsed condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConditionOp {
    /// Set qualifier.
    pub qualifier: Option<SetQualifier>,
    /// Base test.
    pub test: ConditionTest,
    /// `IfExists` suffix.
    pub if_exists: bool,
}

impl ConditionOp {
    /// A plain operator.
    pub fn plain(test: ConditionTest) -> Self {
        ConditionOp {
            qualifier: None,
            test,
            if_exists: false,
        }
    }

    /// Parses IAM's spelling; `None` if it is not an operator.
    pub fn parse(s: &str) -> Option<Self> {
        let (qualifier, rest) = if let Some(r) = s.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = s.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, s)
        };
        let (if_exists, base) = match rest.strip_suffix("IfExists") {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let test = ConditionTest::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == base)?;
        if if_exists && test == ConditionTest::Null {
            return None;
        }
        Some(ConditionOp {
            qualifier,
            test,
            if_exists,
        })
    }

    /// Every spelling, for did-you-mean.
    pub(crate) fn all_spellings() -> Vec<String> {
        let mut v: Vec<String> = ConditionTest::ALL
            .iter()
            .map(|t| t.as_str().to_owned())
            .collect();
        v.extend(
            ConditionTest::ALL
                .iter()
                .filter(|t| **t != ConditionTest::Null)
                .map(|t| format!("{}IfExists", t.as_str())),
        );
        v
    }
}

impl fmt::Display for ConditionOp {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.qualifier {
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            None => {}
        }
        f.write_str(self.test.as_str())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_qualified_and_if_exists() {
        let op = ConditionOp::parse("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(op.qualifier, Some(SetQualifier::ForAnyValue));
        assert_eq!(op.test, ConditionTest::StringLike);
        assert!(op.if_exists);
        assert_eq!(op.to_string(), "ForAnyValue:StringLikeIfExists");
        assert!(ConditionOp::parse("StringEqual").is_none());
        assert!(ConditionOp::parse("NullIfExists").is_none());
        assert!(ConditionOp::parse("stringequals").is_none());
    }
}
