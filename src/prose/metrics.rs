//! Metrics: figures the prose states (收到申请29件, 主动公开信息150余条, 未收取任何费用), each with its sentence.
//!
//! Every metric key is one row of [`SPECS`], a table of data: the patterns that state a number for it, the
//! patterns that state there was none (value 0, a stated fact), the units its number must carry, and the guards
//! that keep a number of another subject out. The extractor below knows no metric by name.
//!
//! Reading rules, the same for every key:
//! * A number is only taken with one of the key's units right after it (`件`, `条`, `场`, `元`, `%` …). Dates
//!   (`2020年12月31日`) and document numbers (`常政办发〔2018〕135号`) never carry one, so they are never taken;
//!   rates are only taken by rate keys, with unit `%`.
//! * The subject and its number must be in one clause: the gap between them holds no digit and no `，；：、`.
//!   A number is used by one metric at most (keys earlier in [`SPECS`] win), and a number read as a change
//!   (`较上年增加5件`) is not a count.
//! * `万`/`亿` are applied: `超26万件` is 260000 件. Money is reported in 元.
//! * Qualifiers are kept, never rounded into exact facts: `约`/`近`/`余`/`多`/`左右` → approx; `超`/`逾`/`以上`/
//!   `不少于` → at least; `不足`/`不到`/`以下`/`以内` → at most.
//! * Zero statements (`未收到政府信息公开申请`, `未向申请人收费`) give 0, exact, with no unit; they are dropped when
//!   the same sentence states a number for the key.

use std::sync::{LazyLock, OnceLock};

use regex::{Captures, Regex, RegexSet};

use super::text::{char_offset, char_slice, Sentence};
use crate::report::{Amount, Metric, Qualifier};

/// One metric key and how the prose states it.
pub struct MetricSpec {
    /// Stable machine key, e.g. `applications_received`.
    pub key: &'static str,
    /// Chinese label and English gloss, for messages and documentation.
    pub label: &'static str,
    /// Units the number must carry, as a regex alternation (longest first).
    units: &'static str,
    /// Patterns stating a number. Placeholders: `{N}` the number (exactly once), `{U}` the unit, `{G}` a short gap
    /// inside one clause.
    patterns: &'static [&'static str],
    /// Patterns stating that there was none. Placeholders: `{Z}` a few filler characters (`任何`, `件` …),
    /// `{ZL}` a longer gap inside one clause.
    zero: &'static [&'static str],
    /// Words that, between the subject (or just before it) and the number, mean the number is someone else's.
    unless: &'static [&'static str],
    /// `(subject, rivals)`: the subject must be mentioned in the sentence up to the match, later than any rival
    /// (whose figure it would otherwise be).
    context: Option<(&'static str, &'static str)>,
}

const CASES: &str = "件|起|宗|个|例|次";
const APPLICATIONS: &str = "件|条|起|个|份|宗|次|例|批";
const ITEMS: &str = "条|篇|件|则|期|次|个";
/// Posts are counted in items; `次` (times) counts occasions (`公布1次…信息`), not posts.
const POSTS: &str = "条|篇|件|则";
const MONEY: &str = "元";
const PERCENT: &str = "%";
const NOT_APPLICATIONS: &[&str] =
    &["复议", "诉讼", "信访", "投诉", "举报", "咨询", "诉求", "许可", "提案", "建议", "留言"];
const RIVALS_OF_APPLICATIONS: &str = "咨询|诉求|热线|12345|留言|信访|投诉|提案|建议";

