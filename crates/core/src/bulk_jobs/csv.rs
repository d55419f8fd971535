//! CSV as bulk jobs read and write it (RFC 4180): fields separated by
//! commas, rows by CRLF or LF, a field in double quotes may hold commas,
//! line breaks and doubled quotes.

/// The rows of `text`; `Err` names the line of an unclosed quote.
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1usize;
    let mut quote_line = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                other => {
                    if other == '\n' {
                        line += 1;
                    }
                    field.push(other);
                }
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                quote_line = line;
            }
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            other => field.push(other),
        }
    }
    if quoted {
        return Err(format!("the quoted field opened on line {quote_line} is never closed"));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    // Blank lines carry no record.
    rows.retain(|r| !(r.len() == 1 && r[0].is_empty()));
    Ok(rows)
}

/// One CSV line (CRLF-terminated), quoting the fields that need it.
pub fn line(fields: &[&str]) -> String {
    let mut out = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                (*f).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_commas_quotes_and_line_breaks() {
        let rows = parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\nthere\"\n\n1,\n").unwrap_or_default();
        assert_eq!(rows, vec![vec!["a", "b"], vec!["x, y", "say \"hi\"\nthere"], vec!["1", ""]]);
        assert_eq!(line(&["x, y", "say \"hi\"", "z"]), "\"x, y\",\"say \"\"hi\"\"\",z\r\n");
        assert!(parse("a,\"b\n").is_err());
    }
}
