#!/usr/bin/env python3
"""Authoring source for the Japanese built-in catalogs, the ISO 27001 Annex A outline and our own crosswalks.

All descriptions are mamori's own paraphrases of the facts in the project's reference notes
(jp-frameworks.md, cpsf.md). Official Japanese titles appear only as identifiers. Running this script
rewrites the JSON files in ../data, which are what the crate embeds.
"""
import json, os
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
def I(ja, en): return {"ja": ja, "en": en}
def dump(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1); f.write("\n")
def node(ref, title, parent=None, kind="requirement", assessable=False, text=None, tags=(), ver="verified", **kw):
    n = {"ref_id": ref}
    if parent: n["parent"] = parent
    n["kind"] = kind; n["assessable"] = assessable; n["title"] = title
    if text: n["text"] = text
    if tags: n["tags"] = list(tags)
    n["verification"] = ver
    n.update(kw)
    return n
def T(t, v): return {"type": t, "value": v}
IMPL = {"id": "implementation-status", "kind": "implementation_status", "name": I("実施状況", "Implementation status"),
        "levels": [{"value": -1, "label": I("対象外", "Not applicable")}, {"value": 0, "label": I("未実施", "Not implemented")},
                   {"value": 1, "label": I("一部実施", "Partially implemented")}, {"value": 2, "label": I("概ね実施", "Largely implemented")},
                   {"value": 3, "label": I("実施", "Fully implemented")}], "verification": "own"}

# ---------------------------------------------------------------- Management Guidelines v3.0
G_SRC = [
    {"title": "サイバーセキュリティ経営ガイドライン Ver 3.0 (METI / IPA)", "url": "https://www.meti.go.jp/policy/netsecurity/mng_guide.html", "date": "2023-03-24"},
    {"title": "IPA プラクティス・ナビ (指示4, 6, 7, 8, 9 titles)", "url": "https://www.ipa.go.jp/security/economics/practice/practices/Practice210", "note": "also Practice221, Practice226, Practice233, Practice236"},
    {"title": "Secondary explainers of Ver 3.0 (principle wording, titles of 指示1–3, 5, 10)", "url": "https://www.nri-secure.co.jp/glossary/cyber-security-guideline", "note": "see also https://note.com/yohayasaka/n/n14c044f343f2 and https://imagazine.co.jp/?p=59112"},
]
principles = [
    ("P1", I("サイバーリスクを全社リスク管理の重要課題とし、経営者自身が主導して対策を進める。", "Treat cyber risk as a core enterprise-risk issue and lead the response personally.")),
    ("P2", I("自社に限らず国内外拠点・取引先・委託先までサプライチェーン全体に目を配る。", "Responsibility extends across the supply chain: domestic and overseas sites, partners, contractors.")),
    ("P3", I("顧客・株主等の関係者と平時から積極的に意思疎通を図る。", "Keep active communication with stakeholders (customers, shareholders, …) in normal times and in emergencies.")),
]
GROUPS = {"A": I("管理体制構築", "Management structure"), "B": I("リスクの特定と対策の実装", "Identify risk and implement measures"),
          "C": I("インシデント発生に備えた体制構築", "Incident readiness"), "D": I("サプライチェーンセキュリティ対策の推進", "Supply-chain security"),
          "E": I("ステークホルダーを含めた関係者とのコミュニケーションの推進", "Stakeholder communication")}
directives = [
    (1, "A", "サイバーセキュリティリスクの認識、組織全体での対応方針の策定", "Recognise cyber risk; set an organisation-wide security policy.", "リスクを認識し、全社の対応方針を定める", False),
    (2, "A", "サイバーセキュリティリスク管理体制の構築", "Build the management structure: roles, a responsible executive (CISO), link to enterprise risk management.", "責任者と体制を整え、全社リスク管理と連動させる", False),
    (3, "A", "サイバーセキュリティ対策のための資源(予算、人材等)確保", "Secure budget and staff, including training and \"plus-security\" people.", "予算・人材を確保し育成する", False),
    (4, "B", "サイバーセキュリティリスクの把握とリスク対応に関する計画の策定", "Identify the assets and information the business relies on, assess threats (incl. mistakes and insiders), plan the response and name the residual risk.", "守るべき資産と脅威からリスクを特定し、対応計画と残留リスクを明確にする", True),
    (5, "B", "サイバーセキュリティリスクに効果的に対応する仕組みの構築", "Put protective, detective and analytical mechanisms in place (layered defence, monitoring, vulnerability handling).", "防御・検知・分析の仕組み(多層防御等)を整える", False),
    (6, "B", "PDCAサイクルによるサイバーセキュリティ対策の継続的改善", "Run PDCA with regular reports to executives, and disclose improvements to earn trust.", "定期報告で問題を早く見つけPDCAで改善し、改善状況を開示する", True),
    (7, "C", "インシデント発生時の緊急対応体制の整備", "Build incident-response capability (CSIRT etc.) covering control systems and the supply chain; know whom to notify and what to disclose; exercise.", "CSIRT等の緊急対応体制、通知先と開示内容の把握、実践的な演習", True),
    (8, "C", "インシデントによる被害に備えた事業継続・復旧体制の整備", "Set recovery targets from business impact, with procedures and teams aligned to the BCP; exercise with the supply chain.", "復旧目標・手順・体制を整え、BCPと整合させ、サプライチェーンを含めて演習する", True),
    (9, "D", "ビジネスパートナーや委託先等を含めたサプライチェーン全体の状況把握及び対策", "Know the posture of sites, partners and contractors; fix roles in contracts; help partners implement measures.", "拠点・取引先・委託先の状況を把握し、契約で役割と責任を明確にし、導入を支援する", True),
    (10, "E", "サイバーセキュリティに関する情報の収集、共有及び開示の促進", "Collect threat information, join sharing activities, and report and disclose incidents and measures appropriately.", "情報収集と情報共有活動への参加、適切な報告・開示", False),
]
# Our questionnaire: four subjects per directive (ja noun phrase, en noun phrase).
Q = {
 1: [("経営層によるサイバーリスクの全社リスクとしての認識", "Executive recognition of cyber risk as an enterprise risk"),
     ("全社のセキュリティ方針の策定と経営者の承認", "An organisation-wide security policy approved by executives"),
     ("方針の社内外への周知", "Communication of the policy inside and outside the organisation"),
     ("事業環境の変化に応じた方針の見直し", "Review of the policy as the business environment changes")],
 2: [("セキュリティ責任者(CISO等)の任命と権限の明確化", "Appointment of a responsible executive (e.g. CISO) with clear authority"),
     ("セキュリティ管理の役割と責任の文書化", "Documented security roles and responsibilities"),
     ("全社リスク管理体制とセキュリティ管理の連携", "Linkage between enterprise risk management and security management"),
     ("グループ会社・拠点を含めた管理体制の整備", "A management structure that covers group companies and sites")],
 3: [("セキュリティ対策予算の確保", "A dedicated budget for security measures"),
     ("セキュリティ人材の確保と配置", "Securing and assigning security staff"),
     ("役割に応じた教育・訓練の計画と実施", "Role-based education and training"),
     ("外部専門家・サービスの活用方針", "A policy for using outside experts and services")],
 4: [("守るべき情報・システムの特定", "Identification of the information and systems to protect"),
     ("脅威と影響の評価によるリスクの把握", "Risk identification by assessing threats and impact"),
     ("リスク対応計画の策定(低減・移転・回避・受容)", "A risk treatment plan (reduce, transfer, avoid, accept)"),
     ("残留リスクの明確化と経営層の受容判断", "Stated residual risk accepted by executives")],
 5: [("多層防御による保護の仕組み", "Layered protective measures"),
     ("攻撃や異常の検知・監視の仕組み", "Detection and monitoring of attacks and anomalies"),
     ("脆弱性情報の収集と対処の仕組み", "Handling of vulnerability information"),
     ("ログの取得・保管と分析", "Collection, retention and analysis of logs")],
 6: [("対策の実施状況の定期的な評価", "Regular evaluation of how measures are carried out"),
     ("経営層への定期的な報告", "Regular reporting to executives"),
     ("評価結果に基づく改善計画と実行", "Improvement plans based on evaluation, and their execution"),
     ("改善状況の社外への開示", "Disclosure of improvements to outside stakeholders")],
 7: [("インシデント対応体制(CSIRT等)の整備", "An incident-response team (e.g. CSIRT)"),
     ("初動対応手順(証拠保全・社内連絡等)の整備", "First-response procedures (evidence preservation, internal notification)"),
     ("報告先・開示内容の整理", "A list of parties to notify and what to disclose"),
     ("実践的な演習の実施", "Realistic incident exercises")],
 8: [("事業影響に基づく復旧目標の設定", "Recovery targets based on business impact"),
     ("復旧手順と体制の整備", "Recovery procedures and teams"),
     ("事業継続計画(BCP)との整合", "Alignment with the business continuity plan"),
     ("サプライチェーンを含めた復旧演習", "Recovery exercises that include the supply chain")],
 9: [("サイバーリスクを伴う取引先・委託先の特定", "Identification of partners and contractors that carry cyber risk"),
     ("取引先・委託先のセキュリティ状況の把握", "Knowledge of partners' and contractors' security status"),
     ("契約による役割と責任の明確化", "Roles and responsibilities fixed in contracts"),
     ("取引先の対策導入への支援", "Support for partners in implementing measures")],
 10: [("脅威情報の継続的な収集", "Continuous collection of threat information"),
      ("情報共有活動への参加", "Participation in information-sharing activities"),
      ("インシデント時の関係機関への報告", "Reporting incidents to the relevant authorities"),
      ("対策状況の適切な開示", "Appropriate disclosure of security measures")],
}
LV_JA = ["{s}は行われていない。", "{s}は担当者任せで場当たり的に行われている。", "{s}は一部の部門で定められ、行われている。",
         "{s}は文書化され、全社で行われている。", "{s}は指標で測定され、経営層に定期報告されている。", "{s}は測定結果に基づき継続的に改善されている。"]
