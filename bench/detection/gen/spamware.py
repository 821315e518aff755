"""Header sets written by bulk-mailing software, bots and scripts (what their mail looks like):
copies of Outlook and Outlook Express headers without what those clients always add, random
Message-IDs in Microsoft's shape, mass-mailer X-Mailer names, PHP scripts on hacked sites,
bots that write the minimum, and spam sent through genuine web-mail accounts."""
from . import common as C
from . import clients as K

BULK_MAILERS = ['Advanced Mass Sender v 4.2', 'Atomic Mail Sender 9.21', 'Group Mail [version 4.0.3]',
                'MailKing 4.0.0', 'Send-Safe', 'Super Mass Mailer 8.0', 'Aureate Group Mail',
                'FloodGate Pro', 'Mach5 Mailer-4.50', 'eMarkSofts Bulk Mailer', 'Express Mail Server 2.1',
                'Easy Mass Mail 3.1', 'Dark Mailer', 'MassE-Mail 4.2', 'AutoMail Sender',
                'Mail Bomber 10', 'Bulk Email Pro 3.0', 'JiXing Mailer']
FAKE_MAILERS = ['Microsoft Outlook Express 6.00.2600.0000', 'Microsoft Outlook Express 6.00.2900.2180',
                'Microsoft Outlook Express 5.00.2615.200', 'Microsoft Outlook Express 6.00.2462.0000',
                'Microsoft Outlook, Build 10.0.2616', 'Microsoft Outlook Build 10.0.2627',
                'Microsoft Office Outlook, Build 11.0.5510', 'Microsoft Outlook 16.0',
                'Microsoft Outlook 15.0', 'Microsoft Outlook IMO, Build 9.0.2416 (9.0.2910.0)',
                'Microsoft CDO for Windows 2000', 'Foxmail 6, 15, 201, 22 [cn]', 'The Bat! (v1.52f) Business',
                'Mozilla 4.76 [en] (Win98; U)', 'QUALCOMM Windows Eudora Version 5.1',
                'Mozilla Thunderbird', 'Apple Mail (2.3445.104.11)', 'iPhone Mail (16G102)',
                'Microsoft Windows Live Mail 16.4.3528.331', 'Opera Mail/12.16 (Win32)']


def random_mid(rng, domain, t):
    shapes = [
        lambda: f'{rng.hex(12)}${rng.hex(8)}${rng.hex(8)}@{rng.lower(6)}',             # MS shape, random
        lambda: f'{rng.hex(4)}{rng.pick(["0000", "4a3b", "9c1f", "02c1"])}{rng.hex(4)}${rng.hex(8)}${rng.hex(8)}@{domain}',
        lambda: f'{rng.alnum(rng.randint(8, 14))}@{domain}',
        lambda: f'{rng.alnum(5).upper()}.{rng.alnum(12).upper()}.{rng.lower(8)}{rng.digits(6)}@{domain}',
        lambda: f'{C.time.strftime("%Y%m%d%H%M%S", C.time.gmtime(t))}.{rng.alnum(5).upper()}{rng.digits(4)}@{domain}',
        lambda: f'{rng.digits(3)}.{rng.digits(6)}.{rng.digits(5)}@{rng.pick(["www.", "mail.", ""])}{domain}',
        lambda: f'{rng.lower(rng.randint(6, 12))}.{rng.lower(rng.randint(6, 12))}@{rng.lower(4)}.{rng.pick(["com", "net"])}',
        lambda: f'{rng.hex(32)}@localhost',
        lambda: f'{rng.alnum(11)}',                                                       # no domain at all
        lambda: f'{rng.upper_alpha(22) if hasattr(rng, "upper_alpha") else rng.alnum(22, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")}@{domain}',
    ]
    return rng.pick(shapes)()


def odd_date(rng, t):
    kind = rng.randrange(6)
    if kind == 0:
        return C.rfc_date(t, 0).replace(' +0000', '')                       # no zone
    if kind == 1:
        return C.rfc_date(t, rng.pick([-1200, 1400, -660, 780]))             # unusual zones
    if kind == 2:
        return C.time.strftime('%d %b %Y %H:%M:%S', C.time.gmtime(t)) + ' -0000'
    if kind == 3:
        return C.rfc_date(t + rng.randint(-400, 400) * 86400, 0)             # far off
    return C.rfc_date(t, rng.pick([-480, -300, 60, 480]), pad_day=True)


