#!/usr/bin/python3
"""Synthetic month of mail submissions for Mailward's outbound protection (issue 7).

Writes DIR/events.jsonl (the `mailward replay` input), DIR/msgs/<id>.eml (RFC 5322, CRLF),
DIR/labels.jsonl (ground truth per event) and DIR/hijacks.jsonl (one line per injected
hijack). The same --seed gives byte-identical output: every random draw comes from
random.Random objects seeded from the seed, nothing is read from the clock or the
environment, and nothing iterates over a set or a hash-ordered container.

See tools/outbound/README.md for what is modelled and why.
"""

import argparse
import base64
import binascii
import datetime
import html
import io
import ipaddress
import json
import os
import random
import sys
import textwrap
import time
import zipfile

CRLF = "\r\n"
JST = 9 * 3600
EPOCH = datetime.datetime(1970, 1, 1)
DOW = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
JA_DOW = "月火水木金土日"

SUBMIT_HOSTS = ["mail.example.jp", "smtp.example.jp"]
IMAP_HOSTS = ["imap.example.jp", "mail.example.jp"]
WEBMAIL_IPS = ["198.51.100.80", "198.51.100.81", "198.51.100.82", "198.51.100.83"]


# ---------------------------------------------------------------------------
# Text pools (written for Mailward; names are common Japanese names, the rest invented)
# ---------------------------------------------------------------------------

# Romanised and kanji forms, index-aligned.
GIVEN = [
    ("taro", "太郎"), ("hanako", "花子"), ("ichiro", "一郎"), ("jiro", "次郎"), ("yuki", "由紀"),
    ("kenji", "健二"), ("akiko", "明子"), ("naoko", "直子"), ("hiroshi", "博"), ("takeshi", "武"),
    ("yumi", "由美"), ("sakura", "さくら"), ("daisuke", "大輔"), ("kaori", "香織"), ("makoto", "誠"),
    ("satoshi", "聡"), ("emi", "恵美"), ("mai", "舞"), ("ryo", "涼"), ("sho", "翔"),
    ("haruka", "遥"), ("kazuya", "和也"), ("tomoko", "智子"), ("yusuke", "裕介"), ("ayumi", "あゆみ"),
    ("masaki", "正樹"), ("nozomi", "希"), ("kenta", "健太"), ("rie", "理恵"), ("shinji", "真司"),
    ("aya", "彩"), ("tsubasa", "翼"), ("miho", "美穂"), ("koji", "浩二"), ("yoko", "洋子"),
    ("hideki", "秀樹"), ("misaki", "美咲"), ("ren", "蓮"), ("yui", "結衣"), ("sota", "颯太"),
]
FAMILY = [
    ("sato", "佐藤"), ("suzuki", "鈴木"), ("takahashi", "高橋"), ("tanaka", "田中"),
    ("watanabe", "渡辺"), ("ito", "伊藤"), ("yamamoto", "山本"), ("nakamura", "中村"),
    ("kobayashi", "小林"), ("kato", "加藤"), ("yoshida", "吉田"), ("yamada", "山田"),
    ("sasaki", "佐々木"), ("yamaguchi", "山口"), ("matsumoto", "松本"), ("inoue", "井上"),
    ("kimura", "木村"), ("hayashi", "林"), ("shimizu", "清水"), ("yamazaki", "山崎"),
    ("mori", "森"), ("abe", "阿部"), ("ikeda", "池田"), ("hashimoto", "橋本"),
    ("ishikawa", "石川"), ("ogawa", "小川"), ("okada", "岡田"), ("goto", "後藤"),
    ("hasegawa", "長谷川"), ("murakami", "村上"), ("kondo", "近藤"), ("ishii", "石井"),
    ("saito", "斎藤"), ("sakamoto", "坂本"), ("endo", "遠藤"), ("aoki", "青木"),
    ("fujita", "藤田"), ("nishimura", "西村"), ("fukuda", "福田"), ("ota", "太田"),
]

# Offices (organisations whose staff use the provider). (romaji, Japanese name, kind)
COMPANIES = [
    ("Sakura Shoji", "さくら商事株式会社"), ("Aozora Design", "株式会社青空デザイン"),
    ("Minato Logistics", "みなと物流株式会社"), ("Kawase Kogyo", "川瀬工業株式会社"),
    ("Hikari Accounting", "ひかり会計事務所"), ("Midori Clinic", "みどりクリニック"),
    ("Tsubame Software", "つばめソフトウェア株式会社"), ("Kitano Real Estate", "北野不動産株式会社"),
    ("Umi Foods", "うみフーズ株式会社"), ("Fuji Printing", "富士印刷株式会社"),
    ("Yamabiko Travel", "やまびこトラベル株式会社"), ("Hoshi Law Office", "星法律事務所"),
    ("Nishiki Textile", "錦テキスタイル株式会社"), ("Asahi Dental", "あさひ歯科医院"),
    ("Kaze Architects", "風建築設計事務所"), ("Momiji Kindergarten", "もみじ幼稚園"),
    ("Tokiwa Electric", "常盤電機株式会社"), ("Suisei Consulting", "彗星コンサルティング合同会社"),
    ("Komorebi Books", "こもれび書店"), ("Ginga Motors", "銀河モータース株式会社"),
    ("Hinata Farm", "ひなた農園"), ("Shiosai Hotel", "潮騒ホテル株式会社"),
    ("Kumo Systems", "くもシステムズ株式会社"), ("Iroha Cosmetics", "いろは化粧品株式会社"),
    ("Tanpopo Care", "たんぽぽ介護サービス"), ("Seiryu Engineering", "清流エンジニアリング株式会社"),
]

# Customer / partner organisations outside the provider (reserved .example names).
CUSTOMER_DOMAINS = [
    "kitahama-shoji.example", "nishi-seiki.example", "hikari-foods.example",
    "global-parts.example", "tokai-unyu.example", "aoba-kensetsu.example",
    "sunrise-trading.example", "mirai-medical.example", "kobe-marine.example",
    "sapporo-denki.example", "shinwa-print.example", "daiichi-kikaku.example",
    "sales.example.com", "orders.example.net", "partner.example.org", "biz.example.com",
]

# Free-mail-like and carrier-like consumer domains (reserved example names).
FREEMAIL_DOMAINS = [
    "mail.example.com", "post.example.net", "inbox.example.org", "freemail.example",
    "webmail.example", "mobile.example.net", "example.com", "example.net", "example.org",
]

SUBJ_BIZ_JA = [
    "お見積りの件", "会議資料の送付", "来週の打ち合わせについて", "請求書送付のご案内",
    "【ご確認】納期について", "議事録の共有", "出張報告", "新商品のご案内", "日程調整のお願い",
    "契約書ドラフトの件", "月次報告", "発注書の送付", "見積書再送のお願い", "ご挨拶",
    "年末年始の営業日について", "研修のご案内", "ご依頼の資料について", "稟議の件",
    "サンプル送付のご連絡", "打ち合わせのお礼", "作業進捗のご報告", "価格改定のお知らせ",
    "検収のお願い", "資料修正版", "アンケートご協力のお願い", "来期予算について",
]
SUBJ_BIZ_EN = [
    "Meeting notes", "Quote request", "Invoice for October", "Project update",
    "Schedule for next week", "Draft contract", "Monthly report", "Purchase order",
    "Follow-up from our call", "Shipping status", "Revised proposal", "Training session",
    "Budget review", "Product samples", "Question about the specification", "Weekly sync",
]
SUBJ_PERS_JA = [
    "週末の予定", "写真送ります", "久しぶり！", "同窓会の件", "お土産ありがとう",
    "明日のランチ", "旅行の計画", "子どもの運動会", "年賀状の住所", "おすすめの本",
    "引っ越しました", "お誕生日おめでとう", "町内会のお知らせ", "釣りの件", "来月の集まり",
    "お礼", "レシピ教えて", "病院の予約", "サークルの連絡", "帰省の予定",
]
SUBJ_PERS_EN = [
    "Dinner on Saturday?", "Photos from the trip", "Long time no see", "Thanks!",
    "Book recommendation", "Weekend plans", "Happy birthday", "Concert tickets",
    "Moving next month", "Recipe", "Running club", "Quick question",
]