LV_EN = ["{s}: not in place.", "{s}: done ad hoc, depending on individuals.", "{s}: defined and done in part of the organisation.",
         "{s}: documented and done organisation-wide.", "{s}: measured and reported to executives regularly.", "{s}: continuously improved based on measurements."]
MAT = {"id": "maturity-0-5", "kind": "maturity", "name": I("成熟度 (0–5、mamori 独自)", "Maturity 0–5 (mamori's own)"),
       "levels": [{"value": i, "label": I(ja, en)} for i, (ja, en) in enumerate([("未実施", "Not performed"), ("場当たり的", "Ad hoc"), ("一部定義", "Partly defined"),
                  ("全社で文書化", "Defined organisation-wide"), ("測定・管理", "Measured"), ("継続的改善", "Continuously improving")])],
       "verification": "own"}
gn = [node("principles", I("経営者が認識すべき3原則", "Three principles for executives"), kind="group")]
for ref, t in principles:
    gn.append(node(ref, t, "principles", text=t, ver="unverified", note="Ver 3.0 emphasis; wording paraphrased from secondary explainers."))
gn.append(node("directives", I("重要10項目", "Ten important items (directives)"), kind="group"))
for g, t in GROUPS.items():
    gn.append(node(f"group-{g}", t, "directives", kind="group", tags=[T("directive_group", g)]))
for num, g, title_ja, en, ja, verified in directives:
    ref = f"指示{num}"
    gn.append(node(ref, I(title_ja, en), f"group-{g}", text=I(ja, en), tags=[T("directive_group", g)],
                   ver="verified" if verified else "unverified",
                   note=None if verified else "Ver 3.0 title identifier not confirmed from a primary source."))
    if not gn[-1]["note"]: del gn[-1]["note"]
gn.append(node("questionnaire", I("成熟度セルフチェック(mamori 独自の設問)", "Maturity self-check (mamori's own questions)"), kind="group", ver="own",
               text=I("各指示に沿った mamori 独自の設問です。IPA の可視化ツールの設問ではありません。", "Questions written by the mamori project, aligned to the directives. They are not the questions of IPA's visualization tool.")))
for num, _, _, _, _, _ in directives:
    for k, (sja, sen) in enumerate(Q[num], 1):
        gn.append(node(f"Q{num}-{k}", I(sja, sen), "questionnaire", kind="criterion", assessable=True, ver="own",
                       text=I(f"指示{num}に関する設問: 「{sja}」はどの程度行われていますか。", f"Directive {num}: to what level is this in place — {sen[0].lower() + sen[1:]}?"),
                       tags=[T("directive_group", directives[num-1][1]), T("free", f"指示{num}")],
                       scale="maturity-0-5",
                       level_descriptors=[{"value": i, "text": I(LV_JA[i].format(s=sja), LV_EN[i].format(s=sen))} for i in range(6)]))
dump("meti-cyber-management-guidelines-3.0.json", {
    "id": "meti-cyber-management-guidelines-3.0",
    "name": I("サイバーセキュリティ経営ガイドライン Ver 3.0", "Cybersecurity Management Guidelines Ver 3.0"),
    "publisher": "METI / IPA", "version": "3.0", "published": "2023-03-24",
    "description": I("経営者が認識すべき3原則と、経営者がCISO等に指示すべき重要10項目。設問は mamori 独自。", "Three principles executives must recognise and ten items they instruct the responsible executive to carry out. The questionnaire is mamori's own."),
    "provenance": G_SRC,
    "licence_note": "Principles and directives are mamori's own paraphrases; official Japanese directive titles are used as identifiers only. The maturity questionnaire and level wording are mamori's own (not IPA's visualization tool).",
    "verification": "secondary", "scales": [MAT], "default_scale": "maturity-0-5", "nodes": gn,
    "notes": ["IPA's visualization tool v2.0 has 40 questions; its wording and maturity levels are not reproduced here.",
              "Questions Q<n>-<k> are aligned to 指示<n>; the 0–5 descriptors follow one pattern and are configurable."],
})

# ---------------------------------------------------------------- SCS
SCS_CAT = [(1, "ガバナンスの整備", "Governance"), (2, "取引先管理", "Supplier management"), (3, "リスクの特定", "Identify risk"),
           (4, "攻撃等の防御", "Protect against attacks"), (5, "攻撃等の検知", "Detect attacks"), (6, "インシデントへの対応", "Respond to incidents"),
           (7, "インシデントからの復旧", "Recover from incidents")]
