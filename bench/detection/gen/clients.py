"""Header sets and MIME layouts of real mail clients (what each one writes, in its order).

Each client takes a Draft and returns (headers, root Part). Formats follow messages these
programs produce: Outlook and Outlook Express (Message-ID built from the FILETIME, X-MimeOLE,
Thread-Index, priority headers), Exchange, Thunderbird and older Mozilla, Apple Mail and iOS,
Gmail, Yahoo and Outlook.com web mail, Mutt, Pine/Alpine, Evolution, KMail, Eudora, The Bat!,
Sylpheed, Roundcube and SquirrelMail."""
import html as htmlmod
from dataclasses import dataclass, field

from . import common as C


@dataclass
class Draft:
    sender: C.Person
    from_name: str
    to: list                       # [(name or '', addr)]
    subject: str
    t: int
    lang: str = 'en'
    charset: str = 'utf-8'
    text: str = ''
    html: str = None               # None: the client renders text as HTML if it sends HTML
    cc: list = field(default_factory=list)
    attachments: list = field(default_factory=list)   # [(filename, bytes, ctype)]
    in_reply_to: str = None
    references: list = field(default_factory=list)
    reply_to: tuple = None
    priority: str = None           # None | 'high' | 'low'
    extra: list = field(default_factory=list)         # extra headers at the end
    html_only: bool = False
    text_only: bool = False


def esc(s):
    return htmlmod.escape(s, quote=False)


def paragraphs_html(text, p_open='<p>', p_close='</p>'):
    out = []
    for para in text.split('\n\n'):
        out.append(p_open + '<br>\n'.join(esc(line) for line in para.split('\n')) + p_close)
    return '\n'.join(out)


def addr_list(pairs, charset, kind='B', quote=True):
    return ', '.join(C.addr_header(n, a, charset, quote, kind) for n, a in pairs)


def common_addr_headers(d, kind='B', quote=True):
    h = [('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote, kind))]
    if d.to:
        h.append(('To', addr_list(d.to, d.charset, kind, quote)))
    if d.cc:
        h.append(('Cc', addr_list(d.cc, d.charset, kind, quote)))
    return h


def subj(d, kind='B'):
    return C.encoded_word(d.subject, d.charset, kind)


def with_attachments(rng, body, d, boundary):
    if not d.attachments:
        return body
    kids = [body] + [C.attachment(fn, data, ct) for fn, data, ct in d.attachments]
    return C.Part('multipart/mixed', params=[('boundary', boundary)], children=kids,
                  boundary=boundary)


def reply_headers(d):
    h = []
    if d.in_reply_to:
        h.append(('In-Reply-To', f'<{d.in_reply_to}>'))
    if d.references:
        h.append(('References', ' '.join(f'<{r}>' for r in d.references)))
    return h


# ---------------------------------------------------------------------------------------------
# Microsoft

def ms_boundary(rng, t, n=0):
    hi, lo = C.filetime_hex(t)
    return f'----=_NextPart_{n:03d}_{rng.randint(0, 0x3f):04X}_{hi.upper()}.{lo.upper()}'


def oe_mid(rng, t, host):
    hi, lo = C.filetime_hex(t)
    return f'{rng.randint(0, 0x40):04x}{hi}${lo}${rng.hex(8)}@{host}'


def outlook_new_mid(rng, t, domain):
    hi, lo = C.filetime_hex(t)
    return f'{rng.randint(0, 0x40):04x}{hi}${lo}${rng.hex(8)}$@{domain}'


def thread_index(rng):
    return 'A' + rng.alnum(29, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') + '=='


def mso_html(text, gen='Microsoft Word 15 (filtered medium)'):
    paras = ''.join(f'<p class=MsoNormal>{esc(p).replace(chr(10), "<br>")}<o:p></o:p></p>'
                    for p in text.split('\n\n'))
    return ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
            'office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://'
            'schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">'
            f'<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name='
            f'Generator content="{gen}"><style><!--\n/* Font Definitions */\n@font-face\n\t'
            '{font-family:Calibri;}\np.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;\n\t'
            'font-size:11.0pt;\n\tfont-family:"Calibri",sans-serif;}\n--></style></head>'
            f'<body lang=EN-US link="#0563C1" vlink="#954F72" style=\'word-wrap:break-word\'>'
            f'<div class=WordSection1>{paras}</div></body></html>')


def outlook16(rng, d, version='16.0'):
    """Outlook 2010-2021 / Microsoft 365 desktop through SMTP."""
    dom = d.sender.domain
    h = common_addr_headers(d)
    h += [('References', ' '.join(f'<{r}>' for r in d.references))] if d.references else []
    h += [('In-Reply-To', f'<{d.in_reply_to}>')] if d.in_reply_to else []
    h += [('Subject', subj(d)), ('Date', C.mkdate_hdr(d.t, d.lang, rng)),
          ('Message-ID', f'<{outlook_new_mid(rng, d.t, dom)}>'), ('MIME-Version', '1.0')]
    tail = [('X-Mailer', f'Microsoft Outlook {version}'), ('Thread-Index', thread_index(rng)),
            ('Content-Language', {'en': 'en-us', 'de': 'de', 'fr': 'fr', 'es': 'es',
                                  'ja': 'ja', 'ru': 'ru'}.get(d.lang, 'en-us'))]
    if d.priority == 'high':
        tail = [('X-Priority', '1 (Highest)'), ('X-MSMail-Priority', 'High')] + tail + \
               [('Importance', 'High')]
    html = d.html or mso_html(d.text)
    b = ms_boundary(rng, d.t, 1 if d.attachments else 0)
    alt = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
        C.text_part(d.text, 'plain', d.charset), C.text_part(html, 'html', d.charset)])
    root = with_attachments(rng, alt, d, ms_boundary(rng, d.t, 0))
    return h + tail + d.extra, root


