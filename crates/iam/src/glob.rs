//! IAM's wildcards: `*` matches any run of characters (including none), `?`
//! exactly one. Used for actions (case-insensitively), ARNs and the `*Like`
//! condition operators (case-sensitively).

/// Whether `text` matches `pattern`. Iterative with one backtrack point, never recursive.
pub fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| if ignore_case { a.to_lowercase().eq(b.to_lowercase()) } else { a == b };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || eq(c, t[ti]) => {
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
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether an ARN matches an ARN pattern from a `Resource` element or an
/// `Arn*` operator: the six fields are matched one by one (a wildcard does not
/// reach across the colons of the first five), the resource field as a whole.
/// A pattern without six fields matches nothing but `*` itself.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    p.len() == 6 && a.len() == 6 && p.iter().zip(&a).all(|(p, a)| matches(p, a, false))
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
