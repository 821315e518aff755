"""Legitimate mail: personal and business mail from real clients, mailing-list traffic,
newsletters and transactional mail from service providers, automated mail, and look-alikes
(forwarded phishing reports, high-priority business mail, HTML-only mail, hand-typed "Re:")."""
from . import bulk as B
from . import clients as K
from . import common as C
from . import text_ham as T
from . import transport as R

DAYS = {'en': ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
        'de': ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag'],
        'fr': ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi'],
        'es': ['lunes', 'martes', 'miércoles', 'jueves', 'viernes'],
        'it': ['lunedì', 'martedì', 'mercoledì'], 'pt': ['segunda-feira', 'terça-feira'],
        'nl': ['maandag', 'dinsdag'], 'ru': ['понедельник', 'вторник', 'среду'],
        'ja': ['月曜日', '火曜日', '水曜日'], 'zh': ['周一', '周二', '周三'], 'ko': ['월요일', '화요일'],
        'pl': ['poniedziałek', 'wtorek']}
CHARSETS = {'en': ['utf-8', 'us-ascii', 'iso-8859-1', 'windows-1252'],
            'de': ['utf-8', 'iso-8859-1', 'iso-8859-15', 'windows-1252'], 'fr': ['utf-8', 'iso-8859-1'],
            'es': ['utf-8', 'iso-8859-1'], 'it': ['utf-8', 'iso-8859-1'], 'pt': ['utf-8', 'iso-8859-1'],
            'nl': ['utf-8', 'iso-8859-1'], 'pl': ['utf-8', 'iso-8859-2'],
            'ru': ['utf-8', 'koi8-r', 'windows-1251'], 'ja': ['iso-2022-jp', 'utf-8', 'shift_jis'],
            'zh': ['gb2312', 'utf-8', 'big5'], 'ko': ['euc-kr', 'utf-8']}


class Fill(dict):
    def __missing__(self, key):
        return '{' + key + '}'


def slots(rng, lang='en', **kw):
    d = Fill(day=rng.pick(DAYS.get(lang, DAYS['en'])), time=f'{rng.randint(8, 17)}:{rng.pick(["00", "15", "30", "45"])}',
             place=rng.pick(['the station', 'Main Street', 'the old market', 'the river', 'Dublin', 'Berlin', 'Lyon']),
             project=rng.pick(['Atlas', 'Phoenix', 'the website', 'Orion', 'the migration', 'Q3 report']),
             amount=f'${rng.randint(12, 9800)}.{rng.randint(0, 99):02d}', num=str(rng.randint(10000, 9999999)),
             num4=rng.digits(4), num6=rng.digits(6), q=rng.randint(1, 4), n=rng.randint(2, 250),
             alnum=rng.alnum(10).upper(), other=rng.pick(['Maria', 'Anna', 'Claire', 'Sophie']),
             host=rng.pick(['web01', 'db2', 'backup', 'mail', 'git']) + '.' + rng.pick(['example.net', 'corp.lan', 'intra']),
             pct=rng.pick([10, 15, 20, 25, 30, 40, 50]))
    d.update(kw)
    return d


def compose(rng, lang, name, sender, company=''):
    pool = T.PERSONAL.get(lang, T.PERSONAL['en'])
    s = slots(rng, lang, name=name, sender=sender, company=company)
    lines = [rng.pick(pool['open']).format_map(s), '']
    for sent in rng.sample(pool['body'], min(len(pool['body']), rng.randint(1, 4))):
        lines.append(sent.format_map(s))
    lines += ['', rng.pick(pool['close']).format_map(s)]
    return '\n'.join(lines), rng.pick(pool['subjects']).format_map(s)


def pdf_bytes(rng):
    return b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' + bytes(rng.getrandbits(8) for _ in range(rng.randint(800, 3000))) + b'\n%%EOF\n'


def jpg_bytes(rng):
    return b'\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00' + bytes(rng.getrandbits(8) for _ in range(rng.randint(1500, 5000))) + b'\xff\xd9'


def docx_bytes(rng):
    return b'PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00' + b'[Content_Types].xml' + bytes(rng.getrandbits(8) for _ in range(1500))


