//! A JSON object writer, by hand (the tool has no dependency but pidfs):
//! keys in the order they are added, strings escaped per RFC 8259.

/// One JSON object being built.
pub struct Obj(String);

impl Obj {
    pub fn new() -> Obj {
        Obj(String::from("{"))
    }

    fn key(&mut self, k: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push_str(&quote(k));
        self.0.push(':');
    }

    pub fn str(&mut self, k: &str, v: &str) -> &mut Obj {
        self.key(k);
        self.0.push_str(&quote(v));
        self
    }

    pub fn num(&mut self, k: &str, v: impl std::fmt::Display) -> &mut Obj {
        self.key(k);
        self.0.push_str(&v.to_string());
        self
    }

    pub fn bool(&mut self, k: &str, v: bool) -> &mut Obj {
        self.num(k, v)
    }

    pub fn null(&mut self, k: &str) -> &mut Obj {
        self.raw(k, "null")
    }

    /// A number, or `null` for `None`.
    pub fn opt(&mut self, k: &str, v: Option<impl std::fmt::Display>) -> &mut Obj {
        match v {
            Some(v) => self.num(k, v),
            None => self.null(k),
        }
    }

    /// A string, or `null` for `None`.
    pub fn opt_str(&mut self, k: &str, v: Option<&str>) -> &mut Obj {
        match v {
            Some(v) => self.str(k, v),
            None => self.null(k),
        }
    }

    /// Already-encoded JSON (an array, a nested object).
    pub fn raw(&mut self, k: &str, v: &str) -> &mut Obj {
        self.key(k);
        self.0.push_str(v);
        self
    }

    pub fn end(&mut self) -> String {
        let mut s = std::mem::take(&mut self.0);
        s.push('}');
        s
    }
}

/// A JSON array of strings.
pub fn str_array<S: AsRef<str>>(items: &[S]) -> String {
    let q: Vec<String> = items.iter().map(|s| quote(s.as_ref())).collect();
    format!("[{}]", q.join(","))
}

/// `"..."` with `"`, `\` and control characters escaped.
pub fn quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}
