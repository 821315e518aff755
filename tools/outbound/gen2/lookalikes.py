"""Ordinary mail that shares surface features with credential-test mail (label 0, kind
"lookalike"). Each builder returns (subject, text, extra) where extra may carry an HTML
alternative, attachments or a calendar part; `w` is the world (provider hosts), `me` the
sender, `to` the recipient (dicts with name, addr, lang)."""

from passwords import temporary_password

ONBOARD = {
    "en": ("Your new mail account",
           "Hi {to},\n\nwelcome to the team! Your mailbox is ready. These are the settings for "
           "your mail program:\n\n{kv}\nYou will be asked to pick a new password when you sign "
           "in for the first time, please do that right away. If anything does not work, just "
           "call me on extension 214.\n\nBest,\n{me}\nIT\n"),
    "ja": ("メールアカウント発行のお知らせ",
           "{to}さん\n\n情報システム担当の{me}です。メールアカウントを発行しました。\n"
           "メールソフトには以下の内容を設定してください。\n\n{kv}\n"
           "セキュリティのため、最初にログインしたら必ずご自身のパスワードに変更をお願いします。\n"
           "設定で分からないことがあれば内線でご連絡ください。\n\n{me}\n"),
    "de": ("Ihr neues E-Mail-Konto",
           "Hallo {to},\n\nwillkommen im Team! Ihr Postfach ist eingerichtet. Für Ihr "
           "Mailprogramm gelten folgende Einstellungen:\n\n{kv}\nBitte vergeben Sie nach der "
           "ersten Anmeldung sofort ein eigenes Passwort. Bei Fragen erreichen Sie mich unter "
           "der Durchwahl 31.\n\nViele Grüße\n{me}\n"),
    "fr": ("Votre nouvelle messagerie",
           "Bonjour {to},\n\nbienvenue ! Votre boîte aux lettres est créée. Voici les paramètres "
           "à saisir dans votre logiciel de messagerie :\n\n{kv}\nLe mot de passe ci-dessus est "
           "provisoire : merci de le remplacer par le vôtre dès la première connexion.\n\n"
           "Cordialement,\n{me}\n"),
    "es": ("Tu nueva cuenta de correo",
           "Hola {to}:\n\n¡bienvenido/a! Ya tienes tu buzón. Estos son los datos para configurar "
           "el programa de correo:\n\n{kv}\nLa contraseña es provisional; cámbiala por una tuya "
           "en cuanto entres por primera vez.\n\nUn saludo,\n{me}\n"),
    "pt": ("Sua nova conta de e-mail",
           "Olá {to},\n\nseja bem-vindo(a)! Sua caixa postal já foi criada. Use estes dados no "
           "seu programa de e-mail:\n\n{kv}\nA senha acima é provisória: troque por uma senha "
           "sua logo no primeiro acesso.\n\nAbraço,\n{me}\n"),
    "ru": ("Ваша новая почта",
           "Здравствуйте, {to}!\n\nВаш почтовый ящик создан. Настройки для почтовой программы:\n\n"
           "{kv}\nПароль временный — пожалуйста, задайте свой при первом входе.\n\n"
           "С уважением,\n{me}\n"),
    "zh": ("新邮箱账号开通通知",
           "{to}，你好！\n\n你的邮箱已经开通，请在邮件客户端中填写以下设置：\n\n{kv}\n"
           "上面的密码是临时密码，第一次登录后请马上改成你自己的密码。\n\n{me}\n"),
}

KV_LABELS = {
    "en": ("E-mail address", "User name", "Temporary password", "Outgoing server (SMTP)", "Port"),
    "ja": ("メールアドレス", "ユーザー名", "初期パスワード", "送信サーバー（SMTP）", "ポート番号"),
    "de": ("E-Mail-Adresse", "Benutzername", "Passwort", "Postausgangsserver", "Port"),
    "fr": ("Adresse e-mail", "Identifiant", "Mot de passe", "Serveur sortant", "Port"),
    "es": ("Correo", "Usuario", "Contraseña", "Servidor de salida", "Puerto"),
    "pt": ("E-mail", "Usuário", "Senha", "Servidor de saída", "Porta"),
    "ru": ("Адрес", "Логин", "Пароль", "Сервер исходящей почты", "Порт"),
    "zh": ("邮箱地址", "用户名", "密码", "发件服务器", "端口"),
}


