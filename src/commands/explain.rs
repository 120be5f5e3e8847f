//! `rolegen explain`: print a rule's documentation, or the list of rules.

use crate::cli::{write_stdout, INPUT_ERROR, OK};
use crate::rules;
use codespan_reporting::term::termcolor::WriteColor;

/// Runs `rolegen explain`; returns the exit code.
pub fn run(code: Option<&str>, list: bool, err: &mut dyn WriteColor) -> u8 {
    if list || code.is_none() {
        let mut text = String::new();
        for r in rules::ALL {
            text.push_str(&format!(
                "{}  {:<7}  {}\n",
                r.code,
                r.severity.as_str(),
                r.name
            ));
        }
        return write_stdout(text.as_bytes(), err).map_or_else(|c| c, |()| OK);
    }
    let code = code.unwrap_or_default();
    match rules::by_code(code).or_else(|| rules::by_name(code)) {
        Some(r) => write_stdout(rules::explain(r).as_bytes(), err).map_or_else(|c| c, |()| OK),
        None => {
            let hint =
                crate::suggest::closest(code, rules::ALL.iter().flat_map(|r| [r.code, r.name]))
                    .map(|c| format!(" (did you mean {c}?)"))
                    .unwrap_or_default();
            let _ = writeln!(
                err,
                "error: `{code}` is not a rule code or name{hint}; `rolegen explain --list` lists them"
            );
            INPUT_ERROR
        }
    }
}
