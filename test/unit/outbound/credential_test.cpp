// The credential verifier (outbound/credential.h): every format it must read, the
// placeholders and prose it must not take for a password, the decision and the masking.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "outbound/credential.h"
#include "outbound/credential_fields.h"
#include "outbound/credential_labels.h"

namespace mw::outbound {
namespace {

const SenderIdentity kTaro{"taro.yamada", "taro.yamada@example.jp"};

CredentialFindings in_subject(std::string_view s, const SenderIdentity& who = kTaro) {
  TextSource src{s, "subject", true};
  return find_credentials({&src, 1}, who, {});
}

CredentialFindings in_body(std::string_view s, const SenderIdentity& who = kTaro) {
  TextSource src{s, "text", false};
  return find_credentials({&src, 1}, who, {});
}

// A complete record with this secret, decisive or not.
void expect_record(const CredentialFindings& f, std::string_view secret, bool decisive = true) {
  ASSERT_NE(f.best(), nullptr) << "no record";
  EXPECT_TRUE(f.best()->complete) << f.best()->masked;
  EXPECT_EQ(f.best()->secret, secret) << f.best()->masked;
  EXPECT_EQ(f.decisive, decisive) << f.reason << ": " << f.best()->masked;
}

void expect_clean(const CredentialFindings& f) {
  EXPECT_FALSE(f.decisive) << f.reason << ": " << (f.best() ? f.best()->masked : "");
  if (f.best() != nullptr) {
    EXPECT_FALSE(f.best()->complete) << f.best()->masked << " secret=" << f.best()->secret;
  }
}

TEST(CredentialFields, Classify) {
  using cred::Kind;
  EXPECT_EQ(cred::classify("taro@example.jp").kind, Kind::kEmail);
  EXPECT_EQ(cred::classify("mail.example.jp").kind, Kind::kHost);
  EXPECT_EQ(cred::classify("[mail.example.jp:587]").kind, Kind::kHostPort);
  EXPECT_EQ(cred::classify("465").kind, Kind::kPort);
  EXPECT_EQ(cred::classify("2").kind, Kind::kCount);
  EXPECT_EQ(cred::classify("cram-md5").kind, Kind::kMethod);
  EXPECT_EQ(cred::classify("Passw0rd").kind, Kind::kSecret);
  EXPECT_EQ(cred::classify("taro").kind, Kind::kLogin);
  EXPECT_EQ(cred::classify("smtp://taro:Pw1x@mail.example.jp:587").kind, Kind::kUrl);
  EXPECT_EQ(cred::classify("taro@example.jp:Sakura2024!").kind, Kind::kUserPass);
  EXPECT_EQ(cred::classify("03-1234-5678").kind, Kind::kNumber);
  EXPECT_EQ(cred::classify("2026/11/03").kind, Kind::kNumber);
  EXPECT_EQ(cred::classify("report.pdf").kind, Kind::kLogin);
  EXPECT_EQ(cred::classify("report.pdf").strength, 0);
  EXPECT_EQ(cred::classify("taro.yamada").kind, Kind::kLogin);  // not a host name, a login
  EXPECT_EQ(cred::classify("<password>").kind, Kind::kOther);
  EXPECT_EQ(cred::classify("the one you chose").kind, Kind::kProse);
}

TEST(CredentialFields, SecretStrength) {
  EXPECT_EQ(cred::secret_strength("Passw0rd"), 2);
  EXPECT_EQ(cred::secret_strength("Sakura2024!"), 2);
  EXPECT_EQ(cred::secret_strength("sakura"), 1);
  EXPECT_EQ(cred::secret_strength("Sakura"), 1);     // a title-case word
  EXPECT_EQ(cred::secret_strength("password"), 1);   // a placeholder word
  EXPECT_EQ(cred::secret_strength("${SECRET}"), 0);
  EXPECT_EQ(cred::secret_strength("$SMTP_PASSWORD"), 0);
  EXPECT_EQ(cred::secret_strength("%SMTP_PASS%"), 0);
  EXPECT_EQ(cred::secret_strength("{{ smtp_password }}"), 0);
  EXPECT_EQ(cred::secret_strength("********"), 0);
  EXPECT_EQ(cred::secret_strength("Pa******"), 0);
  EXPECT_EQ(cred::secret_strength("xxxxxxxx"), 0);
  EXPECT_EQ(cred::secret_strength("●●●●●●"), 0);
  EXPECT_EQ(cred::secret_strength("2026-11-03"), 0);
  EXPECT_EQ(cred::secret_strength("03-1234-5678"), 0);
  EXPECT_EQ(cred::secret_strength("mail.example.jp"), 0);
  EXPECT_EQ(cred::secret_strength("role=REQ-PARTICIPANT"), 0);
  EXPECT_EQ(cred::secret_strength("os.environ['SMTP_PASS']"), 0);
  EXPECT_EQ(cred::secret_strength("パスワード"), 0);
}

TEST(CredentialFields, ProseAndMask) {
  EXPECT_EQ(cred::prose_units("the server is smtp.example.jp, port 587"), 4u);
  EXPECT_EQ(cred::prose_units("お世話になっております"), 6u);
  EXPECT_EQ(mask_secret("Passw0rd"), "Pa******");
  EXPECT_EQ(mask_secret("abc123"), "a*****");
  EXPECT_EQ(mask_secret("abcd"), "****");
}

TEST(CredentialLabels, Languages) {
  using cred::Label;
  auto kind = [](std::string_view l) { return cred::label_of(l).kind; };
  EXPECT_EQ(kind("Password"), Label::kSecret);
  EXPECT_EQ(kind("SMTP_PASSWORD"), Label::kSecret);
  EXPECT_EQ(kind("spring.mail.password"), Label::kSecret);
  EXPECT_EQ(kind("smtpPassword"), Label::kSecret);
  EXPECT_EQ(kind("パスワード"), Label::kSecret);
  EXPECT_EQ(kind("Passwort"), Label::kSecret);
  EXPECT_EQ(kind("Mot de passe"), Label::kSecret);
  EXPECT_EQ(kind("Contraseña"), Label::kSecret);
  EXPECT_EQ(kind("Senha"), Label::kSecret);
  EXPECT_EQ(kind("Пароль"), Label::kSecret);
  EXPECT_EQ(kind("密码"), Label::kSecret);
  EXPECT_EQ(kind("SMTP User"), Label::kIdentity);
  EXPECT_EQ(kind("ユーザー名"), Label::kIdentity);
  EXPECT_EQ(kind("Benutzername"), Label::kIdentity);
  EXPECT_EQ(kind("Nom d'utilisateur"), Label::kIdentity);
  EXPECT_EQ(kind("Usuario"), Label::kIdentity);
  EXPECT_EQ(kind("Usuário"), Label::kIdentity);
  EXPECT_EQ(kind("Имя пользователя"), Label::kIdentity);
  EXPECT_EQ(kind("用户名"), Label::kIdentity);
  EXPECT_EQ(kind("SMTP"), Label::kHost);
  EXPECT_EQ(kind("送信サーバー"), Label::kHost);
  EXPECT_EQ(kind("Postausgangsserver"), Label::kHost);
  EXPECT_EQ(kind("Serveur SMTP"), Label::kHost);
  EXPECT_EQ(kind("Servidor de saída"), Label::kHost);
  EXPECT_EQ(kind("Сервер исходящей почты"), Label::kHost);
  EXPECT_EQ(kind("发件服务器"), Label::kHost);
  EXPECT_EQ(kind("ポート番号"), Label::kPort);
  EXPECT_EQ(kind("Puerto"), Label::kPort);
  EXPECT_EQ(kind("SMTP認証"), Label::kMethod);
  EXPECT_EQ(kind("Name"), Label::kNone);
  EXPECT_EQ(kind("the password you chose when you signed up"), Label::kNone);
  EXPECT_TRUE(cred::label_of("Temporary password").onboarding);
  EXPECT_TRUE(cred::label_of("初期パスワード").onboarding);
  EXPECT_TRUE(cred::label_of("IMAP server").other);
  EXPECT_TRUE(cred::label_of("SMTP server").smtp);
  EXPECT_TRUE(cred::label_of("FTP password").other);
  EXPECT_TRUE(cred::has_onboarding_phrase("Please change your password after the first login."));
  EXPECT_TRUE(cred::has_onboarding_phrase("初回ログイン後にパスワードを変更してください。"));
}

TEST(Credential, ThreatSampleInSubject) {
  auto f = in_subject("iij-taro@example.jp;iij-taro;Passw0rd;mail.example.jp;465;2;LOGIN",
                      {"iij-taro@example.jp", "iij-taro@example.jp"});
  expect_record(f, "Passw0rd");
  EXPECT_EQ(f.best()->identity, "iij-taro@example.jp");
  EXPECT_EQ(f.best()->login, "iij-taro");
  EXPECT_EQ(f.best()->host, "mail.example.jp");
  EXPECT_EQ(f.best()->port, 465);
  EXPECT_EQ(f.best()->method, "LOGIN");
  EXPECT_TRUE(f.best()->own);
  EXPECT_EQ(f.best()->masked, "iij-taro@example.jp;iij-taro;Pa******;mail.example.jp;465;2;LOGIN");
  EXPECT_EQ(f.reason, "record in subject");
}

TEST(Credential, Delimiters) {
  for (std::string s : {"taro.yamada@example.jp;taro.yamada;Sakura2024!;mail.example.jp;465;2;LOGIN",
                        "taro.yamada@example.jp|taro.yamada|Sakura2024!|mail.example.jp|465|2|LOGIN",
                        "taro.yamada@example.jp,taro.yamada,Sakura2024!,mail.example.jp,465,2,LOGIN",
                        "taro.yamada@example.jp:taro.yamada:Sakura2024!:mail.example.jp:465:2:LOGIN",
                        "taro.yamada@example.jp/taro.yamada/Sakura2024!/mail.example.jp/465/2/LOGIN",
                        "taro.yamada@example.jp\ttaro.yamada\tSakura2024!\tmail.example.jp\t465\t2\tLOGIN",
                        "taro.yamada@example.jp taro.yamada Sakura2024! mail.example.jp 465 2 LOGIN",
                        "taro.yamada@example.jp ; Sakura2024! ; smtp.example.jp ; 587",
                        "smtp.example.jp;587;taro.yamada@example.jp;Sakura2024!;PLAIN",
                        "mail.example.jp|587|taro.yamada|Sakura2024!|OK",
                        "taro.yamada@example.jp,Sakura2024!,smtp.example.jp,465",
                        "smtp.example.jp:587:taro.yamada:Sakura2024!",
                        "Sakura2024!;smtp.example.jp;taro.yamada@example.jp",
                        "LOGIN;465;mail.example.jp;Sakura2024!;taro.yamada@example.jp"}) {
    SCOPED_TRACE(s);
    expect_record(in_subject(s), "Sakura2024!");
    expect_record(in_body(s), "Sakura2024!");
  }
}

TEST(Credential, StatusWordsAroundAField) {
  expect_record(in_subject("✔ taro.yamada@example.jp|Sakura2024!|LOGIN|smtp.example.jp:25"),
                "Sakura2024!");
  // Status words in other languages, with mixed delimiters.
  expect_record(in_subject("送信テスト taro@example.jp / Sakura2024! / mail.example.jp:587"),
                "Sakura2024!");
  expect_record(in_subject("успешно | taro@example.jp | Sakura2024! | smtp.example.jp | 465"),
                "Sakura2024!");
  expect_record(in_body("SMTP OK: mail.example.jp:587 | taro@example.jp:Sakura2024!"), "Sakura2024!");
}

TEST(Credential, HandedOverToItsOwner) {
  // An administrator sends a colleague the settings of the colleague's own mailbox: the
  // identity is the recipient's. Not decisive (the same record sent elsewhere is).
  std::string body = "Hi Nozomi,\n\nhere are the settings for your mail client:\n\n"
                     "Email address: nozomi4@example.jp\nUser name: nozomi4\nPassword: xyP2VDFz\n"
                     "SMTP server: smtp.example.jp, port 587, STARTTLS, authentication: LOGIN\n";
  std::vector<std::string> to_owner = {"nozomi4@example.jp"};
  std::vector<std::string> to_collector = {"drop@freemail.example"};
  TextSource src{body, "text", false};
  auto f = find_credentials({&src, 1}, {"taro.yamada", "taro.yamada@example.jp", to_owner}, {});
  expect_record(f, "xyP2VDFz", false);
  EXPECT_EQ(f.reason, "handover");
  f = find_credentials({&src, 1}, {"taro.yamada", "taro.yamada@example.jp", to_collector}, {});
  expect_record(f, "xyP2VDFz", true);
  // A test mail sent to the victim's own address is not a handover.
  std::vector<std::string> to_self = {"taro.yamada@example.jp"};
  TextSource subj{"taro.yamada@example.jp;Sakura2024!;smtp.example.jp;587", "subject", true};
  f = find_credentials({&subj, 1}, {"taro.yamada", "taro.yamada@example.jp", to_self}, {});
  expect_record(f, "Sakura2024!", true);
}

TEST(Credential, SomeoneElsesAccount) {
  // The record names another account than the sender's: still a credential.
  auto f = in_subject("hanako@example.co.jp|mail.example.jp|587|k9!Vb2xQ");
  expect_record(f, "k9!Vb2xQ");
  EXPECT_FALSE(f.best()->own);
  // A login that is not the sender's, next to a password that is login-like too.
  expect_record(in_subject("smtp.example.jp:587:hsuzuki:sakura2024"), "sakura2024");
}

TEST(Credential, WeakPasswordByStructure) {
  // Every other field is typed: the word left over is the password.
  expect_record(in_subject("taro.yamada@example.jp;taro.yamada;password;mail.example.jp;465;2;LOGIN"),
                "password");
  expect_record(in_subject("taro.yamada@example.jp;sunflower;smtp.example.jp;587"), "sunflower");
}

TEST(Credential, CompoundForms) {
  expect_record(in_subject("[mail.example.jp:587] taro.yamada / Sakura2024! -> OK"), "Sakura2024!");
  expect_record(in_body("smtp://taro.yamada:Sakura2024!@mail.example.jp:587"), "Sakura2024!");
  auto f = in_subject("smtps://taro.yamada%40example.jp:Sak%40ra24@mail.example.jp:465");
  expect_record(f, "Sak%40ra24");
  EXPECT_EQ(f.best()->identity, "taro.yamada@example.jp");
  EXPECT_EQ(f.best()->secret_forms.size(), 2u);
  expect_record(in_subject("OK taro.yamada@example.jp:Sakura2024! smtp.example.jp:587"), "Sakura2024!");
  expect_record(in_subject("taro.yamada:Sakura2024!@smtp.example.jp"), "Sakura2024!");
  expect_record(in_body("[smtp.example.jp]:587 taro@example.jp:Sakura2024!"), "Sakura2024!");
}

TEST(Credential, KeyValueEnglish) {
  auto f = in_body("SMTP: mail.example.jp\r\nPORT: 587\r\nUSER: taro.yamada@example.jp\r\n"
                   "PASS: Sakura2024!\r\nSSL: yes\r\n");
  expect_record(f, "Sakura2024!");
  EXPECT_EQ(f.best()->format, "kv");
  EXPECT_EQ(f.best()->port, 587);
  expect_record(in_body("host=smtp.example.jp\nport=587\nuser=taro.yamada\npass=Sakura2024!\n"),
                "Sakura2024!");
  expect_record(in_body("host=smtp.example.jp port=587 user=taro.yamada pass=Sakura2024!"),
                "Sakura2024!");
  expect_record(in_body("Server smtp.example.jp, port 465, login taro.yamada, password Sakura2024!"),
                "Sakura2024!");
  expect_record(in_body("Host\tsmtp.example.jp\nUsername\ttaro.yamada@example.jp\n"
                        "Password\tSakura2024!\nAuth\tLOGIN\n"), "Sakura2024!");
}

TEST(Credential, KeyValueLanguages) {
  const char* bodies[] = {
      "送信サーバー：smtp.example.jp\nポート：587\nユーザー名：taro.yamada\nパスワード：Sakura2024!\n",
      "Postausgangsserver: smtp.example.jp\nPort: 587\nBenutzername: taro.yamada\nPasswort: Sakura2024!\n",
      "Serveur sortant : smtp.example.jp\nPort : 587\nIdentifiant : taro.yamada\nMot de passe : Sakura2024!\n",
      "Servidor SMTP: smtp.example.jp\nPuerto: 587\nUsuario: taro.yamada\nContraseña: Sakura2024!\n",
      "Servidor de saída: smtp.example.jp\nPorta: 587\nUsuário: taro.yamada\nSenha: Sakura2024!\n",
      "Сервер: smtp.example.jp\nПорт: 587\nЛогин: taro.yamada\nПароль: Sakura2024!\n",
      "发件服务器：smtp.example.jp\n端口：587\n用户名：taro.yamada\n密码：Sakura2024!\n",
      "伺服器: smtp.example.jp\n埠: 587\n帳號: taro.yamada\n密碼: Sakura2024!\n",
  };
  for (const char* b : bodies) {
    SCOPED_TRACE(b);
    expect_record(in_body(b), "Sakura2024!");
  }
}

TEST(Credential, KeyValueWritingHabits) {
  // Full-width labels, ideographic spaces, slashes and ampersands between pairs, a server
  // written without its label.
  expect_record(in_body("ＳＭＴＰサーバー：mail.example.jp\nポート：587\nＩＤ：taro\nＰＷ：Sakura2024!\n"),
                "Sakura2024!");
  expect_record(in_body("ID：taro　PW：Sakura2024!　サーバー：mail.example.jp"), "Sakura2024!");
  expect_record(in_body("アカウント taro@example.jp / パスワード Sakura2024! / smtp.example.jp:587"),
                "Sakura2024!");
  expect_record(in_body("usuario=taro@example.jp&clave=Sakura2024!&host=mail.example.jp"), "Sakura2024!");
  expect_record(in_body("User taro@example.jp | Pass Sakura2024! | mail.example.jp"), "Sakura2024!");
  // Labels and values separated by spaces only, one pair after the other.
  expect_record(in_body("host mail.example.jp port 465 login taro pass Sakura2024!"), "Sakura2024!");
  expect_record(in_subject("SMTP mail.example.jp PORT 587 USER taro@example.jp PASS Sakura2024!"),
                "Sakura2024!");
  // An ideographic space between label and value, one pair per line.
  expect_record(in_body("送信サーバー　mail.example.jp\nポート　587\nメールアドレス　taro@example.jp\n"
                        "パスワード　Sakura2024!\n"), "Sakura2024!");
  // Labels with separators, several pairs on one line separated by spaces only.
  expect_record(in_subject("user: taro@example.jp pass: Sakura2024! host: mail.example.jp"),
                "Sakura2024!");
  expect_record(in_body("pass: Sakura2024! host: mail.example.jp user: taro@example.jp"),
                "Sakura2024!");
  // ... but a label followed by prose is not a pair.
  expect_clean(in_body("Password reset link sent to your address, user support will call"));
}

TEST(Credential, Json) {
  auto f = in_body("{\"host\": \"smtp.example.jp\", \"port\": 587, \"user\": \"taro.yamada@example.jp\", "
                   "\"pass\": \"Sakura2024!\", \"status\": \"ok\"}");
  expect_record(f, "Sakura2024!");
  EXPECT_EQ(f.best()->format, "json");
  expect_record(in_body("{\"smtp\": {\"host\": \"mail.example.jp\", \"port\": 587}, "
                        "\"auth\": {\"user\": \"taro.yamada@example.jp\", \"pass\": \"Sakura2024!\"}}"),
                "Sakura2024!");
  expect_record(in_body("{'server': 'mail.example.jp', 'login': 'taro.yamada', 'pwd': 'Sakura2024!'}"),
                "Sakura2024!");
}

TEST(Credential, LookAlikes) {
  // Help desk: "the one you chose".
  expect_clean(in_body("Hello Hanako,\nplease set up your mail client: server smtp.example.jp, "
                       "port 587, user hanako@example.jp, password: the one you chose.\n"));
  // A developer's config snippet with placeholders.
  expect_clean(in_body("smtp.host=smtp.example.jp\nsmtp.port=587\nsmtp.user=app@example.jp\n"
                       "smtp.password=${SECRET}\n"));
  expect_clean(in_body("SMTP_HOST=smtp.example.jp\nSMTP_PORT=587\nSMTP_USER=app\n"
                       "SMTP_PASSWORD=<your password>\n"));
  expect_clean(in_body("host: smtp.example.jp\nport: 587\nusername: app@example.jp\n"
                       "password: \"{{ vault_smtp_password }}\"\n"));
  expect_clean(in_body("user: taro@example.jp\npassword: ********\nserver: smtp.example.jp\n"));
  // CSV with semicolons, amounts and quantities.
  expect_clean(in_body("date;order;customer;item;qty;amount\n"
                       "2026-11-03;INV-2024-0042;taro@example.jp;Widget A;25;2,400\n"
                       "2026-11-03;INV-2024-0043;hanako@example.jp;Widget B;587;12,000\n"));
  // Signatures.
  expect_clean(in_body("Taro Yamada; Example Corp.; TEL 03-1234-5678; FAX 03-1234-5679; "
                       "1-2-3 Chiyoda, Tokyo\n"));
  expect_clean(in_body("Taro Yamada | Sales | taro@example.jp | www.example.jp | 587-0012\n"));
  // Calendar.
  expect_clean(in_body("ATTENDEE;ROLE=REQ-PARTICIPANT;CN=Hanako:mailto:hanako@example.jp\n"
                       "ORGANIZER;CN=Taro:mailto:taro@example.jp\nDTSTART;TZID=Asia/Tokyo:20261103T100000\n"));
  // Newsletters listing addresses.
  expect_clean(in_body("Hanako Suzuki; hanako@example.jp\nIchiro Sato; ichiro@example.net\n"));
  // Short test mails.
  expect_clean(in_subject("test"));
  expect_clean(in_subject("Test 4851"));
  // Settings without a password.
  expect_clean(in_subject("設定確認: smtp.example.jp / 587 / STARTTLS"));
  // Other URLs with credentials are not SMTP ones.
  expect_clean(in_body("postgres://app:S3cretPw@db.example.jp:5432/app\n"));
}

TEST(Credential, ConfigurationIsNotDecisive) {
  // A program's configuration with a literal password: a credential, but a developer's
  // snippet, not a test record (a namespaced key, SMTP_PASSWORD, smtpHost).
  auto f = in_body("smtp.host=smtp.example.jp\nsmtp.port=587\nsmtp.user=app@example.jp\n"
                   "smtp.password=Xk7#pQ2m\n");
  expect_record(f, "Xk7#pQ2m", false);
  EXPECT_EQ(f.reason, "config");
  f = in_body("SMTP_HOST=mail.example.jp\nSMTP_PORT=465\nSMTP_USERNAME=taro.yamada\n"
              "SMTP_PASSWORD=Sakura2024!\n");
  expect_record(f, "Sakura2024!", false);
  EXPECT_EQ(f.reason, "config");
  // JSON is how checkers dump a record, whatever its keys: decisive.
  f = in_body("{\n  \"smtp_host\": \"mail.example.jp\",\n  \"smtp_port\": 465,\n"
              "  \"username\": \"taro.yamada\",\n  \"password\": \"Sakura2024!\"\n}\n");
  expect_record(f, "Sakura2024!", true);
}

TEST(Credential, VerticalAndLabelledInOneLine) {
  expect_record(in_body("taro.yamada@example.jp\nSakura2024!\nmail.example.jp\n587\n"), "Sakura2024!");
  expect_record(in_body("Server: mail.example.jp:465 | Login: taro | Password: Sakura2024! | Status: OK"),
                "Sakura2024!");
  expect_record(in_body("E-mail: taro@example.jp Password: Sakura2024! SMTP: mail.example.jp"),
                "Sakura2024!");
}

TEST(Credential, OnboardingIsNotDecisive) {
  auto f = in_body("Hanako,\nyour account is ready.\nUser: hanako@example.jp\n"
                   "Temporary password: Xk7#pQ2m\nSMTP server: smtp.example.jp, port 587\n");
  expect_record(f, "Xk7#pQ2m", false);
  EXPECT_EQ(f.reason, "onboarding");
  f = in_body("メールアドレス：hanako@example.jp\nパスワード：Xk7#pQ2m\n送信サーバー：smtp.example.jp\n"
              "初回ログイン後にパスワードを変更してください。\n");
  expect_record(f, "Xk7#pQ2m", false);
}

TEST(Credential, ProseIsNotDecisive) {
  std::string body =
      "Hi IT team,\nmy mail program stopped sending since yesterday and shows an error about the "
      "server. I did not change anything as far as I know, but maybe the update of last week "
      "changed something. Here are my settings, can you check them and call me back please?\n"
      "User: taro.yamada@example.jp\nPassword: Sakura2024!\nServer: smtp.example.jp\nPort: 587\n"
      "Thanks a lot and best regards, Taro\n";
  auto f = in_body(body);
  expect_record(f, "Sakura2024!", false);
  EXPECT_EQ(f.reason, "prose");
  // A few words around the record are still a bare record.
  expect_record(in_body("SMTP test OK\n\nUser: taro.yamada@example.jp\nPassword: Sakura2024!\n"
                        "Server: smtp.example.jp:587\n\nsent by checker\n"), "Sakura2024!");
}

TEST(Credential, AccountInBodyServerInSubject) {
  TextSource srcs[] = {{"smtp.example.jp:587 OK", "subject", true},
                       {"user: taro.yamada@example.jp\npass: Sakura2024!\n", "text", false}};
  auto f = find_credentials(srcs, kTaro, {});
  expect_record(f, "Sakura2024!");
  EXPECT_EQ(f.best()->format, "kv+subject");
  // Without the server anywhere it is nothing.
  expect_clean(in_body("user: taro.yamada@example.jp\npass: Sakura2024!\n"));
  // A port alone in the Subject does not say where.
  TextSource order[] = {{"Order 25", "subject", true},
                        {"user: taro.yamada@example.jp\npass: Sakura2024!\n", "text", false}};
  expect_clean(find_credentials(order, kTaro, {}));
}

TEST(Credential, PartialRecords) {
  auto f = in_subject("taro.yamada@example.jp:Sakura2024!");
  ASSERT_NE(f.best(), nullptr);
  EXPECT_FALSE(f.best()->complete);
  EXPECT_FALSE(f.decisive);
  f = in_subject("smtp.example.jp:587 Sakura2024!");
  ASSERT_NE(f.best(), nullptr);
  EXPECT_FALSE(f.best()->complete);
}

TEST(Credential, QuotedLinesAreSkipped) {
  expect_clean(in_body("> user: taro.yamada@example.jp\n> pass: Sakura2024!\n> host: smtp.example.jp\n"));
}

}  // namespace
}  // namespace mw::outbound