def onboarding(rng, w, me, to, lang):
    subj, tmpl = ONBOARD[lang]
    lab = KV_LABELS[lang]
    sep = rng.choice([": ", ": ", "：" if lang in ("ja", "zh") else ": ", " = "])
    kv = "".join("%s%s%s\n" % (l, sep, v) for l, v in zip(
        lab, [to["addr"], to["login"], temporary_password(rng), w.smtp_host, rng.choice(["587", "465"])]))
    return subj, tmpl.format(to=to["first"], me=me["name"], kv=kv), {}


HELPDESK = {
    "en": ["Hi {to},\n\nto set up mail on your phone: server {host}, port {port}, user name "
           "{addr}, password: the one you chose when you signed up. Turn on SSL/TLS and "
           "'authentication required'.\n\nRegards,\n{me}\n",
           "Hello {to},\n\nOutgoing mail server: {host}\nPort: {port} (STARTTLS)\n"
           "User: your full address\nPassword: same as for webmail\n\nThat should fix the "
           "sending problem you described on the phone.\n{me}\n"],
    "ja": ["{to}さん\n\n送信サーバーは {host}、ポートは {port} です。\nユーザー名はメールアドレス"
           "（{addr}）、パスワードはご自身で設定したものを入力してください。\n"
           "「SMTP認証を使用する」にチェックを入れてください。\n\n{me}\n"],
    "de": ["Hallo {to},\n\nPostausgangsserver: {host}, Port {port}, Benutzername ist Ihre "
           "E-Mail-Adresse, Passwort wie beim Webmail. SMTP-Authentifizierung aktivieren.\n\n"
           "Gruß\n{me}\n"],
    "fr": ["Bonjour {to},\n\nserveur sortant : {host}, port {port}, identifiant : votre adresse "
           "complète, mot de passe : celui que vous avez choisi à l'inscription.\n\n{me}\n"],
    "es": ["Hola {to}:\n\nservidor de salida {host}, puerto {port}; usuario: tu dirección "
           "completa; contraseña: la que elegiste al darte de alta.\n\n{me}\n"],
    "pt": ["Olá {to},\n\nservidor de saída {host}, porta {port}; usuário: seu e-mail completo; "
           "senha: a mesma do webmail.\n\n{me}\n"],
    "ru": ["{to}, добрый день!\n\nСервер исходящей почты: {host}, порт {port}. Логин — ваш "
           "адрес целиком, пароль — тот, что вы задали при регистрации.\n\n{me}\n"],
    "zh": ["{to}，你好：\n\n发件服务器：{host}，端口：{port}。用户名是完整的邮箱地址，密码是你注册时"
           "自己设置的密码。\n\n{me}\n"],
}


def helpdesk(rng, w, me, to, lang):
    text = rng.choice(HELPDESK[lang]).format(to=to["first"], me=me["name"], host=w.smtp_host,
                                             port=rng.choice(["587", "465"]), addr=to["addr"])
    subj = {"ja": "メール設定について", "en": "Mail settings", "de": "E-Mail-Einstellungen",
            "fr": "Paramètres de messagerie", "es": "Configuración del correo",
            "pt": "Configuração do e-mail", "ru": "Настройки почты", "zh": "邮箱设置"}[lang]
    return subj, text, {}


def password_reset(rng, w, me, to, lang):
    code = "%03d-%03d" % (rng.randrange(1000), rng.randrange(1000))
    if lang == "ja":
        text = ("{to}さん\n\nご依頼のとおり、{addr} のパスワードを本日{h}時{m:02d}分にリセットしました。\n"
                "確認コード: {code}\n心当たりがない場合はすぐに{me}までご連絡ください。\n")
        subj = "パスワードリセットのお知らせ"
    else:
        text = ("Hi {to},\n\nas requested, the password of {addr} was reset today at {h}:{m:02d}. "
                "Your confirmation code is {code}; the reset link expires in 24 hours.\n"
                "If you did not ask for this, contact {me} immediately.\n")
        subj = "Password reset for your account"
    return subj, text.format(to=to["first"], addr=to["addr"], h=rng.randrange(8, 19),
                             m=rng.randrange(60), code=code, me=me["name"]), {}