S3 = [("1-2-1", 3, "Security roles and authority (responsible executive, security department), a contact list, and a yearly review.", "セキュリティの役割と権限(責任者・担当部署)、連絡先一覧、年1回の見直し。"),
      ("1-2-3", 2, "Confidentiality rules for officers, employees and agency or seconded staff, explained when they join.", "役員・従業員・派遣等の守秘義務を定め、着任時に説明する。"),
      ("1-3-1", 3, "A company security policy available to all staff, with revisions announced.", "全従業員が参照できるセキュリティ方針と、改訂時の周知。"),
      ("2-1-1", 2, "Know which external systems your assets connect to (customers, subsidiaries, cloud), reviewed yearly.", "自社資産が接続する外部システム(顧客・子会社・クラウド)を把握し、年1回見直す。"),
      ("2-1-2", 1, "Before sharing confidential information, agree its definition, use, storage, copying, onward sharing and return or destruction.", "機密情報を共有する前に、定義・利用・保管・複製・再提供・返却/廃棄を合意する。"),
      ("2-1-4", 1, "Agree incident-time roles with parties that hold your confidential information.", "機密情報を預ける相手とインシデント時の役割を合意する。"),
      ("3-1-1", 4, "Inventory PCs, thin clients, servers, VMs and hypervisors; management rules including patching; yearly check.", "PC・シンクライアント・サーバ・仮想基盤の台帳、パッチ適用を含む管理ルール、年1回の確認。"),
      ("3-1-2", 2, "Inventory networks and network devices (maker, model, maintainer).", "ネットワークとネットワーク機器(メーカー・型番・保守者)の台帳。"),
      ("3-1-3", 2, "For external services that handle confidential information: set requirements, check each service, agree confidentiality.", "機密情報を扱う外部サービスの要件設定、個別確認、守秘の合意。"),
      ("3-1-4", 3, "Classification and handling rules reviewed yearly; a register of important confidential information.", "分類・取扱ルールの年次見直しと、重要な機密情報の台帳。"),
      ("4-1-1", 4, "User IDs issued only on approved request; no sharing (or sharing is traceable); prompt disabling.", "承認された申請によるユーザID発行、共用禁止(または追跡可能)、速やかな無効化。"),
      ("4-1-2", 8, "Administrator IDs: a named owner per device, few holders, no sharing or traceable use, least privilege, no developer admin rights in production, inventory, prompt removal, approval, restricted configuration changes.", "管理者ID:機器ごとの管理者、最小限の保有者、共用禁止または追跡可能、最小権限、本番での開発者管理権限の禁止、台帳、速やかな削除、承認、設定変更の制限。"),
      ("4-1-3", 4, "Authenticate every ID; multi-factor authentication for cloud services holding important confidential information; passwords of at least 8 characters.", "全IDの認証、重要な機密情報を扱うクラウドでの多要素認証、8文字以上のパスワード。"),
      ("4-1-4", 2, "PCs and smart devices lock or throttle after at most 10 failures (or a compensating control); PIN of at least 6 digits.", "PC・スマートデバイスで10回以内の失敗でロック等(または代替策)、6桁以上のPIN。"),
      ("4-1-5", 5, "Change defaults; no guessable words; at least 8 characters with MFA or lockout, otherwise at least 10 mixed; no reuse; tell staff.", "初期値の変更、推測されやすい語の禁止、MFA/ロック併用で8文字以上・それ以外は10文字以上の複雑なもの、使い回し禁止、従業員への周知。"),
      ("4-1-6", 3, "Store passwords safely; change them on (suspected) leak; tell staff.", "パスワードの安全な保管、漏えい(の疑い)時の変更、従業員への周知。"),
      ("4-1-7", 1, "Access rights to systems, PCs and rooms: approval, least necessary, periodic review, register.", "システム・PC・部屋へのアクセス権の承認、必要最小限、定期的な棚卸、台帳。"),
      ("4-2-2", 3, "Incident-response training at onboarding and yearly (beyond handouts), with records and a yearly content review.", "着任時と年1回のインシデント対応教育(資料配布のみでない)、記録、内容の年次見直し。"),
      ("4-3-4", 3, "Backups with defined scope, frequency and retention; an offsite copy of important information; restore procedures.", "対象・頻度・保管期間を定めたバックアップ、重要情報のオフサイト保管、復元手順。"),
      ("4-4-1", 3, "Block unapproved software; disable autorun; approved server and network configuration changes.", "未承認ソフトウェアの禁止、自動実行の無効化、サーバ・ネットワーク設定変更の承認。"),
      ("4-4-4", 2, "Supported software only; isolate or remove end-of-support software; patch critical/high (CVSS 7.0 or above, or unrated) within 14 days, otherwise mitigate.", "サポート中のソフトウェアのみ使用、サポート終了品の隔離・撤去、重大/高(CVSS 7.0以上または未評価)の修正を14日以内に適用、できなければ緩和策。"),
      ("4-4-5", 3, "Anti-malware on networked PCs and servers; scan scope and frequency; signature updates.", "ネットワーク接続PC・サーバへのマルウェア対策、スキャン範囲と頻度、定義更新。"),
      ("4-5-1", 7, "Firewalls and routers: strong unique admin passwords (or no remote admin), change procedure, meet 4-1-5, block unauthenticated inbound traffic, documented rules, remove stale rules, MFA or IP allow-list for remote changes.", "ファイアウォール・ルータ:強固で固有の管理者パスワード(またはリモート管理なし)、変更手順、4-1-5の充足、未認証の受信遮断、ルールの文書化、不要ルールの削除、リモート変更時のMFAまたはIP制限。"),
      ("5-1-1", 3, "Real-time detection and blocking of malicious traffic in both directions; analysis of logs and alerts to declare incidents; quick alert and first report.", "双方向の不正通信のリアルタイム検知・遮断、ログ・アラート分析によるインシデント判断、迅速な警報と第一報。"),
      ("6-1-1", 6, "Procedure from report to initial response, investigation, recovery and final report; contacts including regulators; roles; yearly review; report template; yearly sharing of lessons.", "報告から初動・調査・復旧・最終報告までの手順、規制当局を含む連絡先、役割、年次見直し、報告様式、教訓の年次共有。"),
      ("7-1-1", 1, "Recovery targets for critical systems under attack scenarios, with the means to meet them (standby or cloud, or manual fallback).", "攻撃シナリオを想定した重要システムの復旧目標と手段(待機系・クラウドまたは手作業での代替)。")]
S4 = [("1-1-1", "Legal, contractual and internal-rule requirements.", "法令・契約・社内規程上の要求事項。"),
      ("1-2-2", "A monitoring and analysis organisation (SOC-like).", "監視・分析の体制(SOC相当)。"),
      ("1-4-1", "An improvement plan with executive reporting and approval.", "経営層への報告・承認を伴う改善計画。"),
      ("2-1-3", "Periodic security assessment of suppliers.", "取引先の定期的なセキュリティ評価。"),
      ("2-1-5", "Return or destruction of information and removal of access at contract end.", "契約終了時の情報の返却・廃棄とアクセス権の削除。"),
      ("3-1-5", "Remote work and personal devices (BYOD).", "テレワークと私物端末(BYOD)。"),
      ("3-2-1", "Vulnerability management.", "脆弱性管理。"),
      ("4-1-8", "Physical access to server areas.", "サーバ設置場所への物理的アクセス。"),
      ("4-1-9", "Removable media.", "外部記録媒体。"),
      ("4-2-1", "Organisation-wide awareness training.", "全社的なセキュリティ意識向上教育。"),
      ("4-3-1", "Encryption of stored data.", "保存データの暗号化。"),
      ("4-3-2", "Storage location and retention of information.", "情報の保管場所と保存期間。"),
      ("4-3-3", "Rules for sharing information with suppliers.", "取引先との情報共有ルール。"),
      ("4-4-2", "Management of end-of-support products.", "サポート終了製品の管理。"),
      ("4-4-3", "Log collection, retention and review.", "ログの取得・保管・確認。"),
      ("5-1-2", "Endpoint behaviour monitoring (EDR-like).", "端末の挙動監視(EDR相当)。"),
      ("5-2-1", "Incident analysis and triage.", "インシデントの分析とトリアージ。")]
assert len(S3) == 26 and sum(c for _, c, _, _ in S3) == 81 and len(S4) == 17
sn = []
for num, ja, en in SCS_CAT:
    sn.append(node(f"category-{num}", I(ja, en), kind="group", tags=[T("scs_category", num)], ver="secondary"))
reqs = [(r, c, en, ja, True) for r, c, en, ja in S3] + [(r, None, en, ja, False) for r, en, ja in S4]
reqs.sort(key=lambda x: [int(p) for p in x[0].split("-")])
for r, c, en, ja, star3 in reqs:
    cat = int(r.split("-")[0])
    tags = [T("scs_category", cat)] + ([T("scs_level", "star3"), T("scs_level", "star4")] if star3 else [T("scs_level", "star4")])
    extra = {"note": f"★3 requirement with {c} criteria; criterion wording is in the IPA Excel and is not shipped."} if star3 else \
            {"note": "★4-only requirement; its criteria are not listed individually in our sources, so the requirement itself is the assessable unit."}
    sn.append(node(r, I(ja, en), f"category-{cat}", assessable=not star3, text=I(ja, en), tags=tags, ver="secondary", **extra))
    if star3:
        for k in range(1, c + 1):
            sn.append(node(f"{r}-{k}", I(f"{r} 評価基準 {k}", f"{r} criterion {k}"), r, kind="criterion", assessable=True,
                           tags=[T("scs_category", cat), T("scs_level", "star3")], ver="secondary",
                           note="Criterion number from the requirement's criteria count; official wording in the IPA Excel (import to fill)."))