def client_for(rng, sender, era):
    dom = sender.domain
    if era == 'classic':
        if dom.startswith('yahoo.'):
            return rng.pick([K.outlook_express, K.yahoo_classic, K.yahoo_classic])
        if dom in ('hotmail.com', 'msn.com', 'hotmail.fr', 'hotmail.es'):
            return rng.pick([K.outlook_express, K.hotmail_classic, K.hotmail_classic])
        if dom in ('gmail.com', 'googlemail.com'):
            return rng.pick([K.gmail_classic, K.gmail_classic, K.mozilla_old])
        if any(dom in v for v in C.FREEMAIL.values()):   # a desktop client, not a company server
            return rng.weighted([(w, f) for w, f in K.CLASSIC if f not in (K.exchange, K.squirrelmail)])
        return rng.weighted(K.CLASSIC)
    if dom in ('gmail.com', 'googlemail.com'):
        return rng.weighted([(8, K.gmail), (1, lambda r, d: K.gmail(r, d, android=True)), (1, K.thunderbird),
                             (1, lambda r, d: K.apple_mail(r, d, iphone=True))])
    if dom.startswith('yahoo.'):
        return K.yahoo
    if dom in ('hotmail.com', 'outlook.com', 'msn.com', 'live.com', 'hotmail.fr', 'hotmail.es'):
        return K.exchange_online
    if any(dom in v for v in C.FREEMAIL.values()):   # other free mail: a desktop or phone client
        return rng.weighted([(w, f) for w, f in K.MODERN if f not in (K.exchange_online, K.gmail, K.yahoo)])
    return rng.weighted([(w, f) for w, f in K.MODERN if f is not K.yahoo])


def route_for(sender, client, era):
    dom = sender.domain
    if dom in ('gmail.com', 'googlemail.com') and era == 'modern':
        return 'gmail'
    if dom.startswith('yahoo.') and era == 'modern':
        return 'yahoo'
    if dom in ('hotmail.com', 'outlook.com', 'msn.com', 'live.com') and era == 'modern':
        return 'outlookcom'
    return 'corp'


def personal(rng, ctx):
    era, lang = ctx.era, ctx.lang
    freemail = rng.chance(0.45)
    sender = C.person(rng, lang, freemail=freemail)
    rcpt_p = ctx.rcpt_person
    text, subject = compose(rng, lang, rcpt_p.first, sender.first, C.org_domain(rng, lang))
    cs = rng.pick(CHARSETS.get(lang, ['utf-8']))
    if cs == 'us-ascii' and any(ord(c) > 127 for c in text + subject):
        cs = 'utf-8'
    d = K.Draft(sender, sender.name if rng.chance(0.9) else '', [(rcpt_p.name if rng.chance(0.7) else '', ctx.rcpt)],
                subject, ctx.t, lang, cs, text)
    if rng.chance(0.35):   # a reply
        d.subject = ('Re: ' if lang not in ('de',) else rng.pick(['Re: ', 'AW: '])) + subject.replace('Re: ', '')
        prev = f'{rng.hex(16)}@{rcpt_p.domain}'
        if rng.chance(0.93):   # some people type "Re:" themselves
            d.in_reply_to = prev
            d.references = [f'{rng.hex(12)}@{sender.domain}', prev][rng.randint(0, 1):]
        d.text += '\n\n' + rng.pick(['On {day} {name} wrote:', '{name} schrieb:', 'Le {day}, {name} a écrit :', '-----Original Message-----']).format_map(slots(rng, lang, name=rcpt_p.name)) + \
            '\n> ' + '\n> '.join(compose(rng, lang, sender.first, rcpt_p.first)[0].split('\n'))
    if rng.chance(0.12):
        d.cc = [('', C.person(rng, lang).addr)]
    if rng.chance(0.12):
        d.attachments = [rng.pick([('photo_%d.jpg' % rng.randint(1, 999), jpg_bytes(rng), 'image/jpeg'),
                                   ('notes.pdf', pdf_bytes(rng), 'application/pdf'),
                                   ('draft-v%d.docx' % rng.randint(1, 9), docx_bytes(rng),
                                    'application/vnd.openxmlformats-officedocument.wordprocessingml.document')])]
    if rng.chance(0.04):
        d.priority = 'high'
    client = client_for(rng, sender, era)
    headers, root = client(rng, d)
    route = route_for(sender, client, era)
    return R.prepend(rng, headers, d, route, ctx.rcpt, classic=era == 'classic'), root


