//! Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`,
//! and the escapes `${*}`, `${?}`, `${$}`) in `Resource` elements and in the
//! values of string and ARN conditions. A text is split into its literal and
//! variable parts once, when the policy is parsed.

use crate::Context;

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Literal(String),
    /// A context key (lower-cased, as keys compare) and its default, if any.
    Variable {
        key: String,
        default: Option<String>,
    },
}

/// A text from a policy, with its variables found.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// A text taken as written (the `2008-10-17` policy language has no variables).
    pub fn literal(text: &str) -> Template {
        Template { parts: vec![Part::Literal(text.to_string())] }
    }

    /// Split `text` into literals and variables; `Err` names what is malformed.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            literal.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(format!("the policy variable at `{}` has no closing brace", &rest[start..]));
            };
            let inner = after[..end].trim();
            match inner {
                // The escapes keep a wildcard character literal.
                "*" | "?" | "$" => literal.push_str(inner),
                _ => {
                    let (key, default) = match inner.split_once(',') {
                        Some((key, default)) => {
                            let default = default.trim();
                            let quoted = default.len() >= 2 && default.starts_with('\'') && default.ends_with('\'');
                            if !quoted {
                                return Err(format!(
                                    "the default of the policy variable `${{{inner}}}` must be in single quotes"
                                ));
                            }
                            (key.trim(), Some(default[1..default.len() - 1].to_string()))
                        }
                        None => (inner, None),
                    };
                    if key.is_empty() || !key.contains(':') {
                        return Err(format!("the policy variable `${{{inner}}}` does not name a context key"));
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Variable { key: key.to_ascii_lowercase(), default });
                }
            }
            rest = &after[end + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() || parts.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Template { parts })
    }

    /// The context keys of its variables (lower-cased).
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Variable { key, .. } => Some(key.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// The text as written when it has no variables.
    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Literal(text)] => Some(text),
            _ => None,
        }
    }

    /// The text with its variables replaced from `ctx`; `None` when a variable
    /// has no value and no default (the element then matches nothing, as in IAM).
    /// A multi-valued key cannot fill a variable.
    pub fn resolve(&self, ctx: &Context<'_>) -> Option<std::borrow::Cow<'_, str>> {
        if let Some(text) = self.as_literal() {
            return Some(std::borrow::Cow::Borrowed(text));
        }
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Variable { key, default } => match ctx.single(key) {
                    Some(value) => out.push_str(value),
                    None => out.push_str(default.as_deref()?),
                },
            }
        }
        Some(std::borrow::Cow::Owned(out))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn variables_escapes_and_defaults() {
        let ctx = Context::new().with("aws:username", "alice");
        let t = Template::parse("arn:aws:iam::1:user/${aws:username}").unwrap();
        assert_eq!(t.resolve(&ctx).unwrap(), "arn:aws:iam::1:user/alice");
        let t = Template::parse("${AWS:UserName}-${*}${?}${$}").unwrap();
        assert_eq!(t.resolve(&ctx).unwrap(), "alice-*?$");
        let t = Template::parse("team-${aws:PrincipalTag/team, 'none'}").unwrap();
        assert_eq!(t.resolve(&ctx).unwrap(), "team-none");
        let t = Template::parse("team-${aws:PrincipalTag/team}").unwrap();
        assert_eq!(t.resolve(&ctx), None);
        assert_eq!(Template::parse("plain").unwrap().as_literal(), Some("plain"));
        assert_eq!(Template::parse("").unwrap().as_literal(), Some(""));
        assert!(Template::parse("${aws:username").is_err());
        assert!(Template::parse("${nokey}").is_err());
        assert!(Template::parse("${aws:username, none}").is_err());
    }
}