dump("meti-scs-evaluation.json", {
    "id": "meti-scs-evaluation",
    "name": I("サプライチェーン強化に向けたセキュリティ対策評価制度 (SCS評価制度) ★3/★4", "Security evaluation scheme for strengthening supply chains (SCS) ★3/★4"),
    "publisher": "METI / Cabinet Secretariat; operated by IPA", "version": "criteria 2026-03-27", "published": "2026-03-27",
    "description": I("★3: 26要求事項・81評価基準。★4: ★3の26に17を加えた43要求事項。", "★3: 26 requirements with 81 criteria. ★4: 43 requirements (the 26 plus 17 ★4-only)."),
    "provenance": [{"title": "METI press release, final construction policy", "url": "https://www.meti.go.jp/press/2025/03/20260327001/20260327001.html", "date": "2026-03-27"},
                   {"title": "IPA requirements and criteria Excel (20260327001-c.xlsx)", "url": "https://www.ipa.go.jp/security/scs/rcu1hd0000007a2i-att/20260327001-c.xlsx", "date": "2026-03-27", "note": "IPA revised the file on 2026-04-21; this catalog follows the 2026-03-27 set."},
                   {"title": "Secondary transcriptions and explainers of the requirement list", "url": "https://www.nri-secure.co.jp/blog/meti-security-measures-assessment-system-for-strengthening-supply-chains-compliance-guide", "note": "The requirement list and counts are not confirmed from a primary source."}],
    "licence_note": "Requirement summaries are mamori's own paraphrases; requirement ids are IPA's. Criterion wording is not shipped.",
    "verification": "secondary",
    "scales": [{"id": "pass-fail", "kind": "pass_fail", "name": I("適合／不適合", "Pass / fail"),
                "levels": [{"value": 0, "label": I("不適合", "Not met")}, {"value": 1, "label": I("適合", "Met")}],
                "pass_rule": I("★3 はすべての評価基準を満たす必要がある(部分点なし、二次情報)。", "★3 requires every criterion to be met; there is no partial score (secondary source)."),
                "verification": "secondary"}],
    "default_scale": "pass-fail", "nodes": sn,
    "notes": ["criteria_version 2026-03-27; store it on every assessment.",
              "★4 adds about 72 criteria (secondary); they are not listed individually.",
              "Criterion nodes <requirement>-<n> follow the numbering pattern the criteria use (e.g. 1-2-1-1 … 1-2-1-3); their wording must be imported from the IPA Excel."],
})

# ---------------------------------------------------------------- SECURITY ACTION
RULES = [I("OSやソフトウェアは常に最新の状態にしよう", "Keep the OS and software up to date."),
         I("ウイルス対策ソフトを導入しよう", "Install anti-virus software and keep its definitions updating automatically."),
         I("パスワードを強化しよう", "Use strong passwords: long, complex, not reused; use multi-factor authentication where offered."),
         I("共有設定を見直そう", "Review sharing settings of web and cloud services, networked printers, cameras and NAS; turn off unused features."),
         I("脅威や攻撃の手口を知ろう", "Keep learning about threats and attack methods from IPA and other trusted sources.")]
CHECKS = [("basic", "基本的対策", "Basic measures", [
             ("OS・ソフトウェアを最新に保つ", "Keep the OS and software up to date"), ("ウイルス対策ソフトと定義ファイルを最新に保つ", "Anti-virus with current definitions"),
             ("長く複雑なパスワードを使う", "Long, complex passwords"), ("重要情報へのアクセス制限(共有フォルダ・NAS・複合機等)", "Access limits on important information (shares, NAS, printers)"),
             ("新しい脅威を知り社内で共有する", "Learn about new threats and share them internally")]),
          ("employee", "従業員としての対策", "Measures as an employee", [
             ("添付ファイルやリンクに注意する", "Care with attachments and links"), ("メール・FAXの誤送信を防ぐ", "Prevent mis-sent e-mail and fax"),
             ("重要情報をメールで送る際に保護する", "Protect important information sent by e-mail"), ("無線LANを暗号化する", "Encrypted wireless LAN"),
             ("Web・SNSを安全に利用する", "Safe use of the web and social media"), ("バックアップを取る", "Backups"),
             ("書類・媒体を安全に保管する", "Store papers and media safely"), ("書類・媒体の持ち出しに注意する", "Care when taking papers and media out"),
             ("離席時に画面をロックする", "Lock the screen when away"), ("部外者の立ち入りを制限する", "Restrict outsiders' entry"),
             ("退社時にノートPC等を施錠保管する", "Lock away laptops at close of business"), ("無人時に事務所を施錠する", "Lock the office when empty"),
             ("復元できない方法で廃棄する", "Dispose of information so it cannot be recovered")]),
          ("organisation", "組織としての対策", "Measures as an organisation", [
             ("従業員に守秘義務を守らせる", "Staff keep confidentiality duties"), ("セキュリティ教育を行う", "Security education"),
             ("私物端末の業務利用ルールを定める", "Rules for personal devices (BYOD)"), ("取引先と守秘の取り決めをする", "Confidentiality clauses with partners"),
             ("外部サービス・クラウドの安全性を確認する", "Check the safety of external and cloud services"), ("インシデントに備える", "Incident preparation"),
             ("1〜24を規則として文書化し周知する", "Written rules covering items 1–24, made known")])]
an = [node("star1", I("★ 一つ星: 情報セキュリティ5か条", "★ One star: the five information-security rules"), kind="group", ver="secondary")]
for i, t in enumerate(RULES, 1):
    an.append(node(f"rule-{i}", t, "star1", assessable=True, text=t, scale="implementation-status", ver="secondary"))
an.append(node("star2", I("★★ 二つ星: 5分でできる!情報セキュリティ自社診断(25項目)", "★★ Two stars: the 25-item self-check"), kind="group", ver="secondary",
               text=I("25項目の自社診断を実施し、情報セキュリティ基本方針を定めて公開する。", "Complete the 25-item self-check, and set and publish an information-security basic policy.")))
num = 0
for gid, ja, en, items in CHECKS:
    an.append(node(f"check-{gid}", I(ja, en), "star2", kind="group", ver="secondary"))
    for ija, ien in items:
        num += 1
        an.append(node(f"check-{num}", I(ija, ien), f"check-{gid}", assessable=True, scale="self-check-points",
                       ver="unverified" if num >= 22 else "secondary", **({"note": "Item order and topic for 22–25 not confirmed from a primary source."} if num >= 22 else {})))
