//! The demo data set: a lead manufacturer, a second buyer and 30 suppliers over three tiers.
//!
//! All names are fictional. The data is seeded in one transaction, so a failed seed leaves
//! nothing behind, and seeding twice is a no-op.

use sea_orm::TransactionTrait;
use serde::Serialize;

use crate::accounts::{NewOrg, insert_membership, insert_org};
use crate::audit::{self, Event};
use crate::supply::insert_link;
use crate::{Actor, NewUser, PasswordPolicy, Role, Store, StoreError, secrets};

/// The slug of the demo's lead manufacturer; its presence means the demo is seeded.
pub const LEAD_SLUG: &str = "sakura-motors";

/// A demo login printed at start-up.
#[derive(Clone, Debug, Serialize)]
pub struct DemoAccount {
    pub email: String,
    pub org: String,
    pub role: String,
    pub lang: String,
}

/// What seeding did.
#[derive(Clone, Debug, Serialize)]
pub struct DemoSummary {
    pub created: bool,
    pub accounts: Vec<DemoAccount>,
    pub organizations: usize,
    pub supply_links: usize,
}

struct Org {
    slug: &'static str,
    en: &'static str,
    ja: &'static str,
    sector: &'static str,
    lang: &'static str,
}

const fn org(slug: &'static str, en: &'static str, ja: &'static str, sector: &'static str, lang: &'static str) -> Org {
    Org { slug, en, ja, sector, lang }
}

const LEADS: [Org; 2] = [
    org(LEAD_SLUG, "Sakura Motors Co., Ltd.", "さくら自動車株式会社", "automotive", "ja"),
    org("minato-electronics", "Minato Electronics Corp.", "みなと電機株式会社", "electronics", "en"),
];

/// Tier 1 supplies the lead; tier 2 supplies tier 1; tier 3 supplies tier 2.
const SUPPLIERS: [Org; 30] = [
    org("hokuto-precision", "Hokuto Precision Parts", "北斗精密部品株式会社", "automotive", "ja"),
    org("kaede-plastics", "Kaede Plastics", "かえで樹脂工業株式会社", "chemicals", "ja"),
    org("tsubasa-electronics", "Tsubasa Electronics", "つばさ電子株式会社", "electronics", "en"),
    org("mizuho-logistics", "Mizuho Logistics", "みずほ運輸株式会社", "logistics", "ja"),
    org("asahi-software", "Asahi Software Works", "朝日ソフトウェア株式会社", "it", "en"),
    org("kiso-castings", "Kiso Castings", "木曽鋳造株式会社", "metals", "ja"),
    org("nagisa-seats", "Nagisa Seating Systems", "なぎさシート株式会社", "automotive", "ja"),
    org("hikari-glass", "Hikari Automotive Glass", "ひかりガラス株式会社", "automotive", "ja"),
    org("tenryu-bearings", "Tenryu Bearings", "天竜ベアリング株式会社", "metals", "ja"),
    org("sumire-rubber", "Sumire Rubber", "すみれゴム株式会社", "chemicals", "ja"),
    org("kasumi-pcb", "Kasumi PCB", "かすみ基板株式会社", "electronics", "en"),
    org("oboro-sensors", "Oboro Sensors", "おぼろセンサー株式会社", "electronics", "ja"),
    org("yamabuki-cloud", "Yamabuki Cloud Services", "やまぶきクラウド株式会社", "it", "en"),
    org("shirane-steel", "Shirane Steel", "白根製鋼株式会社", "metals", "ja"),
    org("koharu-packaging", "Koharu Packaging", "こはる包装株式会社", "logistics", "ja"),
    org("isaribi-coatings", "Isaribi Coatings", "いさりび塗装株式会社", "chemicals", "ja"),
    org("fuyou-wiring", "Fuyou Wiring Harness", "芙蓉ハーネス株式会社", "electronics", "ja"),
    org("akebono-machining", "Akebono Machining", "あけぼの機械加工株式会社", "metals", "ja"),
    org("shinonome-it", "Shinonome IT Services", "しののめITサービス株式会社", "it", "en"),
    org("uzuki-fasteners", "Uzuki Fasteners", "卯月ねじ株式会社", "metals", "ja"),
    org("hotaru-chips", "Hotaru Semiconductor", "ほたる半導体株式会社", "electronics", "en"),
    org("kogane-resin", "Kogane Resin", "こがね樹脂原料株式会社", "chemicals", "ja"),
    org("nanao-mould", "Nanao Mould & Die", "七尾金型株式会社", "metals", "ja"),
    org("sazanami-textiles", "Sazanami Textiles", "さざなみ繊維株式会社", "textiles", "ja"),
    org("tokiwa-datacenter", "Tokiwa Data Center", "ときわデータセンター株式会社", "it", "en"),
    org("yuzuriha-chem", "Yuzuriha Chemical", "ゆずりは化学株式会社", "chemicals", "ja"),
    org("miyabi-electroplating", "Miyabi Electroplating", "雅メッキ工業株式会社", "metals", "ja"),
    org("hatsune-transport", "Hatsune Transport", "初音陸運株式会社", "logistics", "ja"),
    org("kirameki-firmware", "Kirameki Firmware", "きらめきファームウェア株式会社", "it", "en"),
    org("tsukushi-labels", "Tsukushi Labels", "つくしラベル株式会社", "logistics", "ja"),
];