def outlook_classic(rng, d, build='Microsoft Outlook, Build 10.0.4510',
                    mimeole='Produced By Microsoft MimeOLE V6.00.2800.1106'):
    """Outlook 2000-2007 (writes X-MimeOLE and the priority triple)."""
    h = common_addr_headers(d, quote='always')
    h += [('Subject', subj(d)), ('Date', C.mkdate_hdr(d.t, d.lang, rng)),
          ('Message-ID', f'<000001{C.filetime_hex(d.t)[0][2:]}${C.filetime_hex(d.t)[1]}$'
                         f'{rng.hex(8)}@{rng.pick([d.sender.domain, rng.lower(6)])}>'),
          ('MIME-Version', '1.0')]
    h += reply_headers(d)
    pr = ('1 (Highest)', 'High', 'High') if d.priority == 'high' else ('3 (Normal)', 'Normal', 'Normal')
    tail = [('X-Priority', pr[0]), ('X-MSMail-Priority', pr[1]), ('X-Mailer', build),
            ('Importance', pr[2]), ('X-MimeOLE', mimeole)]
    if 'Build 1' in build or 'Office' in build:
        tail.insert(3, ('Thread-Index', thread_index(rng)))
    b = ms_boundary(rng, d.t, 1 if d.attachments else 0)
    if d.text_only:
        body = C.text_part(d.text, 'plain', d.charset, '7bit' if d.charset == 'us-ascii' else
                           'quoted-printable')
    else:
        body = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
            C.text_part(d.text, 'plain', d.charset),
            C.text_part(d.html or mso_html(d.text, 'Microsoft Word 10 (filtered)'), 'html',
                        d.charset)])
    return h + tail + d.extra, with_attachments(rng, body, d, ms_boundary(rng, d.t, 0))


OE_VERSIONS = ['5.00.2919.6600', '5.50.4522.1200', '5.50.4807.1700', '6.00.2600.0000',
               '6.00.2720.3000', '6.00.2800.1106', '6.00.2800.1158', '6.00.2800.1409',
               '6.00.2900.2180', '6.00.2900.2527', '6.00.2900.3138', '6.00.2900.5512']


def outlook_express(rng, d, version=None):
    version = version or rng.pick(OE_VERSIONS)
    host = rng.pick([rng.lower(rng.randint(4, 9)), 'pc' + rng.digits(2), 'home',
                     rng.lower(5) + '.' + d.sender.domain])
    h = [('Message-ID', f'<{oe_mid(rng, d.t, host)}>')] + common_addr_headers(d, quote='always')
    h += reply_headers(d)
    h += [('Subject', subj(d, 'Q' if rng.chance(0.5) else 'B')),
          ('Date', C.mkdate_hdr(d.t, d.lang, rng)), ('MIME-Version', '1.0')]
    pr = ('1', 'High') if d.priority == 'high' else ('3', 'Normal')
    tail = [('X-Priority', pr[0]), ('X-MSMail-Priority', pr[1]),
            ('X-Mailer', f'Microsoft Outlook Express {version}'),
            ('X-MimeOLE', f'Produced By Microsoft MimeOLE V{version}')]
    if d.text_only:
        body = C.text_part(d.text, 'plain', d.charset, 'quoted-printable' if any(
            ord(c) > 127 for c in d.text) else '7bit')
    else:
        html = d.html or ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">\n'
                          f'<HTML><HEAD>\n<META http-equiv=Content-Type content="text/html; '
                          f'charset={d.charset}">\n<META content="MSHTML {version}" name=GENERATOR>'
                          '\n<STYLE></STYLE>\n</HEAD>\n<BODY bgColor=#ffffff>\n' +
                          ''.join(f'<DIV><FONT face=Arial size=2>{esc(line) or "&nbsp;"}</FONT></DIV>\n'
                                  for line in d.text.split('\n')) + '</BODY></HTML>\n')
        b = ms_boundary(rng, d.t, 1 if d.attachments else 0)
        body = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
            C.text_part(d.text, 'plain', d.charset), C.text_part(html, 'html', d.charset)])
    root = with_attachments(rng, body, d, ms_boundary(rng, d.t, 0))
    return h + tail + d.extra, root