assert num == 25
dump("ipa-security-action.json", {
    "id": "ipa-security-action",
    "name": I("SECURITY ACTION(★ 一つ星/★★ 二つ星)", "IPA SECURITY ACTION (★ / ★★)"),
    "publisher": "IPA", "version": "SME Guidelines 3.1 (appendices 1 and 3)", "published": "2023-04-26",
    "description": I("中小企業の自己宣言制度。★は5か条、★★は25項目の自社診断と基本方針。", "SME self-declaration scheme: ★ declares the five rules; ★★ completes the 25-item self-check and publishes a basic policy."),
    "provenance": [{"title": "中小企業の情報セキュリティ対策ガイドライン 第3.1版 付録1・付録3 (IPA)", "url": "https://www.ipa.go.jp/security/guide/sme/about.html", "date": "2023-04-26"},
                   {"title": "Tokyo CyberSecurity HandBook 2024 (secondary)", "url": "https://shanaitaisei.metro.tokyo.lg.jp/Tokyo_CyberSecurity_HandBook_2024_Text/02/page-2-2.html"},
                   {"title": "SECURITY ACTION explainers (secondary)", "url": "https://e-words.jp/w/SECURITY_ACTION.html"}],
    "licence_note": "Rule and item summaries are mamori's own paraphrases; the Japanese rule headings are used as identifiers. A self-declaration, not a certification.",
    "verification": "secondary",
    "scales": [IMPL, {"id": "self-check-points", "kind": "points", "name": I("自社診断の回答", "Self-check answer"),
                      "levels": [{"value": 4, "label": I("実施している", "Done")}, {"value": 2, "label": I("一部実施している", "Partly done")},
                                 {"value": 0, "label": I("実施していない", "Not done")}, {"value": -1, "label": I("わからない", "Don't know")}],
                      "bands": [{"min": 100, "max": 100, "label": I("入門レベル達成。さらに上を目指す。", "Entry level reached; aim higher."), "verification": "secondary"},
                                {"min": 70, "max": 99, "label": I("70〜99点", "70–99 points"), "verification": "unverified"},
                                {"min": 50, "max": 69, "label": I("50〜69点", "50–69 points"), "verification": "unverified"},
                                {"min": -25, "max": 49, "label": I("50点未満", "Below 50 points"), "verification": "unverified"}],
                      "verification": "secondary"}],
    "default_scale": "implementation-status", "nodes": an,
    "notes": ["Self-check maximum is 100 (25 × 4). Band messages below 100 are not confirmed; labels here are ranges only.",
              "A sixth rule (backups) in a 2026 edition is unverified and not shipped."],
})

# ---------------------------------------------------------------- ISO/IEC 27001:2022 Annex A (our own topic labels)
ISO = {5: ("組織的管理策", "Organisational controls", [
  ("セキュリティ方針群", "Security policy set"), ("セキュリティの役割分担", "Security roles"), ("職務の分離", "Separating duties"), ("管理者の責務", "Duties of managers"),
  ("当局との連絡", "Contact with authorities"), ("専門組織との連絡", "Contact with interest groups"), ("脅威情報の活用", "Threat intelligence"), ("プロジェクトでのセキュリティ", "Security in projects"),
  ("資産の目録", "Asset inventory"), ("資産の許容される利用", "Acceptable use of assets"), ("資産の返却", "Returning assets"), ("情報の分類", "Classifying information"),
  ("情報のラベル付け", "Labelling information"), ("情報の転送", "Transferring information"), ("アクセス制御の方針", "Access control rules"), ("識別情報の管理", "Identity management"),
  ("認証情報の管理", "Authentication secrets"), ("アクセス権の管理", "Access rights"), ("供給者関係のセキュリティ", "Supplier relationships"), ("供給者との契約上のセキュリティ", "Security in supplier agreements"),
  ("ICTサプライチェーンのセキュリティ", "ICT supply chain"), ("供給者サービスの監視と変更管理", "Supplier service monitoring and change"), ("クラウドサービス利用のセキュリティ", "Using cloud services"),
  ("インシデント管理の計画と準備", "Incident management planning"), ("事象の評価と判断", "Assessing security events"), ("インシデントへの対応", "Responding to incidents"),
  ("インシデントからの学習", "Learning from incidents"), ("証拠の収集", "Collecting evidence"), ("事業中断時のセキュリティ", "Security during disruption"),
  ("事業継続のためのICTの備え", "ICT readiness for continuity"), ("法令・規制・契約上の要求事項", "Legal and contractual requirements"), ("知的財産権", "Intellectual property"),
  ("記録の保護", "Protecting records"), ("プライバシーと個人情報の保護", "Privacy and personal data"), ("セキュリティの独立したレビュー", "Independent security review"),
  ("方針・規則への準拠", "Compliance with security rules"), ("操作手順書", "Documented operating procedures")]),
 6: ("人的管理策", "People controls", [
  ("採用時の審査", "Background screening"), ("雇用条件", "Employment terms"), ("意識向上・教育・訓練", "Awareness and training"), ("懲戒手続", "Disciplinary process"),
  ("雇用終了・変更後の責任", "Duties after leaving or changing role"), ("秘密保持契約", "Non-disclosure agreements"), ("リモートワーク", "Remote working"), ("事象の報告", "Reporting security events")]),
 7: ("物理的管理策", "Physical controls", [
  ("物理的境界", "Physical perimeters"), ("入退管理", "Physical entry"), ("オフィス・部屋・施設の保護", "Securing offices and facilities"), ("物理的な監視", "Physical monitoring"),
  ("物理的・環境的脅威への対策", "Physical and environmental threats"), ("セキュリティ区画での作業", "Working in secure areas"), ("クリアデスク・クリアスクリーン", "Clear desk and screen"),
  ("装置の設置と保護", "Siting and protecting equipment"), ("構外にある資産", "Assets off-premises"), ("記憶媒体", "Storage media"), ("支援設備", "Supporting utilities"),
  ("配線のセキュリティ", "Cabling"), ("装置の保守", "Equipment maintenance"), ("装置の処分・再利用", "Disposal or re-use of equipment")]),
 8: ("技術的管理策", "Technological controls", [
  ("利用者の端末", "User endpoint devices"), ("特権的アクセス権", "Privileged access"), ("情報へのアクセス制限", "Restricting information access"), ("ソースコードへのアクセス", "Source code access"),
  ("安全な認証", "Secure authentication"), ("容量・能力の管理", "Capacity management"), ("マルウェア対策", "Malware protection"), ("技術的脆弱性の管理", "Technical vulnerability management"),
  ("構成管理", "Configuration management"), ("情報の削除", "Deleting information"), ("データマスキング", "Data masking"), ("データ漏えい防止", "Data leakage prevention"),
  ("バックアップ", "Backup"), ("処理設備の冗長化", "Redundancy"), ("ログ取得", "Logging"), ("監視活動", "Monitoring"), ("時刻同期", "Clock synchronisation"),
  ("特権ユーティリティの使用", "Privileged utility programs"), ("稼働システムへのソフトウェア導入", "Installing software on operational systems"), ("ネットワークのセキュリティ", "Network security"),
  ("ネットワークサービスのセキュリティ", "Network services"), ("ネットワークの分離", "Network segregation"), ("Webフィルタリング", "Web filtering"), ("暗号の利用", "Cryptography"),
  ("安全な開発ライフサイクル", "Secure development life cycle"), ("アプリケーションのセキュリティ要求", "Application security requirements"), ("安全なシステム設計の原則", "Secure architecture principles"),
  ("セキュアコーディング", "Secure coding"), ("開発・受入時のセキュリティテスト", "Security testing"), ("外部委託開発", "Outsourced development"),
  ("開発・テスト・本番環境の分離", "Separate development, test and production"), ("変更管理", "Change management"), ("テスト用情報", "Test data"), ("監査テスト時のシステム保護", "Protecting systems during audit tests")])}
iso_nodes = []
for theme, (ja, en, items) in ISO.items():
    iso_nodes.append(node(str(theme), I(ja, en), kind="group", ver="verified"))
    for i, (tja, ten) in enumerate(items, 1):
        iso_nodes.append(node(f"{theme}.{i}", I(tja, ten), str(theme), assessable=True, ver="verified", scale=None) if False else
                         node(f"{theme}.{i}", I(tja, ten), str(theme), assessable=True, ver="verified"))
