"""Building blocks of generated mail: randomness, names, dates, encodings, MIME assembly and
Received lines. Everything is deterministic for a given seed."""
import base64
import email.utils
import quopri
import random
import string
import time
import uuid

HEX = '0123456789abcdef'


class Rng(random.Random):
    def pick(self, seq):
        return seq[self.randrange(len(seq))]

    def chance(self, p):
        return self.random() < p

    def hex(self, n, upper=False):
        s = ''.join(self.choice(HEX) for _ in range(n))
        return s.upper() if upper else s

    def alnum(self, n, chars=string.ascii_letters + string.digits):
        return ''.join(self.choice(chars) for _ in range(n))

    def lower(self, n):
        return ''.join(self.choice(string.ascii_lowercase) for _ in range(n))

    def digits(self, n):
        return ''.join(self.choice(string.digits) for _ in range(n))

    def uuid(self, upper=False):
        u = str(uuid.UUID(int=self.getrandbits(128), version=4))
        return u.upper() if upper else u

    def b64(self, n):
        return self.alnum(n, string.ascii_letters + string.digits + '+/')

    def weighted(self, pairs):
        """pairs: [(weight, value)]"""
        total = sum(w for w, _ in pairs)
        x = self.random() * total
        for w, v in pairs:
            x -= w
            if x <= 0:
                return v
        return pairs[-1][1]


# ---------------------------------------------------------------------------------------------
# Names and places

SYLLABLES = ['ar', 'ben', 'cor', 'dal', 'el', 'fin', 'gra', 'hol', 'in', 'jor', 'kel', 'lan',
             'mor', 'nor', 'ost', 'per', 'quin', 'ros', 'sal', 'tor', 'ul', 'ver', 'wes', 'zan',
             'bri', 'cal', 'dor', 'fel', 'gal', 'har', 'mar', 'net', 'pol', 'ran', 'sen', 'tel']
BIZ_WORDS = ['tech', 'systems', 'group', 'labs', 'media', 'works', 'solutions', 'partners',
             'consulting', 'design', 'logistics', 'health', 'foods', 'energy', 'capital', 'data',
             'soft', 'net', 'shop', 'travel', 'print', 'bau', 'handel', 'conseil', 'grupo']
TLDS = {'en': ['com', 'com', 'com', 'net', 'org', 'co.uk', 'io', 'us', 'ca', 'com.au'],
        'de': ['de', 'de', 'com', 'at', 'ch'], 'fr': ['fr', 'fr', 'com', 'be'],
        'es': ['es', 'com', 'com.mx', 'com.ar'], 'it': ['it', 'com'], 'pt': ['com.br', 'pt'],
        'nl': ['nl', 'be'], 'ru': ['ru', 'ru', 'com', 'su'], 'ja': ['co.jp', 'jp', 'ne.jp'],
        'zh': ['cn', 'com.cn', 'com', 'com.tw'], 'ko': ['co.kr', 'kr', 'com'],
        'pl': ['pl', 'com.pl']}