def business(rng, ctx):
    """Company mail: offers, invoices with a PDF, meeting notes, high importance."""
    lang = ctx.lang
    company = C.org_domain(rng, lang)
    sender = C.person(rng, lang, domain=company)
    s = slots(rng, lang, name=C.person(rng, lang).first, sender=sender.name, company=company)
    en = lang == 'en'
    subject = rng.pick(['Invoice {num}', 'Offer for {project}', 'Meeting notes {day}', 'Contract renewal',
                        'Updated price list', 'Purchase order {num}', 'Urgent: server maintenance tonight']
                       if en else T.PERSONAL.get(lang, T.PERSONAL['en'])['subjects']).format_map(s)
    text = '\n'.join([rng.pick(T.PERSONAL.get(lang, T.PERSONAL['en'])['open']).format_map(s), '',
                      rng.pick(['please find attached our invoice {num} for {amount}. Payment is due within 30 days.',
                                'as discussed, attached is our offer for {project}. It is valid until the end of the month.',
                                'the server will be down tonight from 22:00 to 23:00 for maintenance. Please save your work.',
                                'attached is the updated price list, valid from next month.'] if en else
                               T.PERSONAL[lang]['body']).format_map(s), '',
                      rng.pick(T.PERSONAL.get(lang, T.PERSONAL['en'])['close']).format_map(s),
                      f'{sender.name}\n{company} | +{rng.randint(1, 49)} {rng.digits(3)} {rng.digits(7)}'])
    d = K.Draft(sender, sender.name, [(ctx.rcpt_person.name, ctx.rcpt)], subject, ctx.t, lang,
                rng.pick(CHARSETS.get(lang, ['utf-8'])), text)
    if d.charset == 'us-ascii':
        d.charset = 'utf-8'
    if 'nvoice' in subject or 'offer' in text or rng.chance(0.3):
        d.attachments = [(rng.pick(['Invoice_%s.pdf' % s['num'], 'offer.pdf', 'pricelist.pdf']), pdf_bytes(rng), 'application/pdf')]
    if 'Urgent' in subject or rng.chance(0.08):
        d.priority = 'high'
    client = rng.weighted([(6, K.outlook16), (3, K.exchange_online), (2, K.thunderbird), (1, K.apple_mail)]) \
        if ctx.era == 'modern' else rng.weighted([(5, K.outlook_classic), (4, K.exchange), (3, K.outlook_express)])
    headers, root = client(rng, d)
    return R.prepend(rng, headers, d, 'corp', ctx.rcpt, classic=ctx.era == 'classic'), root


def mailing_list(rng, ctx):
    classic = ctx.era == 'classic'
    lname, subject, lines = rng.pick(T.LIST_TOPICS)
    kind = rng.weighted([(6, 'mailman'), (2, 'ezmlm'), (1, 'listserv')] + ([(3, 'yahoo')] if classic else [(3, 'google')]))
    ldom = rng.pick(['lists.sourceforge.net', 'lists.debian.org', 'python.org', 'lists.linux.ie',
                     'xent.com', 'example-project.org', 'lists.freebsd.org']) if kind != 'google' else 'googlegroups.com'
    if kind == 'yahoo':
        ldom = 'yahoogroups.com'
    lh, footer, bounce = B.list_headers(rng, kind, lname, ldom, classic)
    sender = C.person(rng, 'en', freemail=rng.chance(0.3))
    text = '\n\n'.join(rng.sample(lines, min(len(lines), rng.randint(1, 3))))
    if rng.chance(0.5):
        text = f'On {rng.pick(DAYS["en"])}, {C.person(rng).name} wrote:\n> ' + rng.pick(lines) + '\n\n' + text
    text += f'\n\n-- \n{sender.name}' + footer
    tag = f'[{lname.split("-")[0].upper() if kind != "mailman" else lname}] ' if rng.chance(0.5) else ''
    to_name = rng.pick(['', '', lname, lname.upper(), lname.replace('-', ' ').title()])  # clients name lists by address
    d = K.Draft(sender, sender.name if rng.chance(0.9) else '', [(to_name, f'{lname}@{ldom}')], tag + subject,
                ctx.t, 'en', 'us-ascii', text)
    d.in_reply_to = f'{rng.hex(12)}@{C.org_domain(rng)}'
    d.references = [d.in_reply_to]
    d.text_only = True
    client = client_for(rng, sender, ctx.era)
    headers, root = client(rng, d)
    if kind in ('mailman', 'yahoo') and rng.chance(0.35):   # lists that set Reply-To to the list
        headers = [x for x in headers if x[0] != 'Reply-To']  # (replacing the poster's)
        lh = lh + [('Reply-To', f'{lname}@{ldom}')]
    headers = headers + lh
    return R.prepend(rng, headers, d, 'list', ctx.rcpt, list_server=f'mail.{ldom}',
                     return_path=bounce, classic=classic), root


