"""Constants and helpers of the outbound data generator (generate.py): names, texts,
dates, MIME encoding and rendering, attachments, networks, mail clients, attacker
toolkits. Split out of generate.py; see tools/outbound/README.md."""
import base64
import binascii
import datetime
import html
import io
import ipaddress
import textwrap
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