FIRST = {
    'en': ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David',
           'Susan', 'Richard', 'Karen', 'Thomas', 'Lisa', 'Daniel', 'Nancy', 'Paul', 'Sandra',
           'Mark', 'Emily', 'Steven', 'Laura', 'Kevin', 'Rachel', 'Brian', 'Sarah', 'Gavin',
           'Dermot', 'Niamh', 'Aoife', 'Chris', 'Justin', 'Greg', 'Matt', 'Theo', 'Craig'],
    'de': ['Jürgen', 'Anna', 'Stefan', 'Katrin', 'Thomas', 'Sabine', 'Michael', 'Ute', 'Jörg',
           'Claudia', 'Andreas', 'Birgit', 'Frank', 'Monika', 'Uwe', 'Petra'],
    'fr': ['Jean', 'Marie', 'Pierre', 'Sophie', 'Luc', 'Camille', 'Nicolas', 'Élodie', 'François',
           'Isabelle', 'Julien', 'Céline'],
    'es': ['José', 'María', 'Carlos', 'Lucía', 'Javier', 'Carmen', 'Miguel', 'Elena', 'Andrés'],
    'it': ['Marco', 'Giulia', 'Luca', 'Francesca', 'Paolo', 'Chiara', 'Giovanni', 'Sara'],
    'pt': ['João', 'Ana', 'Pedro', 'Beatriz', 'Rafael', 'Mariana', 'Lucas', 'Fernanda'],
    'nl': ['Jan', 'Anouk', 'Pieter', 'Sanne', 'Bram', 'Femke', 'Daan', 'Lotte'],
    'ru': ['Алексей', 'Ольга', 'Дмитрий', 'Наталья', 'Сергей', 'Елена', 'Иван', 'Татьяна'],
    'ja': ['太郎', '花子', '健一', '由美', '大輔', '直子', '翔', '美咲'],
    'zh': ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋'],
    'ko': ['민준', '서연', '지훈', '하은', '도윤', '지민'],
    'pl': ['Piotr', 'Anna', 'Krzysztof', 'Katarzyna', 'Tomasz', 'Agnieszka'],
}
LAST = {
    'en': ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Moore',
           'Taylor', 'Anderson', 'Thomas', 'Jackson', 'White', 'Harris', 'Martin', 'Thompson',
           'Murphy', "O'Brien", 'Kelly', 'Walsh', 'Byrne', 'Mason', 'Hughes', 'Clarke'],
    'de': ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker',
           'Hoffmann', 'Schäfer', 'Koch', 'Richter'],
    'fr': ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand',
           'Lefèvre', 'Moreau'],
    'es': ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez'],
    'it': ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo'],
    'pt': ['Silva', 'Santos', 'Oliveira', 'Souza', 'Pereira', 'Costa', 'Ferreira'],
    'nl': ['de Jong', 'Jansen', 'de Vries', 'van Dijk', 'Bakker', 'Visser', 'Smit'],
    'ru': ['Иванов', 'Смирнова', 'Кузнецов', 'Попова', 'Соколов', 'Лебедева', 'Козлов'],
    'ja': ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村'],
    'zh': ['王', '李', '张', '刘', '陈', '杨', '黄', '赵'],
    'ko': ['김', '이', '박', '최', '정', '강'],
    'pl': ['Nowak', 'Kowalski', 'Wiśniewska', 'Wójcik', 'Kamiński', 'Lewandowska'],
}
LATIN = {'ru': ['Alexey', 'Olga', 'Dmitry', 'Natalia', 'Sergey', 'Elena', 'Ivan'],
         'ja': ['taro', 'hanako', 'kenichi', 'yumi', 'daisuke', 'naoko'],
         'zh': ['wei', 'fang', 'na', 'min', 'jing', 'qiang', 'lei'],
         'ko': ['minjun', 'seoyeon', 'jihoon', 'haeun', 'doyoon']}
FREEMAIL = {'en': ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'aol.com',
                   'icloud.com', 'msn.com', 'comcast.net'],
            'de': ['gmx.de', 'web.de', 't-online.de', 'gmail.com'],
            'fr': ['orange.fr', 'free.fr', 'laposte.net', 'gmail.com', 'hotmail.fr'],
            'es': ['gmail.com', 'hotmail.es', 'yahoo.es'], 'it': ['libero.it', 'gmail.com'],
            'pt': ['gmail.com', 'uol.com.br', 'hotmail.com'], 'nl': ['gmail.com', 'ziggo.nl'],
            'ru': ['mail.ru', 'yandex.ru', 'gmail.com', 'rambler.ru'],
            'ja': ['gmail.com', 'yahoo.co.jp', 'docomo.ne.jp'],
            'zh': ['163.com', 'qq.com', '126.com', 'sina.com'],
            'ko': ['naver.com', 'daum.net', 'hanmail.net'], 'pl': ['wp.pl', 'o2.pl', 'gmail.com']}


def ascii_fold(s):
    table = str.maketrans('äöüéèêëàâçîïôûùÉÄÖÜáíóúñãõśńłżąę', 'aoueeeeaaciiouuEAOUaiounaosnlzae')
    return s.translate(table).replace('ß', 'ss').replace("'", '')


