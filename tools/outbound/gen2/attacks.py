"""Credential-test mails (label 1) and phishing bursts of the second generator.

A test mail records a credential that worked: the victim's address or login, the password,
and where it worked (host, port, mechanism), in one of the formats below. `c` is the
credential: dict(addr, login, password, host, port, auth)."""

import base64
import json

FORMATS = [
    # (name, weight)
    ("subject_colon", 6), ("subject_pipe_hostfirst", 6), ("subject_spaced", 4),
    ("subject_bracket", 5), ("subject_semicolon_nocount", 5), ("subject_slash", 3),
    ("url_body", 4), ("kv_en", 5), ("kv_ja", 4), ("kv_de", 2), ("kv_fr", 2), ("kv_es", 2),
    ("kv_pt", 2), ("kv_ru", 2), ("kv_zh", 2), ("json_body", 4), ("html_table", 4),
    ("b64_tuple_body", 3), ("qp_kv_body", 3), ("rfc2047_subject", 4), ("attachment_txt", 4),
    ("combo_list", 3), ("inline_kv_subject", 4), ("fluff_kv", 4), ("tab_body", 2),
    ("partial_userpass", 3), ("token_only", 5),
]

KV = {
    "kv_en": ["SMTP Host", "SMTP Port", "Username", "Password", "Auth"],
    "kv_ja": ["SMTPサーバー", "ポート", "アカウント", "パスワード", "認証方式"],
    "kv_de": ["Server", "Port", "Benutzer", "Passwort", "Authentifizierung"],
    "kv_fr": ["Serveur", "Port", "Utilisateur", "Mot de passe", "Authentification"],
    "kv_es": ["Servidor", "Puerto", "Usuario", "Contraseña", "Autenticación"],
    "kv_pt": ["Servidor", "Porta", "Usuário", "Senha", "Autenticação"],
    "kv_ru": ["Сервер", "Порт", "Логин", "Пароль", "Авторизация"],
    "kv_zh": ["服务器", "端口", "账号", "密码", "认证"],
}
NOTES = ["SMTP OK", "works", "valid", "LIVE", "checked", "good", "sent ok", "200 OK"]
TOKENS = "abcdefghijkmnopqrstuvwxyz0123456789"


def token(rng, n=None):
    return "".join(rng.choice(TOKENS) for _ in range(n or rng.randrange(4, 9)))


def subject_word(rng):
    return rng.choice(["SMTP", "Check", "Report", "result", "Test", "OK", "hello", "Info",
                       "Status", "new", "Re:", "x"]) + " " + token(rng)