/// The metric keys, in the order they claim numbers. Order matters where subjects overlap: the combined
/// review-and-lawsuit figure before either alone, corrections before their totals, carried over/forward,
/// handled and received before the looser keys, proactive disclosure, interpretations and press conferences
/// before website and new-media posts.
pub const SPECS: &[MetricSpec] = &[
    MetricSpec {
        key: "reviews_and_lawsuits",
        label: "行政复议和行政诉讼合计 / administrative reviews and lawsuits together",
        units: CASES,
        patterns: &["行政复议(?:[、和及与或]|以及)(?:提起)?(?:行政)?诉讼{G}{N}{U}"],
        zero: &[
            "(?:未|没有|无|未曾)(?:发生|收到|产生|出现|涉及|被申请|被提起)(?:过|任何)?{ZL}行政复议(?:[、和及与或]|以及)(?:提起)?(?:行政)?诉讼",
            "(?:无|没有)行政复议(?:[、和及与或]|以及)(?:行政)?诉讼",
        ],
        unless: &[],
        context: None,
    },
    MetricSpec {
        key: "admin_reviews_corrected",
        label: "行政复议被纠错 / administrative reviews that corrected the agency",
        units: CASES,
        patterns: &["纠(?:错|正){G}{N}{U}", "{N}{U}(?:被)?(?:依法)?(?:予以)?纠(?:错|正)"],
        zero: &["(?:无|未|没有)(?:被)?(?:依法)?(?:予以)?纠(?:错|正)"],
        unless: &[],
        context: Some(("复议", "诉讼")),
    },
    MetricSpec {
        key: "lawsuits_corrected",
        label: "行政诉讼被纠错 / lawsuits that corrected the agency",
        units: CASES,
        patterns: &["纠(?:错|正){G}{N}{U}", "{N}{U}(?:被)?(?:依法)?(?:予以)?纠(?:错|正)"],
        zero: &["(?:无|未|没有)(?:被)?(?:依法)?(?:予以)?纠(?:错|正)"],
        unless: &[],
        context: Some(("诉讼", "复议")),
    },
    MetricSpec {
        key: "admin_reviews",
        label: "行政复议 / administrative reviews",
        units: CASES,
        patterns: &["行政复议{G}{N}{U}", "{N}{U}(?:涉及政府信息公开的)?行政复议"],
        zero: &[
            "(?:未|没有|无|未曾)(?:发生|收到|产生|出现|涉及|被申请|被提起)(?:过|任何)?{ZL}行政复议",
            "(?:无|没有)行政复议",
        ],
        unless: &["诉讼"],
        context: None,
    },
    MetricSpec {
        key: "lawsuits",
        label: "行政诉讼 / administrative lawsuits",
        units: CASES,
        patterns: &["行政诉讼{G}{N}{U}", "{N}{U}(?:涉及政府信息公开的)?行政诉讼"],
        zero: &[
            "(?:未|没有|无|未曾)(?:发生|收到|产生|出现|涉及|被提起)(?:过|任何)?{ZL}行政诉讼",
            "(?:无|没有)行政诉讼",
        ],
        unless: &["复议"],
        context: None,
    },
    MetricSpec {
        key: "applications_carried_over",
        label: "上年结转申请 / applications carried over from last year",
        units: APPLICATIONS,
        patterns: &[
            "上(?:一)?年(?:度)?结转{G}{N}{U}",
            "结转(?:自)?上(?:一)?年(?:度)?{G}{N}{U}",
            "{N}{U}(?:为|系)?(?:上(?:一)?年(?:度)?)结转",
        ],
        zero: &[],
        unless: &[],
        context: None,
    },
    MetricSpec {
        key: "applications_carried_forward",
        label: "结转下年度办理的申请 / applications carried forward to next year",
        units: APPLICATIONS,
        patterns: &[
            "结转(?:至|到|入)?下(?:一)?年(?:度)?(?:继续)?(?:办理)?{G}{N}{U}",
            "{N}{U}(?:申请)?(?:需|将|已)?结转(?:至|到|入)?下(?:一)?年",
        ],
        zero: &[],
        unless: &[],
        context: None,
    },
    MetricSpec {
        key: "applications_handled",
        label: "处理/办理政府信息公开申请 / applications handled",
        units: APPLICATIONS,
        patterns: &[
            "(?:处理|办理|办结)(?:了)?{G}(?:政府信息公开|依申请公开|信息公开)申请{G}{N}{U}",
            "(?:处理|办理|办结)(?:了)?{G}依申请公开(?:事项|件|类)?{G}{N}{U}",
            "(?:处理|办理|办结)(?:了)?{G}{N}{U}(?:政府信息公开|依申请公开|信息公开)申请",
            "(?:已|共|累计|全部)?办结{G}{N}{U}",
        ],
        zero: &[],
        unless: NOT_APPLICATIONS,
        context: Some(("申请", RIVALS_OF_APPLICATIONS)),
    },
    MetricSpec {
        key: "applications_received",
        label: "收到/受理政府信息公开申请 / applications received",
        units: APPLICATIONS,
        patterns: &[
            "(?:收到|受理|接到|接收|新收)(?:了)?{G}(?:政府信息公开|依申请公开|信息公开)申请{G}{N}{U}",
            "(?:收到|受理|接到|接收|新收)(?:了)?{G}依申请公开(?:事项|件|类)?{G}{N}{U}",
            "(?:收到|受理|接到|接收|新收)(?:了)?{G}{N}{U}(?:政府信息公开|依申请公开|信息公开)申请",
            "(?:政府信息公开|依申请公开)申请(?:数量|数|总数|总量)(?:为|是|共|达)?{N}{U}",
        ],
        zero: &[
            "(?:未|没有|无)(?:收到|受理|接到|接收|新收|发生|产生)?{Z}(?:政府信息公开|依申请公开|信息公开)(?:的)?申请",
        ],
        unless: NOT_APPLICATIONS,
        context: None,
    },
    MetricSpec {
        key: "inquiries_answered",
        label: "答复咨询 / inquiries answered",
        units: "件|条|次|个|人次",
        patterns: &["(?:答复|回复|解答)(?:群众|民众|公众|网民|企业|市民)?(?:各类)?咨询{G}{N}{U}"],
        zero: &[],
        unless: &[],
        context: None,
    },
    MetricSpec {
        key: "applications_answered",
        label: "答复政府信息公开申请 / applications answered",
        units: "件|份|条|起|个|次",
        patterns: &["(?:答复|回复)(?:书|函)?{G}{N}{U}", "{N}{U}(?:均|已|全部)?(?:已)?(?:按时|依法|按期)?(?:予以)?答复"],
        zero: &[],
        unless: NOT_APPLICATIONS,
        context: Some(("申请", RIVALS_OF_APPLICATIONS)),
    },
    MetricSpec {
        key: "applications_granted",
        label: "予以公开 / applications granted",
        units: APPLICATIONS,
        patterns: &["予以公开{G}{N}{U}"],
        zero: &[],
        unless: &[],
        context: Some(("申请", RIVALS_OF_APPLICATIONS)),
    },
    MetricSpec {
        key: "applications_partially_granted",
        label: "部分公开 / applications partially granted",
        units: APPLICATIONS,
        patterns: &["部分公开{G}{N}{U}"],
        zero: &[],
        unless: &[],
        context: Some(("申请", RIVALS_OF_APPLICATIONS)),
    },
    MetricSpec {
        key: "applications_withheld",
        label: "不予公开 / applications refused",
        units: APPLICATIONS,
        patterns: &["不予公开{G}{N}{U}"],
        zero: &[],
        unless: &[],
        context: Some(("申请", RIVALS_OF_APPLICATIONS)),
    },
    MetricSpec {
        key: "applications_unable",
        label: "无法提供 / information that could not be provided",
        units: APPLICATIONS,
        patterns: &["无法提供{G}{N}{U}"],
        zero: &[],
        unless: &[],
        context: Some(("申请", RIVALS_OF_APPLICATIONS)),
    },
    MetricSpec {
        key: "applications_not_processed",
        label: "不予处理 / applications not processed",
        units: APPLICATIONS,
        patterns: &["不予处理{G}{N}{U}"],
        zero: &[],
        unless: &[],
        context: Some(("申请", RIVALS_OF_APPLICATIONS)),
    },
    MetricSpec {
        key: "application_reply_rate",
        label: "申请按时答复率 / share of applications answered on time",
        units: PERCENT,
        patterns: &["(?:按时|按期|依法)?(?:答复|办结|回复)率{G}{N}{U}"],
        zero: &[],
        unless: &[],
        context: Some(("申请", RIVALS_OF_APPLICATIONS)),
    },
    MetricSpec {
        key: "disclosed_on_request",
        label: "依申请公开信息 / information disclosed on request",
        units: ITEMS,
        patterns: &["依申请公开(?:政府)?信息{G}{N}{U}"],
        zero: &[],
        unless: &[],
        context: None,
    },
    MetricSpec {
        key: "normative_documents_issued",
        label: "制发行政规范性文件 / normative documents issued",
        units: "件|份|个",
        patterns: &[
            "(?:制发|印发|出台|制定)(?:了)?(?:行政)?规范性文件{G}{N}{U}",
            "(?:制发|印发|出台|制定)(?:了)?{N}{U}(?:行政)?规范性文件",
        ],
        zero: &[],
        unless: &["废止", "现行有效", "清理", "备案"],
        context: None,
    },
    MetricSpec {
        key: "normative_documents_in_force",
        label: "现行有效行政规范性文件 / normative documents in force",
        units: "件|份|个",
        patterns: &["现行有效(?:的)?(?:行政)?规范性文件{G}{N}{U}", "(?:行政)?规范性文件现行有效{G}{N}{U}"],
        zero: &[],
        unless: &[],
        context: None,
    },
    MetricSpec {
        key: "proactive_disclosures",
        label: "主动公开政府信息 / information disclosed proactively",
        units: ITEMS,
        patterns: &["主动公开[^,，;；。:：、0-9%]{0,6}?信息{G}{N}{U}", "公开政府信息{G}{N}{U}"],
        zero: &[],
        unless: &["依申请"],
        context: None,
    },
    MetricSpec {
        key: "policy_interpretations",
        label: "政策解读 / policy interpretations",
        units: "条|篇|期|次|件|份|个|场",
        patterns: &["政策解读{G}{N}{U}", "{N}{U}(?:政策)?解读"],
        zero: &[],
        unless: &[],
        context: None,
    },
    MetricSpec {
        key: "press_conferences",
        label: "新闻发布会 / press conferences",
        units: "场次|场|次|期",
        patterns: &["(?:新闻|政策)发布会{G}{N}{U}", "{N}{U}(?:新闻|政策)?发布会"],
        zero: &[],
        unless: &[],
        context: None,
    },
    MetricSpec {
        key: "online_interviews",
        label: "在线访谈 / online interviews",
        units: "期|场|次",
        patterns: &["在线访谈{G}{N}{U}", "{N}{U}在线访谈"],
        zero: &[],
        unless: &[],
        context: None,
    },
    MetricSpec {
        key: "website_posts",
        label: "网站发布信息 / website posts",
        units: POSTS,
        patterns: &["(?:网站|门户网){G}(?:发布|更新|公开|公布|刊发|上传){G}{N}{U}"],
        zero: &[],
        unless: &["推送", "录用", "访问", "留言", "咨询", "浏览"],
        context: None,
    },
    MetricSpec {
        key: "new_media_posts",
        label: "政务新媒体发布信息 / new-media posts",
        units: POSTS,
        patterns: &["(?:微信|微博|公众号|新媒体|客户端|抖音|头条号|视频号){G}(?:发布|推送|更新|刊发|推出){G}{N}{U}"],
        zero: &[],
        unless: &["订阅", "关注", "粉丝", "阅读"],
        context: None,
    },
    MetricSpec {
        key: "hotline_items",
        label: "12345热线办件 / hotline items",
        units: "件|个|条|次|单|宗|通|人次",
        patterns: &["(?:12345|热线|市长信箱){G}{N}{U}"],
        zero: &[],
        unless: &["满意", "回复率", "接通率"],
        context: None,
    },
    MetricSpec {
        key: "online_service_items",
        label: "网上办件 / government services handled online",
        units: "件|笔",
        patterns: &["(?:网上|线上)(?:办件|办理量|办件量){G}{N}{U}"],
        zero: &[],
        unless: &[],
        context: None,
    },
    MetricSpec {
        key: "service_items",
        label: "政务服务办件 / government services handled",
        units: "件|笔",
        patterns: &["(?:完成|办理|办结|受理)(?:各类)?(?:政务服务)?(?:事项)?办件(?:量)?{G}{N}{U}"],
        zero: &[],
        unless: &[],
        context: None,
    },
    MetricSpec {
        key: "disclosure_fees",
        label: "政府信息公开收费 / fees charged for disclosure",
        units: MONEY,
        patterns: &[
            "(?:信息处理费|信息公开(?:相关)?费用|检索费|复制费|邮寄费){G}{N}{U}",
            "收取(?:了)?(?:申请人)?{G}(?:费用|信息处理费){G}{N}{U}",
        ],
        zero: &[
            "(?:未|没有|不|从未)(?:向申请人)?(?:收取|收)(?:过)?(?:任何)?(?:申请人)?(?:的)?(?:政府信息公开|信息公开)?(?:相关)?(?:信息处理费|费用|费)",
            "(?:未|没有|无)(?:产生|发生)(?:任何)?(?:信息处理费|收费)",
        ],
        unless: &["事业性"],
        context: Some(("申请|信息处理费|信息公开事项|收费及减免|信息公开(?:相关)?费用", "")),
    },
];