def exchange(rng, d):
    """Outlook through an on-premises Exchange 2003-2010 server."""
    host = rng.pick(['EXCH01', 'MAIL01', 'EX2K3', 'SRV-EXCH']) + '.' + \
        rng.pick(['corp.', 'ad.', 'int.']) + d.sender.domain
    h = [('Content-class', 'urn:content-classes:message'), ('MIME-Version', '1.0'),
         ('X-MimeOLE', rng.pick(['Produced By Microsoft Exchange V6.5',
                                 'Produced By Microsoft Exchange V6.5.7226.0']))]
    h += [('Subject', subj(d)), ('Date', C.mkdate_hdr(d.t, d.lang, rng)),
          ('Message-ID', f'<{rng.hex(34, upper=True)}@{host}>')]
    h += [('X-MS-Has-Attach', 'yes' if d.attachments else ''), ('X-MS-TNEF-Correlator', ''),
          ('Thread-Topic', d.subject), ('Thread-Index', thread_index(rng))]
    h += common_addr_headers(d)
    h += reply_headers(d)
    b = ms_boundary(rng, d.t, 1)
    body = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
        C.text_part(d.text, 'plain', d.charset), C.text_part(mso_html(d.text), 'html', d.charset)])
    return h + d.extra, with_attachments(rng, body, d, ms_boundary(rng, d.t, 0))


def exchange_online(rng, d):
    """Outlook / Outlook on the web through Microsoft 365 (also outlook.com)."""
    pod = rng.pick(['AM9PR01', 'DB9PR08', 'BN6PR11', 'SN4PR14', 'PH0PR04', 'VI1PR07'])
    box = f'{pod}MB{rng.randint(1000, 9999)}'
    region = rng.pick(['eurprd01', 'eurprd08', 'namprd11', 'namprd14', 'apcprd06'])
    mid = f'{box}{rng.hex(24, upper=True)}@{box}.{region}.prod.outlook.com'
    h = common_addr_headers(d)
    h += [('Subject', subj(d)), ('Thread-Topic', d.subject), ('Thread-Index', thread_index(rng)),
          ('Date', C.rfc_date(d.t, 0, pad_day=False)), ('Message-ID', f'<{mid}>')]
    h += reply_headers(d)
    h += [('Accept-Language', 'en-US'), ('Content-Language', 'en-US'), ('X-MS-Has-Attach',
          'yes' if d.attachments else ''), ('X-MS-TNEF-Correlator', ''),
          ('msip_labels', ''), ('MIME-Version', '1.0')]
    b = f'_000_{box}{rng.hex(24, upper=True)}{box}{region}prod_'
    body = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
        C.text_part(d.text, 'plain', d.charset, 'quoted-printable', quote_charset=False),
        C.text_part(d.html or mso_html(d.text), 'html', d.charset, 'quoted-printable',
                    quote_charset=False)])
    return h + d.extra, with_attachments(rng, body, d, b.replace('_000_', '_004_'))


# ---------------------------------------------------------------------------------------------
# Mozilla, Apple

TB_UA = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Thunderbird/115.{v}',
         'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.{v}',
         'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:102.0) Gecko/20100101 Thunderbird/102.{v}',
         'Mozilla Thunderbird']


def thunderbird(rng, d):
    h = [('Message-ID', f'<{rng.uuid()}@{d.sender.domain}>'), ('Date',
         C.mkdate_hdr(d.t, d.lang, rng)), ('MIME-Version', '1.0')]
    ua = rng.pick(TB_UA[:3]).format(v=f'{rng.randint(0, 15)}.{rng.randint(0, 3)}')
    h += [('User-Agent', ua)]
    h += [('Subject', subj(d))] + reply_headers(d)
    h += [('Content-Language', {'en': 'en-US', 'de': 'de-DE', 'fr': 'fr', 'ru': 'ru'}.get(
        d.lang, 'en-US'))]
    h += [('To', addr_list(d.to, d.charset))] if d.to else []
    h += [('Cc', addr_list(d.cc, d.charset))] if d.cc else []
    h += [('From', C.addr_header(d.from_name, d.sender.addr, d.charset))]
    if d.text_only or rng.chance(0.6):
        body = C.text_part(d.text, 'plain', 'UTF-8', '8bit' if any(ord(c) > 127 for c in d.text)
                           else '7bit', quote_charset=False, flowed=True)
    else:
        b = '------------' + rng.alnum(24)
        html = d.html or ('<!DOCTYPE html>\n<html>\n  <head>\n    <meta http-equiv="content-type"'
                          ' content="text/html; charset=UTF-8">\n  </head>\n  <body>\n' +
                          paragraphs_html(d.text) + '\n  </body>\n</html>\n')
        body = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
            C.text_part(d.text, 'plain', 'UTF-8', '7bit' if all(ord(c) < 128 for c in d.text)
                        else '8bit', quote_charset=False, flowed=True),
            C.text_part(html, 'html', 'UTF-8', '8bit', quote_charset=False)])
    return h + d.extra, with_attachments(rng, body, d, '------------' + rng.alnum(24))