assert sum(len(v[2]) for v in ISO.values()) == 93
dump("iso-iec-27001-2022.json", {
    "id": "iso-iec-27001-2022",
    "name": I("ISO/IEC 27001:2022 附属書A(管理策の一覧)", "ISO/IEC 27001:2022 Annex A (outline)"),
    "publisher": "ISO/IEC", "version": "2022", "published": "2022-10-25",
    "description": I("附属書Aの93管理策の番号と mamori 独自の短い見出し。規格本文は含まない。", "The 93 Annex A control numbers with mamori's own short topic labels. No ISO text."),
    "provenance": [{"title": "ISO/IEC 27001:2022 Information security, cybersecurity and privacy protection — ISMS — Requirements", "url": "https://www.iso.org/standard/27001", "date": "2022-10-25", "note": "Control numbering only; obtain the standard from ISO or JSA for the control text."}],
    "licence_note": "Control numbers are facts; the short labels are mamori's own wording and are not the ISO control titles or text. ISO/IEC 27001 is copyrighted by ISO/IEC.",
    "verification": "verified", "scales": [IMPL], "default_scale": "implementation-status", "nodes": iso_nodes,
    "notes": ["Themes: 5 organisational (37), 6 people (8), 7 physical (14), 8 technological (34).", "Clauses 4–10 (ISMS requirements) are not modelled."],
})

# ---------------------------------------------------------------- CPSF v1.0
LAYERS = [(1, I("第1層: 企業間のつながり", "Layer 1: connections between organizations"), I("各組織のセキュリティ管理(信頼できる製品・サービスの基盤)。", "Each organization's security management, the basis for trustworthy products and services.")),
          (2, I("第2層: フィジカル空間とサイバー空間のつながり", "Layer 2: connections between cyberspace and physical space"), I("物理事象を正しくデータに、データを正しく物理動作に転写すること(センサ・アクチュエータ・IoT)。", "Correct transcription at the border: physical events into correct data, data into correct physical action (sensors, actuators, IoT).")),
          (3, I("第3層: サイバー空間におけるつながり", "Layer 3: connections in cyberspace"), I("作成・移動・保管・処理・利用されるデータそのもの。", "The data itself as it is created, moved, stored, processed and used."))]
COMPS = [("ORG", "ソシキ(組織)", "Organization", "Companies and other bodies in the value-creation process"), ("PEO", "ヒト", "People", "People taking part (employees, partners' staff, …)"),
         ("COM", "モノ", "Component", "Physical things and their software (parts, IoT devices, servers)"), ("DAT", "データ", "Data", "Information gathered, generated, exchanged, stored or analysed"),
         ("PRO", "プロシージャ", "Procedure", "Defined steps and rules by which activities are carried out"), ("SYS", "システム", "System", "Components combined to deliver functions or services (IT/OT)")]
FUNCS = [("function-identify", I("識別", "Identify"), ["ID"], [("AM", True, "資産管理", "Asset Management"), ("BE", False, "ビジネス環境", "Business Environment"), ("GV", True, "ガバナンス", "Governance"),
                                                    ("RA", True, "リスク評価", "Risk Assessment"), ("RM", True, "リスク管理戦略", "Risk Management Strategy"), ("SC", True, "サプライチェーンリスク管理", "Supply Chain Risk Management")]),
         ("function-protect", I("防御", "Protect"), ["PR"], [("AC", True, "アイデンティティ管理、認証及びアクセス制御", "Identity Management, Authentication and Access Control"), ("AT", True, "意識向上及びトレーニング", "Awareness and Training"),
                                                   ("DS", True, "データセキュリティ", "Data Security"), ("IP", True, "情報を保護するためのプロセス及び手順", "Information Protection Processes and Procedures"),
                                                   ("MA", True, "保守", "Maintenance"), ("PT", False, "保護技術", "Protective Technology")]),
         ("function-detect", I("検知", "Detect"), ["DE"], [("AE", True, "異常とイベント", "Anomalies and Events"), ("CM", True, "セキュリティの継続的なモニタリング", "Security Continuous Monitoring"), ("DP", True, "検知プロセス", "Detection Processes")]),
         ("function-respond-recover", I("対応・復旧", "Respond / Recover"), ["RS", "RC"], [("RP", True, "対応・復旧計画", "Response (and Recovery) Planning"), ("CO", False, "伝達", "Communications"), ("AN", False, "分析", "Analysis"),
                                                                              ("MI", False, "低減", "Mitigation"), ("IM", False, "改善", "Improvements")])]
REQ15 = [("CPS.AM-1", "AM", ["COM", "SYS"], "Keep a documented inventory of system hardware and software with management details (name, version, network address, manager, licence).", "システムのハードウェア・ソフトウェアを管理情報(名称・版数・ネットワークアドレス・管理者・ライセンス)付きで文書化した台帳で管理する。"),
         ("CPS.GV-1", "GV", ["ORG", "PEO"], "Set security policies, assign roles across the organization and relevant outside parties, and define information sharing among stakeholders.", "セキュリティポリシーを定め、組織内外の関係者の役割を割り当て、関係者間の情報共有を定める。"),
         ("CPS.RA-1", "RA", ["COM", "SYS"], "Identify vulnerabilities in assets and record them in a list tied to each affected asset.", "資産の脆弱性を特定し、該当資産に紐づけた一覧に記録する。"),
         ("CPS.RM-1", "RM", ["ORG"], "Check how well cyber-risk management works and report to senior management; define the responsibility split with related parties (e.g. subcontractors) and check their status.", "サイバーリスク管理の機能状況を確認して経営層に報告し、委託先等との責任分界を定めて状況を確認する。"),
         ("CPS.SC-1", "SC", ["ORG"], "Set supply-chain security standards over the business life cycle, clarify responsibilities, and agree them with partners.", "事業のライフサイクルを通じたサプライチェーンのセキュリティ基準を定め、責任を明確にして取引先と合意する。"),
         ("CPS.AC-1", "AC", ["COM", "PEO", "PRO"], "Run procedures to issue, manage, verify, revoke and monitor identifiers and credentials of authorized components, people and procedures.", "認可されたモノ・ヒト・プロシージャの識別子と認証情報の発行・管理・確認・失効・監視の手順を運用する。"),
         ("CPS.AT-1", "AT", ["PEO"], "Train everyone suitably and keep records, so each can fulfil their role and help prevent and contain incidents.", "全員に適切な教育を行って記録し、各自が役割を果たしインシデントの防止と封じ込めに寄与できるようにする。"),
         ("CPS.DS-1", "DS", ["ORG", "DAT"], "Before exchanging protected information with another organization, agree the security requirements for protecting it.", "保護すべき情報を他組織とやり取りする前に、その保護のためのセキュリティ要件を合意する。"),
         ("CPS.IP-1", "IP", ["COM", "PRO"], "Manage initial settings (e.g. passwords) and setting changes of IoT devices and servers through a defined process.", "IoT機器・サーバの初期設定(パスワード等)と設定変更を定めた手順で管理する。"),
         ("CPS.IP-9", "IP", ["PEO", "PRO"], "Build security into personnel procedures (e.g. revoke access on transfer or role change, screening).", "人事手続(異動時のアクセス権取消、審査等)にセキュリティを組み込む。"),
         ("CPS.MA-1", "MA", ["COM", "SYS"], "Decide how key security updates for IoT devices and servers are applied; apply promptly with managed tools, keep history; prefer remotely bulk-updatable devices.", "IoT機器・サーバの重要なセキュリティ更新の適用方法を定め、管理ツールで速やかに適用して履歴を残し、遠隔一括更新できる機器を選ぶ。"),
         ("CPS.AE-1", "AE", ["PEO", "COM", "SYS"], "Define and manage a baseline of normal network operation and expected information flows among people, components and systems.", "ネットワークの正常な運用と、ヒト・モノ・システム間の想定される情報の流れのベースラインを定めて管理する。"),
         ("CPS.CM-1", "CM", ["SYS"], "Monitor and control traffic and access at the boundary between the corporate network and wide-area networks.", "社内ネットワークと広域ネットワークの境界で通信とアクセスを監視・制御する。"),
         ("CPS.DP-1", "DP", ["ORG"], "Clarify the roles of the organization and service providers in detecting security events so each can meet its accountability.", "セキュリティ事象の検知における自組織とサービス提供者の役割を明確にし、各自が説明責任を果たせるようにする。"),
         ("CPS.RP-1", "RP", ["ORG", "PEO", "COM", "SYS"], "Prepare and run a post-detection response procedure: what is done, in what priority, over what scope.", "検知後の対応手順(何を、どの優先順位で、どの範囲で行うか)を準備し運用する。")]