/// The number: qualifier words before it, digits, `余`/`多` and `万`/`亿` after it.
const NUMBER: &str = r"(?P<pre>大约|将近|约|近|超过|超|逾|多达|不少于|至少|不足|不到|不超过|不满|达到|达|共计|合计|总计|累计|共|计|仅)? ?(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?) ?(?P<post>余|多)?(?P<mult>万|亿)?(?P<post2>余|多)? ?";
/// A short gap inside one clause: no digit, no clause punctuation, no enumeration comma. (Text is folded, so
/// digits are ASCII; an ASCII class keeps the compiled patterns small.)
const GAP: &str = r"[^,，;；。:：、0-9%]{0,12}?";
const ZERO_FILLER: &str = r"[件个份起宗的过任何到]{0,3}";
const ZERO_GAP: &str = r"[^,，;；。:：、0-9]{0,16}?";
/// [`GAP`] and [`ZERO_GAP`] of any length, for [`expand_for_set`].
const SET_GAP: &str = r"[^,，;；。:：、0-9%]*";
const SET_ZERO_GAP: &str = r"[^,，;；。:：、0-9]*";
/// A number as [`expand_for_set`] takes it: any run of digits, `,` and `.`, and any of what may follow one.
const SET_NUMBER: &str = r"[0-9][0-9,.]*[ 余多万亿]*";
const TAIL: &str = r"(?P<tail>以上|左右|以下|以内|上下)?";

/// Words that turn a number into a change, not a count.
const CHANGE_WORDS: &[&str] = &[
    "较上年",
    "比上年",
    "较去年",
    "比去年",
    "同比",
    "环比",
    "增加",
    "减少",
    "增长",
    "下降",
    "上升",
    "提高",
    "降低",
    "增幅",
    "减幅",
];

struct Compiled {
    spec: &'static MetricSpec,
    numeric: Vec<Pattern>,
    zero: Vec<Pattern>,
    context: Option<(Pattern, Option<Pattern>)>,
}

/// A regex compiled on its first use. The sets say which patterns a sentence can match, and a batch of reports
/// may need only a few of them: compiling all of them up front cost more than many reports take to read.
struct Pattern {
    source: String,
    regex: OnceLock<Regex>,
}

impl Pattern {
    fn new(source: String) -> Self {
        Pattern { source, regex: OnceLock::new() }
    }

    fn regex(&self) -> &Regex {
        // The table is part of the build and every pattern is compiled by the unit tests, so a bad pattern is a
        // build defect, not an input problem.
        self.regex.get_or_init(|| Regex::new(&self.source).expect("metric patterns are valid regexes"))
    }
}

fn expand(pattern: &str, units: &str) -> String {
    expand_with(pattern, units, GAP, ZERO_GAP)
}

/// [`expand`] with the given gaps.
fn expand_with(pattern: &str, units: &str, gap: &str, zero_gap: &str) -> String {
    pattern
        .replace("{N}", NUMBER)
        .replace("{U}", &format!("(?P<unit>{units}){TAIL}"))
        .replace("{G}", gap)
        .replace("{ZL}", zero_gap)
        .replace("{Z}", ZERO_FILLER)
}

