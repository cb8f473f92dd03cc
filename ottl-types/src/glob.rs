//! Glob patterns for `replace_match` and `replace_all_matches` (upstream compiles them with
//! `gobwas/glob` when it builds the function), with its syntax and no
//! separators (`*` also matches `/`): `*`, `?`, `[abc]`, `[!a-z]`, `{a,b}` and `\` escapes. A
//! pattern compiles once, to an anchored regular expression.

/// Compiles a glob; `None` when it is malformed (an unclosed `[` or `{`).
pub fn compile(glob: &str) -> Option<regex::Regex> {
    let mut re = String::from("(?s)^");
    let mut chars = glob.chars().peekable();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            '\\' => re.push_str(&regex::escape(&chars.next()?.to_string())),
            '[' => {
                re.push('[');
                if chars.peek() == Some(&'!') {
                    chars.next();
                    re.push('^');
                }
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == ']' {
                        closed = true;
                        break;
                    }
                    if matches!(c, '\\' | '[' | '^' | '&' | '~') {
                        re.push('\\');
                    }
                    re.push(c);
                }
                if !closed {
                    return None;
                }
                re.push(']');
            }
            '{' => {
                depth += 1;
                re.push_str("(?:");
            }
            ',' if depth > 0 => re.push('|'),
            '}' if depth > 0 => {
                depth -= 1;
                re.push(')');
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    if depth > 0 {
        return None;
    }
    re.push('$');
    regex::Regex::new(&re).ok()
}

#[cfg(test)]
mod tests {
    use super::compile;

    #[test]
    fn globs_match_whole_strings() {
        let m = |g: &str, s: &str| compile(g).expect("the glob compiles").is_match(s);
        assert!(m("*/*", "http://localhost/health"));
        assert!(!m("*/*", "no-slash"));
        assert!(m("a?c", "abc") && !m("a?c", "abbc"));
        assert!(m("[!x]yz", "ayz") && !m("[!x]yz", "xyz"));
        assert!(m("{get,post} *", "post /x") && !m("{get,post} *", "put /x"));
        assert!(m("a\\*", "a*") && !m("a\\*", "ab"));
        assert!(compile("[abc").is_none() && compile("{a,b").is_none());
    }
}