class Person:
    def __init__(self, first, last, addr, lang):
        self.first, self.last, self.addr, self.lang = first, last, addr, lang

    @property
    def name(self):
        if self.lang in ('ja', 'zh', 'ko'):
            return self.last + self.first if self.lang != 'ko' else self.last + self.first
        return f'{self.first} {self.last}'

    @property
    def domain(self):
        return self.addr.split('@', 1)[1]


def org_domain(rng, lang='en'):
    name = rng.pick(SYLLABLES) + rng.pick(SYLLABLES)
    if rng.chance(0.5):
        name += rng.pick(['-', '']) + rng.pick(BIZ_WORDS)
    return f'{name}.{rng.pick(TLDS.get(lang, TLDS["en"]))}'


def person(rng, lang='en', domain=None, freemail=False):
    first = rng.pick(FIRST.get(lang, FIRST['en']))
    last = rng.pick(LAST.get(lang, LAST['en']))
    if lang in LATIN:
        lf, ll = rng.pick(LATIN[lang]), rng.lower(rng.randint(3, 6))
    else:
        lf, ll = ascii_fold(first).lower(), ascii_fold(last).lower().replace(' ', '')
    if freemail:
        domain = rng.pick(FREEMAIL.get(lang, FREEMAIL['en']))
    domain = domain or org_domain(rng, lang)
    style = rng.randrange(6)
    local = [f'{lf}.{ll}', f'{lf[0]}{ll}', lf, f'{lf}{ll[:1]}', f'{lf}_{ll}',
             f'{lf}.{ll}{rng.randint(1, 99)}'][style]
    if freemail and style in (2, 3):
        local += str(rng.randint(1, 9999))
    return Person(first, last, f'{local}@{domain}', lang)


def public_ip(rng):
    while True:
        a = rng.randint(11, 223)
        if a in (127, 169, 172, 192, 198, 100):
            continue
        return f'{a}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}'


def dynamic_rdns(rng, ip):
    a, b, c, d = ip.split('.')
    isp = rng.pick(['dsl.telesp.net.br', 'dynamic.163data.com.cn', 'pool.ttnet.com.tr',
                    'adsl.tpnet.pl', 'dyn.user.ono.com', 'cable.virginm.net', 'ip.fastwebnet.it',
                    'broadband.kyivstar.net', 'static.vnpt.vn', 'dsl.brasiltelecom.net.br',
                    'hsd1.ca.comcast.net', 'res.rr.com', 'dhcp.embarqhsd.net', 'kd.ne.jp'])
    pat = rng.randrange(4)
    if pat == 0:
        return f'{d}-{c}-{b}-{a}.{isp}'
    if pat == 1:
        return f'{a}-{b}-{c}-{d}.{isp}'
    if pat == 2:
        return f'host{d}-{c}.{isp}'
    return f'{rng.pick(["adsl", "dsl", "dyn", "pool", "cpe"])}-{a}-{b}-{c}-{d}.{isp}'


# ---------------------------------------------------------------------------------------------
# Dates

MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
TZ_BY_LANG = {'en': [-480, -420, -300, -240, 0, 60], 'de': [60, 120], 'fr': [60, 120],
              'es': [60, 120, -360], 'it': [60, 120], 'pt': [-180, 0], 'nl': [60, 120],
              'ru': [180], 'ja': [540], 'zh': [480], 'ko': [540], 'pl': [60, 120]}


def rfc_date(t, tz_minutes, pad_day=False, comment=None, seconds=True):
    lt = time.gmtime(t + tz_minutes * 60)
    sign = '+' if tz_minutes >= 0 else '-'
    off = abs(tz_minutes)
    day = f'{lt.tm_mday:02d}' if pad_day else str(lt.tm_mday)
    hms = f'{lt.tm_hour:02d}:{lt.tm_min:02d}' + (f':{lt.tm_sec:02d}' if seconds else '')
    s = (f'{DAYS[lt.tm_wday]}, {day} {MONTHS[lt.tm_mon - 1]} {lt.tm_year} {hms} '
         f'{sign}{off // 60:02d}{off % 60:02d}')
    if comment:
        s += f' ({comment})'
    return s


