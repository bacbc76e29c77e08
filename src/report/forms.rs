//! The printed forms as page documents: the hospital seed's 问题隐患自查（督查）整改表 for one
//! inspection (seed 001), and the 四书 notices (seed 003) as the step that issued them fixed
//! them: 整改通知书 (a 自查's internal 整改通知单), 警示约谈告知书, 责任追究建议书.

use super::Env as Ctx;
use super::cn_date;
use super::doc::{Block, Cell, Doc, Style, Table};
use crate::domain::{
    Escalation, EscalationStep, Finding, Inspection, Issued, Mode, NoticeHazard, Number,
};

const BLANK: &str = "＿＿＿＿＿＿";
const YMD: &str = "　　　　年　　月　　日";

fn mode_boxes(mode: Mode) -> String {
    Mode::ALL
        .iter()
        .map(|m| {
            let tick = if *m == mode { "☑" } else { "☐" };
            format!("{tick}{}", m.label())
        })
        .collect::<Vec<_>>()
        .join("　")
}

/// The inspection as a sentence object: "安全生产督导检查", "安全生产“四不两直”检查".
fn mode_phrase(mode: Mode) -> &'static str {
    match mode {
        Mode::SelfCheck => "安全生产自查",
        Mode::Supervision => "安全生产督导检查",
        Mode::Mutual => "安全生产互查互检",
        Mode::Unannounced => "安全生产“四不两直”检查",
    }
}

fn or_blank(s: &str) -> String {
    if s.trim().is_empty() {
        BLANK.to_string()
    } else {
        s.to_string()
    }
}

/// "1. YH-2026-A3K-0007\n配电室 / 消防通道堵塞": how the 照片 block names a hazard.
fn photo_label(seq: usize, f: &Finding) -> String {
    let number = f
        .number
        .as_ref()
        .map(Number::code)
        .unwrap_or_else(|| f.id.simple().to_string()[24..].to_uppercase());
    format!("{seq}. {number}\n{}", f.escaped().description)
}

