//! `${VAR}` and `${VAR:-default}` in pipeline files, resolved from the
//! environment before the YAML is parsed.
//!
//! Substitution is textual and never adds lines, so YAML errors still point
//! at the right line of the file the user wrote. `$${` escapes a literal `${`.

/// A `${VAR}` that could not be resolved, with its 1-based position.
#[derive(Debug, Clone, PartialEq)]
pub struct InterpolationError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Replaces every `${NAME}` / `${NAME:-default}` using `lookup`.
pub fn interpolate(src: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String, InterpolationError> {
    let mut out = String::with_capacity(src.len());
    for (lineno, full_line) in src.split_inclusive('\n').enumerate() {
        // Comments are left as written: `# use ${VAR} here` documents, it does not ask.
        let (line, comment) = full_line.split_at(comment_start(full_line));
        let mut rest = line;
        let mut col = 1;
        while let Some(pos) = rest.find("${") {
            if pos > 0 && rest.as_bytes()[pos - 1] == b'$' {
                out.push_str(&rest[..pos - 1]);
                out.push_str("${");
                col += rest[..pos + 2].chars().count();
                rest = &rest[pos + 2..];
                continue;
            }
            out.push_str(&rest[..pos]);
            let at = col + rest[..pos].chars().count();
            let err = |message: String| InterpolationError {
                line: lineno + 1,
                column: at,
                message,
            };
            let Some(end) = rest[pos..].find('}') else {
                return Err(err("`${` without a closing `}`".into()));
            };
            let inner = &rest[pos + 2..pos + end];
            let (name, default) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (inner, None),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(err(format!(
                    "`${{{inner}}}` is not a variable reference; names use A-Z, 0-9 and _ (write `$${{` for a literal `${{`)"
                )));
            }
            let value = match (lookup(name), default) {
                (Some(v), _) => v,
                (None, Some(d)) => d.to_string(),
                (None, None) => {
                    return Err(err(format!(
                        "environment variable `{name}` is not set; export it or write `${{{name}:-default}}`"
                    )))
                }
            };
            if value.contains('\n') {
                return Err(err(format!(
                    "environment variable `{name}` contains a newline, which would shift the lines of the pipeline file"
                )));
            }
            out.push_str(&value);
            col = at + rest[pos..pos + end + 1].chars().count();
            rest = &rest[pos + end + 1..];
        }
        out.push_str(rest);
        out.push_str(comment);
    }
    Ok(out)
}

/// Byte index where a YAML comment starts on this line (a `#` at the start or
/// after whitespace, outside quotes), or the line length.
fn comment_start(line: &str) -> usize {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single && prev != '\\' => double = !double,
            '#' if !single && !double && prev.is_whitespace() => return i,
            _ => {}
        }
        prev = c;
    }
    line.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "DATA" => Some("/scratch/crawl".into()),
            _ => None,
        }
    }

    #[test]
    fn replaces_variables_and_defaults() {
        let s = interpolate("a: ${DATA}/x\nb: ${NOPE:-7}\nc: $${DATA}\n", env).unwrap();
        assert_eq!(s, "a: /scratch/crawl/x\nb: 7\nc: ${DATA}\n");
    }

    #[test]
    fn comments_are_not_interpolated() {
        let s = interpolate("a: ${DATA} # or ${ELSEWHERE}\n# ${NOPE}\nb: \"x # ${DATA}\"\n", env).unwrap();
        assert_eq!(
            s,
            "a: /scratch/crawl # or ${ELSEWHERE}\n# ${NOPE}\nb: \"x # /scratch/crawl\"\n"
        );
    }

    #[test]
    fn missing_variable_names_line_and_column() {
        let e = interpolate("name: x\npaths: [\"${MISSING}/a\"]\n", env).unwrap_err();
        assert_eq!((e.line, e.column), (2, 10));
        assert!(e.message.contains("MISSING"));
    }
}