def recipients(rng, d, rcpt):
    """The To line spam tools write."""
    kind = rng.randrange(8)
    local = rcpt.split('@')[0]
    if kind == 7:   # a harvested list: role addresses at many domains, as sorted by the tool
        dom = rcpt.split('@')[1]
        role = rng.pick(['postmaster', 'info', 'sales', 'webmaster', local])
        addrs = sorted({f'{role}@{rng.lower(rng.randint(3, 5))}{dom.split(".")[0][-4:]}.com' for _ in range(rng.randint(4, 12))} | {rcpt})
        return [('To', ',\r\n\t'.join(addrs))]
    if kind == 0:
        return [('To', 'undisclosed-recipients:;')]
    if kind == 1:
        return []
    if kind == 2:
        return [('To', f'"{local}" <{rcpt}>')]
    if kind == 3:
        return [('To', f'{local.capitalize()} <{rcpt}>')]
    if kind == 4:
        others = [f'{rng.lower(6)}@{rcpt.split("@")[1]}' for _ in range(rng.randint(2, 6))]
        return [('To', ', '.join([rcpt] + others))]
    return [('To', rcpt if rng.chance(0.5) else f'<{rcpt}>')]


def ratware(rng, d, rcpt, era='modern', style=None):
    """Forged client headers: returns (headers, body root)."""
    style = style or rng.pick(['oe', 'oe', 'outlook', 'bulk', 'bare', 'fake'])
    dom = d.sender.domain
    h = []
    mid = random_mid(rng, dom, d.t)
    if style == 'oe':
        ver = rng.pick(K.OE_VERSIONS[:5] + ['6.00.2462.0000', '6.00.2600.0000'])
        h += [('Message-ID', f'<{mid}>')] if rng.chance(0.85) else []
        h += [('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=rng.pick([True, 'always', False])))]
        h += recipients(rng, d, rcpt)
        h += [('Subject', K.subj(d, rng.pick(['B', 'Q'])))]
        h += [('Date', odd_date(rng, d.t) if rng.chance(0.4) else C.rfc_date(d.t, rng.pick([-480, 60, 480])))]
        h += [('MIME-Version', '1.0')] if rng.chance(0.8) else []
        prio = rng.pick([('3', 'Normal'), ('1', 'High'), ('3 (Normal)', 'Normal'), ('1', 'Normal'), ('3', None)])
        h += [('X-Priority', prio[0])] + ([('X-MSMail-Priority', prio[1])] if prio[1] else [])
        h += [('X-Mailer', f'Microsoft Outlook Express {ver}')]
        mo = rng.randrange(4)
        if mo == 0:
            h += [('X-MimeOLE', f'Produced By Microsoft MimeOLE V{ver}')]
        elif mo == 1:
            h += [('X-MimeOLE', f'Produced By Microsoft MimeOLE V{rng.pick(K.OE_VERSIONS)}')]
    elif style == 'outlook':
        h += [('From', C.addr_header(d.from_name, d.sender.addr, d.charset))]
        h += recipients(rng, d, rcpt)
        h += [('Subject', K.subj(d)), ('Date', C.rfc_date(d.t, rng.pick([-300, 60, 120, 480])))]
        h += [('Message-ID', f'<{mid}>'), ('MIME-Version', '1.0')]
        h += [('X-Mailer', rng.pick(['Microsoft Outlook 16.0', 'Microsoft Outlook 15.0', 'Microsoft Office Outlook 12.0',
                                     'Microsoft Outlook, Build 10.0.2616', 'Microsoft Office Outlook, Build 11.0.5510']))]
        if rng.chance(0.5):
            h += [('X-Priority', rng.pick(['3', '1', '3 (Normal)'])), ('X-MSMail-Priority', rng.pick(['Normal', 'High']))]
        if rng.chance(0.3):
            h += [('Thread-Index', K.thread_index(rng))]
        if rng.chance(0.3):
            h += [('Content-Language', 'en-us')]
    elif style == 'bulk':
        h += [('From', C.addr_header(d.from_name, d.sender.addr, d.charset)), ('Subject', K.subj(d))]
        h += recipients(rng, d, rcpt)
        h += [('Date', C.rfc_date(d.t, rng.pick([0, 60, -300, 480]))), ('MIME-Version', '1.0'),
              ('Message-ID', f'<{mid}>'), ('X-Mailer', rng.pick(BULK_MAILERS))]
        if rng.chance(0.5):
            h += [('X-Priority', rng.pick(['1', '3', '5']))]
    elif style == 'fake':
        h += [('Message-ID', f'<{mid}>')] if rng.chance(0.8) else []
        h += [('From', C.addr_header(d.from_name, d.sender.addr, d.charset))]
        h += recipients(rng, d, rcpt) + [('Subject', K.subj(d)), ('Date', C.rfc_date(d.t, rng.pick([0, 180, 480, -300])))]
        h += [('MIME-Version', '1.0'), ('X-Mailer', rng.pick(FAKE_MAILERS))]
        if rng.chance(0.4):
            h += [('X-Priority', rng.pick(['3', '1 (Highest)', '3 (Normal)']))]
    else:  # bare: what a script writes
        h += [('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False))]
        h += recipients(rng, d, rcpt) + [('Subject', K.subj(d))]
        h += [('Date', C.rfc_date(d.t, 0))] if rng.chance(0.7) else []
        h += [('Message-ID', f'<{mid}>')] if rng.chance(0.6) else []
        h += [('MIME-Version', '1.0')] if rng.chance(0.7) else []
    if d.reply_to:
        h.insert(rng.randint(0, len(h)), ('Reply-To', C.addr_header(d.reply_to[0], d.reply_to[1], d.charset)))
    return h + d.extra, spam_body(rng, d, style)


def spam_body(rng, d, style):
    oe_like = style in ('oe', 'outlook')
    b = K.ms_boundary(rng, d.t) if oe_like and rng.chance(0.5) else \
        rng.pick(['----=_NextPart_000_' + rng.hex(4, True) + '_' + rng.hex(8, True) + '.' + rng.hex(8, True),
                  '=_' + rng.alnum(20), rng.alnum(30), '--' + rng.digits(15), 'b1_' + rng.hex(32)])
    cte_html = rng.pick(['quoted-printable', 'base64', '7bit', '8bit'])
    cte_text = rng.pick(['quoted-printable', '7bit', 'base64', '8bit'])
    if d.text_only or not d.html:
        body = C.text_part(d.text, 'plain', d.charset, cte_text, quote_charset=rng.chance(0.5))
    elif d.html_only or rng.chance(0.55):
        body = C.text_part(d.html, 'html', d.charset, cte_html, quote_charset=rng.chance(0.5))
    else:
        text = d.text if rng.chance(0.8) else rng.pick(['', 'This is a multi-part message in MIME format.',
                                                         ' '.join(rng.lower(rng.randint(3, 9)) for _ in range(40))])
        body = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
            C.text_part(text, 'plain', d.charset, cte_text), C.text_part(d.html, 'html', d.charset, cte_html)])
    if d.attachments:
        b2 = b + '_mixed'
        body = C.Part('multipart/mixed', params=[('boundary', b2)], boundary=b2,
                      children=[body] + [C.attachment(fn, data, ct) for fn, data, ct in d.attachments])
    return body


def php_script(rng, d, rcpt, host):
    """Mail sent by a script on a (often compromised) web host."""
    ver = rng.pick(['PHPMailer 5.2.9 (https://github.com/PHPMailer/PHPMailer/)', 'PHPMailer 5.2.27',
                    'PHP/5.4.45', 'PHP/7.4.33', 'PHPMailer 6.1.4 (https://github.com/PHPMailer/PHPMailer)'])
    h = [('To', rcpt), ('Subject', K.subj(d)), ('X-PHP-Originating-Script', f'{rng.randint(33, 1500)}:{rng.pick(["mailer.php", "class.phpmailer.php", "wp-mail.php", "index.php", "send.php", "mail.php"])}')] if rng.chance(0.6) else [('To', rcpt), ('Subject', K.subj(d))]
    h += [('Date', C.rfc_date(d.t, 0)), ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False))]
    if d.reply_to:
        h += [('Reply-To', C.addr_header(d.reply_to[0], d.reply_to[1], d.charset))]
    h += [('Message-ID', f'<{rng.hex(32)}@{host}>'), ('X-Mailer', ver), ('MIME-Version', '1.0')]
    if rng.chance(0.3):
        h += [('X-Priority', '3')]
    if d.text_only or not d.html:
        body = C.text_part(d.text, 'plain', 'UTF-8', '8bit', quote_charset=False)
    else:
        b = 'b1_' + rng.hex(32)
        body = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
            C.text_part(d.text, 'plain', 'UTF-8', '8bit', quote_charset=False),
            C.text_part(d.html, 'html', 'UTF-8', '8bit', quote_charset=False)]) if rng.chance(0.6) else \
            C.text_part(d.html, 'html', 'UTF-8', rng.pick(['8bit', 'base64', 'quoted-printable']), quote_charset=False)
    if d.attachments:
        b2 = 'b2_' + rng.hex(32)
        body = C.Part('multipart/mixed', params=[('boundary', b2)], boundary=b2,
                      children=[body] + [C.attachment(fn, data, ct) for fn, data, ct in d.attachments])
    return h + d.extra, body