/// (buyer index, supplier index, what, criticality); index 0 and 1 are the leads,
/// 2.. are `SUPPLIERS` shifted by two. Tier 1: 2–9, tier 2: 10–21, tier 3: 22–31.
const LINKS: &[(usize, usize, &str, &str)] = &[
    (0, 2, "brake calipers", "critical"),
    (0, 3, "interior trim", "medium"),
    (0, 4, "engine control units", "critical"),
    (0, 5, "inbound logistics", "high"),
    (0, 6, "production scheduling software", "high"),
    (0, 7, "engine blocks", "critical"),
    (0, 8, "seats", "medium"),
    (0, 9, "windshields", "medium"),
    (1, 4, "sensor boards", "high"),
    (1, 6, "MES integration", "medium"),
    (1, 12, "printed circuit boards", "critical"),
    (2, 10, "bearings", "high"),
    (2, 11, "seals", "medium"),
    (4, 12, "printed circuit boards", "critical"),
    (4, 13, "pressure sensors", "high"),
    (6, 14, "cloud hosting", "high"),
    (7, 15, "steel billets", "high"),
    (5, 16, "pallets and packaging", "low"),
    (3, 17, "paint and coatings", "medium"),
    (4, 18, "wiring harnesses", "high"),
    (2, 19, "CNC machining", "medium"),
    (6, 20, "IT operations", "high"),
    (8, 21, "fasteners", "low"),
    (12, 22, "microcontrollers", "critical"),
    (3, 23, "resin pellets", "medium"),
    (7, 24, "moulds", "high"),
    (8, 25, "seat fabric", "low"),
    (14, 26, "data center colocation", "high"),
    (17, 27, "solvents", "medium"),
    (19, 28, "plating", "low"),
    (16, 29, "trucking", "low"),
    (18, 30, "firmware", "high"),
    (21, 31, "labels", "low"),
    (13, 22, "sensor ASICs", "high"),
];