cn = [node("layers", I("三層構造", "Three layers"), kind="group")]
for n_, t, trust in LAYERS:
    cn.append(node(f"layer-{n_}", t, "layers", kind="group", text=trust, tags=[T("cpsf_layer", n_)]))
cn.append(node("components", I("6つの構成要素", "Six components"), kind="group"))
for code, ja, en, meaning in COMPS:
    cn.append(node(f"component-{code}", I(ja, en), "components", kind="group", text=I("", meaning), tags=[T("cpsf_component", code)], ver="unverified",
                   note="English name verified; Japanese spelling, code and meaning are unverified."))
cn.append(node("requirements", I("対策要件", "Countermeasure requirements"), kind="group",
               text=I("全104要件のうち、確認済みの15要件のみを収録。残りは公式一覧をCSVで取り込む。", "15 verified requirements of 104. Import the official list (CSV) for the rest.")))
cat_function = {}
for fid, ftitle, csf, cats in FUNCS:
    cn.append(node(fid, ftitle, "requirements", kind="group", tags=[T("csf_function", c) for c in csf]))
    for code, verified, ja, en in cats:
        cat_function[code] = (fid, csf)
        cn.append(node(code, I(ja, en), fid, kind="group", tags=[T("cpsf_category", code)] + [T("csf_function", c) for c in csf],
                       ver="verified" if verified else "unverified",
                       **({} if verified else {"note": "Category code follows NIST CSF v1.1; not confirmed in CPSF requirement ids."})))
# Requirements after their categories keeps parents before children.
for rid, cat, comps, en, ja in REQ15:
    fid, csf = cat_function[cat]
    idx = max(i for i, n in enumerate(cn) if n["ref_id"] == cat or n.get("parent") == cat)
    cn.insert(idx + 1, node(rid, I(ja, en), cat, assessable=True, text=I(ja, en),
                            tags=[T("cpsf_category", cat)] + [T("csf_function", c) for c in csf] + [T("cpsf_component", c) for c in comps] + [T("free", "rri-supplier-baseline")],
                            ver="verified"))
dump("meti-cpsf-1.0.json", {
    "id": "meti-cpsf-1.0",
    "name": I("サイバー・フィジカル・セキュリティ対策フレームワーク (CPSF) Version 1.0", "Cyber/Physical Security Framework (CPSF) Version 1.0"),
    "publisher": "METI", "version": "1.0", "published": "2019-04-18",
    "description": I("三層構造と6つの構成要素によるモデルと対策要件(全104件)。確認済みの15件(RRIサプライヤ基準)を収録。", "Three-layer, six-component model with 104 countermeasure requirements; ships the 15 verified ones (RRI supplier baseline)."),
    "provenance": [{"title": "METI press release: CPSF Version 1.0", "url": "https://www.meti.go.jp/english/press/2019/0418_001.html", "date": "2019-04-18"},
                   {"title": "CPSF Version 1.0 (English PDF)", "url": "https://www.meti.go.jp/policy/netsecurity/wg1/CPSF_ver1.0_eng.pdf"},
                   {"title": "IPA ICSCoE, Good Practices for ICS Supply Chain Risk Management (quotes the 15 requirements and the total of 104)", "note": "secondary presentation deck"}],
    "licence_note": "Requirement meanings are mamori's own paraphrases; requirement ids are METI's. The full official list must be imported (cpsf-csv).",
    "verification": "verified", "scales": [IMPL], "default_scale": "implementation-status", "expected_assessable": 104, "nodes": cn,
    "notes": ["Complete only at 104 unique CPS.<CC>-<n> requirement ids; import the official list with the cpsf-csv format.",
              "Implementation levels (Basic / Advanced / High-Advanced) are unverified and left empty until imported.",
              "Per-category requirement counts and official mappings are not shipped."],
})

# ---------------------------------------------------------------- JC-STAR ★1
JC = [("S1.1-01", "Authenticated access control for IP access from other devices and users.", "他の機器・利用者からのIPアクセスに認証によるアクセス制御を行う。", "verified", None),
      ("S1.1-02", "Installation default passwords meet the criteria (e.g. unique per device, or set by the user).", "初期パスワードが基準を満たす(機器ごとに固有、または利用者が設定する等)。", "verified", None),
      ("S1.1-03", "Every network authentication value can be changed.", "ネットワーク経由の認証値はすべて変更できる。", "verified", None),
      ("S1.1-04", "Network authentication resists brute force (tested on a real device).", "ネットワーク経由の認証が総当たり攻撃に耐える(実機で試験)。", "verified", None),
      ("S1.1-05", "The manufacturer publishes a complete vulnerability disclosure policy.", "製造者が脆弱性の開示ポリシーを公開している。", "verified", None),
      ("S1.1-06", "Vulnerability handling for the product's software components.", "製品のソフトウェア部品の脆弱性に対処する。", "secondary", "Full text not confirmed from a primary source.")]
jn = [node("star1", I("★1 適合基準", "★1 requirements"), kind="group", text=I("全16項目(S1.1-01〜S1.1-16)のうち確認済みの項目を収録。", "Ships the confirmed items of the 16 (S1.1-01 … S1.1-16)."))]
for rid, en, ja, ver, note in JC:
    jn.append(node(rid, I(ja, en), "star1", assessable=True, text=I(ja, en), ver=ver, **({"note": note} if note else {})))
dump("ipa-jc-star-star1.json", {
    "id": "ipa-jc-star-star1",
    "name": I("JC-STAR ★1(セキュリティ要件適合評価及びラベリング制度)", "JC-STAR ★1 (IoT product security labelling)"),
    "publisher": "IPA", "version": "★1 適合基準・評価手法 ver 1.1", "published": "2024-12",
    "description": I("IoT製品の最低限の共通要件。★1は自己適合宣言。", "Minimum common requirements for IoT products; ★1 is vendor self-assessment."),
    "provenance": [{"title": "JC-STAR 制度詳細 (IPA)", "url": "https://www.ipa.go.jp/security/jc-star/detail.html"},
                   {"title": "JC-STAR ★1 explainer (secondary)", "url": "https://www.cybertrust.co.jp/blog/iot/techinfo/jc-star-1.html"}],
    "licence_note": "Item meanings are mamori's own paraphrases; item ids are IPA's. Import the official ★1 list (generic CSV template) for S1.1-07 … S1.1-16.",
    "verification": "secondary", "scales": [{"id": "pass-fail", "kind": "pass_fail", "name": I("適合／不適合", "Pass / fail"),
                                            "levels": [{"value": 0, "label": I("不適合", "Not met")}, {"value": 1, "label": I("適合", "Met")}], "verification": "own"}],
    "default_scale": "pass-fail", "expected_assessable": 16, "nodes": jn,
    "notes": ["S1.1-07 … S1.1-16 are not confirmed from a primary source and are not shipped."],
})

# ---------------------------------------------------------------- our crosswalks
OURS_NOTE = "Written by the mamori project as an aid; not an official mapping by METI, IPA or NIST. Relations are deliberately conservative."
def xw(xid, name, src, links, notes):
    return {"id": xid, "name": name, "source_framework": src, "target_framework": "nist-csf-2.0", "authorship": "ours",
            "provenance": [{"title": "mamori project (own crosswalk)", "date": "2025", "note": OURS_NOTE}],
            "notes": notes, "relation": "related", "confidence": "medium",
            "links": [{"s": s, "t": t, "r": r, "c": c, "why": w} for s, t, r, c, w in links]}
