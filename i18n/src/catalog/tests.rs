//! The catalog's own checks: both languages hold the same messages with the
//! same variables, every message renders in both, and the texts keep the
//! house style (the words Korean users know from their banks).

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

use super::*;
use crate::sources;

/// Message id → the variables it uses, for one catalog.
fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| panic!("syntax errors: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                assert!(m.attributes.is_empty(), "{}: attributes are not used", m.id.name);
                assert!(out.insert(m.id.name.to_owned(), vars).is_none(), "{} twice", m.id.name);
            }
            Entry::Junk { content } => panic!("junk in the catalog: {content}"),
            _ => {}
        }
    }
    out
}

fn pattern_vars(p: &Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &p.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        Expression::Inline(inline) => inline_vars(inline, vars),
    }
}

fn inline_vars(e: &InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, vars);
            }
        }
        _ => {}
    }
}

#[test]
fn both_languages_have_the_same_messages_and_variables() {
    let ko = messages(sources::KO);
    let en = messages(sources::EN);
    let only_ko: Vec<_> = ko.keys().filter(|k| !en.contains_key(*k)).collect();
    let only_en: Vec<_> = en.keys().filter(|k| !ko.contains_key(*k)).collect();
    assert!(only_ko.is_empty() && only_en.is_empty(), "only in Korean: {only_ko:?}; only in English: {only_en:?}");
    for (id, vars) in &ko {
        assert_eq!(vars, &en[id], "{id}: the variables differ between Korean and English");
    }
    assert!(ko.len() > 100, "the catalog looks truncated: {} messages", ko.len());
}

/// Renders every message in both languages with every variable set (to a
/// number where a selector might need one) and checks nothing is left
/// unresolved.
#[test]
fn every_message_renders_in_both_languages() {
    for (id, vars) in messages(sources::EN) {
        let id: &'static str = Box::leak(id.into_boxed_str());
        for lang in Lang::ALL {
            for numeric in [false, true] {
                let mut msg = Msg::new(id);
                for v in &vars {
                    let name: &'static str = Box::leak(v.clone().into_boxed_str());
                    msg = if numeric { msg.arg(name, 2i64) } else { msg.arg(name, "x") };
                }
                let text = render(lang, &msg);
                assert!(!text.is_empty(), "{id} renders empty in {lang}");
                assert!(!text.contains('{') && !text.contains('}'), "{id} in {lang}: {text}");
                assert!(!text.contains('\u{2068}') && !text.contains('\u{2069}'), "{id} in {lang} has isolation marks");
            }
        }
    }
}

#[test]
fn korean_uses_the_words_users_know_and_one_polite_style() {
    let texts = sources::KO.lines().filter(|l| !l.trim_start().starts_with('#'));
    for text in texts {
        let id = text.split(" =").next().unwrap_or(text);
        for (wrong, right) in [("확인 번호", "인증번호"), ("확인번호", "인증번호"), ("공인인증서", "공동인증서"), ("하세요", "해 주세요"), ("십시오", "해 주세요")] {
            assert!(!text.contains(wrong), "{id}: {wrong:?} where {right:?} belongs: {text}");
        }
    }
}

#[test]
fn english_plurals_are_right() {
    let one = Msg::new("number-wrong").arg("left", 1u8);
    let two = Msg::new("number-wrong").arg("left", 2u8);
    assert_eq!(render(Lang::En, &one), "That is not the number shown. 1 try left.");
    assert_eq!(render(Lang::En, &two), "That is not the number shown. 2 tries left.");
    assert_eq!(render(Lang::Ko, &two), "인증번호가 맞지 않습니다. 2번 더 입력할 수 있습니다.");
    let day = Msg::new("status-valid").arg("days", 1i64);
    assert_eq!(render(Lang::En, &day), "valid, 1 day left");
    assert_eq!(render(Lang::En, &Msg::new("status-valid").arg("days", 31i64)), "valid, 31 days left");
}

#[test]
fn nested_messages_render_in_the_same_language() {
    let path = Msg::new("path-lan").arg("address", "192.168.0.5");
    let msg = Msg::new("connected").arg("peer", "Galaxy S24").arg("path", path);
    assert_eq!(render(Lang::Ko, &msg), "“Galaxy S24”에 연결되었습니다 (같은 네트워크, 192.168.0.5).");
    assert_eq!(render(Lang::En, &msg), "Connected to “Galaxy S24” (on the same network, 192.168.0.5).");
}

#[test]
fn a_missing_message_renders_as_its_id() {
    assert_eq!(render(Lang::Ko, &Msg::new("no-such-message")), "no-such-message");
}

/// The lines that share an 80×24 terminal with the QR code, or sit under
/// it while the user acts, fit one line of 79 columns in both languages.
#[test]
fn the_lines_around_the_qr_code_fit_one_terminal_line() {
    let until = crate::when::date_time_in(1_796_154_420, &jiff::tz::TimeZone::fixed(jiff::tz::offset(9)));
    let lines = [
        Msg::new("invite-scan"),
        Msg::new("invite-scan-or-type"),
        Msg::new("invite-valid-until").arg("until", until.clone()),
        Msg::new("invite-code-until").arg("code", "123456-789-012").arg("until", until),
        Msg::new("number-never-share"),
        Msg::new("enter-number").arg("device", "phone"),
        Msg::new("enter-number").arg("device", "computer"),
        Msg::new("number-wrong").arg("left", 2u8),
        Msg::new("number-type-it"),
        Msg::new("cancel-hint"),
    ];
    for msg in &lines {
        for lang in Lang::ALL {
            let text = render(lang, msg);
            let width = unicode_width::UnicodeWidthStr::width(text.as_str());
            assert!(width <= 79, "{} in {lang} is {width} columns: {text}", msg.id());
        }
    }
}
