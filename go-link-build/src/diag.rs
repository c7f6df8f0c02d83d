//! Diagnostics of C compiles that succeeded (a `#warning` in a cgo
//! preamble, `-W…` warnings), shown to the user once each.
//!
//! A cgo package's preamble is compiled more than once (`x.cgo2.c`, and
//! `_cgo_export.c` through `_cgo_export.h`), so the same warning comes out
//! of several compiles; `go build` shows it once. A diagnostic is a block:
//! its first line starts in column one (`file:line:col: warning: …`, `In file
//! included from …`) and the lines after it are indented (gcc's and clang's
//! source excerpt and caret lines). Whole blocks are compared, so two
//! different warnings that share an excerpt line both stay complete.

/// The distinct diagnostic blocks of `outputs` (each a tool's combined
/// output), in first-seen order, joined by newlines; empty when there is
/// nothing to show. Context lines before a diagnostic (`In file included
/// from …`, `…: In function 'f':`) belong to it but do not make it distinct:
/// the preamble's warning reached through `_cgo_export.h` is the same warning.
pub(crate) fn dedup_blocks<'a>(outputs: impl IntoIterator<Item = &'a str>) -> String {
    // (context lines, diagnostic lines) of each distinct block.
    let mut seen: Vec<(String, String)> = Vec::new();
    for out in outputs {
        let mut context = String::new();
        let mut body = String::new();
        for line in out.lines() {
            let indented = line.starts_with([' ', '\t']);
            if !indented && !body.is_empty() {
                push_unique(&mut seen, std::mem::take(&mut context), std::mem::take(&mut body));
            }
            let part = if body.is_empty() && (is_context(line) || indented && !context.is_empty()) {
                &mut context
            } else {
                &mut body
            };
            part.push_str(line);
            part.push('\n');
        }
        push_unique(&mut seen, context, body);
    }
    seen.into_iter().map(|(c, b)| c + &b).collect::<String>().trim_end().to_string()
}

/// gcc's and clang's lines that say where the next diagnostic is reached from.
fn is_context(line: &str) -> bool {
    line.starts_with("In file included from ")
        || line.contains(": In function ")
        || line.contains(": In member function ")
        || line.ends_with(": At top level:")
}

/// Keeps a new block unless one with the same [`key`] is known; of two
/// copies, the one reached directly (fewer context lines) is kept, in the
/// place of the first.
fn push_unique(seen: &mut Vec<(String, String)>, context: String, body: String) {
    if body.trim().is_empty() && context.trim().is_empty() {
        return;
    }
    match seen.iter_mut().find(|(_, b)| key(b) == key(&body)) {
        None => seen.push((context, body)),
        Some(known) => {
            if context.lines().count() < known.0.lines().count() {
                *known = (context, body);
            }
        }
    }
}

/// What makes a diagnostic distinct: its first line (position and message),
/// with the file name reduced to its base name. cgo's `#line` directives
/// name the Go file as given on its command line in `x.cgo2.c` and by its
/// base name in `_cgo_export.h`, so one warning in the preamble is reported
/// under both spellings (the second without a source excerpt, which the
/// compiler cannot find).
fn key(body: &str) -> String {
    let first = body.lines().next().unwrap_or("");
    let (position, message) = first.split_once(": ").unwrap_or((first, ""));
    let base = position.rsplit(['/', '\\']).next().unwrap_or(position);
    format!("{base}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_warning_from_two_compiles_is_shown_once() {
        let w = "/p/main.go:4:2: warning: #warning hi [-Wcpp]\n    4 | #warning hi\n      |  ^~~~~~~\n";
        let other = "/p/main.go:9:1: warning: unused [-Wunused]\n    9 | int x;\n      |  ^~~~~~~\n";
        let cgo2 = format!("{w}{other}");
        assert_eq!(dedup_blocks([cgo2.as_str(), w, ""]), format!("{w}{other}").trim_end());
        // Blocks that share an excerpt line are both kept whole.
        assert_eq!(dedup_blocks([w, other]).matches("      |  ^~~~~~~").count(), 2);
        assert_eq!(dedup_blocks(["", "\n", "  \n"]), "");
    }

    #[test]
    fn included_from_lines_start_a_block_of_their_own() {
        let a = "In file included from /o/_cgo_export.c:4:\n/p/main.go:4:2: warning: #warning hi [-Wcpp]\n    4 | #warning hi\n";
        let b = "/p/main.go:4:2: warning: #warning hi [-Wcpp]\n    4 | #warning hi\n";
        assert_eq!(dedup_blocks([b, a]), b.trim_end());
        // The copy reached directly wins, wherever it came.
        assert_eq!(dedup_blocks([a, b]), b.trim_end());
        // _cgo_export.h names the Go file by its base name, x.cgo2.c by its path.
        let short = "In file included from /o/_cgo_export.c:4:\nmain.go:4:2: warning: #warning hi [-Wcpp]\n";
        assert_eq!(dedup_blocks([short, b]), b.trim_end());
        let elsewhere = "/p/main.go:5:2: warning: #warning hi [-Wcpp]\n    5 | #warning hi\n";
        assert_eq!(dedup_blocks([b, elsewhere]), format!("{b}{elsewhere}").trim_end());
        let f =
            "/p/x.c: In function 'f':\n/p/x.c:3:5: warning: unused variable 'y' [-Wunused-variable]\n    3 | int y;\n";
        assert_eq!(dedup_blocks([f, b, f]), format!("{f}{b}").trim_end());
    }
}