SCS_X = [
 ("1-2-1", "GV.RR-02", "intersects", "medium", "Both establish security roles and authority."),
 ("1-2-3", "GV.RR-04", "intersects", "medium", "Confidentiality duties are part of HR practice."),
 ("1-3-1", "GV.PO-01", "intersects", "medium", "Both set and communicate a security policy."),
 ("2-1-1", "ID.AM-03", "intersects", "medium", "Both record external connections and data flows."),
 ("2-1-2", "GV.SC-05", "intersects", "medium", "Both put security terms into agreements with other parties."),
 ("2-1-4", "GV.SC-08", "intersects", "medium", "Both involve outside parties in incident handling."),
 ("3-1-1", "ID.AM-01", "intersects", "medium", "Hardware inventory."),
 ("3-1-1", "ID.AM-02", "related", "low", "The inventory also covers systems and virtual platforms."),
 ("3-1-2", "ID.AM-01", "intersects", "medium", "Network devices are hardware to inventory."),
 ("3-1-3", "ID.AM-04", "intersects", "medium", "Both track services provided by suppliers."),
 ("3-1-4", "ID.AM-05", "intersects", "medium", "Classification drives prioritisation."),
 ("3-1-4", "ID.AM-07", "intersects", "medium", "Register of important information."),
 ("4-1-1", "PR.AA-01", "intersects", "medium", "Managing user identities."),
 ("4-1-2", "PR.AA-05", "intersects", "medium", "Least privilege for administrators."),
 ("4-1-3", "PR.AA-03", "intersects", "medium", "Authentication, incl. MFA."),
 ("4-1-4", "PR.AA-03", "related", "low", "Lockout strengthens authentication."),
 ("4-1-5", "PR.AA-01", "related", "low", "Password rules are part of credential management."),
 ("4-1-6", "PR.AA-01", "related", "low", "Safe storage of credentials."),
 ("4-1-7", "PR.AA-05", "intersects", "medium", "Approval and periodic review of access rights."),
 ("4-2-2", "PR.AT-01", "intersects", "medium", "Training of personnel."),
 ("4-3-4", "PR.DS-11", "intersects", "medium", "Backups and restore."),
 ("4-4-1", "PR.PS-05", "intersects", "medium", "Preventing unauthorised software."),
 ("4-4-4", "PR.PS-02", "intersects", "medium", "Maintaining and retiring software, patching."),
 ("4-4-5", "DE.CM-09", "related", "low", "Anti-malware monitors endpoints for adverse events."),
 ("4-5-1", "PR.IR-01", "intersects", "medium", "Perimeter devices protect networks from unauthorised access."),
 ("5-1-1", "DE.CM-01", "intersects", "medium", "Monitoring network traffic."),
 ("5-1-1", "DE.AE-02", "related", "low", "Analysis of alerts."),
 ("6-1-1", "RS.MA-01", "intersects", "medium", "Executing an incident procedure."),
 ("7-1-1", "RC.RP-01", "related", "low", "Recovery targets support executing recovery."),
 ("1-1-1", "GV.OC-03", "intersects", "medium", "Legal and contractual requirements."),
 ("2-1-3", "GV.SC-07", "intersects", "medium", "Assessing supplier risk over the relationship."),
 ("2-1-5", "GV.SC-10", "intersects", "medium", "Activities at the end of a contract."),
 ("3-2-1", "ID.RA-01", "intersects", "medium", "Vulnerability management."),
 ("4-1-8", "PR.AA-06", "intersects", "medium", "Physical access."),
 ("4-2-1", "PR.AT-01", "intersects", "medium", "Awareness training."),
 ("4-3-1", "PR.DS-01", "intersects", "medium", "Protecting data at rest."),
 ("4-4-2", "PR.PS-02", "intersects", "medium", "End-of-support software."),
 ("4-4-3", "PR.PS-04", "intersects", "medium", "Log records."),
 ("5-1-2", "DE.CM-09", "intersects", "medium", "Endpoint monitoring."),
 ("5-2-1", "RS.MA-02", "intersects", "medium", "Triage of incidents."),
 ("5-2-1", "RS.AN-03", "related", "low", "Incident analysis."),
]
GL_X = [
 ("指示1", "GV.PO-01", "intersects", "medium", "Organisation-wide security policy."),
 ("指示1", "GV.RM-01", "related", "low", "Recognising cyber risk sets risk objectives."),
 ("指示2", "GV.RR-01", "intersects", "medium", "Leadership accountability."),
 ("指示2", "GV.RR-02", "intersects", "medium", "Roles and authority."),
 ("指示3", "GV.RR-03", "intersects", "medium", "Resources for security."),
 ("指示4", "ID.RA-05", "intersects", "medium", "Risk from threats and impact informs response."),
 ("指示4", "ID.AM-05", "related", "low", "Identifying what to protect."),
 ("指示5", "PR", "related", "low", "Protective mechanisms (function level)."),
 ("指示5", "DE", "related", "low", "Detective mechanisms (function level)."),
 ("指示6", "ID.IM-01", "intersects", "medium", "Improvement from evaluations."),
 ("指示6", "GV.OV-01", "intersects", "medium", "Executive review adjusts direction."),
 ("指示7", "RS.MA-01", "intersects", "medium", "Incident response capability."),
 ("指示7", "ID.IM-04", "related", "low", "Incident plans are maintained and exercised."),
 ("指示8", "RC.RP-01", "intersects", "medium", "Recovery execution."),
 ("指示8", "ID.IM-04", "related", "low", "Plans aligned with the BCP."),
 ("指示9", "GV.SC-07", "intersects", "medium", "Knowing and managing supplier risk."),
 ("指示9", "GV.SC-05", "intersects", "medium", "Roles fixed in contracts."),
 ("指示10", "ID.RA-02", "intersects", "medium", "Threat information from sharing forums."),
 ("指示10", "RS.CO-03", "related", "low", "Sharing and disclosure."),
]
CP_X = [
 ("AM", "ID.AM", "intersects", "medium", "Same CSF v1.1 category code; CSF 2.0 ID.AM is its successor."),
 ("GV", "GV", "related", "low", "CSF v1.1 ID.GV moved into the new GOVERN function."),
 ("RA", "ID.RA", "intersects", "medium", "Same category code."),
 ("RM", "GV.RM", "intersects", "medium", "CSF v1.1 ID.RM moved to GV.RM."),
 ("SC", "GV.SC", "intersects", "medium", "CSF v1.1 ID.SC moved to GV.SC."),
 ("AC", "PR.AA", "intersects", "medium", "CSF v1.1 PR.AC became PR.AA."),
 ("AT", "PR.AT", "intersects", "medium", "Same category code."),
 ("DS", "PR.DS", "intersects", "medium", "Same category code."),
 ("IP", "PR.PS", "related", "low", "CSF v1.1 PR.IP was split; platform security took part of it."),
 ("MA", "PR.PS", "related", "low", "CSF v1.1 PR.MA was folded into platform security."),
 ("AE", "DE.AE", "intersects", "medium", "Same category code."),
 ("CM", "DE.CM", "intersects", "medium", "Same category code."),
 ("DP", "DE.AE", "related", "low", "CSF v1.1 DE.DP was withdrawn; detection processes relate to adverse event analysis."),
 ("RP", "RS.MA", "related", "low", "Response planning relates to incident management."),
 ("RP", "RC.RP", "related", "low", "Recovery planning relates to recovery plan execution."),
]
for name, obj in (("xw-scs-csf2.json", xw("meti-scs-evaluation--nist-csf-2.0", "SCS requirements → CSF 2.0 (mamori's own)", "meti-scs-evaluation", SCS_X, [OURS_NOTE])),
                  ("xw-guidelines-csf2.json", xw("meti-cyber-management-guidelines-3.0--nist-csf-2.0", "Management Guidelines directives → CSF 2.0 (mamori's own)", "meti-cyber-management-guidelines-3.0", GL_X, [OURS_NOTE])),
                  ("xw-cpsf-csf2.json", xw("meti-cpsf-1.0--nist-csf-2.0", "CPSF categories → CSF 2.0 (mamori's own)", "meti-cpsf-1.0", CP_X, [OURS_NOTE, "CPSF category codes reuse CSF v1.1 codes; links point to their CSF 2.0 successors."]))):
    dump(name, obj)
print("ok")