/// A pattern of the sets: one that matches wherever [`expand`]'s matches (and perhaps elsewhere), which is all a
/// set must do, as it only picks the patterns to run; the smaller, the cheaper the set is to build and to scan.
/// * Gaps have any length: a counted gap compiled to one copy of its class per count.
/// * A number is [`SET_NUMBER`], without the qualifier words of [`NUMBER`] where they would be optional at the
///   start of the pattern or after a gap, which takes them in (they hold no character a gap excludes).
/// * A unit that ends the pattern has no tail words: they are optional.
fn expand_for_set(pattern: &str, units: &str) -> String {
    let figure = format!("{SET_NUMBER}(?:{units}){TAIL}");
    let weak = pattern.replace("{G}{N}{U}", &format!("{{G}}{figure}"));
    let weak = weak.strip_prefix("{N}{U}").map_or_else(|| weak.clone(), |rest| format!("{figure}{rest}"));
    let set = expand_with(&weak, units, SET_GAP, SET_ZERO_GAP);
    set.strip_suffix(TAIL).map_or_else(|| set.clone(), str::to_string)
}

static COMPILED: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    let compile = |p: &str, units: &str| Pattern::new(expand(p, units));
    SPECS
        .iter()
        .map(|spec| Compiled {
            spec,
            numeric: spec.patterns.iter().map(|p| compile(p, spec.units)).collect(),
            zero: spec.zero.iter().map(|p| compile(p, spec.units)).collect(),
            context: spec.context.map(|(subject, rivals)| {
                let rivals = (!rivals.is_empty()).then(|| compile(rivals, ""));
                (compile(subject, ""), rivals)
            }),
        })
        .collect()
});

/// Every numeric pattern of [`COMPILED`] in one set, in order, and every zero pattern in another: one scan of a
/// sentence says which patterns match at all, so only those are run for their captures (most sentences state
/// no figure, and each pattern scanning each sentence was most of the time spent on prose).
/// Built from [`SPECS`] like [`COMPILED`], not from it, so that the three can be compiled at once.
static NUMERIC_SET: LazyLock<RegexSet> = LazyLock::new(|| pattern_set(|s| s.patterns));
static ZERO_SET: LazyLock<RegexSet> = LazyLock::new(|| pattern_set(|s| s.zero));

/// The characters of which every zero pattern holds one in what it matches: the negation it states.
const ZERO_WORDS: [char; 4] = ['未', '没', '无', '不'];

fn pattern_set(patterns: fn(&MetricSpec) -> &[&str]) -> RegexSet {
    RegexSet::new(SPECS.iter().flat_map(|spec| patterns(spec).iter().map(|p| expand_for_set(p, spec.units))))
        .expect("metric patterns are valid regexes")
}

/// Compiles the pattern sets now rather than on the first sentence (see [`crate::prepare`]), each on a thread of
/// its own: the compilation is most of what a batch does before its first report. The patterns the sets pick are
/// compiled on their first use.
pub fn prepare() {
    std::thread::scope(|scope| {
        scope.spawn(|| LazyLock::force(&NUMERIC_SET));
        LazyLock::force(&ZERO_SET);
        LazyLock::force(&COMPILED);
    });
}

/// The label of a metric key, if it is one of [`SPECS`].
pub fn label(key: &str) -> Option<&'static str> {
    SPECS.iter().find(|s| s.key == key).map(|s| s.label)
}

/// A metric and the figure as printed (`206件`, `超26萬件`, or the zero statement itself).
#[derive(Debug, Clone)]
pub struct Extracted {
    pub metric: Metric,
    pub raw: String,
}

/// All metrics of the sentences, in reading order.
pub fn extract(sentences: &[Sentence]) -> Vec<Extracted> {
    sentences.iter().flat_map(extract_sentence).collect()
}

/// A byte span of the folded sentence already used by a metric.
type Span = (usize, usize);

fn overlaps(claims: &[Span], span: Span) -> bool {
    claims.iter().any(|&(s, e)| span.0 < e && s < span.1)
}

/// The metrics of one sentence.
pub fn extract_sentence(sentence: &Sentence) -> Vec<Extracted> {
    let text = sentence.folded.as_str();
    let mut claims: Vec<Span> = Vec::new();
    let mut found: Vec<(usize, Extracted)> = Vec::new();
    // Every numeric pattern needs a figure with its unit (`{N}{U}`), so a sentence without one states none, and
    // the set need not scan it (a scan of the set is costly; dates and document numbers have digits, no unit).
    if holds_figure(text) {
        let hits = NUMERIC_SET.matches(text);
        let patterns = COMPILED.iter().flat_map(|compiled| compiled.numeric.iter().map(move |re| (compiled, re)));
        for (index, (compiled, re)) in patterns.enumerate() {
            if !hits.matched(index) {
                continue;
            }
            for caps in re.regex().captures_iter(text) {
                if let Some((span, extracted)) = numeric(sentence, compiled, &caps, &claims) {
                    claims.push(span);
                    found.push((span.0, extracted));
                }
            }
        }
    }
    // Every zero statement says 未, 没有, 无 or 不 (a test proves it): a sentence without any of them states none,
    // and the set need not scan it (most sentences do not).
    if text.contains(ZERO_WORDS) {
        zero_statements(sentence, &mut claims, &mut found);
    }
    found.sort_by_key(|(pos, _)| *pos);
    found.into_iter().map(|(_, e)| e).collect()
}

/// The first character of every unit of [`SPECS`].
static UNIT_STARTS: LazyLock<Vec<char>> =
    LazyLock::new(|| SPECS.iter().flat_map(|s| s.units.split('|')).filter_map(|u| u.chars().next()).collect());

/// Whether `text` holds what every numeric pattern holds: a digit, then (after the spaces, `余`/`多` and `万`/`亿`
/// that [`NUMBER`] lets follow its last digit) the first character of a unit. Dates (`2020年12月31日`) do not.
fn holds_figure(text: &str) -> bool {
    let mut chars = text.chars();
    while chars.any(|c| c.is_ascii_digit()) {
        let mut rest = chars.clone().skip_while(|c| matches!(c, ' ' | '余' | '多' | '万' | '亿'));
        if rest.next().is_some_and(|c| UNIT_STARTS.contains(&c)) {
            return true;
        }
    }
    false
}

/// The zero statements of `sentence` (`未发生行政复议`) of metrics no figure of `found` gives, outside `claims`.
fn zero_statements(sentence: &Sentence, claims: &mut Vec<Span>, found: &mut Vec<(usize, Extracted)>) {
    let text = sentence.folded.as_str();
    let zero_hits = ZERO_SET.matches(text);
    let mut zero_index = 0;
    for compiled in COMPILED.iter() {
        let first = zero_index;
        zero_index += compiled.zero.len();
        if found.iter().any(|(_, e)| e.metric.key == compiled.spec.key) {
            continue;
        }
        for (i, re) in compiled.zero.iter().enumerate() {
            if !zero_hits.matched(first + i) {
                continue;
            }
            for m in re.regex().find_iter(text) {
                let span = (m.start(), m.end());
                if overlaps(claims, span)
                    || guarded(text, compiled, span.0, span.1)
                    || !in_context(text, &sentence.lead, compiled, span.0, span.1)
                {
                    continue;
                }
                claims.push(span);
                let raw = char_slice(&sentence.text, char_offset(text, span.0), char_offset(text, span.1));
                let metric = Metric {
                    key: compiled.spec.key.to_string(),
                    value: Amount::Int(0),
                    unit: None,
                    qualifier: Qualifier::Exact,
                    sentence: sentence.text.clone(),
                    offset: sentence.offset,
                };
                found.push((span.0, Extracted { metric, raw }));
            }
        }
    }
}