def mozilla_old(rng, d):
    """Netscape 4/7, Mozilla 1.x and Thunderbird 1-2 (Message-IDs like <3D8A1F2E.4030901@dom>)."""
    ua = rng.pick([('X-Mailer', 'Mozilla 4.79 [en] (Windows NT 5.0; U)'),
                   ('User-Agent', 'Mozilla/5.0 (X11; U; Linux i686; en-US; rv:1.0.1) Gecko/20020823 Netscape/7.0'),
                   ('User-Agent', 'Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.8.1.6) Gecko/20070728 Thunderbird/2.0.0.6'),
                   ('User-Agent', 'Mozilla Thunderbird 1.0.2 (Windows/20050317)')])
    mid = f'{rng.hex(8, upper=True)}.{rng.digits(7)}@{d.sender.domain}'
    if ua[0] == 'X-Mailer':
        mid = f'{rng.hex(8, upper=True)}.{rng.hex(7, upper=True)}@{d.sender.domain}'
    h = [('Message-ID', f'<{mid}>'), ('Date', C.mkdate_hdr(d.t, d.lang, rng, pad_day=True)),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset)), ua,
         ('X-Accept-Language', 'en-us, en'), ('MIME-Version', '1.0')]
    h += [('To', addr_list(d.to, d.charset))] if d.to else []
    h += [('Subject', subj(d))] + reply_headers(d)
    body = C.text_part(d.text, 'plain', d.charset, '7bit' if all(ord(c) < 128 for c in d.text)
                       else '8bit', quote_charset=False)
    return h + d.extra, with_attachments(rng, body, d, '------------' + rng.hex(24, True))


def apple_mail(rng, d, iphone=False):
    build = rng.pick(['3774.300.61.1.2', '3731.700.6', '3696.120.41.1.1', '3445.104.11'])
    b = f'Apple-Mail={"_" if rng.chance(0.8) else "-"}{rng.uuid(upper=True)}'
    h = [('Content-Type', None)]  # placeholder, Apple writes Content-Type first
    h = []
    if iphone:
        h += [('Content-Transfer-Encoding', None)] if False else []
        h += [('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
              ('Mime-Version', '1.0 (1.0)'), ('Subject', subj(d)), ('Date',
              C.rfc_date(d.t, C.TZ_BY_LANG.get(d.lang, [0])[0])),
              ('Message-Id', f'<{rng.uuid(upper=True)}@{d.sender.domain}>')]
        h += reply_headers(d)
        h += [('Cc', addr_list(d.cc, d.charset))] if d.cc else []
        h += [('To', addr_list(d.to, d.charset, quote=False))]
        h += [('X-Mailer', f'iPhone Mail ({rng.randint(18, 22)}{rng.pick("ABCDEFGH")}{rng.randint(10, 99)})')]
        text = d.text + rng.pick(['\n\nSent from my iPhone', '\n\nVon meinem iPhone gesendet',
                                  '\n\nEnvoyé de mon iPhone', '\n\nSent from my iPhone'])
        return h + d.extra, with_attachments(rng, C.text_part(text, 'plain', 'utf-8',
                                                              'quoted-printable', quote_charset=False), d, b)
    h += [('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
          ('Mime-Version', f'1.0 (Mac OS X Mail 16.0 \\({build}\\))'), ('Subject', subj(d)),
          ('Message-Id', f'<{rng.uuid(upper=True)}@{d.sender.domain}>'),
          ('Date', C.mkdate_hdr(d.t, d.lang, rng))]
    h += reply_headers(d)
    h += [('To', addr_list(d.to, d.charset, quote=False)), ('X-Mailer', f'Apple Mail ({build})')]
    if d.text_only or rng.chance(0.5):
        body = C.text_part(d.text, 'plain', 'us-ascii' if all(ord(c) < 128 for c in d.text)
                           else 'utf-8', '7bit' if all(ord(c) < 128 for c in d.text)
                           else 'quoted-printable', quote_charset=False)
    else:
        html = d.html or ('<html><head><meta http-equiv="content-type" content="text/html; '
                          'charset=utf-8"></head><body style="overflow-wrap: break-word; '
                          '-webkit-nbsp-mode: space; line-break: after-white-space;">' +
                          ''.join(f'<div>{esc(line) or "<br>"}</div>' for line in d.text.split('\n'))
                          + '</body></html>')
        body = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
            C.text_part(d.text, 'plain', 'utf-8', 'quoted-printable', quote_charset=False),
            C.text_part(html, 'html', 'utf-8', 'quoted-printable', quote_charset=False)])
    return h + d.extra, with_attachments(rng, body, d, b.replace('Apple-Mail=_', 'Apple-Mail=_M'))