BIZ_JA = [
    "先日はお忙しいところお時間をいただきありがとうございました。",
    "ご依頼いただいておりました資料を添付にてお送りいたします。",
    "ご確認のほど、よろしくお願いいたします。",
    "納期につきましては、来週水曜日を予定しております。",
    "もし不明な点がございましたら、お気軽にご連絡ください。",
    "打ち合わせの日程ですが、下記のいずれかでご都合はいかがでしょうか。",
    "社内で検討した結果、今回はA案で進めることになりました。",
    "お手数ですが、内容をご確認のうえご返信いただけますと幸いです。",
    "見積金額については、数量により調整が可能です。",
    "前回の会議でいただいたご指摘を反映いたしました。",
    "担当者が不在のため、代わりにご連絡差し上げております。",
    "来月から新しい担当者に変更となりますので、ご挨拶かたがたご連絡いたします。",
    "在庫状況を確認しましたところ、十分な数量がございます。",
    "サンプルは本日発送いたしましたので、到着まで今しばらくお待ちください。",
    "会議室は三階の第二会議室を予約しております。",
    "資料の一部に誤りがありましたので、修正版をお送りします。",
    "今期の売上は前年同期比で約5%増加しております。",
    "ご請求書は月末締め、翌月末払いでお願いいたします。",
    "本件につきましては、部長の承認をいただいております。",
    "詳細は添付のファイルをご覧ください。",
    "ご多忙のところ恐縮ですが、今週中にご回答いただけますでしょうか。",
    "先方からの回答を待って、改めてご報告いたします。",
    "作業は予定どおり順調に進んでおります。",
    "次回の定例会は十一月十日の午前十時からです。",
    "価格の改定は来年一月出荷分から適用となります。",
    "取り急ぎ、受領のご連絡まで。",
]
PERS_JA = [
    "元気にしてる？こちらは相変わらずです。",
    "この前はありがとう、とても楽しかったです。",
    "週末、時間があったらご飯でも行きませんか。",
    "写真をいくつか送りますね。",
    "子どもたちも大きくなって、毎日にぎやかです。",
    "最近寒くなってきたので、風邪に気をつけてね。",
    "来月そちらに行く用事があるので、会えたらうれしいです。",
    "駅前に新しいパン屋さんができました。",
    "母がよろしくと言っていました。",
    "旅行の日程、だいたい決まったので連絡します。",
    "お土産、みんなで美味しくいただきました。",
    "また近いうちに連絡します。",
    "集合は十時に駅の改札でどうでしょう。",
    "雨の予報なので、傘を忘れずに。",
    "犬の散歩中に偶然会った人が同級生でびっくりしました。",
    "庭の柿がたくさん実ったので、今度持っていきます。",
    "年末は実家に帰る予定です。",
    "図書館で借りた本がとても面白かった。",
]
BIZ_EN = [
    "Thank you for your time at the meeting yesterday.",
    "Please find the requested documents attached.",
    "Could you confirm the delivery date by Friday?",
    "We have updated the figures based on your comments.",
    "Let me know if any of the proposed times work for you.",
    "The shipment left our warehouse this morning.",
    "I am covering for my colleague while she is on leave.",
    "The revised quote reflects the volume discount we discussed.",
    "We would like to move the review to Thursday afternoon.",
    "Please note that our office will be closed on the 23rd.",
    "I have attached the minutes from today's call.",
    "Our finance team will process the invoice at the end of the month.",
    "The prototype passed all tests in the lab.",
    "We still need sign-off from the legal department.",
    "Happy to discuss further over a short call.",
    "The new price list takes effect from January.",
    "I will send a summary once we hear back from the supplier.",
    "Thanks again for your quick response.",
]
PERS_EN = [
    "Hope you are doing well.",
    "It was great to see you last weekend.",
    "Are you free for dinner on Saturday?",
    "Here are a few photos from the trip.",
    "The kids loved the present, thank you so much.",
    "Let me know when you are back in town.",
    "I finally finished the book you lent me.",
    "The weather here has been lovely this week.",
    "We should plan a hike before it gets too cold.",
    "Say hello to your family for me.",
    "I found a great little ramen place near the station.",
    "Talk soon!",
]

# Fixed phrases used around the body.
OPEN_BIZ_JA = ["{name}様\n\nいつもお世話になっております。\n{company}の{sender}です。",
               "{name}様\n\nお世話になっております。{sender}です。",
               "{name}さん\n\nお疲れ様です。{sender}です。"]
CLOSE_BIZ_JA = ["よろしくお願いいたします。", "以上、よろしくお願い申し上げます。",
                "引き続きよろしくお願いいたします。"]
OPEN_PERS_JA = ["{name}さん\n\nこんにちは。", "{name}さん\n\nこんばんは。", "{name}へ\n\n"]
CLOSE_PERS_JA = ["またね。", "それでは、また。", "返事待ってます。", ""]
OPEN_BIZ_EN = ["Dear {name},", "Hi {name},", "Hello {name},"]
CLOSE_BIZ_EN = ["Best regards,", "Kind regards,", "Thanks,", "Regards,"]
OPEN_PERS_EN = ["Hi {name},", "Hey {name}!", "{name},"]
CLOSE_PERS_EN = ["Cheers,", "Take care,", "See you,", "Love,"]

# Engineers mentioning ports in prose (look-alike "port_prose").
PORT_PROSE_JA = [
    "検証環境のサーバーは8443番ポートで待ち受けています。VPN接続後にアクセスしてください。",
    "SSHは22番ではなく2222番ポートで接続してください。",
    "ファイアウォールで443番と80番以外は閉じてあります。",
    "社内プロキシは8080番ポートです。ブラウザの設定をご確認ください。",
    "データベースは5432番ポートで、外部からは接続できません。",
    "メールソフトの送信ポートを25番から587番に変更してください。プロバイダの指示によるものです。",
]
PORT_PROSE_EN = [
    "The staging server listens on port 8443; connect through the VPN first.",
    "Please use port 2222 for SSH, not the default 22.",
    "The firewall only allows 443 and 80 from outside.",
    "Our proxy runs on port 3128 now, the old 8080 one is gone.",
    "The printer's web console is on port 631 if you need to check the queue.",
    "Outgoing mail must use port 587 with authentication; port 25 is blocked for clients.",
]
ENGINEER_SUBJ = ["サーバー設定の件", "検証環境について", "ネットワーク変更のお知らせ",
                 "Re: connection problem", "Firewall change", "VPN setup", "ポート番号の確認"]

# Phishing campaigns used in bursts: (lang, brand, subject, lines, url-host)
PHISH = [
    ("ja", "Example Card", "【重要】カードご利用確認のお願い",
     ["いつもExample Cardをご利用いただきありがとうございます。",
      "お客様のカードに第三者による不正利用の可能性がある取引を確認しました。",
      "ご本人様のご利用かどうか、下記URLより24時間以内にご確認ください。",
      "ご確認いただけない場合、カードのご利用を一時停止させていただきます。"],
     "examplecard-secure.example"),
    ("ja", "Example Bank", "【Example銀行】お取引目的等の確認のお願い",
     ["平素はExample銀行をご利用いただき誠にありがとうございます。",
      "法令に基づき、お客様の取引目的等を定期的に確認しております。",
      "以下のリンクからログインし、お客様情報の更新をお願いいたします。",
      "期限までにご対応いただけない場合、お取引を制限させていただく場合がございます。"],
     "example-bank-login.example.net"),
    ("ja", "Example Post", "【Example郵便】お荷物お届けにあがりましたが不在のため持ち帰りました",
     ["お客様宛にお荷物のお届けにあがりましたが、ご不在のため持ち帰りました。",
      "再配達のご依頼は下記URLよりお手続きください。",
      "保管期限を過ぎますと差出人へ返送されます。"],
     "redelivery-examplepost.example"),
    ("en", "ExamplePay", "Your ExamplePay account has been limited",
     ["We noticed unusual activity on your ExamplePay account.",
      "To restore full access, please verify your information within 24 hours.",
      "If you do not complete the verification, your account will be permanently suspended."],
     "examplepay-verify.example.com"),
    ("ja", "Example Points", "【Exampleポイント】ポイント失効のお知らせ",
     ["お客様の保有ポイントのうち 12,480 ポイントが本日失効予定です。",
      "失効を防ぐには、下記ページからログインして手続きを完了してください。"],
     "examplepoint-campaign.example"),
    ("en", "Example Bank", "Security alert: confirm your card details",
     ["A sign-in attempt was blocked on your online banking account.",
      "For your security we have temporarily suspended your card.",
      "Please confirm your card details using the secure link below."],
     "secure-examplebank.example.org"),
    ("ja", "Example Mobile", "【Exampleモバイル】ご利用料金のお支払い確認",
     ["今月のご利用料金のお支払いが確認できておりません。",
      "下記URLよりお支払い方法の確認・変更をお願いいたします。",
      "本メールは送信専用です。"],
     "examplemobile-pay.example"),
]


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

def is_ascii(s):
    return all(ord(c) < 128 for c in s)


def poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, lam ** 0.5))))
    limit = 2.718281828459045 ** (-lam)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def pick_w(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def hexs(rng, n, alphabet="0123456789abcdef"):
    return "".join(rng.choice(alphabet) for _ in range(n))


def uuid_like(rng, upper=False):
    s = "%s-%s-4%s-%s%s-%s" % (hexs(rng, 8), hexs(rng, 4), hexs(rng, 3), rng.choice("89ab"),
                              hexs(rng, 3), hexs(rng, 12))
    return s.upper() if upper else s


def rfc_date(t, off):
    d = EPOCH + datetime.timedelta(seconds=t + off)
    a = abs(off)
    return "%s, %d %s %04d %02d:%02d:%02d %s%02d%02d" % (
        DOW[d.weekday()], d.day, MON[d.month - 1], d.year, d.hour, d.minute, d.second,
        "+" if off >= 0 else "-", a // 3600, (a % 3600) // 60)


def local_dt(t, off=JST):
    return EPOCH + datetime.timedelta(seconds=t + off)


def net_of(ip):
    """Network key used for "ranges the user has used": IPv4 /24, IPv6 /48."""
    if ":" in ip:
        full = ipaddress.ip_address(ip).exploded.split(":")
        return ":".join(full[:3]) + "::/48"
    return ".".join(ip.split(".")[:3]) + ".0/24"


def v6(s):
    return ipaddress.ip_address(s).compressed


def b64_lines(data):
    s = base64.b64encode(data).decode("ascii")
    return CRLF.join(s[i:i + 76] for i in range(0, len(s), 76)).encode("ascii")


def qp_lines(text):
    out = []
    for line in text.split("\n"):
        enc = binascii.b2a_qp(line.encode("utf-8"), istext=True)
        out.append(enc.replace(b"=\n", b"=\r\n"))
    return b"\r\n".join(out)


def encode_text(text, mode):
    """Encode a text body. mode: jis (ISO-2022-JP 7bit), b64 / qp / 8bit (UTF-8).
    Returns (charset, transfer-encoding, bytes with CRLF)."""
    text = text.replace("\r\n", "\n")
    if is_ascii(text):
        cs = "ISO-2022-JP" if mode == "jis" else ("us-ascii" if mode == "ascii" else "UTF-8")
        return cs, "7bit", text.replace("\n", CRLF).encode("ascii")
    if mode == "jis":
        try:
            lines = [ln.encode("iso2022_jp") for ln in text.split("\n")]
            return "ISO-2022-JP", "7bit", b"\r\n".join(lines)
        except UnicodeEncodeError:
            mode = "b64"
    if mode == "qp":
        return "UTF-8", "quoted-printable", qp_lines(text)
    if mode == "8bit":
        return "UTF-8", "8bit", text.replace("\n", CRLF).encode("utf-8")
    return "UTF-8", "base64", b64_lines(text.replace("\n", CRLF).encode("utf-8"))


def enc_words(s, cs):
    """RFC 2047 B-encoding of a header value (cs: 'jis' or 'utf8'); folded with CRLF SP."""
    if is_ascii(s):
        return s
    words = []
    if cs == "jis":
        try:
            for i in range(0, len(s), 11):
                b = s[i:i + 11].encode("iso2022_jp")
                words.append("=?ISO-2022-JP?B?%s?=" % base64.b64encode(b).decode("ascii"))
            return (CRLF + " ").join(words)
        except UnicodeEncodeError:
            words = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and len(s[i:j + 1].encode("utf-8")) <= 42:
            j += 1
        words.append("=?UTF-8?B?%s?=" % base64.b64encode(s[i:j].encode("utf-8")).decode("ascii"))
        i = j
    return (CRLF + " ").join(words)


def fmt_addr(display, addr, cs="utf8"):
    if not display:
        return addr
    if is_ascii(display):
        if any(c in display for c in ',.;:"()<>@[]'):
            display = '"%s"' % display.replace('"', "")
        return "%s <%s>" % (display, addr)
    return "%s <%s>" % (enc_words(display, cs), addr)


def addr_header(name, items):
    if not items:
        return None
    return name + ": " + ("," + CRLF + " ").join(items)


def wrap_en(text, width=72):
    out = []
    for para in text.split("\n"):
        if len(para) <= width:
            out.append(para)
        else:
            out.extend(textwrap.wrap(para, width=width, break_long_words=False,
                                     break_on_hyphens=False))
    return "\n".join(out)


def wrap_ja(text, width=36):
    out = []
    for para in text.split("\n"):
        while len(para) > width:
            out.append(para[:width])
            para = para[width:]
        out.append(para)
    return "\n".join(out)


# MIME part = (list of header lines, body bytes)

def text_part(text, mode, subtype="plain", flowed=False, quote_cs=True):
    cs, cte, body = encode_text(text, mode)
    ct = 'text/%s; charset="%s"' % (subtype, cs) if quote_cs else "text/%s; charset=%s" % (subtype, cs)
    if flowed:
        ct += "; format=flowed"
    return (["Content-Type: " + ct, "Content-Transfer-Encoding: " + cte], body)


def html_of(text):
    rows = []
    for line in text.split("\n"):
        rows.append("<div>%s</div>" % (html.escape(line) if line else "<br>"))
    return ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
            "</head>\n<body>\n" + "\n".join(rows) + "\n</body></html>")


def attach_part(ctype, filename, data, cs="utf8", disposition="attachment"):
    if is_ascii(filename):
        fn = filename
    else:
        fn = enc_words(filename, cs)
    return (['Content-Type: %s;%s name="%s"' % (ctype, CRLF, fn),
             "Content-Transfer-Encoding: base64",
             'Content-Disposition: %s;%s filename="%s"' % (disposition, CRLF, fn)],
            b64_lines(data))


def multipart(subtype, boundary, parts, preamble=None, extra=""):
    chunks = []
    if preamble:
        chunks.append(preamble.encode("ascii") + b"\r\n")
    for h, b in parts:
        chunks.append(b"--" + boundary.encode("ascii") + b"\r\n")
        chunks.append((CRLF.join(h) + CRLF + CRLF).encode("ascii"))
        chunks.append(b + (b"" if b.endswith(b"\r\n") else b"\r\n"))
    chunks.append(b"--" + boundary.encode("ascii") + b"--\r\n")
    return (['Content-Type: multipart/%s;%s boundary="%s"%s' % (subtype, CRLF, boundary, extra)],
            b"".join(chunks))


def render(headers, part):
    hs = [h for h in headers if h] + part[0]
    head = CRLF.join(hs) + CRLF + CRLF
    body = part[1]
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return head.encode("ascii") + body


# ---------------------------------------------------------------------------
# Attachments (small, deterministic)
# ---------------------------------------------------------------------------

def make_pdf(rng, title_lines):
    content = ["BT", "/F1 12 Tf", "60 780 Td", "14 TL"]
    for ln in title_lines:
        safe = "".join(c for c in ln if 32 <= ord(c) < 127).replace("(", "[").replace(")", "]")
        content.append("(%s) Tj T*" % safe)
    content.append("ET")
    stream = "\n".join(content).encode("ascii")
    filler = rng.randbytes(rng.randint(1200, 7000))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width 64 /Height 32 /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % len(filler)
        + filler + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def make_docx(paragraphs):
    buf = io.BytesIO()
    parts = [
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
         'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="'
         'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
         'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="'
         'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
         '</Types>'),
        ("_rels/.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
         'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
         'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="word/document.xml"/></Relationships>'),
        ("word/document.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://'
         'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
         + "".join("<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % html.escape(p) for p in paragraphs)
         + "</w:body></w:document>"),
    ]
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, text in parts:
            zi = zipfile.ZipInfo(name, date_time=(2026, 10, 1, 9, 0, 0))
            zi.external_attr = 0o644 << 16
            z.writestr(zi, text.encode("utf-8"))
    return buf.getvalue()


def make_jpeg(rng):
    head = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00"
            b"\xff\xdb\x00\x43\x00" + bytes(range(1, 65)))
    return head + rng.randbytes(rng.randint(3000, 9000)) + b"\xff\xd9"


# ---------------------------------------------------------------------------
# Network locations
# ---------------------------------------------------------------------------

class Loc:
    """Where a device connects from. kind is descriptive; ip(day, rng) gives the address."""

    def __init__(self, kind, fixed=None, pool=None, sched=None, prefix=None, iids=None, tz=JST):
        self.kind = kind
        self.fixed = fixed
        self.pool = pool
        self.sched = sched
        self.prefix = prefix
        self.iids = iids
        self.tz = tz

    def ip(self, day, rng):
        if self.fixed:
            return self.fixed
        if self.sched is not None:
            return self.sched[max(0, min(day, len(self.sched) - 1))]
        if self.iids is not None:
            return v6(self.prefix + ":" + self.iids[max(0, min(day, len(self.iids) - 1))])
        return rng.choice(self.pool)

    def nets(self):
        if self.fixed:
            return [net_of(self.fixed)]
        if self.sched is not None:
            return [net_of(self.sched[0])]
        if self.iids is not None:
            return [net_of(v6(self.prefix + "::1"))]
        return [net_of(self.pool[0])]


def mobile_v6_pool(rng, n=400):
    return [v6("2001:db8:2b0:%x:%s:%s:%s:%s" % (rng.randrange(0x1000), hexs(rng, 4), hexs(rng, 4),
                                                 hexs(rng, 4), hexs(rng, 4))) for _ in range(n)]


# ---------------------------------------------------------------------------
# Mail clients
# ---------------------------------------------------------------------------

CLIENTS = ["thunderbird", "outlook", "apple_mail", "iphone", "k9", "webmail"]
DESKTOP = ["thunderbird", "outlook", "apple_mail"]
MOBILE = ["iphone", "k9"]


