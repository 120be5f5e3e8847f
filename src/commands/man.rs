//! `rolegen man`: the man pages, from the clap definition, with EXIT STATUS and EXAMPLES.

use crate::cli::{write_stdout, Cli, INPUT_ERROR, OK};
use codespan_reporting::term::termcolor::WriteColor;
use std::path::Path;

/// The EXIT STATUS section of the man pages (roff).
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success: the specs are valid, the modules were written or are in sync.
.TP
\fB1\fR
A verdict: \fBcheck\fR or \fBfmt \-\-check\fR found drift, \fBlint\fR or \fBbuild \-\-deny warnings\fR found warnings, \fBdiff \-\-fail\-on\-widen\fR found a widening, \fBimport\fR could not express part of its input.
.TP
\fB2\fR
Usage or input error: bad arguments, a spec that does not load or validate, a file that cannot be read or written.
"#;

/// A man page of clap_mangen's with an EXIT STATUS section (before VERSION, or at the end)
/// and the `after_help` text under EXAMPLES (clap_mangen calls it EXTRA).
fn man_page(roff: &str) -> String {
    let roff = roff.replace(".SH EXTRA\n", ".SH EXAMPLES\n");
    match roff.find(".SH VERSION\n") {
        Some(i) => format!("{}{EXIT_STATUS}{}", &roff[..i], &roff[i..]),
        None => format!("{roff}{EXIT_STATUS}"),
    }
}

/// `rolegen man`: the main page on standard output, or with `dir` every page written there.
pub fn run(dir: Option<&Path>, err: &mut dyn WriteColor) -> u8 {
    let cmd = <Cli as clap::CommandFactory>::command();
    let done = match dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(cmd.clone(), dir))
            .and_then(|()| {
                let pages = std::iter::once("rolegen".to_owned()).chain(
                    cmd.get_subcommands()
                        .map(|c| format!("rolegen-{}", c.get_name())),
                );
                for page in pages {
                    let path = dir.join(format!("{page}.1"));
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        std::fs::write(&path, man_page(&text))?;
                    }
                }
                Ok(())
            })
            .map(|()| {
                let _ = writeln!(err, "wrote the man pages into {}", dir.display());
            }),
        None => {
            let mut buf = Vec::new();
            match clap_mangen::Man::new(cmd).render(&mut buf) {
                Ok(()) => {
                    let page = man_page(&String::from_utf8_lossy(&buf));
                    return write_stdout(page.as_bytes(), err).map_or_else(|c| c, |()| OK);
                }
                Err(e) => Err(e),
            }
        }
    };
    match done {
        Ok(()) => OK,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            INPUT_ERROR
        }
    }
}