# ---------------------------------------------------------------------------------------------
# Web mail

def gmail(rng, d, android=False):
    mid = 'CA' + rng.alnum(rng.randint(50, 60), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop'
                                                 'qrstuvwxyz0123456789+_-=') + '@mail.gmail.com'
    h = [('DKIM-Signature', f'v=1; a=rsa-sha256; c=relaxed/relaxed; d=gmail.com; s=20230601; '
          f't={d.t}; x={d.t + 604800}; darn={d.to[0][1].split("@")[-1] if d.to else "x.com"};\r\n'
          f'        h=to:subject:message-id:date:from:mime-version:from:to:cc:subject\r\n'
          f'         :date:message-id:reply-to;\r\n        bh={rng.b64(43)}=;\r\n'
          f'        b={rng.b64(76)}\r\n         {rng.b64(76)}\r\n         {rng.b64(64)}=='),
         ('X-Google-DKIM-Signature', f'v=1; a=rsa-sha256; c=relaxed/relaxed; d=1e100.net; s=20230601; t={d.t}; b={rng.b64(40)}=='),
         ('X-Gm-Message-State', rng.b64(60) + '=='),
         ('X-Google-Smtp-Source', rng.b64(70) + '='),
         ('X-Received', f'by 2002:a05:{rng.hex(4)}:{rng.hex(4)}:b0:{rng.hex(3)}:{rng.hex(4)} '
                        f'with SMTP id {rng.alnum(12).lower()}.{rng.randint(1, 99)}.{d.t}{rng.digits(3)};\r\n        '
                        + C.rfc_date(d.t, -480, comment='PST'))]
    h += [('MIME-Version', '1.0')] + reply_headers(d)
    h += [('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
          ('Date', C.rfc_date(d.t, C.TZ_BY_LANG.get(d.lang, [0])[-1])),
          ('Message-ID', f'<{mid}>'), ('Subject', subj(d))]
    h += [('To', addr_list(d.to, d.charset, quote=False))] if d.to else []
    h += [('Cc', addr_list(d.cc, d.charset, quote=False))] if d.cc else []
    b = '0' * 12 + rng.hex(16)
    text = d.text + ('\n\n' + rng.pick(['Sent from my Android', 'Enviado desde mi Android'])
                     if android else '')
    html = d.html or ('<div dir="ltr">' + ''.join(f'<div>{esc(line) or "<br>"}</div>'
                                                  for line in text.split('\n')) + '</div>\n')
    body = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
        C.text_part(text, 'plain', 'UTF-8', 'quoted-printable' if any(ord(c) > 127 for c in text)
                    else None),
        C.text_part(html, 'html', 'UTF-8', 'quoted-printable')])
    return h + d.extra, with_attachments(rng, body, d, '0' * 12 + rng.hex(16))


