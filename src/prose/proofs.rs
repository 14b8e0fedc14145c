//! What a pattern can match, for the tests that prove the claims a cheap check before a pattern relies on (every
//! zero statement holds a word of negation, every section number ends in `、` or `.` …).

/// Whether the pattern matches some string: `regex-syntax`'s `minimum_len` cannot say, as it gives up on an
/// alternation with a branch that matches nothing.
pub fn matches_something(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Literal(_) | HirKind::Look(_) => true,
        HirKind::Class(Class::Unicode(c)) => !c.ranges().is_empty(),
        HirKind::Class(Class::Bytes(c)) => !c.ranges().is_empty(),
        HirKind::Repetition(r) => r.min == 0 || matches_something(&r.sub),
        HirKind::Capture(c) => matches_something(&c.sub),
        HirKind::Concat(parts) => parts.iter().all(matches_something),
        HirKind::Alternation(parts) => parts.iter().any(matches_something),
    }
}

/// The pattern with every literal that holds one of `banned` made impossible, and those characters taken out of
/// every class: what it still matches holds none of them.
pub fn without_chars(hir: &regex_syntax::hir::Hir, banned: &[char]) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{
        Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition,
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => hir.clone(),
        HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
            Ok(text) if !text.contains(banned) => hir.clone(),
            _ => Hir::fail(),
        },
        HirKind::Class(Class::Unicode(class)) => {
            let mut class = class.clone();
            class.difference(&ClassUnicode::new(banned.iter().map(|&c| ClassUnicodeRange::new(c, c))));
            Hir::class(Class::Unicode(class))
        }
        HirKind::Class(Class::Bytes(class)) => {
            let mut class = class.clone();
            let ascii = banned.iter().filter_map(|&c| u8::try_from(c).ok().filter(u8::is_ascii));
            class.difference(&ClassBytes::new(ascii.map(|b| ClassBytesRange::new(b, b))));
            Hir::class(Class::Bytes(class))
        }
        HirKind::Repetition(r) => {
            Hir::repetition(Repetition { sub: Box::new(without_chars(&r.sub, banned)), ..r.clone() })
        }
        HirKind::Capture(c) => Hir::capture(Capture { sub: Box::new(without_chars(&c.sub, banned)), ..c.clone() }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(|p| without_chars(p, banned)).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(|p| without_chars(p, banned)).collect()),
    }
}