/// A numeric match, if it passes the guards; with the span it claims.
fn numeric(sentence: &Sentence, compiled: &Compiled, caps: &Captures, claims: &[Span]) -> Option<(Span, Extracted)> {
    let text = sentence.folded.as_str();
    let whole = caps.get(0)?;
    let num = caps.name("num")?;
    let unit = caps.name("unit")?;
    let first = caps.name("pre").unwrap_or(num);
    let last = caps.name("tail").unwrap_or(unit);
    let span = (first.start(), last.end());
    if overlaps(claims, span) {
        return None;
    }
    // Not the tail of a longer figure, an ordinal or a bracketed document number.
    let before = text.get(..num.start()).and_then(|s| s.chars().next_back());
    if caps.name("pre").is_none()
        && before
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '第' | '-' | '/' | '〔' | '[' | ']' | '〕'))
    {
        return None;
    }
    // `3个月`, `2个百分点` are durations and shares, not counts.
    let after = text.get(unit.end()..).and_then(|s| s.chars().next());
    if unit.as_str() == "个" && after.is_some_and(|c| matches!(c, '月' | '工' | '小' | '百' | '季' | '半')) {
        return None;
    }
    let lead = text.get(whole.start()..num.start()).unwrap_or("");
    if CHANGE_WORDS.iter().any(|w| lead.contains(w))
        || guarded(text, compiled, whole.start(), num.start())
        || !in_context(text, &sentence.lead, compiled, whole.start(), whole.end())
    {
        return None;
    }
    let mult = caps.name("mult").map(|m| m.as_str());
    let value = amount(num.as_str(), mult)?;
    let qualifier = qualifier(caps);
    let raw = char_slice(&sentence.text, char_offset(text, span.0), char_offset(text, span.1));
    let metric = Metric {
        key: compiled.spec.key.to_string(),
        value,
        unit: Some(unit.as_str().to_string()),
        qualifier,
        sentence: sentence.text.clone(),
        offset: sentence.offset,
    };
    Some((span, Extracted { metric, raw }))
}

/// True when a word of the spec's `unless` list appears between four characters before the match and `end`.
fn guarded(text: &str, compiled: &Compiled, start: usize, end: usize) -> bool {
    if compiled.spec.unless.is_empty() {
        return false;
    }
    let head = text.get(..start).unwrap_or("");
    let from = head.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
    let window = text.get(from..end).unwrap_or("");
    compiled.spec.unless.iter().any(|w| window.contains(w))
}

/// The spec's subject is mentioned up to the match end (in the sentence or the paragraph before it), after the last
/// rival mentioned before the match.
fn in_context(text: &str, lead: &str, compiled: &Compiled, start: usize, end: usize) -> bool {
    let Some((subject, rivals)) = &compiled.context else {
        return true;
    };
    let (Some(upto_end), Some(upto_start)) = (text.get(..end), text.get(..start)) else {
        return false;
    };
    let (upto_end, upto_start) = (format!("{lead}{upto_end}"), format!("{lead}{upto_start}"));
    let Some(last_subject) = subject.regex().find_iter(&upto_end).last() else {
        return false;
    };
    let last_rival = rivals.as_ref().and_then(|r| r.regex().find_iter(&upto_start).last());
    last_rival.is_none_or(|r| r.start() < last_subject.start())
}

/// Qualifier words around the number.
fn qualifier(caps: &Captures) -> Qualifier {
    let word = |name: &str| caps.name(name).map(|m| m.as_str());
    if let Some(pre) = word("pre") {
        match pre {
            "大约" | "将近" | "约" | "近" => return Qualifier::Approx,
            "超过" | "超" | "逾" | "多达" | "不少于" | "至少" => return Qualifier::AtLeast,
            "不足" | "不到" | "不超过" | "不满" => return Qualifier::AtMost,
            _ => {}
        }
    }
    if word("post").is_some() || word("post2").is_some() {
        return Qualifier::Approx;
    }
    match word("tail") {
        Some("以上") => Qualifier::AtLeast,
        Some("左右" | "上下") => Qualifier::Approx,
        Some("以下" | "以内") => Qualifier::AtMost,
        _ => Qualifier::Exact,
    }
}