/// Seeds the demo unless it is already there. `password` is used for every demo account.
pub async fn seed(store: &Store, password: &str) -> Result<DemoSummary, StoreError> {
    PasswordPolicy::check(password)?;
    let accounts = demo_accounts();
    if store.org_by_slug(LEAD_SLUG).await.is_ok() {
        return Ok(DemoSummary {
            created: false,
            accounts,
            organizations: LEADS.len() + SUPPLIERS.len(),
            supply_links: LINKS.len(),
        });
    }
    // One hash for every demo account keeps seeding fast; demo passwords are shared anyway.
    let hash = secrets::hash_password(password.to_string()).await?;
    let actor = Actor::Cli("demo-seed".into());
    let txn = store.conn().begin().await?;
    let mut ids = Vec::new();
    for (i, o) in LEADS.iter().chain(SUPPLIERS.iter()).enumerate() {
        let info = insert_org(
            &txn,
            &NewOrg { name: o.en, name_ja: Some(o.ja), slug: Some(o.slug), kind: "company", sector: Some(o.sector) },
        )
        .await?;
        let roles: &[Role] = if i == 0 { &Role::ALL } else { &[Role::Owner] };
        for role in roles {
            let email = account_email(o.slug, *role);
            let new = NewUser {
                email,
                name: format!("{} {}", o.en, role),
                password: password.to_string(),
                lang: o.lang.to_string(),
            };
            let user = crate::accounts::insert_user(&txn, &new.validate()?, &hash, false).await?;
            insert_membership(&txn, &info.id, &user.id, *role).await?;
        }
        audit::append(
            &txn,
            Event {
                tenant_id: Some(&info.id),
                actor: &actor,
                action: "org.create",
                object_type: "org",
                object_id: &info.id,
                detail: serde_json::json!({"slug": info.slug, "demo": true}),
            },
        )
        .await?;
        ids.push(info.id);
    }
    let admin = NewUser {
        email: "platform-admin@mamori.example".into(),
        name: "Platform Admin".into(),
        password: password.to_string(),
        lang: "en".into(),
    };
    crate::accounts::insert_user(&txn, &admin.validate()?, &hash, true).await?;
    for (buyer, supplier, what, crit) in LINKS {
        let (Some(b), Some(s)) = (ids.get(*buyer), ids.get(*supplier)) else {
            return Err(StoreError::Internal("demo link refers to a missing organization".into()));
        };
        let id = insert_link(&txn, b, s, what, crit).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(b),
                actor: &actor,
                action: "supply.link",
                object_type: "supply_link",
                object_id: &id,
                detail: serde_json::json!({"criticality": crit}),
            },
        )
        .await?;
    }
    txn.commit().await?;
    crate::intel::demo::seed_intel(store, password, &hash).await?;
    crate::chain::demo::seed_chain(store, LEAD_SLUG, &hash).await?;
    let slugs: Vec<(&str, String)> =
        LEADS.iter().chain(SUPPLIERS.iter()).map(|o| o.slug).zip(ids.iter().cloned()).collect();
    crate::assess::demo::seed(store, &slugs).await?;
    Ok(DemoSummary { created: true, accounts, organizations: ids.len(), supply_links: LINKS.len() })
}

fn account_email(slug: &str, role: Role) -> String {
    format!("{}@{slug}.example", role.as_str())
}

/// The accounts a demo user can log in with.
pub fn demo_accounts() -> Vec<DemoAccount> {
    let mut out = vec![DemoAccount {
        email: "platform-admin@mamori.example".into(),
        org: "-".into(),
        role: "platform admin".into(),
        lang: "en".into(),
    }];
    for role in Role::ALL {
        out.push(DemoAccount {
            email: account_email(LEAD_SLUG, role),
            org: LEADS[0].en.into(),
            role: role.as_str().into(),
            lang: "ja".into(),
        });
    }
    out.push(DemoAccount {
        email: account_email(LEADS[1].slug, Role::Owner),
        org: LEADS[1].en.into(),
        role: "owner".into(),
        lang: "en".into(),
    });
    out.push(DemoAccount {
        email: format!("assessor@{}.example", crate::chain::demo::EVALUATOR_SLUG),
        org: "Kanto Security Assurance".into(),
        role: "assessor (expert reviewer)".into(),
        lang: "ja".into(),
    });
    out.push(DemoAccount {
        email: account_email(SUPPLIERS[0].slug, Role::Owner),
        org: SUPPLIERS[0].en.into(),
        role: "owner (tier-1 supplier)".into(),
        lang: "ja".into(),
    });
    out.extend(crate::intel::demo::accounts());
    out
}