fn place(f: &Finding) -> String {
    [f.department.as_str(), f.location.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The 整改表 of one inspection: the seed's head rows, then one row per hazard with its own
/// place, measures, deadline and 责任人 side by side and ruled space for the facility's
/// handwritten 整改落实情况; the 确认 and 分管领导 signature rows; header rows repeat on every
/// page, and each page is numbered "第N页 共M页".
pub fn inspection_form(ctx: &Ctx, insp: &Inspection, findings: &[Finding]) -> Doc {
    let date = |at| ctx.now.local_date(at);
    let org = &ctx.org;
    let title = format!("{}安全生产问题隐患自查（督查）整改表", insp.facility);
    let number = insp
        .number
        .as_ref()
        .map(Number::code)
        .unwrap_or_else(|| insp.id.simple().to_string()[24..].to_uppercase());
    let mut blocks = vec![
        Block::P(Style::Title, title.clone()),
        Block::P(
            Style::Center,
            format!("检查编号：{number}　　检查方式：{}", mode_boxes(insp.mode)),
        ),
    ];
    let departments = {
        let mut d: Vec<&str> = insp.departments.iter().map(String::as_str).collect();
        for f in findings {
            if !f.department.is_empty() && !d.contains(&f.department.as_str()) {
                d.push(&f.department);
            }
        }
        d.join("、")
    };
    blocks.push(Block::Table(Table {
        widths: vec![26.0, 59.0, 26.0, 59.0],
        header: vec![],
        rows: vec![
            vec![
                Cell::head("被检查单位"),
                Cell::text(insp.facility.clone()),
                Cell::head("检查时间"),
                Cell::text(cn_date(date(insp.started_at))),
            ],
            vec![
                Cell::head("科　　室"),
                Cell::text(or_blank(&departments)),
                Cell::head("检查人员签名"),
                Cell::lines(vec![
                    format!("（{}）", insp.inspectors.join("、")),
                    String::new(),
                ])
                .min_mm(14.0),
            ],
        ],
        font_pt: 11.0,
    }));
    let header = vec![vec![
        Cell::head("序号"),
        Cell::head("科室/部位"),
        Cell::head("检查发现问题"),
        Cell::head("整改措施与意见"),
        Cell::head("整改时限"),
        Cell::head("责任人"),
        Cell::head("整改落实情况反馈和负责人签字"),
    ]];
    let mut rows: Vec<Vec<Cell>> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let tag = match &f.number {
                Some(n) => format!("{}　{}隐患", n.code(), f.severity.label()),
                None => format!("{}隐患", f.severity.label()),
            };
            let problem = match ctx.label_text(f.id) {
                Some(item) => format!("{}\n{item}\n{tag}", f.description),
                None => format!("{}\n{tag}", f.description),
            };
            let due = if f.fixed_on_spot {
                "立查立改".to_string()
            } else {
                f.due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "未定".into())
            };
            let feedback = if f.fixed_on_spot {
                "已当场整改".to_string()
            } else {
                signed_steps(ctx, f)
            };
            vec![
                Cell::center((i + 1).to_string()),
                Cell::text(place(f)),
                Cell::text(problem),
                Cell::text(f.measures.clone()),
                Cell::center(due),
                Cell::text(f.responsible.clone()),
                Cell::text(feedback),
            ]
            .into_iter()
            .map(|c| c.min_mm(15.0))
            .collect()
        })
        .collect();
    if rows.is_empty() {
        rows.push(vec![
            Cell::center("本次检查未发现问题隐患").span(7).min_mm(12.0),
        ]);
    }
    blocks.push(Block::Table(Table {
        widths: vec![8.0, 20.0, 46.0, 40.0, 17.0, 14.0, 25.0],
        header,
        rows,
        font_pt: 10.0,
    }));
    let sign = |label: &str, first: String| {
        vec![
            Cell::head(label),
            Cell::lines(vec![first, format!("签字：＿＿＿＿＿＿{YMD}")]).min_mm(20.0),
        ]
    };
    // The 复查人 recorded by name beside the confirmation signature (issue 18).
    let verifiers = {
        let mut v: Vec<String> = Vec::new();
        for f in findings {
            if let Some(s) = &f.verifier {
                let who = s.spoken();
                if !v.contains(&who) {
                    v.push(who);
                }
            }
        }
        v
    };
    let confirmed = if verifiers.is_empty() {
        String::new()
    } else {
        format!("复查人：{}", verifiers.join("、"))
    };
    blocks.push(Block::Table(Table {
        widths: vec![30.0, 140.0],
        header: vec![],
        rows: vec![
            sign("整改确认签字", confirmed),
            sign("分管领导签字", String::new()),
        ],
        font_pt: 11.0,
    }));
    let unit = if org.unit.is_empty() {
        org.issuer().to_string()
    } else {
        org.unit.clone()
    };
    blocks.push(Block::Space(3.0));
    if !org.authority.is_empty() && org.authority != unit {
        blocks.push(Block::P(Style::Plain, format!("抄送：{}", org.authority)));
    }
    blocks.push(Block::P(
        Style::Plain,
        format!(
            "检查单位：{}　　　　{}印发",
            or_blank(&unit),
            cn_date(date(insp.started_at))
        ),
    ));
    let labelled: Vec<(String, &Finding)> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| (photo_label(i + 1, f), f))
        .collect();
    blocks.extend(super::photos::block(ctx.photos, &labelled));
    Doc {
        title,
        author: org.issuer().to_string(),
        page_numbers: true,
        blocks,
    }
}

/// The signed steps of a hazard as the 整改表's feedback column prints them: who reported the
/// rectification and who checked it, by name and role, with the day (issue 18). Empty when
/// nobody signed by name (the column is then left for handwriting).
fn signed_steps(ctx: &Ctx, f: &Finding) -> String {
    let date = |at| cn_date(ctx.now.local_date(at));
    let mut lines = Vec::new();
    if let (Some(by), Some(at)) = (&f.rectified_by, f.rectified_at) {
        lines.push(format!("整改报告人：{}　{}", by.spoken(), date(at)));
    }
    if let (Some(v), Some(at)) = (&f.verifier, f.verified_at) {
        let verdict = if f.status == crate::domain::Status::Closed {
            "复查通过"
        } else {
            "复查不通过"
        };
        lines.push(format!("{verdict}　复查人：{}　{}", v.spoken(), date(at)));
    }
    lines.join("\n")
}

/// What a notice asks of one hazard: the 整改要求 (measures), then the 临时防范措施 to keep
/// until it is fixed, when one was recorded.
fn requirement(h: &NoticeHazard) -> String {
    match (h.measures.trim().is_empty(), h.interim.trim().is_empty()) {
        (_, true) => h.measures.clone(),
        (true, false) => format!("临时防范措施：{}", h.interim),
        (false, false) => format!("{}\n临时防范措施：{}", h.measures, h.interim),
    }
}

/// Column widths of a notice's hazard table (序号, 隐患编号, 科室/部位, 问题隐患, 整改要求, 等级),
/// in mm. The 隐患编号 column holds the widest number on one line (see the test below): a
/// number that wraps prints as two halves, and a clerk cannot read or search it. 37 mm wrapped
/// YH-2026-VWW-0004 in LibreOffice (CI, stop 31).
const HAZARD_WIDTHS: [f32; 6] = [10.0, 42.0, 21.0, 46.0, 41.0, 10.0];