def dev_config(rng, w, me, to, lang):
    styles = [
        "spring.mail.host={host}\nspring.mail.port=587\nspring.mail.username=noreply@{dom}\n"
        "spring.mail.password=${{SMTP_PASSWORD}}\nspring.mail.properties.mail.smtp.auth=true\n",
        "SMTP_HOST={host}\nSMTP_PORT=587\nSMTP_USER=alerts@{dom}\nSMTP_PASS=<set in vault>\n",
        "mailer:\n  host: {host}\n  port: 465\n  user: ci@{dom}\n  password: \"{{{{ secrets.SMTP_PASS }}}}\"\n",
        "smtp = smtplib.SMTP_SSL(\"{host}\", 465)\nsmtp.login(\"reports@{dom}\", os.environ[\"SMTP_PASS\"])\n",
        "{{\n  \"smtp\": {{\n    \"host\": \"{host}\",\n    \"port\": 587,\n    \"user\": \"app@{dom}\",\n"
        "    \"password\": \"********\"\n  }}\n}}\n",
        "MAIL_HOST=localhost\nMAIL_PORT=1025\nMAIL_USERNAME=dev\nMAIL_PASSWORD=devpass123\n",
    ]
    snippet = rng.choice(styles).format(host=w.smtp_host, dom=me["domain"])
    intro = {"ja": "{to}さん\n\n通知メールの送信設定を以下のように変更しました。パスワードは環境変数から読みます。\n"
                   "レビューをお願いします。\n\n",
             "en": "Hi {to},\n\nI moved the mail settings of the notifier into the config below; the "
                   "secret comes from the environment now. Can you review before I merge?\n\n"}
    text = intro["ja" if lang == "ja" else "en"].format(to=to["first"]) + snippet + \
        "\n-- \n%s\n" % me["name"]
    return rng.choice(["notifier: SMTP設定の変更", "PR #%d: move SMTP settings to config" % rng.randrange(100, 999)]), text, {}


def csv_export(rng, w, me, to, lang):
    head = rng.choice(["date;order;customer;email;item;qty;amount", "name;email;phone;city;member since",
                       "sku;description;qty;price;supplier"])
    rows = [head]
    for i in range(rng.randrange(4, 25)):
        if head.startswith("date"):
            rows.append("2026-0%d-%02d;A-%05d;%s;%s;%s;%d;%d" % (
                rng.randrange(1, 9), rng.randrange(1, 28), rng.randrange(99999), rng.choice(["Tanaka", "Smith", "Müller"]),
                "cust%d@%s" % (rng.randrange(999), rng.choice(w.free_domains)),
                rng.choice(["Tea set", "Mug", "Bag"]), rng.choice([1, 2, 25, 465, 587, 3]), rng.randrange(500, 90000)))
        elif head.startswith("name"):
            rows.append("%s;m%d@%s;0%d-%04d-%04d;%s;%d" % (
                rng.choice(["Ito", "Lopez", "Dubois"]), rng.randrange(999), rng.choice(w.free_domains),
                rng.randrange(1, 9), rng.randrange(9999), rng.randrange(9999), rng.choice(["Osaka", "Lyon"]),
                rng.randrange(1990, 2026)))
        else:
            rows.append("SKU-%04d;%s;%d;%d.%02d;%s" % (rng.randrange(9999), rng.choice(["Cable", "Adapter"]),
                                                       rng.choice([25, 587, 10]), rng.randrange(1, 99),
                                                       rng.randrange(100), rng.choice(["ACME", "Kito"])))
    csv = "\n".join(rows) + "\n"
    if rng.random() < 0.5:
        return "export %s" % rng.choice(["orders", "members", "stock"]), \
            "Here is the export you asked for.\n\n" + csv, {}
    return "CSV", "See the attached file.\n", {"attach": (csv.encode("utf-8"), "text/csv", "export.csv")}


def signature(rng, w, me, to, lang):
    sig = rng.choice([
        "{name} | Sales | {addr} | Tel 03-5555-{n:04d} | Fax 03-5555-{m:04d}",
        "{name}; {company}; TEL: 06-{n:04d}-{m:04d}; FAX: 06-{n:04d}-{k:04d}; 2-4-1 Umeda, Osaka 530-0001",
        "{company} / {name} / {addr} / www.{dom}",
    ]).format(name=me["name"], addr=me["addr"], company=me.get("company", "Kito Trading"),
              n=rng.randrange(9999), m=rng.randrange(9999), k=rng.randrange(9999), dom=me["domain"])
    text = "Hello %s,\n\nthe shipment left our warehouse this morning; tracking no. %d.\n\n--\n%s\n" % (
        to["first"], rng.randrange(10 ** 11, 10 ** 12), sig)
    return "Shipping notice", text, {}


