#include "outbound/credential_labels.h"

#include <string>
#include <vector>

#include "outbound/credential_fields.h"

namespace mw::outbound::cred {

namespace {

struct Entry {
  std::string_view phrase;  // folded (fold_case), words separated by one space
  Label kind;
};

// Labels, folded. Words of Latin and Cyrillic script match as whole words (the head noun may
// come last, "smtp password", or first, "serveur smtp"); Japanese and Chinese labels have no
// spaces and match inside the label ("SMTPサーバー名", "送信メールサーバー").
constexpr Entry kLabels[] = {
    // English
    {"user", Label::kIdentity}, {"username", Label::kIdentity}, {"user name", Label::kIdentity},
    {"userid", Label::kIdentity}, {"user id", Label::kIdentity}, {"uid", Label::kIdentity},
    {"login", Label::kIdentity}, {"login name", Label::kIdentity}, {"login id", Label::kIdentity},
    {"logon", Label::kIdentity}, {"account", Label::kIdentity}, {"account name", Label::kIdentity},
    {"acct", Label::kIdentity}, {"email", Label::kIdentity}, {"e mail", Label::kIdentity},
    {"mail", Label::kIdentity}, {"mailbox", Label::kIdentity}, {"address", Label::kIdentity},
    {"email address", Label::kIdentity}, {"mail address", Label::kIdentity},
    {"e mail address", Label::kIdentity}, {"id", Label::kIdentity},
    {"authuser", Label::kIdentity}, {"usr", Label::kIdentity},
    {"password", Label::kSecret}, {"passwd", Label::kSecret}, {"pass", Label::kSecret},
    {"pwd", Label::kSecret}, {"pw", Label::kSecret}, {"pword", Label::kSecret},
    {"passcode", Label::kSecret}, {"pass word", Label::kSecret}, {"passphrase", Label::kSecret},
    {"secret", Label::kSecret}, {"psw", Label::kSecret}, {"pswd", Label::kSecret},
    {"host", Label::kHost}, {"hostname", Label::kHost}, {"host name", Label::kHost},
    {"server", Label::kHost}, {"smtp", Label::kHost}, {"server name", Label::kHost},
    {"servername", Label::kHost}, {"mail server", Label::kHost}, {"relay", Label::kHost},
    {"relay host", Label::kHost}, {"relayhost", Label::kHost}, {"smarthost", Label::kHost},
    {"mx", Label::kHost}, {"mta", Label::kHost}, {"server address", Label::kHost},
    {"port", Label::kPort}, {"port number", Label::kPort},
    {"auth", Label::kMethod}, {"authentication", Label::kMethod}, {"auth method", Label::kMethod},
    {"auth type", Label::kMethod}, {"authentication method", Label::kMethod},
    {"mechanism", Label::kMethod}, {"auth mechanism", Label::kMethod}, {"sasl", Label::kMethod},
    {"ssl", Label::kSecurity}, {"tls", Label::kSecurity}, {"security", Label::kSecurity},
    {"encryption", Label::kSecurity}, {"connection security", Label::kSecurity},
    {"secure", Label::kSecurity}, {"starttls", Label::kSecurity},
    // German
    {"benutzer", Label::kIdentity}, {"benutzername", Label::kIdentity},
    {"anmeldename", Label::kIdentity}, {"konto", Label::kIdentity}, {"kontoname", Label::kIdentity},
    {"e mail adresse", Label::kIdentity}, {"mailadresse", Label::kIdentity},
    {"adresse", Label::kIdentity}, {"kennung", Label::kIdentity},
    {"benutzerkennung", Label::kIdentity}, {"passwort", Label::kSecret},
    {"kennwort", Label::kSecret}, {"postausgangsserver", Label::kHost},
    {"ausgangsserver", Label::kHost}, {"postausgang", Label::kHost}, {"portnummer", Label::kPort},
    {"authentifizierung", Label::kMethod}, {"authentifizierungsmethode", Label::kMethod},
    {"verschlüsselung", Label::kSecurity}, {"sicherheit", Label::kSecurity},
    // French
    {"utilisateur", Label::kIdentity}, {"nom d utilisateur", Label::kIdentity},
    {"nom utilisateur", Label::kIdentity}, {"identifiant", Label::kIdentity},
    {"compte", Label::kIdentity}, {"adresse e mail", Label::kIdentity},
    {"adresse mail", Label::kIdentity}, {"adresse électronique", Label::kIdentity},
    {"courriel", Label::kIdentity},
    {"mot de passe", Label::kSecret}, {"mdp", Label::kSecret}, {"serveur", Label::kHost},
    {"serveur sortant", Label::kHost}, {"serveur d envoi", Label::kHost}, {"hôte", Label::kHost},
    {"authentification", Label::kMethod}, {"méthode d authentification", Label::kMethod},
    {"chiffrement", Label::kSecurity}, {"sécurité", Label::kSecurity},
    // Spanish
    {"usuario", Label::kIdentity}, {"nombre de usuario", Label::kIdentity},
    {"cuenta", Label::kIdentity}, {"correo", Label::kIdentity},
    {"correo electrónico", Label::kIdentity}, {"dirección", Label::kIdentity},
    {"dirección de correo", Label::kIdentity},
    {"contraseña", Label::kSecret}, {"contrasena", Label::kSecret}, {"clave", Label::kSecret},
    {"clave de acceso", Label::kSecret}, {"servidor", Label::kHost},
    {"servidor saliente", Label::kHost}, {"servidor de salida", Label::kHost},
    {"puerto", Label::kPort}, {"autenticación", Label::kMethod}, {"cifrado", Label::kSecurity},
    {"seguridad", Label::kSecurity},
    // Portuguese
    {"usuário", Label::kIdentity}, {"utilizador", Label::kIdentity},
    {"nome de usuário", Label::kIdentity}, {"nome de utilizador", Label::kIdentity},
    {"conta", Label::kIdentity}, {"endereço", Label::kIdentity},
    {"endereço de e mail", Label::kIdentity}, {"endereço de email", Label::kIdentity},
    {"senha", Label::kSecret}, {"palavra passe", Label::kSecret},
    {"servidor de saída", Label::kHost}, {"porta", Label::kPort}, {"porto", Label::kPort},
    {"autenticação", Label::kMethod}, {"método de autenticação", Label::kMethod},
    {"criptografia", Label::kSecurity}, {"segurança", Label::kSecurity},
    // Russian
    {"логин", Label::kIdentity}, {"пользователь", Label::kIdentity},
    {"имя пользователя", Label::kIdentity}, {"учетная запись", Label::kIdentity},
    {"учётная запись", Label::kIdentity}, {"аккаунт", Label::kIdentity},
    {"почта", Label::kIdentity}, {"адрес", Label::kIdentity}, {"эл почта", Label::kIdentity},
    {"электронная почта", Label::kIdentity}, {"почтовый ящик", Label::kIdentity},
    {"ящик", Label::kIdentity}, {"пароль", Label::kSecret}, {"сервер", Label::kHost},
    {"хост", Label::kHost}, {"адрес сервера", Label::kHost},
    {"сервер исходящей почты", Label::kHost}, {"порт", Label::kPort},
    {"аутентификация", Label::kMethod}, {"авторизация", Label::kMethod},
    {"шифрование", Label::kSecurity}, {"безопасность", Label::kSecurity},
    // Italian and Korean words that differ from the above
    {"utente", Label::kIdentity}, {"nome utente", Label::kIdentity}, {"porta smtp", Label::kPort},
    // Japanese
    {"ユーザー名", Label::kIdentity}, {"ユーザ名", Label::kIdentity}, {"ユーザー", Label::kIdentity},
    {"ユーザ", Label::kIdentity}, {"アカウント", Label::kIdentity}, {"ログイン", Label::kIdentity},
    {"メールアドレス", Label::kIdentity}, {"アドレス", Label::kIdentity},
    {"パスワード", Label::kSecret}, {"暗証番号", Label::kSecret},
    {"サーバー", Label::kHost}, {"サーバ", Label::kHost}, {"ホスト", Label::kHost},
    {"サーバーアドレス", Label::kHost}, {"サーバアドレス", Label::kHost},
    {"サーバー名", Label::kHost}, {"サーバ名", Label::kHost},
    {"ポート", Label::kPort}, {"認証", Label::kMethod}, {"暗号化", Label::kSecurity},
    {"セキュリティ", Label::kSecurity},
    // Chinese (simplified and traditional)
    {"用户名", Label::kIdentity}, {"用戶名", Label::kIdentity}, {"用户", Label::kIdentity},
    {"用戶", Label::kIdentity}, {"账号", Label::kIdentity}, {"帳號", Label::kIdentity},
    {"账户", Label::kIdentity}, {"帳戶", Label::kIdentity}, {"邮箱", Label::kIdentity},
    {"郵箱", Label::kIdentity}, {"邮件地址", Label::kIdentity}, {"郵件地址", Label::kIdentity},
    {"电子邮件", Label::kIdentity}, {"電子郵件", Label::kIdentity}, {"登录名", Label::kIdentity},
    {"登錄名", Label::kIdentity}, {"密码", Label::kSecret},
    {"密碼", Label::kSecret}, {"口令", Label::kSecret}, {"服务器", Label::kHost},
    {"伺服器", Label::kHost}, {"主机", Label::kHost}, {"主機", Label::kHost},
    {"端口", Label::kPort}, {"埠", Label::kPort}, {"认证", Label::kMethod},
    {"認證", Label::kMethod}, {"验证", Label::kMethod}, {"驗證", Label::kMethod},
    {"加密", Label::kSecurity},
    // Korean
    {"비밀번호", Label::kSecret}, {"아이디", Label::kIdentity}, {"서버", Label::kHost},
    {"포트", Label::kPort},
};

// Words that qualify a label without changing what it names: stripped before the lookup
// (when other words remain).
constexpr std::string_view kContextWords[] = {
    "smtp", "esmtp", "smtps", "outgoing", "outbound", "sending", "send", "submission", "your",
    "my", "the", "ausgehender", "исходящей", "исходящий", "ihr", "votre", "su", "sua", "ваш"};

// Words (and in CJK labels, substrings) that make a password a temporary or first one.
constexpr std::string_view kOnboardingWords[] = {
    "temporary", "temp", "tmp", "initial", "new", "default", "onetime", "one", "time",
    "provisional", "first", "starter", "temporär", "temporäres", "vorläufig", "vorläufiges",
    "initiales", "neu", "neues", "einmal", "einmalpasswort", "startpasswort", "initialpasswort",
    "temporaire", "provisoire", "nouveau", "nouvel", "temporal", "provisional", "inicial",
    "nueva", "nuevo", "temporária", "temporaria", "provisória", "provisoria", "nova",
    "временный", "новый", "начальный", "одноразовый", "первичный"};
constexpr std::string_view kOnboardingCjk[] = {"初期", "仮", "新しい", "新", "臨時", "临时",
                                                "初始", "一時", "初回"};
constexpr std::string_view kOtherServiceWords[] = {
    "imap", "pop", "pop3", "incoming", "eingang", "posteingangsserver", "entrant", "entrante",
    "входящей", "входящий", "ftp", "sftp", "ftps", "ssh", "vpn", "rdp", "vnc", "mysql",
    "postgres", "postgresql", "database", "db", "datenbank", "wifi", "wi", "fi", "wlan", "ssid",
    "router", "nas", "cpanel", "plesk", "panel", "admin", "webdav", "git", "svn", "wordpress",
    "wp", "cms", "portal", "intranet", "dashboard", "teamviewer", "anydesk", "proxy", "api",
    "web", "webmail", "http", "https", "shop", "bank", "zoom", "teams", "meeting"};
constexpr std::string_view kOtherServiceCjk[] = {"受信", "收件", "接收", "imap", "pop", "ftp",
                                                 "無線", "ルーター", "データベース", "管理画面",
                                                 "数据库", "無線lan", "ウェブ", "会議"};

constexpr std::string_view kOnboardingPhrases[] = {
    "change your password", "change the password", "change this password", "change it after",
    "change it at", "change it on", "change it when", "reset your password", "must be changed",
    "prompted to change", "first login", "first log in", "first sign in", "first sign-in",
    "first logon", "update your password", "logging in for the first time",
    "passwort ändern", "passwort zu ändern", "kennwort ändern", "ändern sie das passwort",
    "ändern sie ihr passwort", "ersten anmeldung", "changer votre mot de passe",
    "modifier votre mot de passe", "changer le mot de passe", "modifier le mot de passe",
    "première connexion", "cambie su contraseña", "cambiar la contraseña",
    "cambiar su contraseña", "cambie la contraseña", "primer inicio de sesión",
    "altere sua senha", "alterar a senha", "alterar sua senha", "troque sua senha",
    "trocar a senha", "primeiro acesso", "primeiro login", "смените пароль", "измените пароль",
    "сменить пароль", "изменить пароль", "первом входе", "修改密码", "更改密码", "修改密碼",
    "更改密碼", "首次登录", "首次登錄", "パスワードを変更", "パスワードの変更", "パスワード変更",
    "初回ログイン", "変更してください"};

// Folded label, separators as single spaces, bullets and brackets removed.
std::string normalize(std::string_view label) {
  std::string spaced;
  for (size_t i = 0; i < label.size(); ++i) {
    char c = label[i];
    if (i > 0 && core::is_upper(c) && core::is_lower(label[i - 1])) spaced += ' ';  // camelCase
    spaced += c;
  }
  std::string f = fold_case(spaced);
  std::string out;
  bool space = true;
  for (size_t i = 0; i < f.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(f[i]);
    bool sep = c == ' ' || c == '\t' || c == '_' || c == '.' || c == '-' || c == '/' ||
               c == '\'' || c == '"' || c == '*' || c == '#' || c == '(' || c == ')' ||
               c == '[' || c == ']' || c == '<' || c == '>' || c == '{' || c == '}' ||
               (c >= '0' && c <= '9' && out.empty());
    // Japanese and full-width brackets, bullets and middle dots: 【】「」・■●◆○◇
    if (c == 0xE3 && i + 2 < f.size()) {
      std::string_view three(f.data() + i, 3);
      if (three == "【" || three == "】" || three == "「" || three == "」" || three == "・" ||
          three == "　") {
        sep = true;
        i += 2;
      }
    } else if (c == 0xE2 && i + 2 < f.size()) {
      std::string_view three(f.data() + i, 3);
      if (three == "■" || three == "●" || three == "◆" || three == "○" || three == "◇" ||
          three == "•" || three == "▶" || three == "★") {
        sep = true;
        i += 2;
      }
    } else if (c == 0xEF && i + 2 < f.size()) {
      std::string_view three(f.data() + i, 3);
      if (three == "（" || three == "）" || three == "＊" || three == "：") {
        sep = true;
        i += 2;
      }
    }
    if (sep) {
      if (!space) out += ' ';
      space = true;
      continue;
    }
    out += static_cast<char>(c);
    space = false;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string_view> words_of(std::string_view s) {
  std::vector<std::string_view> w;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) w.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return w;
}

bool is_cjk_phrase(std::string_view p) {
  return !p.empty() && static_cast<unsigned char>(p[0]) >= 0xE3 &&
         static_cast<unsigned char>(p[0]) <= 0xED;
}

template <size_t N>
bool contains_word(const std::string_view (&list)[N], std::string_view w) {
  for (auto x : list) {
    if (x == w) return true;
  }
  return false;
}

}  // namespace

LabelInfo label_of(std::string_view label) {
  LabelInfo info;
  if (label.size() > 48) return info;
  std::string norm = normalize(label);
  if (norm.empty()) return info;
  std::vector<std::string_view> words = words_of(norm);
  if (words.size() > 5) return info;
  // Qualifiers: onboarding, mailbox (IMAP/POP) and context words.
  std::vector<std::string_view> kept;
  for (auto w : words) {
    if (contains_word(kOnboardingWords, w)) {
      info.onboarding = true;
    } else if (contains_word(kOtherServiceWords, w)) {
      info.other = true;
    } else if (!contains_word(kContextWords, w)) {
      kept.push_back(w);
    } else if (w == "smtp" || w == "smtps" || w == "esmtp" || w == "outgoing" || w == "outbound" ||
               w == "submission" || w == "ausgehender" || w == "исходящей" || w == "исходящий") {
      info.smtp = true;
    }
  }
  for (auto c : {"smtp", "送信", "发件", "發件", "外发", "ausgang", "sortant", "saliente",
                 "salida", "saída", "исходящ"}) {
    if (norm.find(c) != std::string::npos) info.smtp = true;
  }
  for (auto c : kOnboardingCjk) {
    if (norm.find(c) != std::string::npos) info.onboarding = true;
  }
  for (auto c : kOtherServiceCjk) {
    if (norm.find(c) != std::string::npos) info.other = true;
  }
  if (kept.empty() && !words.empty()) {
    // "smtp" alone names the server; a lone qualifier ("new") names nothing.
    if (words.size() == 1 && (words[0] == "smtp" || words[0] == "smtps")) {
      info.kind = Label::kHost;
      info.smtp = true;
      return info;
    }
    return LabelInfo{};
  }
  std::string joined;
  for (auto w : kept) joined += (joined.empty() ? "" : " ") + std::string(w);
  // Whole-word match at the end or the start of the label, longest phrase first; CJK
  // phrases anywhere inside it.
  size_t best_len = 0;
  bool best_at_end = false;
  for (const Entry& e : kLabels) {
    bool match = false, at_end = false;
    if (is_cjk_phrase(e.phrase)) {
      match = joined.find(e.phrase) != std::string::npos;
      at_end = true;
    } else if (joined == e.phrase) {
      match = at_end = true;
    } else if (joined.size() > e.phrase.size()) {
      size_t n = e.phrase.size();
      if (joined.compare(joined.size() - n, n, e.phrase) == 0 && joined[joined.size() - n - 1] == ' ') {
        match = at_end = true;
      } else if (joined.compare(0, n, e.phrase) == 0 && joined[n] == ' ') {
        match = true;
      }
    }
    if (!match) continue;
    if (e.phrase.size() > best_len || (e.phrase.size() == best_len && at_end && !best_at_end)) {
      best_len = e.phrase.size();
      best_at_end = at_end;
      info.kind = e.kind;
    }
  }
  if (info.kind != Label::kSecret) info.onboarding = false;
  return info;
}

bool has_onboarding_phrase(std::string_view text) {
  std::string f = fold_case(text);
  for (char& c : f) {
    if (c == '-' || c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  for (auto p : kOnboardingPhrases) {
    if (f.find(p) != std::string::npos) return true;
  }
  return false;
}

}  // namespace mw::outbound::cred