fn hazard_header() -> Vec<Cell> {
    vec![
        Cell::head("序号"),
        Cell::head("隐患编号"),
        Cell::head("科室/部位"),
        Cell::head("问题隐患"),
        Cell::head("整改要求"),
        Cell::head("等级"),
    ]
}

fn hazard_rows(hazards: &[NoticeHazard]) -> Vec<Vec<Cell>> {
    hazards
        .iter()
        .enumerate()
        .map(|(i, h)| {
            vec![
                Cell::center((i + 1).to_string()),
                Cell::center(or_blank(&h.number)),
                Cell::text(h.place.clone()),
                Cell::text(h.description.clone()),
                Cell::text(requirement(h)),
                Cell::center(h.severity.label()),
            ]
            .into_iter()
            // A minimum height also keeps each row whole on one page (see `odt`).
            .map(|c| c.min_mm(8.0))
            .collect()
        })
        .collect()
}

/// One 四书 document: the step taken and every hazard listed under its 文号.
pub struct Notice<'a> {
    pub level: Escalation,
    /// The issuing step of each hazard (same 文号), with its finding, in listing order.
    pub items: Vec<(&'a Finding, &'a EscalationStep)>,
    pub inspection: Option<&'a Inspection>,
}

/// The document, from what the step fixed: reprinting it years later gives the same text.
pub fn notice(ctx: &Ctx, n: &Notice) -> Doc {
    let date = |at| ctx.now.local_date(at);
    let (first, step) = n.items[0];
    let issued: Option<&Issued> = step.issued.as_deref();
    let org = issued
        .map(|i| i.org.clone())
        .unwrap_or_else(|| ctx.org.clone());
    let self_check = n.inspection.is_some_and(|i| i.mode == Mode::SelfCheck);
    let issuer = if self_check && !org.unit.is_empty() {
        org.unit.clone()
    } else {
        org.issuer().to_string()
    };
    let hazard = |f: &Finding, s: &EscalationStep| {
        s.issued
            .as_ref()
            .map(|i| i.hazard.clone())
            .unwrap_or_else(|| NoticeHazard::of(f))
    };
    let facility = hazard(first, step).facility;
    let issue_day = date(step.at);
    let wenhao = issued
        .map(|i| i.wenhao.clone())
        .unwrap_or_else(|| "（未编号）".into());
    let due = issued.and_then(|i| i.due);
    let due_text = due.map(cn_date).unwrap_or_else(|| "立即".into());
    let cites = issued.map(|i| i.cites.clone()).unwrap_or_default();
    let earlier = |l: Escalation| -> (String, String, Option<chrono::NaiveDate>) {
        let s = first.escalations.iter().find(|s| s.level == l);
        (
            s.map(|s| cn_date(date(s.at)))
                .unwrap_or_else(|| BLANK.into()),
            s.and_then(|s| s.issued.as_ref().map(|i| i.wenhao.clone()))
                .or_else(|| cites.get(l as usize).cloned())
                .unwrap_or_else(|| "（未编号）".into()),
            s.and_then(|s| s.issued.as_ref().and_then(|i| i.due)),
        )
    };
    let book = match (n.level, self_check) {
        (Escalation::Notice, true) => "安全生产隐患整改通知单",
        (Escalation::Notice, false) => "安全生产隐患整改通知书",
        (Escalation::Interview, _) => "安全生产隐患警示约谈告知书",
        (Escalation::Referral, _) => "安全生产隐患责任追究建议书",
    };
    let count = n.items.len();
    // What each hazard was checked against, under its text (the inspection's checklist
    // version, so a reprint names the same item).
    let hazards: Vec<NoticeHazard> = n
        .items
        .iter()
        .map(|(f, s)| {
            let mut h = hazard(f, s);
            if let Some(item) = ctx.label_text(f.id) {
                h.description = format!("{}\n{item}", h.description);
            }
            h
        })
        .collect();
    let texts: Vec<[String; 3]> = hazards
        .iter()
        .map(|h| [h.place.clone(), h.description.clone(), requirement(h)])
        .collect();
    let mut blocks = vec![
        Block::P(Style::Authority, or_blank(&issuer)),
        Block::P(Style::Title, book.to_string()),
        Block::P(Style::Center, wenhao.clone()),
    ];
    let found = n
        .inspection
        .map(|i| {
            format!(
                "{}，{}对你单位开展{}",
                cn_date(date(i.started_at)),
                "我单位",
                mode_phrase(i.mode)
            )
        })
        .unwrap_or_else(|| format!("{}，经安全生产检查", cn_date(date(first.created_at))));
    let (addressee, body, cc) = match n.level {
        Escalation::Notice if self_check => (
            format!("{}：", or_blank(&hazard(first, step).responsible)),
            format!(
                "{found}，发现下列安全生产隐患（共{count}项）。请按所列整改措施于{due_text}前整改到位，\
                 整改完成前落实临时防范措施，确保安全，并将整改落实情况书面反馈{}。",
                or_blank(&issuer)
            ),
            String::new(),
        ),
        Escalation::Notice => (
            format!("{facility}："),
            format!(
                "{found}，发现你单位存在下列安全生产隐患（共{count}项）。请你单位按所列整改要求，\
                 于{due_text}前整改到位；整改完成前须落实临时防范措施，确保安全；整改完成后将整改\
                 落实情况书面报送我单位。逾期未整改或整改不到位的，将依照“四书”管理规定下发\
                 《安全生产隐患警示约谈告知书》。"
            ),
            String::new(),
        ),
        Escalation::Interview => {
            let (on, no, prev_due) = earlier(Escalation::Notice);
            (
                format!("{facility}："),
                format!(
                    "你单位于{on}接到《安全生产隐患整改通知书》（{no}）后，下列安全生产隐患（共{count}项）\
                     至{}仍未按要求整改到位。依照“四书”管理规定，定于＿＿＿＿年＿＿月＿＿日在\
                     ＿＿＿＿＿＿＿＿对你单位主要负责人、分管负责人进行公开警示约谈，约请你单位所属\
                     卫生健康行政部门主要负责人、分管负责人参加，并邀请新闻媒体参加。请携带隐患整改\
                     方案和整改落实情况书面材料准时参加，并于{due_text}前整改到位。",
                    prev_due
                        .map(cn_date)
                        .unwrap_or_else(|| "整改期限届满".into())
                ),
                format!("{facility}所属卫生健康行政部门"),
            )
        }
        Escalation::Referral => {
            let (on1, no1, _) = earlier(Escalation::Notice);
            let (on2, no2, _) = earlier(Escalation::Interview);
            (
                format!("{BLANK}（{facility}所属卫生健康行政部门或同级人民政府）："),
                format!(
                    "{facility}存在的下列安全生产隐患（共{count}项），经我单位于{on1}下发《安全生产隐患\
                     整改通知书》（{no1}）、于{on2}下发《安全生产隐患警示约谈告知书》（{no2}）并进行\
                     警示约谈后，仍未按要求整改。依照“四书”管理规定，建议依法依规追究该单位相关\
                     责任人的责任，督促其于{due_text}前整改到位，并将处理结果函告我单位。"
                ),
                facility.clone(),
            )
        }
    };
    // What the page holds besides the table, as printed; hazards that do not fit beside it at
    // 9 pt or more go to a 附页 after the 回执.
    let seal = format!("{}（盖章）", or_blank(&issuer));
    let contact = format!(
        "联系人：{}　　联系电话：{}",
        or_blank(&org.contact),
        or_blank(&org.phone)
    );
    let cc_line = (!cc.is_empty()).then(|| format!("抄送：{cc}"));
    let receipt_text = format!(
        "今收到{}《{book}》（{wenhao}），所列隐患共{count}项，整改期限{due_text}。",
        or_blank(&issuer)
    );
    // Who signed for it, as recorded (issue 18): printed beside the 签收人 line, else the line
    // is left for the signature and date by hand.
    let receipts: Vec<String> = step
        .receipts
        .iter()
        .map(|r| format!("{}　{}", r.by.spoken(), cn_date(date(r.at))))
        .collect();
    let promised: Vec<String> = step
        .receipts
        .iter()
        .filter(|r| !r.promise.is_empty())
        .map(|r| r.promise.clone())
        .collect();
    let returned = format!("请于签收后三日内将本回执交回{}。", or_blank(&issuer));
    let authority = or_blank(&issuer);
    let page = super::notice_fit::PageOne {
        authority: &authority,
        addressee: &addressee,
        body: &body,
        seal: &seal,
        contact: &contact,
        cc: cc_line.as_deref(),
        receipt: &receipt_text,
        promised: &promised,
        signed: &receipts,
        returned: &returned,
    };
    let widths = [HAZARD_WIDTHS[2], HAZARD_WIDTHS[3], HAZARD_WIDTHS[4]];
    let font = super::notice_fit::fit_font(&texts, &widths, &page);
    let attach = font.is_none();
    // A page that cannot hold even the notice without its table (a very long authority name
    // or recorded promise) starts the 回执 on a sheet of its own, whole, rather than letting
    // it run over the page's end.
    let receipt_apart = attach && !super::notice_fit::fits_with_attachment_line(&page);
    let body = if attach {
        body.replacen("下列安全生产隐患", "附页所列安全生产隐患", 1)
    } else {
        body
    };
    blocks.push(Block::P(Style::Plain, addressee));
    blocks.push(Block::P(Style::Body, body));
    if attach {
        blocks.push(Block::P(
            Style::Center,
            format!("隐患清单见附页（共{count}项）"),
        ));
    } else {
        blocks.push(Block::Table(Table {
            widths: HAZARD_WIDTHS.to_vec(),
            header: vec![hazard_header()],
            rows: hazard_rows(&hazards),
            font_pt: font.unwrap_or(9.0),
        }));
    }
    blocks.push(Block::P(Style::Right, seal));
    blocks.push(Block::P(Style::Right, cn_date(issue_day)));
    blocks.push(Block::P(Style::Small, contact));
    if let Some(line) = cc_line {
        blocks.push(Block::P(Style::Small, line));
    }
    // The 回执: cut off and returned by whoever received the document.
    if receipt_apart {
        blocks.push(Block::PageBreak);
    }
    blocks.push(Block::P(Style::Cut, "（沿此线剪下）".into()));
    blocks.push(Block::P(Style::Title, "回　执".into()));
    let receiver = if n.level == Escalation::Referral {
        "签收机关（盖章）"
    } else {
        "签收单位（盖章）"
    };
    let promise = if n.level == Escalation::Referral {
        "处理意见"
    } else {
        "整改承诺"
    };
    blocks.push(Block::P(Style::Body, receipt_text));
    let signed = if receipts.is_empty() {
        Cell::text(YMD)
    } else {
        Cell::lines(receipts)
    };
    blocks.push(Block::Table(Table {
        widths: vec![34.0, 56.0, 18.0, 62.0],
        header: vec![],
        rows: vec![
            vec![
                Cell::head(promise),
                if promised.is_empty() {
                    Cell::text("")
                } else {
                    Cell::lines(promised)
                }
                .span(3)
                .min_mm(13.0),
            ],
            vec![
                Cell::head(receiver),
                Cell::text("").min_mm(10.0),
                Cell::head("签收人"),
                signed,
            ],
        ],
        font_pt: 10.5,
    }));
    blocks.push(Block::P(Style::Small, returned));
    if attach {
        // The 附页: every hazard, numbered; the first header row (title, 文号, count) repeats
        // on each page the list runs onto, so every sheet names its document.
        blocks.push(Block::PageBreak);
        blocks.push(Block::P(Style::Title, "附　页".into()));
        blocks.push(Block::Table(Table {
            widths: HAZARD_WIDTHS.to_vec(),
            header: vec![
                vec![Cell::head(format!("《{book}》（{wenhao}）隐患清单（共{count}项）")).span(6)],
                hazard_header(),
            ],
            rows: hazard_rows(&hazards),
            font_pt: 10.0,
        }));
    }
    let labelled: Vec<(String, &Finding)> = n
        .items
        .iter()
        .enumerate()
        .map(|(i, (f, _))| (photo_label(i + 1, f), *f))
        .collect();
    blocks.extend(super::photos::block(ctx.photos, &labelled));
    Doc {
        title: format!("{book}（{wenhao}）"),
        author: issuer,
        page_numbers: attach,
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::HAZARD_WIDTHS;

    #[test]
    fn the_widest_hazard_number_fits_its_notice_column_on_one_line() {
        // YH-2026-WWW-10000: a device code of three W (the widest letter of the code
        // alphabet) and a five-digit sequence, measured by the font LibreOffice prints it in
        // (`wrap`), at the 附页's 10 pt, plus the cell's 0.8 mm padding on each side and its
        // 0.6 pt rules. At 37 mm, YH-2026-VWW-0004 (37.8 mm by this sum) wrapped.
        let em = super::super::wrap::text_em("YH-2026-WWW-10000") as f32;
        let text_mm = em * 10.0 * 25.4 / 72.0;
        let cell_mm = text_mm + 2.0 * 0.8 + 0.6 * 25.4 / 72.0;
        assert!(
            HAZARD_WIDTHS[1] >= cell_mm,
            "隐患编号 column {} mm, the widest number needs {cell_mm:.1} mm",
            HAZARD_WIDTHS[1]
        );
    }
}
