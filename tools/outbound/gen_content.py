"""Message building of the outbound data generator: normal mail, look-alikes, test mails
and bursts (methods of generate.Gen, kept here to keep files small)."""
import base64

from genlib import (
    BIZ_EN, BIZ_JA, CLOSE_BIZ_EN, CLOSE_BIZ_JA, CLOSE_PERS_EN, CLOSE_PERS_JA, CRLF,
    CUSTOMER_DOMAINS, DOW, ENGINEER_SUBJ, FAMILY, FREEMAIL_DOMAINS, GIVEN, IMAP_HOSTS, JA_DOW,
    JST, OPEN_BIZ_EN, OPEN_BIZ_JA, OPEN_PERS_EN, OPEN_PERS_JA, PERS_EN, PERS_JA, PHISH,
    PORT_PROSE_EN, PORT_PROSE_JA, SEPS, SUBJ_BIZ_EN, SUBJ_BIZ_JA, SUBJ_PERS_EN, SUBJ_PERS_JA,
    SUBMIT_HOSTS, addr_header, attach_part, b64_lines, client_boundary, client_modes,
    client_msgid, enc_words, fmt_addr, hexs, html_of, is_ascii, local_dt, make_docx, make_jpeg,
    make_pdf, multipart, pick_w, render, rfc_date, text_part, uuid_like, wrap_en, wrap_ja
)