TZ_NAMES = {0: 'UTC', -480: 'PST', -420: 'PDT', -360: 'CST', -300: 'EST', -240: 'EDT', 60: 'CET',
            120: 'CEST', 180: 'MSK', 330: 'IST', 480: 'CST', 540: 'JST', -180: 'BRT'}


def mta_date(t, tz_minutes):
    """A Received date as Postfix and Sendmail write it: with the zone name in parentheses."""
    return rfc_date(t, tz_minutes, comment=TZ_NAMES.get(tz_minutes, 'UTC'))


def filetime_hex(t):
    """The high and low 32 bits of a Windows FILETIME (100 ns since 1601) as hex."""
    ft = int((t + 11644473600) * 10_000_000)
    return f'{ft >> 32:08x}', f'{ft & 0xffffffff:08x}'


# ---------------------------------------------------------------------------------------------
# Encodings

def qp(text, charset='utf-8'):
    data = text.encode(charset, 'replace') if isinstance(text, str) else text
    return quopri.encodestring(data).decode('ascii').replace('\n', '\r\n')


def b64_body(text, charset='utf-8', width=76):
    data = text.encode(charset, 'replace') if isinstance(text, str) else text
    enc = base64.b64encode(data).decode('ascii')
    return '\r\n'.join(enc[i:i + width] for i in range(0, len(enc), width))


def encoded_word(text, charset='utf-8', kind='B'):
    if all(ord(c) < 128 for c in text):
        return text
    data = text.encode(charset, 'replace')
    if kind == 'B':
        # Split so each encoded word stays under 75 characters.
        words, chunk = [], b''
        for ch in text:
            b = ch.encode(charset, 'replace')
            if len(base64.b64encode(chunk + b)) > 45:
                words.append(chunk)
                chunk = b
            else:
                chunk += b
        if chunk:
            words.append(chunk)
        return ' '.join(f'=?{charset}?B?{base64.b64encode(w).decode()}?=' for w in words)
    out = ''
    for byte in data:
        c = chr(byte)
        if c == ' ':
            out += '_'
        elif c.isalnum() and byte < 128:
            out += c
        else:
            out += f'={byte:02X}'
    return f'=?{charset}?Q?{out}?='


def addr_header(name, addr, charset='utf-8', quote=True, kind='B'):
    if not name:
        return addr if not quote else f'<{addr}>' if quote == 'angle' else addr
    if any(ord(c) > 127 for c in name):
        return f'{encoded_word(name, charset, kind)} <{addr}>'
    if quote and any(c in name for c in ',.;:@()<>[]"\''):
        return f'"{name}" <{addr}>'
    return f'"{name}" <{addr}>' if quote == 'always' else f'{name} <{addr}>'


def fold(name, value, width=76):
    """Fold a header line at spaces so lines stay under `width` where possible."""
    line = f'{name}: {value}'
    if len(line) <= width:
        return line
    out, cur = [], ''
    for word in line.split(' '):
        if cur and len(cur) + 1 + len(word) > width:
            out.append(cur)
            cur = ' ' + word
        else:
            cur = f'{cur} {word}' if cur else word
    out.append(cur)
    return '\r\n'.join(out)


# ---------------------------------------------------------------------------------------------
# MIME assembly

class Part:
    def __init__(self, ctype, body='', params=None, cte=None, headers=None, children=None,
                 boundary=None):
        self.ctype, self.body, self.params = ctype, body, params or []
        self.cte, self.headers, self.children, self.boundary = cte, headers or [], children, boundary

    def header_lines(self, ctype_style=None):
        ct = self.ctype
        for k, v in self.params:
            sep = '\r\n\t' if ctype_style == 'fold' else ' '
            ct += f';{sep}{k}="{v}"' if k in ('boundary', 'name', 'filename') or ctype_style == 'quote' else f';{sep}{k}={v}'
        lines = [f'Content-Type: {ct}']
        if self.cte:
            lines.append(f'Content-Transfer-Encoding: {self.cte}')
        lines.extend(f'{k}: {v}' for k, v in self.headers)
        return lines

    def render_body(self, preamble=None):
        if self.children is None:
            return self.body
        out = []
        if preamble:
            out.append(preamble)
            out.append('')
        for c in self.children:
            out.append(f'--{self.boundary}')
            out.extend(c.header_lines())
            out.append('')
            out.append(c.render_body())
        out.append(f'--{self.boundary}--')
        out.append('')
        return '\r\n'.join(out)