def newsletter(rng, ctx):
    classic = ctx.era == 'classic'
    lang = ctx.lang if ctx.lang in T.NEWSLETTER_LINES else 'en'
    brand, site0, products = rng.pick(T.NEWSLETTER_BRANDS)
    site = site0 + '.' + rng.pick(['com', 'com', 'co.uk', 'de', 'net'])
    esp = rng.pick(B.CLASSIC_ESPS if classic else B.ESPS)
    mid, eh, tracker, bounce_dom, route_host = B.esp_profile(rng, esp, site, ctx.t)
    s = slots(rng, lang, topic=rng.pick(products), product=rng.pick(products))
    lines = [line.format_map(s) for line in rng.sample(T.NEWSLETTER_LINES[lang], min(4, len(T.NEWSLETTER_LINES[lang])))]
    lines.append(T.UNSUB.get(lang, T.UNSUB['en']).format(site='www.' + site))
    pre = lines[0] if rng.chance(0.6) and not classic else None
    html = B.newsletter_html(rng, brand, site, lines, tracker, pre, classic, dark_footer=rng.chance(0.3))
    sender_local = rng.pick(['news', 'newsletter', 'hello', 'info', 'offers', 'team', 'noreply'])
    sender = C.Person(brand, '', f'{sender_local}@{rng.pick(["", "e.", "mail.", "news."])}{site}', lang)
    subject = rng.pick([f'{brand}: {lines[0]}', lines[0], f'{rng.pick(["🎉 ", "🔥 ", "", "", ""])}{lines[1]}',
                        f'{s["pct"]}% OFF everything - this weekend only!', f'Your {rng.pick(["weekly", "monthly"])} update from {brand}'])
    to_name = rng.weighted([(6, ''), (3, ctx.rcpt_person.name), (1, ctx.rcpt.split('@')[0])])  # what the list knows
    d = K.Draft(sender, brand, [(to_name, ctx.rcpt)], subject, ctx.t, lang, 'utf-8', '\n\n'.join(lines) +
                f'\n\nView online: https://www.{site}/email/{rng.hex(8)}', html=html)
    if rng.chance(0.25):
        d.reply_to = ('', f'{rng.pick(["reply", "support", "customercare"])}@{rng.pick([site, "help." + site, bounce_dom if "." in bounce_dom else site])}')
    h = common_bulk_headers(rng, d, mid, classic)
    h += [('List-Unsubscribe', f'<https://{tracker}/unsubscribe?u={rng.hex(20)}>, <mailto:unsubscribe-{rng.hex(8)}@{site}>')] \
        if not any(k == 'List-Unsubscribe' for k, _ in eh) else []
    if not classic:
        h += [('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click')]
        h = [('DKIM-Signature', f'v=1; a=rsa-sha256; c=relaxed/relaxed; d={site}; s=k1; t={ctx.t}; bh={rng.b64(43)}=; h=From:Subject:To:Date:MIME-Version:Content-Type; b={rng.b64(90)}')] + h
    if rng.chance(0.4):
        h += [('Precedence', 'bulk')]
    h += eh
    if rng.chance(0.35) or classic and rng.chance(0.5):
        root = C.text_part(html, 'html', 'utf-8', rng.pick(['quoted-printable', '7bit' if classic else 'base64']))
    else:
        b = '----=_Part_' + rng.digits(7) + '_' + rng.digits(9) + '.' + str(ctx.t)
        root = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
            C.text_part(d.text, 'plain', 'utf-8', 'quoted-printable'), C.text_part(html, 'html', 'utf-8', 'quoted-printable')])
    return R.prepend(rng, h, d, 'esp:' + route_host, ctx.rcpt, return_path=f'bounce-{rng.hex(12)}@{bounce_dom if "." in bounce_dom else site}',
                     classic=classic), root