def make_device(rng, client, user, n):
    """A persistent mail client install of a user: UA header lines and HELO name."""
    d = {"client": client, "n": n}
    if client == "thunderbird":
        plat = pick_w(rng, ["Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10.15",
                            "X11; Linux x86_64"], [6, 3, 1])
        ver = rng.choice(["115.16.1", "128.3.1", "128.4.2", "128.5.0"])
        d["ua"] = ["User-Agent: Mozilla/5.0 (%s; rv:%s.0) Gecko/20100101 Thunderbird/%s"
                   % (plat, ver.split(".")[0], ver)]
        d["helo"] = "[127.0.0.1]"
    elif client == "outlook":
        d["ua"] = ["X-Mailer: Microsoft Outlook 16.0"]
        d["helo"] = rng.choice(["DESKTOP-%s" % hexs(rng, 7, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"),
                                "PC-%s" % user["family"].upper(),
                                "%s-PC" % user["given"].upper()])
    elif client == "apple_mail":
        build = rng.choice(["3776.700.51.11.1", "3826.200.121", "3826.300.87.4.3"])
        d["ua"] = ["X-Mailer: Apple Mail (2.%s)" % build]
        d["mime"] = "1.0 (Mac OS X Mail 16.0 \\(%s\\))" % build
        d["helo"] = "%s-MacBook-%s.local" % (user["given"].capitalize(), rng.choice(["Air", "Pro"]))
    elif client == "iphone":
        d["ua"] = ["X-Mailer: iPhone Mail (%s)" % rng.choice(["21H16", "22A3354", "22B91", "22C152"])]
        d["mime"] = "1.0 (1.0)"
        d["helo"] = rng.choice(["[127.0.0.1]", "[IPv6:::1]"])
    elif client == "k9":
        d["ua"] = ["User-Agent: K-9 Mail for Android"]
        d["helo"] = "localhost"
    else:
        d["ua"] = ["User-Agent: Example Webmail/3.2"]
        d["helo"] = None  # per front-end
    return d


def client_msgid(rng, dev, user, t):
    c = dev["client"]
    dom = user["domain"]
    if c == "thunderbird":
        return "<%s@%s>" % (uuid_like(rng), dom)
    if c == "outlook":
        return "<%s$%s$%s@%s>" % ("00%s01d%s" % (hexs(rng, 4), hexs(rng, 3)), hexs(rng, 8),
                                  hexs(rng, 8), dom)
    if c in ("apple_mail", "iphone"):
        return "<%s@%s>" % (uuid_like(rng, upper=True), dom)
    if c == "k9":
        return "<%s@%s>" % (hexs(rng, 24, "abcdefghijklmnopqrstuvwxyz0123456789"), dom)
    d = local_dt(t, 0)
    return "<%s.%s@webmail.example.jp>" % (d.strftime("%Y%m%d%H%M%S"), hexs(rng, 10).upper())


def client_boundary(rng, dev):
    c = dev["client"]
    if c == "thunderbird":
        return "------------" + hexs(rng, 24, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    if c == "outlook":
        return "----=_NextPart_000_%04X_01DB%s.%s" % (rng.randrange(65536), hexs(rng, 4).upper(),
                                                     hexs(rng, 8).upper())
    if c in ("apple_mail", "iphone"):
        return "Apple-Mail=_" + uuid_like(rng, upper=True)
    if c == "k9":
        return "----" + hexs(rng, 28, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    return "=_" + hexs(rng, 32)


def client_modes(dev, lang):
    """(body mode, header charset) of a client for Japanese text."""
    c = dev["client"]
    if lang != "ja":
        return ("8bit" if c == "thunderbird" else "qp" if c in ("apple_mail", "k9") else "b64"), "utf8"
    if c == "outlook":
        return "jis", "jis"
    if c == "thunderbird":
        return dev.get("tbmode", "8bit"), "utf8"
    if c == "webmail":
        return dev.get("wmmode", "jis"), "jis"
    if c == "apple_mail":
        return "qp", "utf8"
    if c == "k9":
        return "qp", "utf8"
    return "b64", "utf8"


# ---------------------------------------------------------------------------
# Attacker toolkits and credential-test formats
# ---------------------------------------------------------------------------

# Header fingerprints of the tools attackers use for test mails and bursts. Names are invented,
# except the forged Outlook Express 6 header set, a classic of spam tools.
TOOLKITS = [
    ("smtpchk", 3.0, ["X-Mailer: SMTPChk 2.3"], 0),
    ("oe6", 2.0, ["X-Priority: 3", "X-MSMail-Priority: Normal",
                  "X-Mailer: Microsoft Outlook Express 6.00.2900.5512",
                  "X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2900.5512"], 8 * 3600),
    ("script", 3.0, [], 0),
    ("masssend", 2.0, ["X-Mailer: Mass Sender Pro 4.1"], 3 * 3600),
    ("tbclone", 1.5, ["User-Agent: Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:102.0) "
                      "Gecko/20100101 Thunderbird/102.15.1"], 3600),
    ("mimic", 1.5, None, JST),  # copies the victim's own client headers and HELO
]

FORMATS = ["tuple_semicolon", "tuple_pipe", "tuple_comma", "tuple_tab", "tuple_colon",
           "kv_body", "token_tuple_body", "token_only", "ja_subject"]
FORMAT_W = [6, 2, 1.5, 1, 2, 2, 2, 1.5, 1]

TUPLE_ORDERS = [
    ["addr", "login", "password", "host", "port", "count", "auth"],
    ["addr", "login", "password", "host", "port", "count", "auth"],
    ["addr", "password", "host", "port"],
    ["host", "port", "addr", "password", "auth"],
    ["login", "password", "host", "port", "count"],
    ["addr", "login", "password", "host", "port"],
    ["host", "port", "login", "password", "addr", "count"],
]
SEPS = {"tuple_semicolon": ";", "tuple_pipe": "|", "tuple_comma": ",", "tuple_tab": "\t"}

KV_KEYS = [
    {"host": "Host", "port": "Port", "login": "User", "password": "Pass"},
    {"host": "Server", "port": "Port", "login": "Username", "password": "Password", "auth": "Auth"},
    {"host": "SMTP", "port": "PORT", "addr": "EMAIL", "password": "PASS", "auth": "AUTH"},
    {"addr": "mail", "login": "login", "password": "pwd", "host": "smtp", "port": "port"},
]


# ---------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------

class Gen:
    def __init__(self, seed, n_users, days, n_hijacks, start):
        self.seed = seed
        self.n_users = n_users
        self.days = days
        self.n_hijacks = n_hijacks
        self.start = start
        self.end = start + days * 86400
        self.mid0 = start - ((start + JST) % 86400)  # UTC time of local (JST) midnight of day 0
        self.ndays = days + 2
        self.events = []
        self.seq = 0
        self.used_locals = set()  # membership only, never iterated
        self.hijacks = []

    def R(self, tag):
        return random.Random("%d/%s" % (self.seed, tag))

    # --- time ---------------------------------------------------------------
    def day_start(self, d):
        return self.mid0 + d * 86400

    def weekday(self, d):
        return local_dt(self.day_start(d)).weekday()

    def day_of(self, t):
        return (t - self.mid0) // 86400

    # --- events -------------------------------------------------------------
    def add(self, t, login, ip, helo, env_from, rcpts, msg, kind, label, user, hijack, detail):
        if t < self.start or t >= self.end:
            return False
        ev = {"time": int(t), "ip": ip, "helo": helo, "user": login, "from": env_from,
              "rcpt": list(rcpts)}
        lab = {"label": label, "kind": kind, "user": user, "hijack": hijack, "detail": detail}
        self.events.append((int(t), self.seq, ev, lab, msg))
        self.seq += 1
        return True

    # --- address plan -------------------------------------------------------
    def build_network(self):
        r = self.R("net")
        h203 = list(range(1, 255))
        r.shuffle(h203)
        self.attacker_v4 = ["203.0.113.%d" % h for h in h203[:6]]
        self.abroad = ["203.0.113.%d" % h for h in sorted(h203[6:])]
        dyn = list(range(1, 200))
        r.shuffle(dyn)
        self.attacker_resi = ["192.0.2.%d" % h for h in dyn[:2]]
        self.dyn_pool = ["192.0.2.%d" % h for h in sorted(dyn[2:])]
        self.static_home = ["192.0.2.%d" % h for h in range(200, 255)]
        r.shuffle(self.static_home)
        self.static_b = ["198.51.100.%d" % h for h in range(84, 128)]
        r.shuffle(self.static_b)
        self.office_ips = ["198.51.100.%d" % h for h in range(1, 80)]
        r.shuffle(self.office_ips)
        self.mobile_v4 = ["198.51.100.%d" % h for h in range(128, 255)]
        self.mobile_v6 = mobile_v6_pool(r)
        self.roam_v6 = [v6("2001:db8:7%02x:%x::%s" % (r.randrange(256), r.randrange(0x10000), hexs(r, 4)))
                        for _ in range(60)]
        v6nets = r.sample(range(0x1000), 4)
        self.attacker_v6 = [v6("2001:db8:f%03x:%x::%x" % (n, r.randrange(0x10000), r.randrange(2, 0xffff)))
                            for n in v6nets]
        self.attacker_pool = self.attacker_v4 + self.attacker_resi + self.attacker_v6
        # reused across victims, a few more than others, none dominating
        self.attacker_w = [1.0 + 2.0 * r.random() for _ in self.attacker_pool]
        # collectors: shared by all hijacks, drawn per seed so no model can memorise them
        words = ["result", "check", "smtpok", "logbox", "report", "data", "kensa", "inbox",
                 "memo", "list", "okay", "archive"]
        people = [(g, f) for g, _ in GIVEN for f, _ in FAMILY]
        self.collectors = []
        for i in range(8):
            dom = r.choice(["mail.example.com", "post.example.net", "inbox.example.org",
                            "freemail.example", "webmail.example"])
            if i % 3 == 2:
                g, f = r.choice(people)
                local = "%s.%s%d" % (g, f[:1], r.randint(1970, 1999))
            else:
                local = "%s%s%d" % (r.choice(words), r.choice(["", ".", "_", "-"]), r.randint(2, 999))
            self.collectors.append("%s@%s" % (local, dom))
        self.collector_w = [1.0 + 2.0 * r.random() for _ in self.collectors]

    def home_loc(self, r, prefer=None):
        kinds = ["dyn", "static", "v6", "static_b"]
        k = prefer or pick_w(r, kinds, [35, 15, 40, 10])
        if k == "static" and not self.static_home:
            k = "v6"
        if k == "static_b" and not self.static_b:
            k = "dyn"
        if k == "dyn":
            cur = r.choice(self.dyn_pool)
            sched = []
            for _ in range(self.ndays):
                if r.random() < 0.12:
                    cur = r.choice(self.dyn_pool)
                sched.append(cur)
            return Loc("home_dyn4", sched=sched)
        if k == "static":
            return Loc("home_static4", fixed=self.static_home.pop())
        if k == "static_b":
            return Loc("home_static4", fixed=self.static_b.pop())
        prefix = "2001:db8:1%02x:%x00" % (r.randrange(256), r.randrange(1, 256))
        if r.random() < 0.5:  # privacy addresses change every day
            iids = ["%s:%s:%s:%s" % (hexs(r, 4), hexs(r, 4), hexs(r, 4), hexs(r, 4))
                    for _ in range(self.ndays)]
        else:
            iids = ["%s:%s:%s:%s" % (hexs(r, 4), hexs(r, 4), hexs(r, 4), hexs(r, 4))] * self.ndays
        return Loc("home_v6", prefix=prefix, iids=iids)

    # --- people -------------------------------------------------------------
    def new_local(self, r, gi, fi, digits_ok=True):
        g, f = GIVEN[gi][0], FAMILY[fi][0]
        styles = ["{g}", "{g}.{f}", "{g}_{f}", "{f}.{g}", "{gi}{f}", "{f}{gi}", "{g}{y}",
                  "{g}-{f}", "{f}{n}", "{gi}-{f}", "{g}.{f}{n}"]
        for attempt in range(50):
            st = r.choice(styles)
            loc = st.format(g=g, f=f, gi=g[0], y=r.randint(1955, 2005) % (100 if r.random() < 0.5 else 10000),
                            n=r.randint(1, 99))
            if attempt > 5:
                loc += str(r.randint(1, 999))
            if loc not in self.used_locals:
                self.used_locals.add(loc)
                return loc
        raise RuntimeError("no unique local part")

    def external_person(self, r, domains):
        gi, fi = r.randrange(len(GIVEN)), r.randrange(len(FAMILY))
        g, f = GIVEN[gi][0], FAMILY[fi][0]
        st = r.choice(["{g}.{f}", "{g}{n}", "{f}.{g}", "{gi}{f}{n}", "{g}_{f}", "{f}{n}", "{g}-{f}{n}"])
        local = st.format(g=g, f=f, gi=g[0], n=r.randint(1, 9999))
        return {"addr": "%s@%s" % (local, r.choice(domains)), "en": "%s %s" % (g.capitalize(), f.capitalize()),
                "ja": "%s %s" % (FAMILY[fi][1], GIVEN[gi][1]), "ja_f": FAMILY[fi][1],
                "en_g": g.capitalize()}

    def password_for(self, r, u):
        g, f = u["given"], u["family"]
        pats = [lambda: "%s%d" % (g, r.randint(1950, 2005)), lambda: "%s%04d" % (f, r.randint(0, 9999)),
                lambda: "Passw0rd%d" % r.randint(0, 99), lambda: "%s%s!" % (g.capitalize(), r.randint(10, 99)),
                lambda: hexs(r, 8, "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
                lambda: "sakura%d" % r.randint(100, 9999), lambda: "%s%s" % (f[:3], hexs(r, 5, "0123456789"))]
        return r.choice(pats)()

    def build_users(self):
        r = self.R("users")
        n = self.n_users
        users = []
        n_list = max(1, n // 50)
        n_off = max(1, round(n * 0.055))
        sizes = [r.randint(3, 12) for _ in range(n_off)]
        while sum(sizes) > int(n * 0.45) and max(sizes) > 2:
            sizes[sizes.index(max(sizes))] -= 1
        self.offices = []
        comp = list(range(len(COMPANIES)))
        r.shuffle(comp)
        for oi, sz in enumerate(sizes):
            ci = comp[oi % len(comp)]
            ip = self.office_ips[oi % len(self.office_ips)]
            off = {"idx": oi, "en": COMPANIES[ci][0], "ja": COMPANIES[ci][1],
                   "domain": "example.co.jp" if r.random() < 0.5 else "example.jp",
                   "loc": Loc("office4", fixed=ip), "v6": r.random() < 0.25,
                   "tech": COMPANIES[ci][0].split()[-1] in ("Software", "Systems", "Engineering", "Electric"),
                   "members": [], "admin": None, "size": sz}
            self.offices.append(off)
        kinds = []
        for oi, sz in enumerate(sizes):
            kinds += [("worker", oi)] * sz
        kinds += [("list", None)] * n_list
        kinds += [("home", None)] * max(0, n - len(kinds))
        kinds = kinds[:n]
        for idx, (kind, oi) in enumerate(kinds):
            gi, fi = r.randrange(len(GIVEN)), r.randrange(len(FAMILY))
            local = self.new_local(r, gi, fi)
            if kind == "worker":
                dom = self.offices[oi]["domain"]
            else:
                dom = "example.co.jp" if r.random() < 0.06 else "example.jp"
            addr = "%s@%s" % (local, dom)
            u = {"idx": idx, "gi": gi, "fi": fi, "given": GIVEN[gi][0], "family": FAMILY[fi][0],
                 "local": local, "domain": dom, "addr": addr,
                 "login": local if dom == "example.jp" else addr,
                 "en": "%s %s" % (GIVEN[gi][0].capitalize(), FAMILY[fi][0].capitalize()),
                 "ja": "%s %s" % (FAMILY[fi][1], GIVEN[gi][1]), "ja_f": FAMILY[fi][1],
                 "kind": kind, "office": self.offices[oi] if oi is not None else None,
                 "ja_pref": r.random() < 0.85, "flags": {}, "devices": [], "contacts": [],
                 "active": (0, self.ndays), "gap": None, "trip": None, "moved": None}
            u["password"] = self.password_for(r, u)
            ja_heavy = r.random() < 0.8
            u["p_ja"] = 0.92 if ja_heavy else 0.35
            if kind == "worker":
                u["rate"] = min(14.0, max(0.1, 1.6 * 2.718281828 ** r.gauss(0, 0.8)))
                self.offices[oi]["members"].append(u)
            elif kind == "home":
                u["rate"] = min(8.0, max(0.03, 0.7 * 2.718281828 ** r.gauss(0, 0.8)))
            else:
                u["rate"] = 0.25
            users.append(u)
        self.users = users
        # roles
        for off in self.offices:
            if len(off["members"]) >= 5:
                off["admin"] = off["members"][0]
                off["members"][0]["flags"]["it_admin"] = True
            if off["members"] and r.random() < 0.7:
                acc = off["members"][-1]
                if not acc["flags"]:
                    acc["flags"]["accounting"] = True
            for m in off["members"]:
                if not m["flags"] and (off["tech"] and r.random() < 0.5 or r.random() < 0.06):
                    m["flags"]["engineer"] = True
        homes = [u for u in users if u["kind"] == "home"]
        plain = [u for u in homes if not u["flags"]]
        r.shuffle(plain)
        n_role = max(1, n // 33)
        for u in plain[:max(1, n // 100)]:
            u["flags"]["helper"] = True
        rest = [u for u in users if not u["flags"] and u["kind"] != "list"]
        r.shuffle(rest)
        pos = 0

        def take(k):
            nonlocal pos
            got = rest[pos:pos + k]
            pos += k
            return got

        for u in take(n_role):
            u["flags"]["traveller"] = True
        for i, u in enumerate(take(n_role)):
            u["flags"]["dormant"] = True
            if i % 2 == 0:  # active at the start, silent for 2-3 weeks, then back
                back = r.randint(min(self.days - 2, 17), max(min(self.days - 2, 17), self.days - 4))
                u["gap"] = (r.randint(2, 4), back)
            else:  # first seen late in the month
                u["active"] = (r.randint(min(self.days - 2, 12), max(min(self.days - 2, 12), self.days - 3)),
                               self.ndays)
        for u in take(max(1, n // 50)):
            u["flags"]["moved"] = True
        for u in take(max(1, n // 20)):
            u["flags"]["device_change"] = True
        # new accounts set up by the office IT admin
        for off in self.offices:
            if off["admin"] is not None and r.random() < 0.45:
                cands = [m for m in off["members"] if not m["flags"]]
                if cands:
                    m = cands[-1]
                    m["flags"]["new_account"] = True
                    m["active"] = (r.randint(min(4, self.days - 1), max(min(4, self.days - 1), self.days - 5)),
                                   self.ndays)
        for u in users:
            self.build_devices(u)
        for u in users:
            self.build_contacts(u)

    def build_devices(self, u):
        r = self.R("dev/%d" % u["idx"])
        devs = []
        home = self.home_loc(r)
        u["home"] = home
        if u["kind"] in ("worker", "list") and u["office"] is not None:
            off = u["office"]
            c = pick_w(r, DESKTOP, [50, 35, 15])
            d = make_device(r, c, u, 0)
            d["locs"] = ["office"]
            if off["v6"]:
                d["office_ip"] = v6("2001:db8:50:%x::%x" % (off["idx"] + 1, r.randrange(2, 0xfff)))
            devs.append(d)
            x = r.random()
            if x < 0.6:
                d2 = make_device(r, pick_w(r, MOBILE, [65, 35]), u, 1)
                d2["locs"] = ["mobile", "home"]
                devs.append(d2)
            elif x < 0.75:
                d2 = make_device(r, "webmail", u, 1)
                d2["locs"] = ["webmail"]
                devs.append(d2)
        else:
            opts = []
            if r.random() < 0.55:
                opts.append("desk")
            if r.random() < 0.55:
                opts.append("phone")
            if r.random() < 0.2 or not opts:
                opts.append("web")
            opts = opts[:2]
            for i, o in enumerate(opts):
                if o == "desk":
                    d = make_device(r, pick_w(r, DESKTOP, [40, 35, 25]), u, i)
                    d["locs"] = ["home"]
                elif o == "phone":
                    d = make_device(r, pick_w(r, MOBILE, [65, 35]), u, i)
                    d["locs"] = ["mobile", "home"]
                else:
                    d = make_device(r, "webmail", u, i)
                    d["locs"] = ["webmail"]
                devs.append(d)
        for d in devs:
            d["from"], d["to"] = 0, self.ndays
            if d["client"] == "thunderbird":
                d["tbmode"] = pick_w(r, ["8bit", "jis", "b64"], [5, 3, 2])
            if d["client"] == "webmail":
                d["wmmode"] = pick_w(r, ["jis", "b64"], [1, 1])
            if "mobile" in d["locs"]:
                d["mobile_pool"] = self.mobile_v6 if r.random() < 0.35 else self.mobile_v4
        u["devices"] = devs
        f = u["flags"]
        if f.get("device_change"):
            day = r.randint(3, max(3, self.days - 3))
            old = devs[-1]
            c = pick_w(r, MOBILE + DESKTOP, [40, 20, 15, 15, 10])
            nd = make_device(r, c, u, len(devs))
            nd["locs"] = list(old["locs"]) if (c in MOBILE) == (old["client"] in MOBILE) else (
                ["mobile", "home"] if c in MOBILE else (["office"] if "office" in old["locs"] else ["home"]))
            if "mobile" in nd["locs"]:
                nd["mobile_pool"] = old.get("mobile_pool", self.mobile_v4)
            if "office_ip" in old:
                nd["office_ip"] = old["office_ip"]
            if c == "thunderbird":
                nd["tbmode"] = "8bit"
            old["to"] = day
            nd["from"], nd["to"] = day, self.ndays
            devs.append(nd)
            f["device_change"] = day
        if f.get("moved"):
            day = r.randint(4, max(4, self.days - 4))
            prev = home.kind
            u["moved"] = (day, self.home_loc(r, prefer="v6" if prev != "home_v6" else "dyn"))
        if f.get("traveller"):
            d0 = r.randint(2, max(2, self.days - 8))
            ln = r.randint(3, 9)
            tz = pick_w(r, [-8 * 3600, -5 * 3600, 3600, 0, 7 * 3600, 8 * 3600, 10 * 3600],
                        [2, 2, 3, 2, 2, 2, 1])
            hotel = Loc("abroad4", fixed=r.choice(self.abroad), tz=tz)
            hotel2 = Loc("abroad4", fixed=r.choice(self.abroad), tz=tz)
            roam = Loc("abroad6", pool=r.sample(self.roam_v6, 6), tz=tz)
            u["trip"] = (d0, d0 + ln, [hotel, hotel2, roam], tz)

    def user_nets(self, u):
        nets = []
        for d in u["devices"]:
            for l in d["locs"]:
                if l == "office":
                    nets.append(net_of(d.get("office_ip") or u["office"]["loc"].fixed))
                    nets.append(net_of(u["office"]["loc"].fixed))
                elif l == "home":
                    nets += u["home"].nets()
                    if u["moved"]:
                        nets += u["moved"][1].nets()
                elif l == "mobile":
                    nets.append(net_of(d["mobile_pool"][0]))
                elif l == "webmail":
                    nets.append(net_of(WEBMAIL_IPS[0]))
        nets += u["home"].nets()
        if u["trip"]:
            for l in u["trip"][2]:
                nets += l.nets()
        return sorted(dict.fromkeys(nets))

    def build_contacts(self, u):
        r = self.R("contacts/%d" % u["idx"])
        cs = []
        if u["office"] is not None:
            for m in u["office"]["members"]:
                if m is not u:
                    cs.append({"addr": m["addr"], "en": m["en"], "ja": m["ja"], "ja_f": m["ja_f"],
                               "en_g": m["given"].capitalize(), "rel": "colleague",
                               "w": r.paretovariate(1.3) * 2})
            for _ in range(r.randint(2, 12)):
                p = self.external_person(r, [r.choice(CUSTOMER_DOMAINS)])
                p.update(rel="customer", w=r.paretovariate(1.3))
                cs.append(p)
        for _ in range(r.randint(1, 10)):
            p = self.external_person(r, FREEMAIL_DOMAINS)
            p.update(rel="friend", w=r.paretovariate(1.3) * (0.4 if u["kind"] == "worker" else 1.0))
            cs.append(p)
        others = [v for v in self.users if v["kind"] == "home" and v is not u]
        for v in r.sample(others, min(len(others), r.randint(0, 4))):
            cs.append({"addr": v["addr"], "en": v["en"], "ja": v["ja"], "ja_f": v["ja_f"],
                       "en_g": v["given"].capitalize(), "rel": "friend", "w": r.paretovariate(1.3)})
        for _ in range(r.randint(0, 3)):
            p = self.external_person(r, FREEMAIL_DOMAINS)
            p["ja"] = u["ja_f"] + p["ja"].split(" ")[1]
            p["ja_f"] = u["ja_f"]
            p.update(rel="family", w=r.paretovariate(1.3) * 1.5)
            cs.append(p)
        u["contacts"] = cs

    # --- where and how a user sends ------------------------------------------
    def pick_device(self, u, d, hour, weekend, r):
        devs = [x for x in u["devices"] if x["from"] <= d < x["to"]] or u["devices"][-1:]
        if u["trip"] and u["trip"][0] <= d < u["trip"][1]:
            port = [x for x in devs if x["client"] in MOBILE + ["apple_mail", "thunderbird", "webmail"]]
            dev = r.choice(port or devs)
            locs = u["trip"][2]
            if dev["client"] == "webmail":
                wi = r.randrange(len(WEBMAIL_IPS))
                return dev, WEBMAIL_IPS[wi], "wm%d.example.jp" % (wi + 1), u["trip"][3]
            loc = pick_w(r, locs, [5, 2, 3 if dev["client"] in MOBILE else 0.01])
            return dev, loc.ip(d, r), dev["helo"], u["trip"][3]
        work = u["office"] is not None and not weekend and 8 <= hour <= 19
        ws = []
        for x in devs:
            if "office" in x["locs"]:
                ws.append(6.0 if work else (0.3 if not weekend else 0.05))
            else:
                ws.append(1.0 if work else 3.0)
        dev = pick_w(r, devs, ws)
        if dev["client"] == "webmail":
            wi = r.randrange(len(WEBMAIL_IPS))
            return dev, WEBMAIL_IPS[wi], "wm%d.example.jp" % (wi + 1), JST
        if "office" in dev["locs"]:
            return dev, dev.get("office_ip") or u["office"]["loc"].fixed, dev["helo"], JST
        home = u["home"]
        if u["moved"] and d >= u["moved"][0]:
            home = u["moved"][1]
        if "mobile" in dev["locs"] and (work or r.random() < 0.55):
            return dev, r.choice(dev["mobile_pool"]), dev["helo"], JST
        return dev, home.ip(d, r), dev["helo"], JST

    # --- composing ordinary mail ----------------------------------------------
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
    def hour_weights(self, u, weekend):
        if u["office"] is not None and not weekend:
            return [0, 0, 0, 0, 0, 0, 0.1, 0.4, 2, 5, 6, 5, 2.5, 4, 5, 5, 4.5, 3.5, 2, 1.2, 0.8, 0.5, 0.3, 0.1]
        if weekend:
            return [0.4, 0.2, 0.1, 0, 0, 0, 0.2, 0.6, 1.5, 2.5, 3, 3, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.2, 2.8, 3.2, 3, 2, 1]
        return [0.3, 0.1, 0, 0, 0, 0, 0.3, 1, 1.2, 0.5, 0.3, 0.4, 1.5, 0.8, 0.4, 0.4, 0.5, 0.8, 1.5, 2.5, 3.5, 3.8, 3, 1.5]

    def active_on(self, u, d):
        a0, a1 = u["active"]
        if not (a0 <= d < a1):
            return False
        if u["gap"] and u["gap"][0] <= d < u["gap"][1]:
            return False
        return True

    def user_traffic(self, u):
        r = self.R("traffic/%d" % u["idx"])
        f = u["flags"]
        hours = list(range(24))
        did_test = r.random() < 0.12
        for d in range(self.ndays):
            if not self.active_on(u, d):
                continue
            wd = self.weekday(d)
            weekend = wd >= 5
            if u["kind"] == "list":
                lam = 0.35 if not weekend else 0.2
            elif u["office"] is not None:
                lam = u["rate"] * (0.12 if weekend else 1.0)
            else:
                lam = u["rate"] * (1.3 if weekend else 0.9)
            if u["gap"] and d == u["gap"][1]:
                lam += 1.5  # catching up after the silence
            trip = u["trip"] and u["trip"][0] <= d < u["trip"][1]
            if trip:
                lam *= 0.6
            n = poisson(r, lam)
            if u["kind"] == "list" and wd == u["idx"] % 7:
                self.newsletter(r, u, d)
            if f.get("new_account") and d == u["active"][0]:
                self.new_account_setup(r, u, d)
                continue
            if d == f.get("device_change") or (u["moved"] and d == u["moved"][0]):
                self.setup_test(r, u, d)
            hw = self.hour_weights(u, weekend)
            for _ in range(n):
                h = pick_w(r, hours, hw)
                t = self.day_start(d) + h * 3600 + r.randrange(3600)
                if trip:  # the same local rhythm in the destination's time zone
                    t -= u["trip"][3] - JST
                dev, ip, helo, tz = self.pick_device(u, d, h, weekend, r)
                x = r.random()
                if f.get("it_admin") and x < 0.08:
                    res = self.lookalike_helpdesk(r, u, dev, t, tz)
                elif f.get("helper") and x < 0.06:
                    res = self.lookalike_helpdesk(r, u, dev, t, tz)
                elif f.get("accounting") and x < 0.15:
                    res = self.lookalike_csv(r, u, dev, t, tz)
                elif f.get("engineer") and x < 0.08:
                    res = self.lookalike_port(r, u, dev, t, tz)
                elif u["office"] is not None and x < 0.025:
                    res = self.lookalike_calendar(r, u, dev, t, tz)
                elif x > 0.996 or (did_test and r.random() < 0.1):
                    did_test = False
                    res = self.lookalike_test(r, u, dev, t, tz)
                else:
                    res = self.normal_message(r, u, dev, t, tz)
                msg, rcpts, kind, detail = res
                self.add(t, u["login"], ip, helo, u["addr"], rcpts, msg, kind, 0, u["login"], None, detail)

    def setup_test(self, r, u, d):
        """A user who just set up a new device, or moved to a new network, checks that sending works:
        a new client or a new IP together with a "test" mail, sent to themselves or a contact."""
        if r.random() < 0.35:
            return
        moved = bool(u["moved"]) and d == u["moved"][0]
        if moved:
            devs = [x for x in u["devices"] if x["from"] <= d < x["to"] and "home" in x["locs"]]
            if not devs:
                return
            dev = devs[0]
            ip = u["moved"][1].ip(d, r)
        else:
            dev = [x for x in u["devices"] if x["from"] == d][0]
            if "office" in dev["locs"] and self.weekday(d) < 5:
                ip = dev.get("office_ip") or u["office"]["loc"].fixed
            else:
                ip = (u["moved"][1] if u["moved"] and d >= u["moved"][0] else u["home"]).ip(d, r)
        t = self.day_start(d) + r.randint(19, 22) * 3600 + r.randrange(3600)
        name = {"iphone": "iPhone", "k9": "Android", "thunderbird": "Thunderbird", "outlook": "Outlook",
                "apple_mail": "Mac", "webmail": "webmail"}[dev["client"]]
        if moved:
            subj = r.choice(["テスト", "test", "送信テスト", "回線変更後のテスト", "test after moving"])
            body = r.choice(["光回線に変えたので送信テストです。", "新しいルーターからのテストです。",
                             "Testing mail from the new flat.", "テスト"])
        else:
            subj = r.choice(["テスト", "test", "新しい%sからのテスト" % name, "test from my new %s" % name, "送信テスト"])
            body = r.choice(["新しい%sから送っています。届いていますか？" % name, "テスト送信です。",
                             "Sent from my new %s, please ignore." % name, "test",
                             "機種変更しました。このアドレスは変わりません。"])
        lang = "en" if is_ascii(subj + body) else "ja"
        if r.random() < 0.5:
            to = (u["ja"] if lang == "ja" else u["en"], u["addr"])
        else:
            cs = [c for c in u["contacts"] if c["rel"] in ("family", "friend", "colleague")] or u["contacts"]
            c = pick_w(r, cs, [x["w"] for x in cs])
            to = (c["ja"] if lang == "ja" else c["en"], c["addr"])
        helo = dev["helo"] or "wm1.example.jp"
        if dev["client"] == "webmail":
            ip = WEBMAIL_IPS[0]
        m = self.compose(r, u, dev, t, JST, [to], [], subj, body, lang)
        self.add(t, u["login"], ip, helo, u["addr"], [to[1]], m, "lookalike", 0, u["login"], None,
                 "new_network_test" if moved else "new_device_test")

    def new_account_setup(self, r, u, d):
        """The office IT admin creates the account, mails the settings, then tests it from the office."""
        off = u["office"]
        adm = off["admin"]
        dev = adm["devices"][0]
        t = self.day_start(d) + r.randint(9, 16) * 3600 + r.randrange(3600)
        tgt = {"addr": u["addr"], "ja_f": u["ja_f"], "ja": u["ja"], "en": u["en"], "en_g": u["given"].capitalize()}
        msg, rcpts, kind, detail = self.lookalike_helpdesk(r, adm, dev, t, JST, target=tgt)
        ip = dev.get("office_ip") or off["loc"].fixed
        self.add(t, adm["login"], ip, dev["helo"], adm["addr"], rcpts, msg, kind, 0, adm["login"], None, detail)
        for i in range(r.randint(1, 3)):
            t += r.randint(60, 900)
            subj = r.choice(["テスト", "test", "送信テスト", "test %s" % u["addr"], "新規アカウント設定確認",
                             "テスト送信 (%s)" % u["addr"]])
            body = r.choice(["テスト送信です。", "Test from the new account.", "送信テスト\n%s" % u["addr"],
                             "設定確認: %s / %s\n送信テストです。" % (r.choice(SUBMIT_HOSTS),
                                                             r.choice(["587 / STARTTLS", "465 / SSL"])),
                             "."])
            lang = "en" if is_ascii(subj + body) else "ja"
            to = [(adm["ja"], adm["addr"])] if r.random() < 0.6 else [(u["ja"], u["addr"])]
            m = self.compose(r, u, dev, t, JST, to, [], subj, body, lang)
            self.add(t, u["login"], ip, dev["helo"], u["addr"], [to[0][1]], m, "lookalike", 0, u["login"], None,
                     "it_new_account_test")

    def newsletter(self, r, u, d):
        if "members" not in u:
            rr = self.R("members/%d" % u["idx"])
            club = rr.choice(["さくら町内会", "みなと少年野球クラブ", "Example Hiking Club", "ひまわり合唱団",
                              "PTA広報委員会", "Tokyo Photo Circle", "こもれび書店だより", "ひなた農園だより"])
            mem = [self.external_person(rr, FREEMAIL_DOMAINS) for _ in range(rr.randint(40, 300))]
            prov = [v for v in self.users if v["kind"] == "home"]
            mem += [{"addr": v["addr"], "en": v["en"], "ja": v["ja"]} for v in rr.sample(prov, min(len(prov), 10))]
            u["members"] = mem
            u["club"] = club
        dev = u["devices"][0]
        t = self.day_start(d) + r.randint(19, 22) * 3600 + r.randrange(3600)
        hour = local_dt(t).hour
        dev, ip, helo, tz = self.pick_device(u, d, hour, True, r)
        lang = "en" if is_ascii(u["club"]) else "ja"
        lst = r.random() < 0.4
        mon = local_dt(t).month
        if lang == "ja":
            subj = "[%s] %d月のお知らせ" % (u["club"], mon) if not lst else "[%s] 名簿・連絡先の更新" % u["club"]
            text = "%sの皆様\n\nいつもご協力ありがとうございます。\n今月の予定をお知らせします。\n\n" % u["club"]
            for _ in range(r.randint(2, 5)):
                text += "・%d月%d日 %s\n" % (mon, r.randint(1, 28), r.choice(["定例会", "清掃活動", "練習", "総会", "見学会"]))
        else:
            subj = "[%s] News for %s" % (u["club"], MON[mon - 1]) if not lst else "[%s] Updated member contacts" % u["club"]
            text = "Dear members,\n\nHere is what is coming up this month.\n\n"
            for _ in range(r.randint(2, 5)):
                text += "- %s %d: %s\n" % (MON[mon - 1], r.randint(1, 28), r.choice(["meeting", "walk", "workshop", "party"]))
        if lst:
            text += ("\n新しい会員・役員の連絡先です。\n" if lang == "ja" else "\nContacts of new members and the committee:\n")
            for m in r.sample(u["members"], min(len(u["members"]), r.randint(5, 20))):
                if r.random() < 0.5:
                    text += "%s <%s>\n" % (m["ja"] if lang == "ja" else m["en"], m["addr"])
                else:
                    text += "%s; %s\n" % (m["en"], m["addr"])
        text += "\n" + ("配信停止はこのメールに返信してください。" if lang == "ja" else "Reply to this mail to unsubscribe.")
        text += "\n%s\n%s" % (u["club"], u["addr"])
        rc = [m["addr"] for m in u["members"]]
        for i in range(0, len(rc), 100):
            chunk = rc[i:i + 100]
            m = self.compose(r, u, dev, t, tz, [], [], subj, text, lang)
            self.add(t, u["login"], ip, helo, u["addr"], chunk, m, "lookalike" if lst else "normal", 0,
                     u["login"], None, "newsletter_addresses" if lst else "newsletter")
            t += r.randint(20, 200)

    # --- hijacks ------------------------------------------------------------------
    def build_hijacks(self):
        r = self.R("hijacks")
        elig = [u for u in self.users if u["kind"] in ("worker", "home") and not u["flags"]
                and u["active"] == (0, self.ndays)]
        k = min(self.n_hijacks, len(elig))
        if k < self.n_hijacks:
            print("note: only %d accounts are eligible victims; injecting %d hijacks, not %d"
                  % (len(elig), k, self.n_hijacks), file=sys.stderr)
        victims = r.sample(elig, k)
        fmts = list(FORMATS)
        r.shuffle(fmts)
        for i, v in enumerate(victims):
            fmt = fmts[i] if i < len(fmts) else pick_w(r, FORMATS, FORMAT_W)
            self.make_hijack(i, v, fmt, self.R("hijack/%d" % i))

    def attacker_helo(self, tk, ip):
        rr = self.R("helo/%s/%s" % (tk, ip))
        if tk == "smtpchk":
            return rr.choice(["User", "user-PC"])
        if tk == "oe6":
            return "WIN-%s" % hexs(rr, 11, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        if tk == "script":
            return rr.choice(["localhost", "[%s]" % ip if ":" not in ip else "localhost", "example.jp"])
        if tk == "masssend":
            return hexs(rr, rr.randint(6, 10), "abcdefghijklmnopqrstuvwxyz")
        if tk == "tbclone":
            return "[127.0.0.1]"
        return None

    def make_hijack(self, k, v, fmt, r):
        vnets = self.user_nets(v)
        cand = [(ip, w) for ip, w in zip(self.attacker_pool, self.attacker_w) if net_of(ip) not in vnets]
        tester = pick_w(r, [c[0] for c in cand], [c[1] for c in cand])
        tk = pick_w(r, [x[0] for x in TOOLKITS], [x[1] for x in TOOLKITS])
        tkd = [x for x in TOOLKITS if x[0] == tk][0]
        vdev = v["devices"][0]
        if tk == "mimic":
            ua, helo, tz = list(vdev["ua"]), vdev["helo"] or "[127.0.0.1]", JST
        else:
            ua, helo, tz = list(tkd[2]), self.attacker_helo(tk, tester), tkd[3]
        lo = min(5, max(1, self.days // 4))
        hi = max(lo, self.days - 8)
        d0 = r.randint(lo, hi)
        t0 = self.day_start(d0) + pick_w(r, list(range(24)), [3, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3]) * 3600 + r.randrange(3600)
        ntest = pick_w(r, [1, 2, 3], [45, 35, 20])
        host, port = r.choice(SUBMIT_HOSTS), r.choice([465, 587])
        auth = pick_w(r, ["LOGIN", "PLAIN"], [3, 1])
        coll = pick_w(r, self.collectors, self.collector_w)
        coll2 = pick_w(r, self.collectors, self.collector_w) if r.random() < 0.25 else None
        order = r.choice(TUPLE_ORDERS)
        kvk = r.choice(KV_KEYS)
        sep = SEPS.get(fmt) or r.choice([";", "|", ":", ",", "\t"])
        h = {"hijack": k, "user": v["login"], "addr": v["addr"], "format": fmt, "toolkit": tk,
             "tester_ip": tester, "helo": helo, "collectors": [coll] + ([coll2] if coll2 else []),
             "host": host, "port": port, "auth": auth, "test_times": [], "test_ids": []}
        t = t0
        ips = []
        for i in range(ntest):
            if i:
                if r.random() < 0.2:
                    t += 86400 + r.randrange(7200)
                else:
                    t += r.randint(20, 7200)
            ip = tester
            if i and r.random() < 0.25:  # a second checker node re-verifies the credentials
                alt = [c[0] for c in cand if c[0] != tester]
                if alt:
                    ip = r.choice(alt)
            ips.append(ip)
            hl = helo if ip == tester or tk == "mimic" else self.attacker_helo(tk if tk != "mimic" else "script", ip)
            rc = [coll] if not coll2 or i % 2 == 0 else [coll2]
            if coll2 and i == 0 and r.random() < 0.3:
                rc = [coll, coll2]
            fields = {"addr": v["addr"], "login": v["login"], "password": v["password"], "host": host,
                      "port": str(port), "count": str(i + 1 if r.random() < 0.6 else r.randint(1, 9)), "auth": auth}
            msg, detail = self.test_message(r, v, vdev, tk, ua, tz, t, rc, fmt, fields, order, sep, kvk)
            if self.add(t, v["login"], ip, hl, v["addr"], rc, msg, "test_mail", 1, v["login"], k, detail):
                h["test_times"].append(t)
        # the burst: days later (a distribution, not a fixed delay)
        delay = pick_w(r, [1, 2, 3, 4, 5, 6, 7], [8, 18, 24, 20, 13, 10, 7]) + r.uniform(-0.45, 0.45)
        tb = t0 + int(delay * 86400)
        tb = min(tb, self.end - 5 * 3600)
        tb = max(tb, t + 3600)
        bip = tester if r.random() < 0.5 else pick_w(r, [c[0] for c in cand], [c[1] for c in cand])
        bhelo = helo if bip == tester or tk == "mimic" else self.attacker_helo(tk if tk != "mimic" else "script", bip)
        n_msgs, n_rc = self.burst(r, k, v, vdev, tk, ua, tz, tb, bip, bhelo)
        h.update(burst_ip=bip, burst_helo=bhelo, delay_days=round((tb - t0) / 86400.0, 3), burst_start=tb,
                 burst_messages=n_msgs, burst_recipients=n_rc, test_ips=ips)
        self.hijacks.append(h)

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
    def run(self):
        self.build_network()
        self.build_users()
        for u in self.users:
            self.user_traffic(u)
        self.build_hijacks()

    def write(self, out):
        os.makedirs(os.path.join(out, "msgs"), exist_ok=True)
        evs = sorted(self.events, key=lambda e: (e[0], e[1]))
        ids_by_hijack = {}
        total_bytes = 0
        with open(os.path.join(out, "events.jsonl"), "w", encoding="ascii", newline="\n") as fe, \
                open(os.path.join(out, "labels.jsonl"), "w", encoding="ascii", newline="\n") as fl:
            for i, (t, _, ev, lab, msg) in enumerate(evs, 1):
                rec = {"id": i}
                rec.update(ev)
                rec["file"] = "msgs/%d.eml" % i
                fe.write(json.dumps(rec) + "\n")
                lr = {"id": i}
                lr.update(lab)
                fl.write(json.dumps(lr) + "\n")
                with open(os.path.join(out, "msgs", "%d.eml" % i), "wb") as fm:
                    fm.write(msg)
                total_bytes += len(msg)
                if lab["hijack"] is not None:
                    ids_by_hijack.setdefault(lab["hijack"], []).append((i, lab["kind"]))
        with open(os.path.join(out, "hijacks.jsonl"), "w", encoding="ascii", newline="\n") as fh:
            for h in sorted(self.hijacks, key=lambda x: x["hijack"]):
                ids = ids_by_hijack.get(h["hijack"], [])
                h = dict(h)
                h["test_ids"] = [i for i, kd in ids if kd == "test_mail"]
                bur = [i for i, kd in ids if kd == "burst"]
                h["first_burst_id"] = bur[0] if bur else None
                fh.write(json.dumps(h) + "\n")
        return evs, total_bytes


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a synthetic month of mail submissions with injected "
                                             "credential-test hijacks (Mailward issue 7).")
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--users", type=int, default=400)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--hijacks", type=int, default=40)
    ap.add_argument("--start", type=int, default=1793491200, help="Unix time of the first second")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.users < 20 or a.days < 10:
        ap.error("need --users >= 20 and --days >= 10")
    t_begin = time.monotonic()
    g = Gen(a.seed, a.users, a.days, a.hijacks, a.start)
    g.run()
    evs, nbytes = g.write(a.out)
    if not a.quiet:
        counts = {}
        for _, _, _, lab, _ in evs:
            key = (lab["kind"], lab["detail"])
            counts[key] = counts.get(key, 0) + 1
        print("events %d  users %d  hijacks %d  message bytes %d" % (len(evs), len(g.users), len(g.hijacks), nbytes))
        for (kind, detail) in sorted(counts):
            print("  %-10s %-22s %6d" % (kind, detail, counts[(kind, detail)]))
        print("generated in %.1f s" % (time.monotonic() - t_begin), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
