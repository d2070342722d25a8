//! Japanese and English interface text, and how a request's language is chosen.
//!
//! Every message has both languages by construction: the table holds (key, en, ja).

use std::collections::HashMap;
use std::sync::LazyLock;

/// A supported interface language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ja" | "ja-jp" => Some(Lang::Ja),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best match in an `Accept-Language` header, by quality; English when nothing fits.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',').take(20) {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "ja" => Lang::Ja,
                "en" => Lang::En,
                _ => continue,
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::En)
    }
}

/// The translator handed to templates: `t.s("key")`.
#[derive(Clone, Copy, Debug)]
pub struct Tr(pub Lang);

impl Tr {
    /// The message for `key`, or the key itself when missing (a test forbids that).
    pub fn s(&self, key: &str) -> &'static str {
        match MESSAGES.get(key) {
            Some((en, ja)) => match self.0 {
                Lang::En => en,
                Lang::Ja => ja,
            },
            None => {
                tracing::warn!(key, "missing message");
                "?"
            }
        }
    }

    pub fn lang(&self) -> &'static str {
        self.0.code()
    }

    /// A role's display name.
    pub fn role(&self, role: &str) -> &'static str {
        self.s(&format!("role.{role}"))
    }
}

static MESSAGES: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> = LazyLock::new(|| {
    TABLE
        .iter()
        .chain(crate::html::catalog_i18n::TABLE)
        .chain(crate::html::intel_i18n::TABLE)
        .chain(crate::i18n_chain::TABLE)
        .chain(crate::i18n_assess::ASSESS)
        .map(|(k, en, ja)| (*k, (*en, *ja)))
        .collect()
});

/// Whether a key exists; used to validate notice keys coming back in URLs.
pub fn has_key(key: &str) -> bool {
    MESSAGES.contains_key(key)
}

/// The table's own `'static` copy of a key from any message table, so a key that arrives
/// in a URL (a notice) can be kept without trusting the URL's text.
pub fn known_key(key: &str) -> Option<&'static str> {
    MESSAGES.get_key_value(key).map(|(k, _)| *k)
}