def calendar(rng, w, me, to, lang):
    uid = "%08x@%s" % (rng.getrandbits(32), me["domain"])
    ics = ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Calendar//EN\nMETHOD:REQUEST\nBEGIN:VEVENT\n"
           "UID:{uid}\nDTSTART;TZID=Asia/Tokyo:20261112T100000\nDTEND;TZID=Asia/Tokyo:20261112T110000\n"
           "SUMMARY:Weekly sync\nLOCATION:Room 465\n"
           "ORGANIZER;CN={me}:mailto:{maddr}\n"
           "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN={to}:mailto:{taddr}\n"
           "END:VEVENT\nEND:VCALENDAR\n").format(uid=uid, me=me["name"], maddr=me["addr"],
                                                to=to["name"], taddr=to["addr"])
    return "Invitation: Weekly sync @ Thu 10:00 (%s)" % me["addr"], \
        "You have been invited to Weekly sync, Room 465.\n", {"calendar": ics}


def newsletter(rng, w, me, to, lang):
    lines = ["%s %s; m%03d@%s; 090-%04d-%04d" % (rng.choice(["Aki", "Ben", "Carla"]), rng.choice(["Ono", "Diaz"]),
                                                 i, rng.choice(w.free_domains), rng.randrange(9999),
                                                 rng.randrange(9999)) for i in range(rng.randrange(5, 30))]
    text = "Dear members,\n\nthe hiking club meets on Sunday at 9. New member list:\n\n" + \
        "\n".join(lines) + "\n\nSee you!\n" + me["name"] + "\n"
    return "Club news - %s" % rng.choice(["November", "December", "spring trip"]), text, {}


def monitoring(rng, w, me, to, lang):
    rows = ["%-28s %-4s %4d ms" % (h, rng.choice(["OK", "OK", "OK", "SLOW"]), rng.randrange(20, 900))
            for h in ["%s:587" % w.smtp_host, "%s:465" % w.smtp_host, "imap.%s:993" % w.domain,
                      "https://www.%s/" % me["domain"], "vpn.%s:443" % me["domain"]]]
    text = "Nightly check %s\n\n%s\n\nall services reachable; next run 02:00\n" % (
        "2026-11-%02d" % rng.randrange(1, 29), "\n".join(rows))
    return "[monitor] nightly report", text, {}


def wifi_guest(rng, w, me, to, lang):
    pw = temporary_password(rng)
    text = ("Hi all,\n\nfor the visitors tomorrow: guest Wi-Fi SSID Office-Guest, password %s. "
            "It only works in the meeting rooms.\n\n%s\n" % (pw, me["name"]))
    return "Guest Wi-Fi for tomorrow", text, {}


def service_credentials(rng, w, me, to, lang):
    pw = temporary_password(rng)
    kind = rng.choice(["ftp", "wp", "db"])
    if kind == "ftp":
        block = "FTP host: ftp.%s\nFTP user: web%02d\nFTP password: %s\nPort: 21\n" % (
            to["domain"], rng.randrange(99), pw)
    elif kind == "wp":
        block = "URL: https://www.%s/wp-admin\nUser: admin\nPassword: %s\n" % (to["domain"], pw)
    else:
        block = "DB host: db.%s\nDB user: shop\nDB password: %s\nPort: 3306\n" % (to["domain"], pw)
    text = ("Hello %s,\n\nyour new web site is live. Here are the access details we promised:\n\n%s\n"
            "Keep them somewhere safe.\n\nBest regards,\n%s, web agency\n" % (to["first"], block, me["name"]))
    return "Access details for your web site", text, {}


def support_request(rng, w, me, to, lang):
    text = ("Hello support,\n\nsince this morning my mail program says it cannot send any messages "
            "and keeps asking for the password again. I have not changed anything on my side as far "
            "as I know. These are my settings, maybe you can see what is wrong:\n\n"
            "Server: %s\nPort: 587\nUser: %s\nPassword: %s\n\nPlease call me back, I need to send an "
            "offer today. Thank you very much!\n%s\n" % (w.smtp_host, me["addr"], me["password"], me["name"]))
    return "Cannot send mail since this morning", text, {}


BUILDERS = {
    "onboarding_temp_password": onboarding, "helpdesk_settings": helpdesk,
    "password_reset": password_reset, "dev_config": dev_config, "csv_export": csv_export,
    "signature": signature, "calendar": calendar, "newsletter_addresses": newsletter,
    "monitoring_report": monitoring, "wifi_guest": wifi_guest,
    "service_credentials": service_credentials, "support_request": support_request,
}