def text_part(text, subtype='plain', charset='utf-8', cte='quoted-printable', extra=None,
              quote_charset=True, flowed=False):
    params = [('charset', f'"{charset}"' if quote_charset else charset)]
    if flowed:
        params.append(('format', 'flowed'))
    if cte == 'quoted-printable':
        body = qp(text, charset)
    elif cte == 'base64':
        body = b64_body(text, charset)
    else:
        body = text.replace('\r\n', '\n').replace('\n', '\r\n')
        if cte in ('7bit', None) and any(ord(c) > 127 for c in text):
            body = body.encode(charset, 'replace').decode('latin-1')
        elif cte == '8bit':
            body = body.encode(charset, 'replace').decode('latin-1')
    p = Part(f'text/{subtype}', body, params, cte, extra)
    return p


def attachment(filename, data, ctype='application/octet-stream', inline=False, cid=None):
    headers = [('Content-Disposition', f'{"inline" if inline else "attachment"}; filename="{filename}"')]
    if cid:
        headers.append(('Content-ID', f'<{cid}>'))
    return Part(ctype, b64_body(data), [('name', filename)], 'base64', headers)


def render(headers, root, preamble=None):
    """headers: [(name, value)] in order; root: Part. Returns the message as bytes (CRLF)."""
    lines = [fold(k, v) if '\r\n' not in v else f'{k}: {v}' for k, v in headers]
    lines.extend(root.header_lines())
    text = '\r\n'.join(lines) + '\r\n\r\n' + root.render_body(preamble)
    if not text.endswith('\r\n'):
        text += '\r\n'
    return text.encode('latin-1', 'replace')


# ---------------------------------------------------------------------------------------------
# Received lines (the common MTA formats)

def rcvd_postfix(helo, rdns, ip, by, qid, rcpt, date, tls=False, esmtp=True):
    rd = rdns or 'unknown'
    s = f'from {helo} ({rd} [{ip}])'
    if tls:
        s += '\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n\t(No client certificate requested)'
    s += f'\r\n\tby {by} (Postfix) with {"ESMTPS" if tls else "ESMTP" if esmtp else "SMTP"} id {qid}'
    if rcpt:
        s += f'\r\n\tfor <{rcpt}>'
    return s + f'; {date}'


def rcvd_sendmail(helo, rdns, ip, by, qid, rcpt, date, version='8.12.5/8.12.5'):
    s = f'from {helo} ({rdns or ip} [{ip}])\r\n\tby {by} ({version}) with ESMTP id {qid}'
    if rcpt:
        s += f'\r\n\tfor <{rcpt}>'
    return s + f'; {date}'


def rcvd_exim(helo, rdns, ip, by, qid, sender, date, tls=False):
    s = f'from {rdns or "[" + ip + "]"} ([{ip}] helo={helo})\r\n\tby {by} with {"esmtps" if tls else "esmtp"} (Exim 4.96)'
    if tls:
        s += '\r\n\t(envelope-from <' + sender + '>)'
    return s + f'\r\n\tid {qid}; {date}'


def rcvd_local(by, qid, date, user='www-data'):
    return f'by {by} (Postfix, from userid {rng_uid(user)})\r\n\tid {qid}; {date}'


def rng_uid(user):
    return {'www-data': 33, 'apache': 48, 'nobody': 65534, 'root': 0}.get(user, 1000)


def postfix_qid(rng):
    return rng.hex(10, upper=True)


def mkdate_hdr(t, lang, rng, **kw):
    return rfc_date(t, rng.pick(TZ_BY_LANG.get(lang, [0])), **kw)


def epoch(y, m, d):
    return int(time.mktime((y, m, d, 12, 0, 0, 0, 0, 0)) - time.timezone)


def email_date_parse(s):
    return email.utils.parsedate_to_datetime(s)
