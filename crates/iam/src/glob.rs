//! IAM's wildcards: `*` matches any run of characters (including none), `?`
//! exactly one. Used for actions (case-insensitively), ARNs and the `*Like`
//! condition operators (case-sensitively).

/// Whether `text` matches `pattern`. Iterative with one backtrack point, never recursive.
pub fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    // Actions and ARNs are ASCII: match their bytes without decoding or
    // allocating; `?` then stands for one byte, which is one character.
    if pattern.is_ascii() && text.is_ascii() {
        let eq = |a: u8, b: u8| if ignore_case { a.eq_ignore_ascii_case(&b) } else { a == b };
        return walk(pattern.as_bytes(), text.as_bytes(), eq);
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    walk(&p, &t, |a, b| if ignore_case { a.to_lowercase().eq(b.to_lowercase()) } else { a == b })
}

/// A pattern examined once, when its policy is parsed: one without wildcards
/// compares whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    text: String,
    exact: bool,
}

impl Pattern {
    pub fn new(text: String) -> Pattern {
        let exact = text.is_ascii() && !text.contains(['*', '?']);
        Pattern { text, exact }
    }

    /// [`matches`] for this pattern.
    pub fn matches(&self, text: &str, ignore_case: bool) -> bool {
        if self.exact && text.is_ascii() {
            return if ignore_case { self.text.eq_ignore_ascii_case(text) } else { self.text == text };
        }
        matches(&self.text, text, ignore_case)
    }
}

/// A pattern's symbols: bytes or characters.
trait Symbol: Copy {
    const STAR: Self;
    const ANY: Self;
}

impl Symbol for u8 {
    const STAR: u8 = b'*';
    const ANY: u8 = b'?';
}

impl Symbol for char {
    const STAR: char = '*';
    const ANY: char = '?';
}

fn walk<S: Symbol + PartialEq>(p: &[S], t: &[S], eq: impl Fn(S, S) -> bool) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(&c) if c == S::STAR => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == S::ANY || eq(c, t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == S::STAR)
}

/// Whether an ARN matches an ARN pattern from a `Resource` element or an
/// `Arn*` operator: the six fields are matched one by one (a wildcard does not
/// reach across the colons of the first five), the resource field as a whole.
/// A pattern without six fields matches nothing but `*` itself.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match (fields(pattern), fields(arn)) {
        (Some(p), Some(a)) => p.iter().zip(&a).all(|(p, a)| matches(p, a, false)),
        _ => false,
    }
}

/// An ARN's six fields, the last one whole.
fn fields(arn: &str) -> Option<[&str; 6]> {
    let mut out = [""; 6];
    let mut parts = arn.splitn(6, ':');
    for field in &mut out {
        *field = parts.next()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_and_question_mark() {
        assert!(matches("*", "", false));
        assert!(matches("Get*", "GetOpportunity", false));
        assert!(matches("*Opportunity", "GetOpportunity", false));
        assert!(matches("G?t*y", "GetOpportunity", false));
        assert!(!matches("Get?", "Get", false));
        assert!(!matches("List*", "GetOpportunity", false));
        assert!(matches("a*b*c", "aXXbYYbc", false));
        assert!(!matches("a*b*c", "aXXbYYb", false));
        assert!(!matches("get*", "GetOpportunity", false));
        assert!(matches("get*", "GetOpportunity", true));
        assert!(matches("partnercentral:*", "partnercentral:ListSolutions", false));
        // Text other than ASCII is matched character by character.
        assert!(matches("caf?", "café", false));
        assert!(matches("CAFÉ*", "café au lait", true));
        assert!(!matches("caf??", "café", false));
    }

    #[test]
    fn arns_match_field_by_field() {
        let arn = "arn:aws:partnercentral:us-east-1:111122223333:catalog/Sandbox/opportunity/O123";
        assert!(arn_matches("*", arn));
        assert!(arn_matches("arn:aws:partnercentral:*:*:catalog/Sandbox/*", arn));
        assert!(arn_matches("arn:aws:partnercentral:*:111122223333:catalog/*/opportunity/O*", arn));
        assert!(!arn_matches("arn:aws:partnercentral:*:444455556666:*", arn));
        assert!(!arn_matches("arn:aws:partnercentral:*:*:catalog/AWS/*", arn));
        // A wildcard in the region field does not swallow the account field.
        assert!(!arn_matches("arn:aws:partnercentral:us-east-1*:catalog/Sandbox/opportunity/O123", arn));
        assert!(!arn_matches("arn:aws:partnercentral:*:*:catalog/sandbox/*", arn));
        let shared = "arn:aws:partnercentral:us-east-1::catalog/AWS/engagement/E1";
        assert!(arn_matches("arn:aws:partnercentral:*::catalog/AWS/engagement/*", shared));
        assert!(arn_matches("arn:aws:partnercentral:*:*:catalog/AWS/engagement/*", shared));
    }
}