def common_bulk_headers(rng, d, mid, classic):
    h = [('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote='always' if rng.chance(0.5) else True)),
         ('To', d.to[0][1] if not d.to[0][0] else C.addr_header(d.to[0][0], d.to[0][1]))]
    if d.reply_to:
        h += [('Reply-To', C.addr_header(d.reply_to[0], d.reply_to[1]))]
    h += [('Subject', K.subj(d)), ('Date', C.rfc_date(d.t, 0 if not classic else -300)),
          ('Message-ID', f'<{mid}>'), ('MIME-Version', '1.0')]
    return h


def transactional(rng, ctx):
    kind = rng.pick(list(T.TRANSACTIONAL))
    brand, site0, products = rng.pick(T.NEWSLETTER_BRANDS)
    site = site0 + '.com'
    esp = rng.pick(['postmark', 'ses', 'sendgrid', 'mailgun', 'sparkpost', 'inhouse']) if ctx.era == 'modern' else 'inhouse'
    mid, eh, tracker, bounce_dom, route_host = B.esp_profile(rng, esp, site, ctx.t)
    s = slots(rng, 'en', brand=brand, product=rng.pick(products))
    subj_t, lines = T.TRANSACTIONAL[kind]
    text = '\n\n'.join(line.format_map(s) for line in lines)
    link = f'https://{rng.pick(["www.", "account.", "my."])}{site}/{kind}/{rng.hex(24)}'
    text = f'Hello{rng.pick(["", " " + C.person(rng).first])},\n\n{text}\n\n{link}\n\n{brand}'
    html = ('<html><body style="font-family:Arial,sans-serif">' + K.paragraphs_html(text.replace(link, '')) +
            f'<p><a href="{link}" style="background:#0a66c2;color:#fff;padding:10px 20px">'
            f'{rng.pick(["View order", "Reset password", "Confirm email", "Review activity", "Track package", "View receipt"])}</a></p>'
            f'<p style="font-size:12px;color:#777">{brand} · <a href="https://www.{site}/help">Help centre</a></p></body></html>')
    sender = C.Person(brand, '', f'{rng.pick(["noreply", "no-reply", "orders", "security", "billing", "support"])}@{rng.pick(["", "mail.", "notifications."])}{site}', 'en')
    d = K.Draft(sender, rng.pick([brand, brand + ' Support', '']), [('', ctx.rcpt)], subj_t.format_map(s), ctx.t, 'en', 'utf-8', text, html=html)
    if kind in ('invoice', 'receipt') and rng.chance(0.5):
        d.attachments = [(f'invoice-{s["num"]}.pdf', pdf_bytes(rng), 'application/pdf')]
    h = common_bulk_headers(rng, d, mid, ctx.era == 'classic') + [e for e in eh if e[0] != 'X-Mailer' or esp == 'inhouse']
    if esp == 'inhouse' and rng.chance(0.5):
        h = [x for x in h if x[0] != 'X-Mailer'] + [('X-Mailer', rng.pick(['PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)', 'Symfony Mailer', 'nodemailer (6.9.7; +https://nodemailer.com/)']))]
    if rng.chance(0.5):
        b = '----=_Part_' + rng.digits(7)
        root = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
            C.text_part(text, 'plain', 'utf-8', 'quoted-printable'), C.text_part(html, 'html', 'utf-8', 'quoted-printable')])
    elif rng.chance(0.5):
        root = C.text_part(html, 'html', 'utf-8', 'quoted-printable')
    else:
        root = C.text_part(text, 'plain', 'utf-8', '7bit')
    if d.attachments:
        root = K.with_attachments(rng, root, d, '=_mixed_' + rng.hex(16))
    return R.prepend(rng, h, d, 'esp:' + route_host, ctx.rcpt, return_path=f'bounces+{rng.hex(8)}@{bounce_dom if "." in bounce_dom else site}'), root