def yahoo(rng, d):
    mid = f'{rng.randint(100000000, 2000000000)}.{rng.randint(100000, 9999999)}.{d.t}{rng.digits(3)}@mail.yahoo.com'
    h = [('DKIM-Signature', f'v=1; a=rsa-sha256; c=relaxed/relaxed; d=yahoo.com; s=s2048; t={d.t}; bh={rng.b64(43)}=; h=Date:From:To:Subject:References:From:Subject:Reply-To; b={rng.b64(76)}'),
         ('X-YMail-OSG', rng.alnum(80, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._')),
         ('X-Sonic-MF', f'<{d.sender.addr}>'),
         ('Date', C.rfc_date(d.t, 0, comment='UTC')),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('Reply-To', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('To', addr_list(d.to, d.charset, quote=False)),
         ('Message-ID', f'<{mid}>'), ('Subject', subj(d))] + reply_headers(d)
    h += [('MIME-Version', '1.0'), ('X-Mailer', f'WebService/1.1.{rng.randint(20000, 23000)} YMailNorrin')]
    b = f'----=_Part_{rng.randint(1000000, 9999999)}_{rng.randint(100000000, 999999999)}.{d.t}{rng.digits(3)}'
    html = d.html or ('<html><head></head><body><div class="ydp' + rng.hex(8) + 'yahoo-style-wrap" '
                      'style="font-family:Helvetica Neue, Helvetica, Arial, sans-serif;font-size:'
                      '13px;">' + ''.join(f'<div dir="ltr">{esc(line) or "<br>"}</div>'
                                          for line in d.text.split('\n')) + '</div></body></html>')
    body = C.Part('multipart/alternative', params=[('boundary', b)], boundary=b, children=[
        C.text_part(d.text, 'plain', 'UTF-8', '7bit' if all(ord(c) < 128 for c in d.text)
                    else 'quoted-printable', quote_charset=False),
        C.text_part(html, 'html', 'UTF-8', '7bit' if all(ord(c) < 128 for c in html)
                    else 'quoted-printable', quote_charset=False)])
    return h + d.extra, with_attachments(rng, body, d, b + '1')


def roundcube(rng, d):
    h = [('MIME-Version', '1.0'), ('Date', C.mkdate_hdr(d.t, d.lang, rng)),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('To', addr_list(d.to, d.charset, quote=False)), ('Subject', subj(d))] + reply_headers(d)
    h += [('Message-ID', f'<{rng.hex(32)}@{d.sender.domain}>'),
          ('X-Sender', d.sender.addr), ('User-Agent', 'Roundcube Webmail/1.6.' + str(rng.randint(0, 9)))]
    body = C.text_part(d.text, 'plain', 'US-ASCII' if all(ord(c) < 128 for c in d.text) else
                       'UTF-8', '7bit' if all(ord(c) < 128 for c in d.text) else '8bit',
                       quote_charset=False, flowed=True)
    return h + d.extra, with_attachments(rng, body, d, '=_' + rng.hex(32))


def squirrelmail(rng, d):
    host = 'webmail.' + d.sender.domain
    h = [('Message-ID', f'<{rng.randint(10000, 99999)}.10.0.0.{rng.randint(1, 99)}.{d.t}.squirrel@{host}>'),
         ('Date', C.mkdate_hdr(d.t, d.lang, rng, seconds=True)),
         ('Subject', subj(d)), ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote='always')),
         ('To', addr_list(d.to, d.charset)), ('User-Agent', 'SquirrelMail/1.4.' + str(rng.randint(2, 22))),
         ('MIME-Version', '1.0'), ('X-Priority', '3 (Normal)'), ('Importance', 'Normal')]
    return h + reply_headers(d) + d.extra, C.text_part(d.text, 'plain', 'iso-8859-1', '8bit',
                                                        quote_charset=False)


# ---------------------------------------------------------------------------------------------
# Unix and other desktop clients

def mutt(rng, d):
    host = rng.pick(['', rng.lower(6) + '.']) + d.sender.domain
    h = [('Date', C.rfc_date(d.t, C.TZ_BY_LANG.get(d.lang, [0])[0], pad_day=False)),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('To', addr_list(d.to, d.charset, quote=False))]
    h += [('Cc', addr_list(d.cc, d.charset, quote=False))] if d.cc else []
    lt = __import__('time').gmtime(d.t)
    mid = (f'{lt.tm_year}{lt.tm_mon:02d}{lt.tm_mday:02d}{lt.tm_hour:02d}{lt.tm_min:02d}'
           f'{lt.tm_sec:02d}.GA{rng.randint(1000, 99999)}@{host}')
    if rng.chance(0.4):
        mid = f'{rng.alnum(12).lower()}@{host}'
    h += [('Subject', subj(d, 'Q')), ('Message-ID', f'<{mid}>')] + reply_headers(d)
    h += [('MIME-Version', '1.0'), ('Content-Disposition', 'inline'),
          ('User-Agent', rng.pick(['Mutt/1.5.21 (2010-09-15)', 'Mutt/2.2.12 (2023-09-09)',
                                   'NeoMutt/20231103', 'Mutt/1.4i']))]
    body = C.text_part(d.text, 'plain', 'us-ascii' if all(ord(c) < 128 for c in d.text) else
                       'utf-8', None if all(ord(c) < 128 for c in d.text) else '8bit',
                       quote_charset=False)
    return h + d.extra, with_attachments(rng, body, d, rng.alnum(16).lower())


def pine(rng, d):
    host = rng.lower(6) + '.' + d.sender.domain
    lt = __import__('time').gmtime(d.t)
    stamp = f'{lt.tm_year % 100:02d}{lt.tm_mon:02d}{lt.tm_mday:02d}{lt.tm_hour:02d}{lt.tm_min:02d}{lt.tm_sec:02d}'
    mid = rng.pick([f'Pine.LNX.4.44.0{stamp[2:]}0.{rng.randint(1000, 9999)}-100000@{host}',
                    f'alpine.DEB.2.{rng.randint(10, 22)}.{"20" + stamp}{rng.digits(2)}.{rng.randint(1000, 99999)}@{host}'])
    h = [('Date', C.rfc_date(d.t, C.TZ_BY_LANG.get(d.lang, [0])[0], comment=rng.pick(['PDT', 'EDT', 'BST', 'CET']))),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('To', addr_list(d.to, d.charset, quote=False)), ('Subject', subj(d))] + reply_headers(d)
    h += [('Message-ID', f'<{mid}>'), ('MIME-Version', '1.0')]
    if all(ord(c) < 128 for c in d.text):
        body = C.Part('TEXT/PLAIN', C.text_part(d.text, cte=None).body, [('charset', 'US-ASCII'), ('format', 'flowed')])
    else:
        body = C.text_part(d.text, 'PLAIN', d.charset.upper(), 'QUOTED-PRINTABLE', quote_charset=False)
        body.ctype = 'TEXT/PLAIN'
    return h + d.extra, body


def evolution(rng, d):
    h = [('Message-ID', f'<{rng.hex(40)}.camel@{d.sender.domain}>'), ('Subject', subj(d)),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('To', addr_list(d.to, d.charset, quote=False)), ('Date', C.mkdate_hdr(d.t, d.lang, rng))]
    h += reply_headers(d)
    h += [('Content-Type', None)] if False else []
    h += [('User-Agent', f'Evolution 3.{rng.randint(30, 52)}.{rng.randint(0, 4)}'), ('MIME-Version', '1.0')]
    body = C.text_part(d.text, 'plain', 'UTF-8', '7bit' if all(ord(c) < 128 for c in d.text) else '8bit',
                       quote_charset=False)
    return h + d.extra, with_attachments(rng, body, d, '=-' + rng.alnum(20))


def kmail(rng, d):
    lt = __import__('time').gmtime(d.t)
    mid = f'{lt.tm_year}{lt.tm_mon:02d}{lt.tm_mday:02d}{lt.tm_hour:02d}{lt.tm_min:02d}.{rng.randint(10000, 99999)}.{d.sender.addr.split("@")[0]}@{d.sender.domain}'
    h = [('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('To', addr_list(d.to, d.charset, quote=False)), ('Subject', subj(d, 'Q')),
         ('Date', C.mkdate_hdr(d.t, d.lang, rng))]
    h += [('User-Agent', rng.pick(['KMail/1.4.3', 'KMail/1.9.10', 'KMail/5.2.3 (Linux/4.9.0; KDE/5.28.0; x86_64; ; )']))]
    h += reply_headers(d) + [('MIME-Version', '1.0'), ('Message-Id', f'<{mid}>')]
    body = C.text_part(d.text, 'plain', 'iso-8859-1', 'quoted-printable' if any(ord(c) > 127 for c in d.text) else '7bit', quote_charset=True)
    return h + d.extra, body


def eudora(rng, d):
    lt = __import__('time').gmtime(d.t)
    mid = f'5.1.0.14.2.{lt.tm_year}{lt.tm_mon:02d}{lt.tm_mday:02d}{lt.tm_hour:02d}{lt.tm_min:02d}{lt.tm_sec:02d}.{rng.hex(8)}@mail.{d.sender.domain}'
    h = [('Message-Id', f'<{mid}>'), ('X-Sender', d.sender.addr),
         ('X-Mailer', rng.pick(['QUALCOMM Windows Eudora Version 5.1', 'QUALCOMM Windows Eudora Version 6.2.4.2',
                                'QUALCOMM Windows Eudora Version 7.1.0.9'])),
         ('Date', C.mkdate_hdr(d.t, d.lang, rng)), ('To', addr_list(d.to, d.charset, quote=False)),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('Subject', subj(d))] + reply_headers(d) + [('Mime-Version', '1.0')]
    if all(ord(c) < 128 for c in d.text):
        body = C.Part('text/plain', C.text_part(d.text, cte=None).body, [('charset', '"us-ascii"'), ('format', 'flowed')])
    else:
        body = C.text_part(d.text, 'plain', 'iso-8859-1' if d.charset in ('us-ascii', 'utf-8') else d.charset,
                           'quoted-printable')
    return h + d.extra, body


def the_bat(rng, d):
    h = [('Date', C.mkdate_hdr(d.t, d.lang, rng)),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('X-Mailer', rng.pick(['The Bat! (v1.61) Personal', 'The Bat! (v3.99.3) Professional',
                                'The Bat! (v4.0.24) Professional'])),
         ('Reply-To', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('X-Priority', '3 (Normal)'),
         ('Message-ID', f'<{rng.randint(10, 1999999999)}.{C.time.strftime("%Y%m%d%H%M%S", C.time.gmtime(d.t))}@{d.sender.domain}>'),
         ('To', addr_list(d.to, d.charset, quote=False)), ('Subject', subj(d))] + reply_headers(d)
    h += [('MIME-Version', '1.0')]
    cs = {'ru': 'windows-1251'}.get(d.lang, 'iso-8859-1' if d.lang in ('de', 'fr', 'es') else d.charset)
    return h + d.extra, C.text_part(d.text, 'plain', cs, '8bit', quote_charset=False)


def sylpheed(rng, d):
    lt = __import__('time').gmtime(d.t)
    mid = f'{lt.tm_year}{lt.tm_mon:02d}{lt.tm_mday:02d}{lt.tm_hour:02d}{lt.tm_min:02d}{lt.tm_sec:02d}.{rng.hex(8)}.{d.sender.addr.split("@")[0]}@{d.sender.domain}'
    h = [('Date', C.mkdate_hdr(d.t, d.lang, rng)),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('To', addr_list(d.to, d.charset, quote=False)), ('Subject', subj(d)),
         ('Message-Id', f'<{mid}>')] + reply_headers(d)
    h += [('X-Mailer', rng.pick(['Sylpheed version 0.8.2 (GTK+ 1.2.10; i386-debian-linux-gnu)',
                                 'Claws Mail 4.1.1 (GTK 3.24.38; x86_64-pc-linux-gnu)'])),
          ('Mime-Version', '1.0')]
    return h + d.extra, C.text_part(d.text, 'plain', 'US-ASCII' if all(ord(c) < 128 for c in d.text) else 'UTF-8',
                                    '7bit' if all(ord(c) < 128 for c in d.text) else '8bit', quote_charset=False)


MODERN = [(14, outlook16), (6, exchange_online), (12, thunderbird), (8, apple_mail),
          (6, lambda r, d: apple_mail(r, d, iphone=True)), (14, gmail),
          (3, lambda r, d: gmail(r, d, android=True)), (4, yahoo), (3, roundcube), (3, mutt),
          (2, evolution), (1, kmail), (1, sylpheed)]
CLASSIC = [(16, outlook_express), (8, outlook_classic), (5, exchange), (8, mozilla_old),
           (6, mutt), (4, pine), (3, eudora), (3, the_bat), (3, kmail), (2, sylpheed),
           (2, squirrelmail), (3, evolution)]


def hotmail_classic(rng, d):
    """Hotmail and MSN web mail as it wrote messages until about 2006."""
    ip = C.public_ip(rng)
    h = [('X-Originating-IP', f'[{ip}]'), ('X-Originating-Email', f'[{d.sender.addr}]'),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote='always')),
         ('To', addr_list(d.to, d.charset))]
    h += [('Subject', subj(d)), ('Date', C.rfc_date(d.t, 0, pad_day=False))] + reply_headers(d)
    h += [('Mime-Version', '1.0'), ('Message-ID', f'<{rng.pick(["F", "LAW2-F", "BAY1-F", "SEA2-F"])}'
                                                   f'{rng.randint(10, 199)}{rng.alnum(22)}@hotmail.com>'),
          ('X-OriginalArrivalTime', f'{C.time.strftime("%d %b %Y %H:%M:%S.0123 (UTC)", C.time.gmtime(d.t))} '
                                    f'FILETIME=[{C.filetime_hex(d.t)[1].upper()}:{C.filetime_hex(d.t)[0].upper()}]')]
    if all(ord(c) < 128 for c in d.text):
        return h + d.extra, C.Part('text/plain', C.text_part(d.text, cte=None).body, [('format', 'flowed')])
    return h + d.extra, C.text_part(d.text, 'plain', 'iso-8859-1' if d.charset in ('us-ascii', 'utf-8')
                                    else d.charset, '8bit', quote_charset=False)


def yahoo_classic(rng, d):
    lt = C.time.gmtime(d.t)
    mid = (f'{lt.tm_year}{lt.tm_mon:02d}{lt.tm_mday:02d}{lt.tm_hour:02d}{lt.tm_min:02d}{lt.tm_sec:02d}.'
           f'{rng.randint(10000, 99999)}.qmail@web{rng.randint(10000, 21999)}.mail.yahoo.com')
    h = [('Message-ID', f'<{mid}>'), ('Date', C.rfc_date(d.t, -420, comment='PDT')),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('Subject', subj(d)), ('To', addr_list(d.to, d.charset, quote=False))] + reply_headers(d)
    h += [('MIME-Version', '1.0')]
    return h + d.extra, C.text_part(d.text + '\n\n__________________________________________________\n'
                                    'Do You Yahoo!?\nYahoo! Finance - Get real-time stock quotes\n'
                                    'http://finance.yahoo.com', 'plain', 'us-ascii' if all(ord(c) < 128 for c in d.text)
                                    else 'iso-8859-1', None if all(ord(c) < 128 for c in d.text) else '8bit',
                                    quote_charset=False)


def gmail_classic(rng, d):
    """Gmail's web interface of 2004-2006 (Message-ID <hex...@mail.gmail.com>)."""
    mid = f'{rng.hex(8)}{rng.digits(10)}x{rng.hex(4)}{rng.alnum(14).lower()}@mail.gmail.com'
    h = [('Message-ID', f'<{mid}>'), ('Date', C.rfc_date(d.t, -420)),
         ('From', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('Reply-To', C.addr_header(d.from_name, d.sender.addr, d.charset, quote=False)),
         ('To', addr_list(d.to, d.charset, quote=False)), ('Subject', subj(d))] + reply_headers(d)
    h += [('MIME-Version', '1.0')]
    ascii_only = all(ord(c) < 128 for c in d.text)
    return h + d.extra, C.text_part(d.text, 'plain', 'US-ASCII' if ascii_only else 'UTF-8',
                                    '7bit' if ascii_only else 'quoted-printable', quote_charset=False)