pub(crate) const TABLE: &[(&str, &str, &str)] = &[
    ("app.tagline", "Industrial cybersecurity, in one place", "産業サイバーセキュリティを、ひとつの場所で"),
    ("nav.skip", "Skip to content", "本文へスキップ"),
    ("nav.main", "Main navigation", "メインナビゲーション"),
    ("nav.dashboard", "Dashboard", "ダッシュボード"),
    ("nav.suppliers", "Suppliers", "サプライヤー"),
    ("nav.members", "Members", "メンバー"),
    ("nav.orgs", "Organizations", "組織"),
    ("nav.tokens", "API tokens", "APIトークン"),
    ("nav.audit", "Audit log", "監査ログ"),
    ("nav.api_docs", "API docs", "APIドキュメント"),
    ("nav.settings", "Settings", "設定"),
    ("nav.admin", "Instance", "インスタンス管理"),
    ("admin.title", "Instance overview", "インスタンスの概要"),
    ("admin.orgs", "Organizations", "組織数"),
    ("admin.users", "Accounts", "アカウント数"),
    ("admin.slug", "Short ID", "短縮ID"),
    ("nav.reviewers", "Expert reviewers", "専門家レビュアー"),
    ("reviewers.title", "Expert reviewers", "専門家レビュアー"),
    (
        "reviewers.hint",
        "Registered expert reviewers (for example Registered Information Security Specialists) may review ★3 attestations of any organization. A deactivated reviewer reviews nothing more; countersignatures already given stay valid.",
        "登録された専門家レビュアー（例：情報処理安全確保支援士）は、どの組織の★3の評価結果もレビューできます。無効にしたレビュアーは以後レビューできません。既に行った副署は有効なままです。",
    ),
    ("reviewers.register", "Register a reviewer", "レビュアーを登録"),
    ("reviewers.email_hint", "E-mail address of an existing account", "既存アカウントのメールアドレス"),
    ("reviewers.registration", "Registration number", "登録番号"),
    ("reviewers.registered_on", "Registered", "登録日"),
    ("reviewers.status", "Status", "状態"),
    ("reviewers.active", "Active", "有効"),
    ("reviewers.inactive", "Deactivated", "無効"),
    ("reviewers.deactivate", "Deactivate", "無効にする"),
    ("reviewers.registered", "The reviewer is registered.", "レビュアーを登録しました。"),
    ("reviewers.deactivated", "The reviewer is deactivated.", "レビュアーを無効にしました。"),
    (
        "reviewers.registration_invalid",
        "Use 1 to 64 letters, digits, '-', '_', '/' or '.'.",
        "登録番号は英数字と「-」「_」「/」「.」の1〜64文字で入力してください。",
    ),
    ("reviewers.no_account", "No account uses this e-mail address.", "このメールアドレスのアカウントはありません。"),
    (
        "reviewers.already",
        "This user is already an active expert reviewer.",
        "このユーザーは既に有効な専門家レビュアーです。",
    ),
    ("nav.logout", "Log out", "ログアウト"),
    ("nav.login", "Log in", "ログイン"),
    ("nav.signup", "Sign up", "新規登録"),
    ("nav.language", "Language", "言語"),
    ("nav.switch_org", "Switch organization", "組織を切り替え"),
    ("common.save", "Save", "保存"),
    ("common.create", "Create", "作成"),
    ("common.email", "E-mail", "メールアドレス"),
    ("common.password", "Password", "パスワード"),
    ("common.name", "Name", "氏名"),
    ("common.role", "Role", "ロール"),
    ("common.actions", "Actions", "操作"),
    ("common.none", "Nothing here yet.", "まだありません。"),
    ("common.errors", "Please correct the highlighted fields.", "入力内容を確認してください。"),
    ("common.next_page", "Older entries", "さらに表示"),
    ("common.switch", "Switch", "切り替え"),
    ("common.current", "current", "選択中"),
    ("role.owner", "Owner", "オーナー"),
    ("role.admin", "Admin", "管理者"),
    ("role.assessor", "Assessor", "評価者"),
    ("role.viewer", "Viewer", "閲覧者"),
    ("login.title", "Log in to mamori", "mamori にログイン"),
    ("login.totp", "Authentication code (if two-factor is on)", "認証コード（二要素認証を有効にしている場合）"),
    ("login.submit", "Log in", "ログイン"),
    ("login.invalid", "The e-mail address or password is wrong.", "メールアドレスまたはパスワードが正しくありません。"),
    (
        "login.locked",
        "Too many failed attempts. The account is locked for 15 minutes.",
        "失敗が続いたため、アカウントを15分間ロックしました。",
    ),
    (
        "login.mfa_required",
        "Enter the 6-digit code from your authenticator app.",
        "認証アプリの6桁のコードを入力してください。",
    ),
    (
        "login.rate_limited",
        "Too many attempts from here. Wait a minute and try again.",
        "試行回数が多すぎます。1分ほど待ってから再度お試しください。",
    ),
    ("login.forgot", "Forgot your password?", "パスワードをお忘れですか？"),
    ("login.no_account", "No account yet?", "アカウントをお持ちでない方"),
    ("signup.title", "Create an account", "アカウントを作成"),
    ("signup.org", "Organization name", "組織名"),
    ("signup.lang", "Preferred language", "表示言語"),
    ("signup.submit", "Create account", "アカウントを作成"),
    ("signup.password_hint", "At least 10 characters.", "10文字以上。"),
    ("forgot.title", "Reset your password", "パスワードの再設定"),
    ("forgot.submit", "Send reset link", "再設定リンクを送信"),
    (
        "forgot.sent",
        "If the address belongs to an account, a reset link is on its way.",
        "登録済みのアドレスであれば、再設定用のリンクを送信しました。",
    ),
    ("reset.title", "Choose a new password", "新しいパスワードを設定"),
    ("reset.submit", "Set password", "パスワードを設定"),
    (
        "reset.invalid",
        "This reset link is invalid or has expired.",
        "この再設定リンクは無効か、有効期限が切れています。",
    ),
    ("reset.done", "Your password was changed. Please log in.", "パスワードを変更しました。ログインしてください。"),
    ("invite.title", "Join an organization", "組織への招待"),
    ("invite.body", "You have been invited to join", "次の組織に招待されています："),
    ("invite.as", "as", "ロール："),
    ("invite.accept", "Accept invitation", "招待を承諾"),
    (
        "invite.invalid",
        "This invitation is invalid, used or expired.",
        "この招待は無効、使用済み、または期限切れです。",
    ),
    (
        "invite.wrong_user",
        "You are logged in with another e-mail address. Log out first.",
        "別のメールアドレスでログイン中です。ログアウトしてから承諾してください。",
    ),
    ("invite.create_account", "Create your account to accept", "アカウントを作成して承諾"),
    ("dash.title", "Dashboard", "ダッシュボード"),
    ("dash.welcome", "Welcome", "ようこそ"),
    ("dash.your_role", "Your role", "あなたのロール"),
    ("dash.members", "Members", "メンバー数"),
    ("dash.suppliers", "Suppliers (tiers 1–3)", "サプライヤー（1〜3次）"),
    ("dash.recent", "Recent activity", "最近の操作"),
    (
        "dash.no_org",
        "You do not belong to an organization yet. Create one to start.",
        "まだ組織に所属していません。組織を作成してください。",
    ),
    ("orgs.title", "Your organizations", "所属組織"),
    ("orgs.create", "Create an organization", "組織を作成"),
    ("orgs.name_ja", "Name in Japanese (optional)", "日本語名（任意）"),
    ("orgs.slug", "Short ID (optional, a–z, 0–9, -)", "短縮ID（任意、半角英小文字・数字・-）"),
    ("orgs.created", "Organization created.", "組織を作成しました。"),
    ("members.title", "Members", "メンバー"),
    ("members.invite", "Invite someone", "メンバーを招待"),
    ("members.invite_submit", "Create invitation", "招待を作成"),
    ("members.invitations", "Invitations", "招待"),
    (
        "members.link",
        "Send this one-time link to the invitee (valid 7 days):",
        "次のワンタイムリンクを招待相手に送ってください（7日間有効）：",
    ),
    ("members.status_open", "open", "未承諾"),
    ("members.status_accepted", "accepted", "承諾済み"),
    ("members.role_changed", "Role changed.", "ロールを変更しました。"),
    ("members.change_role", "Change role", "ロールを変更"),
    ("tokens.title", "API tokens", "APIトークン"),
    ("tokens.create", "Create a token", "トークンを作成"),
    ("tokens.token_name", "Token name", "トークン名"),
    ("tokens.expires", "Expires after (days, optional)", "有効期間（日数、任意）"),
    (
        "tokens.secret",
        "Copy this token now. It will not be shown again:",
        "このトークンを今すぐコピーしてください。再表示はできません：",
    ),
    ("tokens.revoke", "Revoke", "失効"),
    ("tokens.revoked", "revoked", "失効済み"),
    ("tokens.active", "active", "有効"),
    ("tokens.revoked_notice", "Token revoked.", "トークンを失効させました。"),
    ("tokens.prefix", "Starts with", "先頭"),
    ("tokens.last_used", "Last used", "最終使用"),
    ("tokens.status", "Status", "状態"),
    ("tokens.usage", "Use it as a bearer token:", "Bearer トークンとして使用します："),
    ("audit.title", "Audit log", "監査ログ"),
    ("audit.when", "When (UTC)", "日時（UTC）"),
    ("audit.actor", "Actor", "実行者"),
    ("audit.action", "Action", "操作"),
    ("audit.object", "Object", "対象"),
    ("audit.digest", "Digest", "ダイジェスト"),
    (
        "audit.chain_note",
        "Entries are hash-chained; run `mamori audit verify` to check the whole chain.",
        "各エントリはハッシュチェーンで連結されています。`mamori audit verify` で全体を検証できます。",
    ),
    ("suppliers.title", "Suppliers by tier", "階層別サプライヤー"),
    ("suppliers.tier", "Tier", "階層"),
    ("suppliers.org", "Supplier", "サプライヤー"),
    ("suppliers.via", "Supplies", "納入先"),
    ("suppliers.supplied", "What", "供給品目"),
    ("suppliers.criticality", "Criticality", "重要度"),
    ("suppliers.sector", "Sector", "業種"),
    ("crit.low", "low", "低"),
    ("crit.medium", "medium", "中"),
    ("crit.high", "high", "高"),
    ("crit.critical", "critical", "最重要"),
    ("settings.title", "Settings", "設定"),
    ("settings.lang", "Interface language", "表示言語"),
    ("settings.lang_saved", "Language saved.", "言語を保存しました。"),
    ("settings.mfa", "Two-factor authentication (TOTP)", "二要素認証（TOTP）"),
    ("settings.mfa_on", "Two-factor authentication is on.", "二要素認証は有効です。"),
    ("settings.mfa_off", "Two-factor authentication is off.", "二要素認証は無効です。"),
    ("settings.mfa_start", "Set up an authenticator app", "認証アプリを設定"),
    (
        "settings.mfa_secret",
        "Add this secret to your authenticator app, then enter the current code:",
        "このシークレットを認証アプリに登録し、表示されたコードを入力してください：",
    ),
    ("settings.mfa_code", "6-digit code", "6桁のコード"),
    ("settings.mfa_enable", "Turn on", "有効にする"),
    ("settings.mfa_disable", "Turn off", "無効にする"),
    ("settings.mfa_enabled", "Two-factor authentication turned on.", "二要素認証を有効にしました。"),
    ("settings.mfa_disabled", "Two-factor authentication turned off.", "二要素認証を無効にしました。"),
    ("error.not_found", "Not found", "見つかりません"),
    (
        "error.not_found_body",
        "The page does not exist or you do not have access to it.",
        "ページが存在しないか、アクセス権がありません。",
    ),
    ("error.forbidden", "Forbidden", "アクセスできません"),
    ("error.forbidden_body", "Your role does not allow this action.", "この操作を行う権限がありません。"),
    (
        "error.csrf",
        "The form expired. Go back, reload the page and try again.",
        "フォームの有効期限が切れました。ページを再読み込みしてやり直してください。",
    ),
    (
        "error.internal",
        "Something went wrong on our side. The error was logged.",
        "サーバー側でエラーが発生しました。記録済みです。",
    ),
    ("error.bad_request", "The request could not be understood.", "リクエストを処理できませんでした。"),
    ("error.back", "Back to the dashboard", "ダッシュボードへ戻る"),
    ("field.required", "This field is required.", "入力してください。"),
    ("field.password_mismatch", "The passwords do not match.", "パスワードが一致しません。"),
    ("field.email_invalid", "Enter a valid e-mail address.", "有効なメールアドレスを入力してください。"),
    ("field.password_short", "Use at least 10 characters.", "10文字以上で入力してください。"),
    ("field.too_long", "This is too long.", "長すぎます。"),
    ("field.taken", "This is already in use.", "既に使用されています。"),
    ("field.slug_invalid", "Use 2–40 letters a–z, digits or '-'.", "半角英小文字・数字・- で2〜40文字にしてください。"),
    ("field.role_too_high", "You cannot grant a role above your own.", "自分より上位のロールは付与できません。"),
    (
        "field.code_invalid",
        "The code is not valid. Check your device's clock.",
        "コードが正しくありません。端末の時刻を確認してください。",
    ),
    ("field.invalid", "The value is not valid.", "値が正しくありません。"),
    ("field.number", "Enter a whole number.", "整数を入力してください。"),
    ("field.confirm_password", "Confirm password", "パスワード（確認）"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_quality_supported_language() {
        assert_eq!(Lang::from_accept_language("ja,en-US;q=0.9"), Lang::Ja);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,ja;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr-FR, ja;q=0.5"), Lang::Ja);
        assert_eq!(Lang::from_accept_language("de"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
    }

    #[test]
    fn every_key_is_unique_and_translated() {
        let mut seen = std::collections::HashSet::new();
        for (k, en, ja) in TABLE {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!en.is_empty() && !ja.is_empty(), "{k} lacks a translation");
        }
    }

    #[test]
    fn every_key_used_in_templates_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for piece in text.split("t.s(\"").skip(1) {
                let key = piece.split('"').next().unwrap_or("");
                assert!(has_key(key), "{} uses missing key {key}", entry.path().display());
                checked += 1;
            }
        }
        assert!(checked > 50, "expected the templates to use many keys, found {checked}");
    }
}