def automated(rng, ctx):
    kind = rng.pick(list(T.AUTOMATED))
    s = slots(rng, 'en', name=C.person(rng).name)
    subj_t, lines = T.AUTOMATED[kind]
    host = s['host']
    dom = host.split('.', 1)[1] if '.' in host else 'example.net'
    sender = C.Person('', '', {'cron': f'root@{host}', 'logwatch': f'logwatch@{host}', 'monitor': f'nagios@{dom}',
                               'ci': f'jenkins@ci.{dom}', 'tracker': f'tracker@{dom}'}[kind], 'en')
    name = {'cron': 'Cron Daemon', 'monitor': 'Nagios', 'ci': 'Jenkins', 'tracker': s['name']}.get(kind, '')
    text = '\n'.join(line.format_map(s) for line in lines)
    d = K.Draft(sender, name if rng.chance(0.6) else '', [('', ctx.rcpt)], subj_t.format_map(s), ctx.t, 'en', 'us-ascii', text)
    h = [('From', C.addr_header(d.from_name, d.sender.addr, quote=False) if d.from_name else d.sender.addr),
         ('To', ctx.rcpt), ('Subject', d.subject), ('Date', C.rfc_date(ctx.t, 0)),
         ('Message-Id', f'<{C.time.strftime("%Y%m%d%H%M%S", C.time.gmtime(ctx.t))}.{C.postfix_qid(rng)}@{host}>')]
    if kind == 'cron':
        h += [('X-Cron-Env', '<SHELL=/bin/sh>'), ('X-Cron-Env', '<HOME=/root>'), ('X-Cron-Env', '<LOGNAME=root>')]
    if kind in ('tracker', 'ci'):
        h += [('Auto-Submitted', 'auto-generated'), ('X-Auto-Response-Suppress', 'All')]
    if rng.chance(0.6):
        h += [('MIME-Version', '1.0')]
        root = C.text_part(text, 'plain', rng.pick(['UTF-8', 'us-ascii', 'ANSI_X3.4-1968']), '8bit', quote_charset=False)
    else:
        root = C.Part('text/plain', text.replace('\n', '\r\n'))
        root.header_lines = lambda: []   # no MIME headers at all, as cron on old systems writes
    return R.prepend(rng, h, d, 'corp', ctx.rcpt, return_path=d.sender.addr), root


def forwarded_report(rng, ctx):
    """An employee forwards a suspicious message to IT: the phishing text and link inside ham."""
    from . import spam as S
    sender = C.person(rng, 'en', domain=ctx.rcpt.split('@')[1])
    brand, subj, lines = rng.pick(S.T.PHISH['en'])
    evil = f'http://{C.org_domain(rng)}/{rng.lower(5)}/login.php'
    text = ('Hi IT,\n\nI got this today, is it legit? I did not click anything.\n\n'
            f'---------- Forwarded message ---------\nFrom: {brand} <alert@{C.org_domain(rng)}>\nSubject: {subj}\n\n' +
            '\n'.join(lines) + f'\n{evil}\n\nThanks,\n{sender.first}')
    html = K.paragraphs_html(text.replace(evil, '')) + f'<p><a href="{evil}">{lines[2]}</a></p>'
    d = K.Draft(sender, sender.name, [('IT Helpdesk', f'helpdesk@{sender.domain}')], 'Fwd: ' + subj, ctx.t, 'en', 'utf-8', text, html=html)
    client = rng.pick([K.outlook16, K.exchange_online, K.gmail, K.thunderbird])
    headers, root = client(rng, d)
    return R.prepend(rng, headers, d, 'corp', ctx.rcpt), root