class ContentMixin:
    """Builds messages; expects the attributes and helpers of generate.Gen."""

    def compose(self, r, u, dev, t, tz, to, cc, subject, text, lang, atts=(), extra=(), alt=None):
        c = dev["client"]
        mode, hcs = client_modes(dev, lang)
        disp = u["ja"] if (lang == "ja" and u["ja_pref"]) else u["en"]
        h_from = "From: " + fmt_addr(disp, u["addr"], hcs)
        h_to = addr_header("To", [fmt_addr(n, a, hcs) for n, a in to]) or "To: undisclosed-recipients:;"
        h_cc = addr_header("Cc", [fmt_addr(n, a, hcs) for n, a in cc])
        h_subj = "Subject: " + enc_words(subject, hcs)
        h_date = "Date: " + rfc_date(t, tz)
        h_mid = "Message-ID: " + client_msgid(r, dev, u, t)
        h_mime = "MIME-Version: " + dev.get("mime", "1.0")
        ua = dev["ua"]
        extra = list(extra)
        if c == "outlook":
            hs = [h_from, h_to, h_cc, h_subj, h_date, h_mid] + extra + [h_mime] + ua + [
                "Thread-Index: " + base64.b64encode(r.randbytes(16)).decode("ascii"),
                "Content-Language: " + ("ja" if lang == "ja" else "en-us")]
        elif c == "thunderbird":
            hs = [h_mid, h_date, h_mime] + ua + ["Content-Language: " + ("ja" if lang == "ja" else "en-US"),
                                                 h_to, h_cc, h_from, h_subj] + extra
        elif c in ("apple_mail", "iphone"):
            hs = [h_from, h_mime, h_subj, h_date, h_cc] + extra + [h_to, h_mid] + ua
        else:
            hs = [h_from, h_to, h_cc, h_subj, h_date, h_mid] + extra + [h_mime] + ua
        if c == "iphone":
            text += "\n\n" + ("iPhoneから送信" if lang == "ja" else "Sent from my iPhone")
        elif c == "k9" and r.random() < 0.5:
            text += "\n\n-- \n" + ("K-9 Mailから送信" if lang == "ja" else "Sent from my Android device with K-9 Mail.")
        body = text_part(text, mode, flowed=(c == "thunderbird" and mode != "jis"),
                         quote_cs=(c != "thunderbird"))
        if alt is not None:
            body = multipart("alternative", client_boundary(r, dev), [body, alt])
        elif c in ("outlook", "apple_mail") or (c == "iphone" and r.random() < 0.3):
            hp = text_part(html_of(text), "qp", subtype="html")
            body = multipart("alternative", client_boundary(r, dev), [body, hp])
        if atts:
            parts = [body] + [attach_part(ct, fn, data, hcs) for ct, fn, data in atts]
            pre = "This is a multi-part message in MIME format." if c in ("thunderbird", "outlook") else None
            body = multipart("mixed", client_boundary(r, dev), parts, preamble=pre)
        return render(hs, body)

    def sentences(self, r, pool, k):
        k = min(k, len(pool))
        return r.sample(pool, k)

    def make_text(self, r, u, contact, lang, biz, k=None):
        if k is None:
            k = max(1, min(12, int(r.expovariate(1 / 3.0)) + 1))
        if lang == "ja":
            if biz:
                opener = r.choice(OPEN_BIZ_JA).format(name=contact["ja_f"] if contact else "各位",
                                                      company=u["office"]["ja"] if u["office"] else "",
                                                      sender=u["ja_f"])
                body = "\n".join(self.sentences(r, BIZ_JA, k))
                sig = "\n\n--\n%s\n%s\nTEL: 03-0000-%04d" % (u["ja"], u["office"]["ja"] if u["office"] else "",
                                                             r.randint(0, 9999))
                return wrap_ja(opener + "\n\n" + body + "\n\n" + r.choice(CLOSE_BIZ_JA)) + sig
            opener = r.choice(OPEN_PERS_JA).format(name=contact["ja_f"] if contact else "みなさん")
            body = "\n".join(self.sentences(r, PERS_JA, k))
            return wrap_ja(opener + "\n\n" + body + "\n\n" + r.choice(CLOSE_PERS_JA)) + "\n" + u["ja_f"]
        nm = contact["en_g"] if contact else "all"
        if biz:
            opener = r.choice(OPEN_BIZ_EN).format(name=nm)
            body = " ".join(self.sentences(r, BIZ_EN, k))
            sig = "\n\n%s\n%s\n%s" % (r.choice(CLOSE_BIZ_EN), u["en"], u["office"]["en"] if u["office"] else "")
            return wrap_en(opener + "\n\n" + body) + sig
        opener = r.choice(OPEN_PERS_EN).format(name=nm)
        body = " ".join(self.sentences(r, PERS_EN, k))
        return wrap_en(opener + "\n\n" + body) + "\n\n%s\n%s" % (r.choice(CLOSE_PERS_EN), u["given"].capitalize())

    def choose_rcpts(self, r, u):
        cs = u["contacts"]
        main = pick_w(r, cs, [c["w"] for c in cs])
        if r.random() < 0.05:  # a first-time recipient, kept as a contact afterwards
            doms = CUSTOMER_DOMAINS if main["rel"] in ("customer", "colleague") else FREEMAIL_DOMAINS
            p = self.external_person(r, doms)
            p.update(rel=main["rel"] if main["rel"] != "colleague" else "customer", w=0.3)
            cs.append(p)
            main = p
        cc = []
        if r.random() < 0.2:
            same = [c for c in cs if c["rel"] in (("colleague", "customer") if main["rel"] in ("colleague", "customer")
                                                  else ("friend", "family")) and c is not main]
            for c in r.sample(same, min(len(same), r.randint(1, 3))):
                cc.append(c)
        bcc = []
        if r.random() < 0.03:
            bcc.append(r.choice(cs))
        return main, cc, bcc

    def attachments_for(self, r, u, dev, lang, biz):
        atts = []
        if biz:
            if r.random() < 0.6:
                name = r.choice(["見積書_%d.pdf", "請求書_%d.pdf", "invoice_%d.pdf", "quote_%d.pdf",
                                 "資料_%d.pdf", "spec_%d.pdf"]) % r.randint(1000, 9999)
                atts.append(("application/pdf", name,
                             make_pdf(r, ["Document %d" % r.randint(1, 99999), u["en"],
                                          u["office"]["en"] if u["office"] else "", "2026"])))
            else:
                name = r.choice(["議事録_%d.docx", "report_%d.docx", "提案書_%d.docx", "minutes_%d.docx"]) % r.randint(1, 999)
                atts.append(("application/vnd.openxmlformats-officedocument.wordprocessingml.document", name,
                             make_docx(self.sentences(r, BIZ_JA if lang == "ja" else BIZ_EN, r.randint(3, 10)))))
        else:
            for _ in range(r.randint(1, 3) if dev["client"] in ("iphone", "apple_mail", "k9") else 1):
                if dev["client"] in ("iphone", "apple_mail", "k9") or r.random() < 0.5:
                    atts.append(("image/jpeg", "IMG_%04d.JPG" % r.randint(1, 9999), make_jpeg(r)))
                else:
                    atts.append(("application/pdf", r.choice(["map.pdf", "チラシ.pdf", "schedule.pdf"]),
                                 make_pdf(r, ["Flyer", u["en"]])))
        return atts

    def normal_message(self, r, u, dev, t, tz):
        """An ordinary mail. Returns (msg, rcpts, kind, detail)."""
        main, cc, bcc = self.choose_rcpts(r, u)
        biz = main["rel"] in ("colleague", "customer")
        lang = "ja" if r.random() < u["p_ja"] else "en"
        disp = lambda c: c["ja"] if lang == "ja" else c["en"]
        pool = (SUBJ_BIZ_JA if biz else SUBJ_PERS_JA) if lang == "ja" else (SUBJ_BIZ_EN if biz else SUBJ_PERS_EN)
        base = r.choice(pool)
        x = r.random()
        extra = []
        text = self.make_text(r, u, main, lang, biz)
        detail = "new"
        if x < 0.38:
            detail = "reply"
            pre = "RE: " if dev["client"] == "outlook" else "Re: "
            subj = pre + base
            omid = "<%s@%s>" % (hexs(r, 16), main["addr"].split("@")[1])
            extra = ["In-Reply-To: " + omid, "References: " + omid]
            quoted = self.make_text(r, {"ja_f": main["ja_f"], "ja": main["ja"], "office": None, "en": main["en"],
                                        "given": main["en_g"].lower()}, None, lang, biz, k=r.randint(1, 5))
            qt = t - r.randint(600, 4 * 86400)
            if lang == "ja":
                d = local_dt(qt)
                head = "%d年%d月%d日(%s) %d:%02d %s <%s>:" % (d.year, d.month, d.day, JA_DOW[d.weekday()],
                                                          d.hour, d.minute, main["ja"], main["addr"])
            else:
                head = "On %s, %s <%s> wrote:" % (rfc_date(qt, JST)[:-6], main["en"], main["addr"])
            short = self.make_text(r, u, main, lang, biz, k=r.randint(1, 3))
            text = short + "\n\n" + head + "\n" + "\n".join("> " + ln for ln in quoted.split("\n"))
        elif x < 0.43:
            detail = "forward"
            pre = {"outlook": "FW: "}.get(dev["client"], "Fwd: ")
            subj = pre + base
            orig = self.make_text(r, u, main, lang, biz, k=r.randint(2, 5))
            src = self.external_person(r, CUSTOMER_DOMAINS if biz else FREEMAIL_DOMAINS)
            note = "ご参考まで転送します。" if lang == "ja" else "FYI, see below."
            text = (note + "\n\n---------- Forwarded message ---------\nFrom: %s <%s>\nDate: %s\nSubject: %s\nTo: %s\n\n"
                    % (src["en"], src["addr"], rfc_date(t - r.randint(3600, 10 * 86400), JST), base, u["addr"]) + orig)
        else:
            subj = base
        atts = []
        if r.random() < (0.10 if biz else 0.06):
            atts = self.attachments_for(r, u, dev, lang, biz)
            if atts and detail == "new":
                detail = "attachment"
        msg = self.compose(r, u, dev, t, tz, [(disp(main), main["addr"])], [(disp(c), c["addr"]) for c in cc],
                           subj, text, lang, atts, extra)
        rcpts = [main["addr"]] + [c["addr"] for c in cc] + [c["addr"] for c in bcc]
        return msg, list(dict.fromkeys(rcpts)), "normal", detail

    # --- look-alikes ------------------------------------------------------------
    def settings_text(self, r, lang, target_addr, target_login, greet):
        host = r.choice(SUBMIT_HOSTS)
        port = r.choice([587, 587, 465])
        imap = r.choice(IMAP_HOSTS)
        sec = "STARTTLS" if port == 587 else "SSL/TLS"
        auth = r.choice(["LOGIN", "PLAIN", "通常のパスワード認証" if lang == "ja" else "normal password"])
        pw = None
        if r.random() < 0.25:
            pw = hexs(r, 8, "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        style = r.randrange(4)
        if lang == "ja":
            if style == 0:
                lines = ["%s\n\nメールソフトの設定内容をお知らせします。" % greet, "",
                         "メールアドレス: %s" % target_addr, "ユーザー名: %s" % target_login,
                         "パスワード: %s" % (pw if pw else "別途お渡しした初期パスワード"),
                         "受信サーバー (IMAP): %s  ポート: 993 (SSL/TLS)" % imap,
                         "送信サーバー (SMTP): %s  ポート: %d (%s)" % (host, port, sec),
                         "SMTP認証: あり (%s)" % auth, "",
                         "初回ログイン後、パスワードを必ず変更してください。"]
            elif style == 1:
                lines = ["%s\n\nお問い合わせの件、送信サーバーの設定が古いままになっているようです。" % greet,
                         "送信サーバーは %s、ポートは%d番、暗号化は%s、認証方式は%sを選んでください。" % (host, port, sec, auth),
                         "ポート25番は使えなくなっていますのでご注意ください。",
                         "設定後、自分宛てにテストメールを送って確認してみてください。"]
            elif style == 2:
                lines = ["%s\n\n新しいPCのメール設定メモです。" % greet, "",
                         "・送信: %s:%d (%s)" % (host, port, sec), "・受信: %s:993" % imap,
                         "・ユーザー名はメールアドレス全体 (%s) です。" % target_addr,
                         "・認証: %s" % auth]
            else:
                lines = ["%s\n\n情報システム担当です。来週月曜日から送信サーバーの設定が変わります。" % greet, "",
                         "変更前: %s ポート25" % host, "変更後: %s ポート%d (%s, SMTP認証 %s)" % (host, port, sec, auth), "",
                         "スマートフォンのメールアプリも同様に変更をお願いします。",
                         "不明な点は内線1234までご連絡ください。"]
        else:
            if style in (0, 2):
                lines = ["%s\n\nHere are the settings for your mail client:" % greet, "",
                         "Email address: %s" % target_addr, "User name: %s" % target_login,
                         "Password: %s" % (pw if pw else "the one we gave you on paper"),
                         "Incoming (IMAP): %s, port 993, SSL/TLS" % imap,
                         "SMTP server: %s, port %d, %s, authentication: %s" % (host, port, sec, auth)]
            else:
                lines = ["%s\n\nYour outgoing server still points at port 25, which is blocked now." % greet,
                         "Please set the SMTP server to %s, port %d, encryption %s and authentication %s." % (
                             host, port, sec, auth),
                         "Send yourself a test message afterwards to check it works."]
        return "\n".join(lines)

    def lookalike_helpdesk(self, r, u, dev, t, tz, target=None):
        cands = [c for c in u["contacts"] if c["rel"] in ("colleague", "family", "friend")]
        c = target or pick_w(r, cands, [x["w"] for x in cands])
        lang = "ja" if r.random() < 0.8 else "en"
        login = c["addr"] if c["addr"].endswith("example.co.jp") else c["addr"].split("@")[0]
        greet = ("%sさん" % c["ja_f"]) if lang == "ja" else "Hi %s," % c["en_g"]
        text = self.settings_text(r, lang, c["addr"], login, greet)
        if lang == "ja":
            subj = r.choice(["メール設定のご案内", "【情報システム】メールアカウントの設定について",
                             "Re: メールが送れません", "送信サーバーの設定変更のお願い",
                             "アカウント発行のお知らせ (%s)" % c["addr"], "メールソフトの設定"])
        else:
            subj = r.choice(["Mail settings for your new PC", "Re: cannot send mail",
                             "Your mail account (%s)" % c["addr"], "SMTP settings"])
        disp = c["ja"] if lang == "ja" else c["en"]
        msg = self.compose(r, u, dev, t, tz, [(disp, c["addr"])], [], subj, text, lang)
        return msg, [c["addr"]], "lookalike", "helpdesk_settings"

    def csv_rows(self, r, u, lang):
        kind = r.randrange(3)
        if kind == 0:
            head = "日付;店舗;商品コード;数量;金額" if lang == "ja" else "date;store;item;qty;amount"
            rows = [head]
            for _ in range(r.randint(5, 30)):
                rows.append("2026-%02d-%02d;%s;%s-%04d;%d;%d" % (
                    r.randint(10, 11), r.randint(1, 28), r.choice(["渋谷", "新宿", "横浜", "大宮"] if lang == "ja"
                                                                  else ["North", "South", "East"]),
                    r.choice("ABC"), r.randint(1, 9999), r.randint(1, 50), r.randint(1, 500) * 100))
        elif kind == 1:
            rows = ["order_id;customer;email;amount;status"]
            for _ in range(r.randint(5, 25)):
                p = self.external_person(r, CUSTOMER_DOMAINS + FREEMAIL_DOMAINS)
                rows.append("%d;%s;%s;%d;%s" % (r.randint(10000, 99999), p["en"], p["addr"], r.randint(1, 300) * 100,
                                                r.choice(["paid", "shipped", "open"])))
        else:
            rows = ["name;email;phone;company" if lang != "ja" else "氏名;メールアドレス;電話番号;会社名"]
            for _ in range(r.randint(5, 25)):
                p = self.external_person(r, CUSTOMER_DOMAINS)
                rows.append("%s;%s;03-0000-%04d;%s" % (p["ja"] if lang == "ja" else p["en"], p["addr"],
                                                       r.randint(0, 9999), p["addr"].split("@")[1].split(".")[0]))
        return rows

    def lookalike_csv(self, r, u, dev, t, tz):
        cands = [c for c in u["contacts"] if c["rel"] in ("colleague", "customer")] or u["contacts"]
        c = pick_w(r, cands, [x["w"] for x in cands])
        lang = "ja" if r.random() < u["p_ja"] else "en"
        rows = self.csv_rows(r, u, lang)
        disp = c["ja"] if lang == "ja" else c["en"]
        if r.random() < 0.5:
            intro = "お疲れ様です。データを以下に貼り付けます。\n\n" if lang == "ja" else "Hi,\n\nThe export is below.\n\n"
            text = intro + "\n".join(rows) + "\n\n" + u["ja_f" if lang == "ja" else "en"]
            subj = r.choice(["売上データ", "受注一覧", "顧客リスト更新", "データ共有"] if lang == "ja"
                            else ["Sales export", "Order list", "Contact list"])
            msg = self.compose(r, u, dev, t, tz, [(disp, c["addr"])], [], subj, text, lang)
            return msg, [c["addr"]], "lookalike", "csv_inline"
        name = r.choice(["export_%d.csv", "orders_%d.csv", "list_%d.csv", "売上_%d.csv"]) % r.randint(202601, 202612)
        data = "\r\n".join(rows).encode(r.choice(["utf-8-sig", "utf-8", "shift_jis"]), errors="replace")
        text = ("お疲れ様です。CSVファイルを添付します。" if lang == "ja" else "Attached is the CSV export.") + "\n\n" + (
            u["ja_f"] if lang == "ja" else u["en"])
        subj = r.choice(["CSVデータ送付", "月次データ", "リスト送付"] if lang == "ja" else ["CSV export", "Monthly data"])
        msg = self.compose(r, u, dev, t, tz, [(disp, c["addr"])], [], subj, text, lang,
                           atts=[("text/csv", name, data)])
        return msg, [c["addr"]], "lookalike", "csv_attachment"

    def lookalike_test(self, r, u, dev, t, tz):
        cands = [c for c in u["contacts"] if c["rel"] in ("colleague", "friend", "family")] or u["contacts"]
        to_self = r.random() < 0.3
        c = None if to_self else pick_w(r, cands, [x["w"] for x in cands])
        subj = r.choice(["test", "テスト", "Test", "テスト送信", "test 2", "テストです", "送信テスト", "(テスト)",
                         "test mail", "Test 1", "署名テスト"])
        text = r.choice(["test", "テスト", "届きましたか？", "テスト送信です。届いたら返信ください。",
                         "Please ignore, testing my new signature.", "署名のテストです。", ".",
                         "新しいスマホから送っています。届いていますか？", "testing 1 2 3"])
        lang = "ja" if not is_ascii(subj + text) else "en"
        if to_self:
            to = [(u["ja"] if lang == "ja" else u["en"], u["addr"])]
        else:
            to = [(c["ja"] if lang == "ja" else c["en"], c["addr"])]
        msg = self.compose(r, u, dev, t, tz, to, [], subj, text, lang)
        return msg, [to[0][1]], "lookalike", "short_test"

    def lookalike_port(self, r, u, dev, t, tz):
        cands = [c for c in u["contacts"] if c["rel"] in ("colleague", "customer")] or u["contacts"]
        c = pick_w(r, cands, [x["w"] for x in cands])
        lang = "ja" if r.random() < u["p_ja"] else "en"
        text = self.make_text(r, u, c, lang, True, k=r.randint(1, 3))
        para = r.choice(PORT_PROSE_JA if lang == "ja" else PORT_PROSE_EN)
        parts = text.split("\n\n")
        parts.insert(min(2, len(parts)), wrap_ja(para) if lang == "ja" else wrap_en(para))
        text = "\n\n".join(parts)
        subj = r.choice(ENGINEER_SUBJ)
        msg = self.compose(r, u, dev, t, tz, [(c["ja"] if lang == "ja" else c["en"], c["addr"])], [], subj, text, lang)
        return msg, [c["addr"]], "lookalike", "port_prose"

    def lookalike_calendar(self, r, u, dev, t, tz):
        cands = [c for c in u["contacts"] if c["rel"] in ("colleague", "customer")] or u["contacts"]
        att = r.sample(cands, min(len(cands), r.randint(1, 5)))
        lang = "ja" if r.random() < u["p_ja"] else "en"
        title = r.choice(["定例会議", "打ち合わせ", "プロジェクト進捗確認", "面談"] if lang == "ja"
                         else ["Weekly sync", "Project review", "Kick-off", "1:1"])
        ev_t = self.day_start(self.day_of(t) + r.randint(1, 10)) + r.choice([10, 11, 14, 15, 16]) * 3600
        s, e = local_dt(ev_t), local_dt(ev_t + 3600)
        uid = uuid_like(r)
        ics = ["BEGIN:VCALENDAR", "PRODID:-//Mailward synthetic//Calendar 1.0//EN", "VERSION:2.0",
               "CALSCALE:GREGORIAN", "METHOD:REQUEST", "BEGIN:VEVENT",
               "DTSTART;TZID=Asia/Tokyo:%s" % s.strftime("%Y%m%dT%H%M%S"),
               "DTEND;TZID=Asia/Tokyo:%s" % e.strftime("%Y%m%dT%H%M%S"),
               "DTSTAMP:%s" % local_dt(t, 0).strftime("%Y%m%dT%H%M%SZ"),
               "ORGANIZER;CN=%s:mailto:%s" % (u["en"], u["addr"]), "UID:%s" % uid]
        for c in att:
            ics.append("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=%s:mailto:%s"
                       % (c["en"], c["addr"]))
        ics += ["SUMMARY:%s" % title, "LOCATION:%s" % r.choice(["Room 2A", "第二会議室", "Online"]),
                "SEQUENCE:0", "STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]
        ics_text = "\n".join(ics)
        cal = (["Content-Type: text/calendar; charset=\"UTF-8\"; method=REQUEST",
                "Content-Transfer-Encoding: " + ("base64" if not is_ascii(ics_text) else "7bit")],
               b64_lines(ics_text.replace("\n", CRLF).encode("utf-8")) if not is_ascii(ics_text)
               else ics_text.replace("\n", CRLF).encode("ascii"))
        when = "%d/%02d/%02d (%s) %d:00 - %d:00 (JST)" % (s.year, s.month, s.day, JA_DOW[s.weekday()] if lang == "ja"
                                                         else DOW[s.weekday()], s.hour, e.hour)
        subj = r.choice(["招待: %s @ %s (%s)" % (title, when, u["addr"]) if lang == "ja" else
                         "Invitation: %s @ %s (%s)" % (title, when, u["addr"]), title])
        text = ("%s\n日時: %s\n参加者: %s" if lang == "ja" else "%s\nWhen: %s\nGuests: %s") % (
            title, when, ", ".join(c["addr"] for c in att))
        msg = self.compose(r, u, dev, t, tz, [(c["en"], c["addr"]) for c in att], [], subj, text, lang, alt=cal)
        return msg, [c["addr"] for c in att], "lookalike", "calendar"

    # --- per-user normal traffic ----------------------------------------------

    def tuple_str(self, fields, order, sep):
        return sep.join(fields[f] for f in order)

    def test_message(self, r, v, vdev, tk, ua, tz, t, rcpts, fmt, fields, order, sep, kvk):
        token = r.choice(["Test %s" % hexs(r, 6, "abcdefghijkmnpqrstuvwxyz23456789"), "ok %d" % r.randint(100, 999),
                          "#%s" % hexs(r, 4, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), "[+] %d" % r.randint(1000, 9999),
                          "ID:%s" % hexs(r, 5, "abcdefghijkmnpqrstuvwxyz0123456789"), "chk-%s" % hexs(r, 4),
                          "OK %s" % v["addr"], "%s OK" % v["login"], "%d" % r.randint(10000, 99999)])
        tup = self.tuple_str(fields, order, sep)
        kv = "\n".join("%s%s%s" % (kvk[f], r.choice([": ", "=", ": "]), fields[f]) for f in kvk)
        lang = "en"
        if fmt in SEPS:
            subj = self.tuple_str(fields, order, SEPS[fmt])
            body = r.choice(["", "test", "OK", subj.replace("\t", " "), token, "This is a test message.", "SMTP test"])
            detail = fmt
        elif fmt == "tuple_colon":
            o = r.choice([["host", "port", "login", "password"], ["host", "port", "addr", "password"]])
            subj = ":".join(fields[f] for f in o)
            body = r.choice(["", "ok", subj, "SMTP WORKS", token])
            detail = fmt
        elif fmt == "kv_body":
            subj = r.choice(["SMTP Test", "Check", "OK", "smtp ok", "Result", token, "Test message"])
            body = kv + ("\n" + "Date: " + rfc_date(t, tz) if r.random() < 0.3 else "")
            detail = fmt
        elif fmt == "token_tuple_body":
            subj = token
            body = r.choice([tup, kv, "%s:%s:%s:%s" % (fields["host"], fields["port"], fields["login"], fields["password"])])
            detail = fmt
        elif fmt == "token_only":
            subj = token
            body = r.choice(["", token, "test", "1", ".", "ok"])
            detail = fmt
        else:  # ja_subject
            lang = "ja"
            subj = r.choice(["送信テスト", "テスト送信", "接続確認", "送信確認 %s" % v["addr"], "テスト【%s】" % fields["count"],
                             "配信テスト %s" % hexs(r, 4)])
            body = r.choice([tup, kv, "送信テストです。\n" + tup])
            detail = fmt
        frm = v["addr"] if r.random() < 0.75 else fmt_addr(v["en"], v["addr"])
        cs = "utf8"
        hs = ["From: " + frm, "To: " + ", ".join(rcpts), "Subject: " + enc_words(subj, cs),
              "Date: " + rfc_date(t, tz)]
        if tk == "mimic":
            mid = client_msgid(r, vdev, v, t)
        elif tk == "oe6":
            mid = "<%s$%s$%s@%s>" % (hexs(r, 12), hexs(r, 8), hexs(r, 8), "WIN-PC")
        elif tk == "script":
            mid = "<%d.%d.%d@%s>" % (t, r.randint(1000, 65000), r.randint(0, 10 ** 9), r.choice(["localhost", "example.jp"]))
        else:
            mid = "<%s@%s>" % (hexs(r, 32), v["domain"])
        hs += ["Message-ID: " + mid, "MIME-Version: 1.0"] + ua
        mode = "b64" if lang == "ja" and r.random() < 0.5 else ("8bit" if lang == "ja" else "ascii")
        if tk == "oe6":
            body_part = text_part(body, mode if mode != "ascii" else "jis", quote_cs=True)
        else:
            body_part = text_part(body, mode, quote_cs=False)
        return render(hs, body_part), detail

    def burst(self, r, k, v, vdev, tk, ua, tz, tb, ip, helo):
        camp = r.choice(PHISH)
        lang, brand, subj0, lines, host = camp
        batch = r.random() < 0.6
        if batch:
            n_msgs = r.randint(15, 60)
            per = lambda: r.randint(10, 50)
        else:
            n_msgs = r.randint(60, 220)
            per = lambda: pick_w(r, [1, 2, 3], [80, 15, 5])
        dur = r.randint(3600, 4 * 3600)
        n_batches = max(1, n_msgs // r.randint(5, 15))
        centers = sorted(r.randrange(dur) for _ in range(n_batches))
        times = []
        for i in range(n_msgs):
            c = centers[i % n_batches]
            times.append(tb + c + (i // n_batches) * r.randint(1, 8))
        times.sort()
        rdoms = FREEMAIL_DOMAINS + CUSTOMER_DOMAINS + ["ne.example", "isp-a.example", "isp-b.example",
                                                        "carrier.example", "example.jp"]
        total = 0
        path = r.choice(["login", "verify", "account/confirm", "secure/update", "member"])
        for i, t in enumerate(times):
            rc = []
            for _ in range(per()):
                gi, fi = r.randrange(len(GIVEN)), r.randrange(len(FAMILY))
                st = r.choice(["{g}.{f}", "{g}{n}", "{f}{n}", "{gi}{f}{n}", "{g}_{f}{n}"])
                rc.append("%s@%s" % (st.format(g=GIVEN[gi][0], f=FAMILY[fi][0], gi=GIVEN[gi][0][0],
                                               n=r.randint(1, 9999)), r.choice(rdoms)))
            rc = list(dict.fromkeys(rc))
            total += len(rc)
            url = "https://%s/%s?id=%s" % (host, path, hexs(r, 12, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
            subj = subj0 if r.random() < 0.7 else "%s No.%d" % (subj0, r.randint(10000, 99999))
            text = "\n".join(lines) + "\n\n" + url + "\n\n" + brand + ("カスタマーサービス" if lang == "ja" else " Customer Service")
            hp = (html_of("\n".join(lines)).replace("</body>", "<p><a href=\"%s\">%s</a></p></body>" % (
                url, "こちらから確認する" if lang == "ja" else "Verify now")))
            bnd = "----=_Part_%d_%d.%d" % (r.randint(1, 99999), r.randint(10 ** 8, 10 ** 9), t)
            parts = [text_part(text, "b64" if lang == "ja" else "ascii", quote_cs=False),
                     text_part(hp, "b64" if lang == "ja" else "qp", subtype="html", quote_cs=False)]
            body = multipart("alternative", bnd, parts)
            hs = ["From: " + fmt_addr(brand, v["addr"], "utf8"),
                  "To: " + (rc[0] if len(rc) == 1 else "undisclosed-recipients:;"),
                  "Subject: " + enc_words(subj, "utf8"), "Date: " + rfc_date(t, tz),
                  "Message-ID: <%s@%s>" % (hexs(r, 24), v["domain"]), "MIME-Version: 1.0"] + ua
            if r.random() < 0.3:
                hs.append("Reply-To: support@%s" % host)
            self.add(t, v["login"], ip, helo, v["addr"], rc, render(hs, body), "burst", 0, v["login"], k,
                     "batch" if batch else "single")
        return n_msgs, total

    # --- output ----------------------------------------------------------------------