/// The value of `digits` (with `,` grouping and a decimal point) times `万`/`亿`, exact in decimal: whole numbers
/// stay integers.
pub fn amount(digits: &str, mult: Option<&str>) -> Option<Amount> {
    let plain: String = digits.chars().filter(|c| *c != ',').collect();
    let (int_part, frac) = plain.split_once('.').unwrap_or((plain.as_str(), ""));
    let exponent: i64 = match mult {
        Some("万") => 4,
        Some("亿") => 8,
        _ => 0,
    };
    let mantissa: i64 = format!("{int_part}{frac}").parse().ok()?;
    let scale = i64::try_from(frac.len()).ok()? - exponent;
    if scale <= 0 {
        let factor = 10i64.checked_pow(u32::try_from(-scale).ok()?)?;
        return mantissa.checked_mul(factor).map(Amount::Int);
    }
    let divisor = 10i64.checked_pow(u32::try_from(scale).ok()?)?;
    if mantissa % divisor == 0 {
        Some(Amount::Int(mantissa / divisor))
    } else {
        Some(Amount::Real(mantissa as f64 / divisor as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::super::proofs::{matches_something, without_chars};
    use super::super::text::fold;
    use super::*;

    #[test]
    fn the_pattern_sets_hold_the_compiled_patterns_in_order() {
        // A set's hit for pattern i stands for the i-th compiled pattern: both must list them alike.
        let (mut numeric, mut zero) = (0, 0);
        for c in COMPILED.iter() {
            for (pattern, compiled) in c.spec.patterns.iter().zip(&c.numeric) {
                assert_eq!(compiled.source, expand(pattern, c.spec.units));
                assert_eq!(NUMERIC_SET.patterns()[numeric], expand_for_set(pattern, c.spec.units));
                numeric += 1;
            }
            for (pattern, compiled) in c.spec.zero.iter().zip(&c.zero) {
                assert_eq!(compiled.source, expand(pattern, c.spec.units));
                assert_eq!(ZERO_SET.patterns()[zero], expand_for_set(pattern, c.spec.units));
                zero += 1;
            }
        }
        assert_eq!((NUMERIC_SET.len(), ZERO_SET.len()), (numeric, zero));
        assert!(numeric > 20 && zero > 10);
    }

    #[test]
    fn set_patterns_are_smaller() {
        let set = |p: &str| expand_for_set(p, "件|条");
        assert_eq!(set("收到{G}{N}{U}"), format!("收到{SET_GAP}{SET_NUMBER}(?:件|条)"));
        assert_eq!(set("{N}{U}纠正"), format!("{SET_NUMBER}(?:件|条){TAIL}纠正"));
        // Qualifier words are kept where a number follows words that are not a gap.
        assert_eq!(set("数量为{N}{U}"), format!("数量为{NUMBER}(?P<unit>件|条)"));
        assert_eq!(set("未{ZL}收到"), format!("未{SET_ZERO_GAP}收到"));
    }

    #[test]
    fn the_sets_find_every_pattern_that_matches() {
        // Wherever a compiled pattern matches a sentence of the text fixtures, its set says so.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut prose = String::new();
        for dir in ["", "prose", "text"] {
            for path in std::fs::read_dir(root.join(dir)).expect("fixtures").flatten().map(|e| e.path()) {
                let name = path.to_string_lossy();
                if (name.ends_with(".txt") || name.ends_with(".md")) && !name.ends_with(".expect.md") {
                    prose.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
                    prose.push('\n');
                }
            }
        }
        // Qualifiers, tails and grouped figures, after gaps and not.
        prose.push_str(
            "受理依申请公开申请约30件，答复率不足90%。全年主动公开政府信息1.2万余条。3件以上被依法纠正。\n\
             依申请公开申请数量为约5件。网站发布信息 1,200 条左右。收到政府信息公开申请20件以上。",
        );
        let sentences = super::super::text::sentences(&prose, &[], &[]);
        let mut hits = 0;
        for s in &sentences {
            let numeric: fn(&Compiled) -> &Vec<Pattern> = |c| &c.numeric;
            let zero: fn(&Compiled) -> &Vec<Pattern> = |c| &c.zero;
            for (set, patterns) in [(&*NUMERIC_SET, numeric), (&*ZERO_SET, zero)] {
                let found = set.matches(&s.folded);
                for (i, re) in COMPILED.iter().flat_map(|c| patterns(c).iter()).enumerate() {
                    let matched = re.regex().is_match(&s.folded);
                    assert!(!matched || found.matched(i), "pattern {i} of {:?} in {}", set.patterns()[i], s.text);
                    let figure = std::ptr::eq(set, &*ZERO_SET) || holds_figure(&s.folded);
                    assert!(!matched || figure, "pattern {i} matches with no figure in {}", s.text);
                    hits += usize::from(matched);
                }
            }
        }
        assert!(sentences.len() > 500 && hits > 50, "{} sentences, {hits} hits", sentences.len());
        // A gap longer than the patterns count: the set picks the pattern, which then finds nothing.
        let text = "本年度收到了由各有关单位和个人通过各种渠道提交的政府信息公开申请共29件";
        assert!(NUMERIC_SET.matches(&fold(text)).matched_any());
        assert!(extract_sentence(&sentence(text)).is_empty());
    }

    #[test]
    fn every_zero_pattern_needs_a_word_of_negation() {
        let parse = |p: &str| regex_syntax::parse(p).expect("valid");
        for spec in SPECS {
            for pattern in spec.zero {
                let hir = parse(&expand(pattern, spec.units));
                assert!(matches_something(&hir), "{pattern}");
                let without = without_chars(&hir, &ZERO_WORDS);
                assert!(!matches_something(&without), "{} can state a zero without 未/没/无/不: {pattern}", spec.key);
            }
        }
        // The check can fail: an alternative without the words, or an optional word, matches without them.
        assert!(matches_something(&without_chars(&parse("(?:未|尚无|零)收到"), &ZERO_WORDS)));
        assert!(matches_something(&without_chars(&parse("(?:没有)?收到"), &ZERO_WORDS)));
        assert!(matches_something(&without_chars(&parse("[无零]收费"), &ZERO_WORDS)));
        assert!(!matches_something(&without_chars(&parse("[无不]收费"), &ZERO_WORDS)));
        // A sentence with a zero statement still gives it.
        assert!(!extract_sentence(&sentence("本年度未发生行政复议和行政诉讼。")).is_empty());
    }

    #[test]
    fn a_figure_is_a_digit_with_a_unit() {
        // Every numeric pattern holds its number right before its unit, and the number ends as `holds_figure` has it.
        assert!(SPECS.iter().flat_map(|s| s.patterns).all(|p| p.contains("{N}{U}")));
        // Containing it is not enough: with every `{N}{U}` made impossible, no pattern may match anything (an
        // alternative or an optional group without it would).
        let parse = |p: &str| regex_syntax::parse(p).expect("valid");
        for spec in SPECS {
            for pattern in spec.patterns {
                let without = expand(&pattern.replace("{N}{U}", "[a&&b]"), spec.units);
                assert!(!matches_something(&parse(&without)), "{} matches without a figure: {pattern}", spec.key);
            }
        }
        // The check can fail.
        assert!(matches_something(&parse(&expand("(?:[a&&b]|共{G}人)", "件"))));
        assert!(NUMBER.ends_with("[0-9]+)?) ?(?P<post>余|多)?(?P<mult>万|亿)?(?P<post2>余|多)? ?"));
        for (text, figure) in [
            ("收到申请25件", true),
            ("超26万件", true),
            ("150 余条", true),
            ("按时答复率100%", true),
            ("1.2万余条", true),
            ("截至2020年12月31日", false),
            ("常政办发〔2018〕135号", false),
            ("件数为0", false),
            ("订阅数3574", false),
        ] {
            assert_eq!(holds_figure(&fold(text)), figure, "{text}");
        }
    }

    #[test]
    fn every_numeric_pattern_needs_a_digit() {
        // With the number made impossible, a pattern that still matched something could match without a digit.
        // `num` is an alternation: the empty class goes before the whole of it.
        let (open, close) = ("(?P<num>", ") ?(?P<post>");
        assert!(NUMBER.contains(open) && NUMBER.contains(close));
        let impossible = NUMBER.replace(open, "(?P<num>[a&&b](?:").replace(close, ")) ?(?P<post>");
        let parse = |p: &str| regex_syntax::parse(p).expect("valid");
        for spec in SPECS {
            for pattern in spec.patterns {
                let expanded = expand(pattern, spec.units).replace(NUMBER, &impossible);
                assert!(!matches_something(&parse(&expanded)), "{} can match without a digit: {pattern}", spec.key);
            }
        }
        // The check can fail: an alternative without the number, or an optional number, matches without a digit.
        assert!(matches_something(&parse(&format!("(?:{impossible}件|没有)"))));
        assert!(matches_something(&parse(&format!("共(?:{impossible})?件"))));
        assert!(!matches_something(&parse(&format!("共{impossible}件"))));
        assert!(extract_sentence(&sentence("全年共受理申请件。")).is_empty());
    }

    fn sentence(text: &str) -> Sentence {
        Sentence { text: text.to_string(), folded: fold(text), offset: 0, lead: String::new() }
    }

    /// `(key, value, unit, qualifier)` of a metric.
    type Read = (String, f64, Option<String>, Qualifier);

    /// Every metric of `text`, read as one sentence.
    fn read(text: &str) -> Vec<Read> {
        extract_sentence(&sentence(text))
            .into_iter()
            .map(|e| (e.metric.key, e.metric.value.as_f64(), e.metric.unit, e.metric.qualifier))
            .collect()
    }

    fn m(key: &str, value: f64, unit: Option<&str>, q: Qualifier) -> (String, f64, Option<String>, Qualifier) {
        (key.to_string(), value, unit.map(String::from), q)
    }

    use Qualifier::{Approx, AtLeast, AtMost, Exact};

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(COMPILED.len(), SPECS.len());
        for compiled in COMPILED.iter() {
            let context = compiled.context.iter().flat_map(|(subject, rivals)| std::iter::once(subject).chain(rivals));
            for pattern in compiled.numeric.iter().chain(&compiled.zero).chain(context) {
                assert!(!pattern.regex().as_str().is_empty());
            }
        }
        let mut keys: Vec<&str> = SPECS.iter().map(|s| s.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), SPECS.len(), "metric keys are unique");
    }

    #[test]
    fn amounts_are_exact_decimals() {
        assert_eq!(amount("172.6", Some("万")), Some(Amount::Int(1_726_000)));
        assert_eq!(amount("26", Some("万")), Some(Amount::Int(260_000)));
        assert_eq!(amount("1.23456", Some("万")), Some(Amount::Real(12345.6)));
        assert_eq!(amount("52.15", Some("亿")), Some(Amount::Int(5_215_000_000)));
        assert_eq!(amount("97.85", None), Some(Amount::Real(97.85)));
        assert_eq!(amount("100.0", None), Some(Amount::Int(100)));
        assert_eq!(amount("1,167", None), Some(Amount::Int(1167)));
        assert_eq!(amount("99999999999999999999", None), None);
    }

    /// Sentences as reports print them (simplified and traditional), with every metric expected of them.
    #[test]
    fn sentences_and_their_metrics() {
        let cases: Vec<(&str, Vec<Read>)> = vec![
            // Applications.
            ("2020年共受理依申请公开申请29起", vec![m("applications_received", 29.0, Some("起"), Exact)]),
            ("本年度共收到政府信息公开申请35件，其中网上申请20件、当面申请15件", vec![m("applications_received", 35.0, Some("件"), Exact)]),
            ("本年度我局共收到政府信息公開申請１２件", vec![m("applications_received", 12.0, Some("件"), Exact)]),
            ("2022年共收到3件政府信息公开申请", vec![m("applications_received", 3.0, Some("件"), Exact)]),
            ("依申请公开申请数量为5件", vec![m("applications_received", 5.0, Some("件"), Exact)]),
            ("2023年,我局未收到件政府信息公开申请,未收取信息公开信息处理费", vec![
                m("applications_received", 0.0, None, Exact),
                m("disclosure_fees", 0.0, None, Exact),
            ]),
            ("全年未收到任何政府信息公開申請", vec![m("applications_received", 0.0, None, Exact)]),
            ("共妥善處理依申請公開申請206件,其中市政府本級處理55件", vec![m("applications_handled", 206.0, Some("件"), Exact)]),
            ("在政府门户网站上我办主动公开信息51条,处理依申请公开9件", vec![
                m("proactive_disclosures", 51.0, Some("条"), Exact),
                m("applications_handled", 9.0, Some("件"), Exact),
            ]),
            ("上年结转政府信息公开申请2件，结转下年度继续办理1件", vec![
                m("applications_carried_over", 2.0, Some("件"), Exact),
                m("applications_carried_forward", 1.0, Some("件"), Exact),
            ]),
            ("2020年共受理依申请公开申请29起,其中办理答复书29份,交由其他单位转办0起,按时答复率为100%", vec![
                m("applications_received", 29.0, Some("起"), Exact),
                m("applications_answered", 29.0, Some("份"), Exact),
                m("application_reply_rate", 100.0, Some("%"), Exact),
            ]),
            ("全年共收到政府信息公开申请59件，上年结转4件，已办结61件，其中予以公开24件，部分公开3件，不予公开5件，结转下年度继续办理2件", vec![
                m("applications_received", 59.0, Some("件"), Exact),
                m("applications_carried_over", 4.0, Some("件"), Exact),
                m("applications_handled", 61.0, Some("件"), Exact),
                m("applications_granted", 24.0, Some("件"), Exact),
                m("applications_partially_granted", 3.0, Some("件"), Exact),
                m("applications_withheld", 5.0, Some("件"), Exact),
                m("applications_carried_forward", 2.0, Some("件"), Exact),
            ]),
            ("12345热线工单已办结1200件", vec![m("hotline_items", 1200.0, Some("件"), Exact)]),
            ("收到政府信息公开申请较上年增加15件", vec![]),
            ("受理行政复议申请3件", vec![m("admin_reviews", 3.0, Some("件"), Exact)]),
            ("办理行政许可申请1200件", vec![]),
            // Reviews and lawsuits.
            ("2018年,市政府法制部門受理涉及政府信息公開的行政複議18件,被依法糾錯1件", vec![
                m("admin_reviews", 18.0, Some("件"), Exact),
                m("admin_reviews_corrected", 1.0, Some("件"), Exact),
            ]),
            ("法院受理涉及政府信息公開的行政訴訟6件,無被依法糾錯案件", vec![
                m("lawsuits", 6.0, Some("件"), Exact),
                m("lawsuits_corrected", 0.0, None, Exact),
            ]),
            ("因政府信息公开申请提起行政复议、行政诉讼案件为0件", vec![m("reviews_and_lawsuits", 0.0, Some("件"), Exact)]),
            ("本年度未发生因政府信息公开引起的行政复议和行政诉讼", vec![m("reviews_and_lawsuits", 0.0, None, Exact)]),
            ("因政府信息公开被申请行政复议2件、提起行政诉讼1件", vec![
                m("admin_reviews", 2.0, Some("件"), Exact),
                m("lawsuits", 1.0, Some("件"), Exact),
            ]),
            ("本年度未发生政府信息公开行政复议案件", vec![m("admin_reviews", 0.0, None, Exact)]),
            ("群众对未公开的信息可以依法申请行政复议", vec![]),
            // Proactive disclosure, interpretation, press, website and new media.
            ("截至2020年12月31日,市行政审批局政府信息公开全年累计公开政府信息150余条,依申请公开信息29条,鄂州政务微信公众平台全年发布信息40条,订阅数3574", vec![
                m("proactive_disclosures", 150.0, Some("条"), Approx),
                m("disclosed_on_request", 29.0, Some("条"), Exact),
                m("new_media_posts", 40.0, Some("条"), Exact),
            ]),
            ("全年主动公开政府信息1.2万余条", vec![m("proactive_disclosures", 12000.0, Some("条"), Approx)]),
            ("2018年共召開網上新聞發布會13場,內容涉及學校招生等領域", vec![m("press_conferences", 13.0, Some("场"), Exact)]),
            ("召开第3场新闻发布会", vec![]),
            ("全年共召开新闻发布会8场，发布政策解读稿件12篇，回应关切23次", vec![
                m("press_conferences", 8.0, Some("场"), Exact),
                m("policy_interpretations", 12.0, Some("篇"), Exact),
            ]),
            ("2018年“常熟市人民政府”網站“政策解讀”專欄發布政策解讀61條", vec![m("policy_interpretations", 61.0, Some("条"), Exact)]),
            ("完成4期政策解读,其中,图文解读是《办法》", vec![m("policy_interpretations", 4.0, Some("期"), Exact)]),
            ("發布政策解讀近20篇", vec![m("policy_interpretations", 20.0, Some("篇"), Approx)]),
            ("《强化规范服务平台运行》解读等主题推出2期在线访谈", vec![m("online_interviews", 2.0, Some("期"), Exact)]),
            ("2018年“常熟市人民政府”網站共更新政務公開信息5447條,頁面日均訪問量超7萬人次", vec![m("website_posts", 5447.0, Some("条"), Exact)]),
            ("全年政府門戶網站推送信息12條,錄用信息7條,政務辦門戶網站發布信息637條", vec![m("website_posts", 637.0, Some("条"), Exact)]),
            ("通过鄂州市行政审批局网站公布1次市行政审批局组织机构变更信息、2次领导人事任免信息", vec![]),
            ("主动公开信息1200条，行政许可信息300条", vec![m("proactive_disclosures", 1200.0, Some("条"), Exact)]),
            ("通过政务微博发布信息不少于300条", vec![m("new_media_posts", 300.0, Some("条"), AtLeast)]),
            // Hotline and services.
            ("全年12345平臺共受理群眾訴求172.6萬件,其中,平臺直接答覆處理135.0萬件,派發成員單位工單37.6萬件", vec![
                m("hotline_items", 1_726_000.0, Some("件"), Exact),
            ]),
            ("2020年市行政审批局在12345市民服务热线平台办件46件,回复率100%", vec![m("hotline_items", 46.0, Some("件"), Exact)]),
            ("通過全媒體渠道受理訴求27058件,較上年(66475件)下降59.3%", vec![]),
            ("累計完成“一件事”線上辦件超26萬件", vec![m("online_service_items", 260_000.0, Some("件"), AtLeast)]),
            ("加強市級大廳事項清單化、指南系統化、窗口集成化建設,全年共完成辦件565萬余件", vec![
                m("service_items", 5_650_000.0, Some("件"), Approx),
            ]),
            ("完成人大代表政協委員提案建議13件,主辦件7件", vec![]),
            ("2018年共答覆民眾諮詢1167件,滿意率為97.85%", vec![m("inquiries_answered", 1167.0, Some("件"), Exact)]),
            ("好评率超99%", vec![]),
            // Normative documents.
            ("本年度制发行政规范性文件12件，现行有效行政规范性文件90件", vec![
                m("normative_documents_issued", 12.0, Some("件"), Exact),
                m("normative_documents_in_force", 90.0, Some("件"), Exact),
            ]),
            ("全年印发3件规范性文件", vec![m("normative_documents_issued", 3.0, Some("件"), Exact)]),
            ("废止规范性文件2件", vec![]),
            // Fees.
            ("三是本年度政府信息公開事項未收取任何費用", vec![m("disclosure_fees", 0.0, None, Exact)]),
            ("政府信息公開相關費用全部在行政經費中列支,未向申請人收費", vec![m("disclosure_fees", 0.0, None, Exact)]),
            ("全年收取信息处理费1.5万元", vec![m("disclosure_fees", 15_000.0, Some("元"), Exact)]),
            ("本年度行政事业性收费0万元", vec![]),
            ("为新办企业刻制印章，未收取任何费用", vec![]),
            ("全市公共資源交易領域為市場主體節約資金287.77億元", vec![]),
            // Dates, document numbers and other people's numbers.
            ("編制《常熟市2018年政務公開工作要點實施方案》(常政辦發〔2018〕135號)", vec![]),
            ("截至2020年12月31日", vec![]),
            ("2月9日,70家市級部門(含2個派出機構)公開2018年預算信息", vec![]),
            ("全程审批50个工作日以内实现常态化", vec![]),
            ("網站標識碼:4207000024 鄂ICP備05017375號", vec![]),
            ("受理依申请公开申请约30件，答复率不足90%", vec![
                m("applications_received", 30.0, Some("件"), Approx),
                m("application_reply_rate", 90.0, Some("%"), AtMost),
            ]),
            ("全年收到政府信息公开申请20件以上", vec![m("applications_received", 20.0, Some("件"), AtLeast)]),
        ];
        assert!(cases.len() >= 40, "{} sentences", cases.len());
        let wrong: Vec<String> = cases
            .into_iter()
            .filter_map(|(text, expected)| {
                let got = read(text);
                (got != expected).then(|| format!("{text}\n  got      {got:?}\n  expected {expected:?}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn a_subject_named_earlier_in_the_paragraph_gives_context() {
        let prose = "本年度共收到政府信息公开申请25件；已办结24件，其中予以公开13件。\n全年办结群众事项300件。";
        let got: Vec<(String, f64)> = extract(&super::super::text::sentences(prose, &[], &[]))
            .into_iter()
            .map(|e| (e.metric.key, e.metric.value.as_f64()))
            .collect();
        let want = [("applications_received", 25.0), ("applications_handled", 24.0), ("applications_granted", 13.0)];
        assert_eq!(got, want.iter().map(|(k, v)| (k.to_string(), *v)).collect::<Vec<_>>());
    }

    #[test]
    fn raw_is_the_printed_figure_and_sentence_is_kept() {
        let s = Sentence {
            text: "累計完成線上辦件超26萬件".into(),
            folded: fold("累計完成線上辦件超26萬件"),
            offset: 7,
            lead: String::new(),
        };
        let got = extract_sentence(&s);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].raw, "超26萬件");
        assert_eq!(got[0].metric.sentence, "累計完成線上辦件超26萬件");
        assert_eq!(got[0].metric.offset, 7);
        assert_eq!(got[0].metric.value, Amount::Int(260_000));
        let zero = extract_sentence(&sentence("未向申請人收費"));
        assert_eq!(zero[0].raw, "未向申請人收費");
    }
}