def test_mail(rng, fmt, c):
    """(subject, text or None, extra): extra may hold 'html', 'attach', 'cte'."""
    a, l, p, h, port, m = c["addr"], c["login"], c["password"], c["host"], c["port"], c["auth"]
    ident = a if rng.random() < 0.7 else l
    if fmt == "subject_colon":
        return "%s:%s:%s:%s" % (h, port, ident, p), rng.choice(["", "ok", "."]), {}
    if fmt == "subject_pipe_hostfirst":
        return "%s|%s|%s|%s" % (h, port, a, p), rng.choice(["", "SMTP OK"]), {}
    if fmt == "subject_spaced":
        return "%s %s %s %s %s" % (rng.choice(NOTES[:4]), h, port, a, p), "", {}
    if fmt == "subject_bracket":
        return "[%s:%s] %s / %s -> %s" % (h, port, ident, p, rng.choice(["OK", "LIVE", "200"])), "", {}
    if fmt == "subject_semicolon_nocount":
        fields = [a, p, h, str(port)] + ([m] if rng.random() < 0.5 else [])
        return ";".join(fields), rng.choice(["", "test message"]), {}
    if fmt == "subject_slash":
        return "%s / %s / %s:%s" % (a, p, h, port), "", {}
    if fmt == "url_body":
        url = "smtp%s://%s:%s@%s:%s" % ("s" if port == 465 else "", l.replace("@", "%40"), p, h, port)
        return rng.choice(NOTES), url + "\n", {}
    if fmt in KV:
        lab = KV[fmt]
        vals = [h, str(port), ident, p, m]
        order = list(range(5))
        if rng.random() < 0.5:
            rng.shuffle(order)
        sep = rng.choice([": ", ":", " = ", "\t"]) if fmt not in ("kv_ja", "kv_zh") else rng.choice(["：", ": "])
        body = "".join("%s%s%s\n" % (lab[i], sep, vals[i]) for i in order)
        subj = {"kv_ja": "結果", "kv_zh": "结果", "kv_de": "Ergebnis", "kv_fr": "Résultat",
                "kv_es": "Resultado", "kv_pt": "Resultado", "kv_ru": "Результат"}.get(fmt, subject_word(rng))
        return subj, body, {}
    if fmt == "json_body":
        obj = {"host": h, "port": port, "user": ident, "pass": p, "auth": m, "status": "ok"}
        keys = list(obj)
        rng.shuffle(keys)
        obj = {k: obj[k] for k in keys}
        text = json.dumps(obj, indent=2 if rng.random() < 0.5 else None)
        return subject_word(rng), text + "\n", {}
    if fmt == "html_table":
        rows = "".join("<tr><td><b>%s</b></td><td>%s</td></tr>" % (k, v)
                       for k, v in [("Server", h), ("Port", port), ("Login", ident), ("Password", p)])
        html = "<html><body><h3>SMTP check</h3><table border=1>%s</table></body></html>" % rows
        return subject_word(rng), None, {"html": html}
    if fmt == "b64_tuple_body":
        return subject_word(rng), "%s;%s;%s;%s;%s\n" % (a, p, h, port, m), {"cte": "base64"}
    if fmt == "qp_kv_body":
        return subject_word(rng), "host=%s\nport=%s\nuser=%s\npass=%s\n" % (h, port, ident, p), \
            {"cte": "quoted-printable"}
    if fmt == "rfc2047_subject":
        return "✔ %s|%s|%s|%s:%s" % (a, p, m, h, port), "", {"encode_subject": True}
    if fmt == "attachment_txt":
        data = "%s:%s:%s:%s\n" % (h, port, ident, p)
        return subject_word(rng), rng.choice(["see attached", "", "results"]), \
            {"attach": (data.encode(), "text/plain", rng.choice(["result.txt", "good.txt", "smtp.log"]))}
    if fmt == "combo_list":
        lines = ["%s|%s|%s|%s" % (h, port, a, p)]
        for _ in range(rng.randrange(2, 5)):
            other = "%s%d@%s" % (rng.choice(["info", "sales", "admin", "k.ito"]), rng.randrange(99), c["other_domain"])
            lines.append("%s|%s|%s|%s" % ("smtp." + c["other_domain"], rng.choice([25, 587, 465]), other,
                                          token(rng, 10)))
        rng.shuffle(lines)
        return "good %d" % len(lines), "\n".join(lines) + "\n", {}
    if fmt == "inline_kv_subject":
        return "host=%s port=%s user=%s pass=%s" % (h, port, ident, p), "", {}
    if fmt == "fluff_kv":
        fluff = rng.choice(["This is a test message from the SMTP checker, everything worked.",
                            "Hello, test mail. Settings below.", "メール送信テストです。以下の設定で成功しました。"])
        body = "%s\n\nhost: %s\nport: %s\nuser: %s\npass: %s\n\n%s\n" % (
            fluff, h, port, ident, p, rng.choice(["Sent from my iPhone", "--", ""]))
        return rng.choice(["Test", "SMTP test", "テスト"]), body, {}
    if fmt == "tab_body":
        return token(rng), "%s\t%s\t%s\t%s\t%s\n" % (a, l, p, h, port), {}
    if fmt == "partial_userpass":
        return subject_word(rng), "%s:%s\n" % (a, p), {}
    if fmt == "token_only":
        return rng.choice(["hi", "ok", "test", "x", ""]) + " " + token(rng), rng.choice(["", ".", "1", "ok"]), {}
    raise ValueError(fmt)


PHISH = [
    ("【重要】お客様のアカウントを一時停止しました", "ご利用のアカウントで不審なログインを検知しました。以下より本人確認をお願いします。\n{url}\n"),
    ("Your parcel could not be delivered", "We tried to deliver your parcel today. Confirm your address and pay the 1.99 fee:\n{url}\n"),
    ("Ihr Konto wurde eingeschränkt", "Bitte bestätigen Sie Ihre Daten innerhalb von 24 Stunden:\n{url}\n"),
    ("Action requise : vérifiez votre compte", "Votre carte arrive à expiration. Mettez à jour vos informations :\n{url}\n"),
    ("【カード会社】ご利用確認のお願い", "第三者による不正利用の可能性があります。\n{url}\n"),
]


def burst_mail(rng):
    subj, body = rng.choice(PHISH)
    url = "https://%s.%s/%s" % (token(rng, 6), rng.choice(["secure-check.test", "verify-id.test", "parcel-info.test"]),
                                token(rng, 10))
    return subj, body.format(url=url)


def encode_subject(s):
    return "=?UTF-8?B?%s?=" % base64.b64encode(s.encode("utf-8")).decode("ascii")
