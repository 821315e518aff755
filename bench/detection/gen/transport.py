"""Trace headers of the way a message travelled: the sender's submission server, provider
relays, list servers, bots talking straight to the recipient's MX, and the final delivery.
prepend() returns the headers with Return-Path, Received lines (newest first) and Delivered-To
on top."""
from . import common as C

GOOGLE = ['mail-wr1-f{n}.google.com', 'mail-ej1-f{n}.google.com', 'mail-lf1-f{n}.google.com',
          'mail-pl1-f{n}.google.com', 'mail-qk1-f{n}.google.com']
YAHOO = 'sonic{n}-{m}.consmr.mail.{dc}.yahoo.com'
MS = '{pod}.outbound.protection.outlook.com'


def _hop_dates(rng, t, n, lang):
    """n Received dates after the Date header's time, increasing, as strings (newest last)."""
    out, cur = [], t
    for _ in range(n):
        cur += rng.randint(0, 40)
        out.append(C.mta_date(cur, C.TZ_BY_LANG.get(lang, [0])[0]))
    return out


def _mx(rcpt_domain):
    return f'mx{1}.{rcpt_domain}'


def prepend(rng, headers, d, route, rcpt, mx=None, list_server=None, sender_ip=None,
            return_path=None, classic=False):
    """route: corp | gmail | yahoo | outlookcom | esp:<host> | list | bot | hacked | relay."""
    rcpt_domain = rcpt.split('@')[1]
    mx = mx or f'mx{rng.randint(1, 3)}.{rcpt_domain}'
    ip = sender_ip or C.public_ip(rng)
    dates = _hop_dates(rng, d.t, 4, rng.pick(['en', 'de', 'en']))
    rcvd = []   # oldest first
    sdom = d.sender.domain
    if route == 'corp':
        relay = rng.pick(['mail', 'smtp', 'mx', 'mta1', 'out']) + '.' + sdom
        client = rng.pick(['10.0.', '192.168.', '172.16.']) + f'{rng.randint(0, 9)}.{rng.randint(2, 250)}'
        if classic:
            rcvd.append(C.rcvd_sendmail(rng.lower(6), None, client, relay,
                                        rng.alnum(14), None, dates[0]))
            rcvd.append(C.rcvd_sendmail(relay, relay, ip, mx, rng.alnum(14), rcpt, dates[1]))
        else:
            rcvd.append(f'from [{client}] ({rng.lower(6)}.{sdom} [{client}])\r\n\t(Authenticated sender: '
                        f'{d.sender.addr})\r\n\tby {relay} (Postfix) with ESMTPSA id {C.postfix_qid(rng)};'
                        f' {dates[0]}')
            rcvd.append(C.rcvd_postfix(relay, relay, ip, mx, C.postfix_qid(rng), rcpt, dates[1], tls=True))
    elif route == 'gmail':
        n = rng.randint(41, 99)
        host = rng.pick(GOOGLE).format(n=n)
        gip = f'209.85.{rng.randint(128, 223)}.{n}'
        rcvd.append(f'by {host} with SMTP id {rng.alnum(12).lower()}so{rng.randint(1000000, 9999999)}'
                    f'{rng.lower(3)}.{rng.randint(1, 9)}\r\n\tfor <{rcpt}>; {dates[0]}')
        rcvd.append(C.rcvd_postfix(host, host, gip, mx, C.postfix_qid(rng), rcpt, dates[1], tls=True))
    elif route == 'yahoo':
        host = YAHOO.format(n=rng.randint(1, 40), m=rng.randint(1, 9), dc=rng.pick(['gq1', 'bf2', 'ne1']))
        yip = f'74.6.{rng.randint(128, 135)}.{rng.randint(1, 254)}'
        rcvd.append(f'from {rng.randint(1, 99)}.{rng.randint(1, 255)}.{rng.randint(1, 255)}.{rng.randint(1, 255)} '
                    f'by {host} with HTTP; {dates[0]}')
        rcvd.append(C.rcvd_postfix(host, host, yip, mx, C.postfix_qid(rng), rcpt, dates[1], tls=True))
    elif route == 'outlookcom':
        pod = rng.pick(['EUR05-AM6', 'NAM12-BN8', 'APC01-SG2', 'EUR03-DBA'])
        host = f'mail-{pod.lower()}-obe.outbound.protection.outlook.com'
        mip = f'40.92.{rng.randint(0, 127)}.{rng.randint(1, 254)}'
        rcvd.append(f'from {rng.pick(["AM9PR01MB", "BN6PR11MB", "VI1PR07MB"])}{rng.randint(1000, 9999)}.'
                    f'{rng.pick(["eurprd01", "namprd11"])}.prod.outlook.com ([fe80::{rng.hex(4)}:{rng.hex(4)}]) by '
                    f'{rng.pick(["AM9PR01MB", "BN6PR11MB"])}{rng.randint(1000, 9999)}.prod.outlook.com\r\n\t'
                    f'([fe80::{rng.hex(4)}%5]) with mapi id 15.20.{rng.randint(6000, 8000)}.{rng.randint(10, 40)}; {dates[0]}')
        rcvd.append(C.rcvd_postfix(host, host, mip, mx, C.postfix_qid(rng), rcpt, dates[1], tls=True))
    elif route.startswith('esp:'):
        host = route[4:]
        rcvd.append(C.rcvd_postfix(host, host, ip, mx, C.postfix_qid(rng), rcpt, dates[1],
                                   tls=not classic))
    elif route == 'list':
        ls = list_server
        relay = 'mail.' + sdom
        rcvd.append(C.rcvd_postfix(relay, relay, C.public_ip(rng), ls, C.postfix_qid(rng), None,
                                   dates[0], tls=not classic) if not classic else
                    C.rcvd_sendmail(relay, relay, C.public_ip(rng), ls, rng.alnum(14), None, dates[0]))
        rcvd.append(f'from {ls} (localhost [127.0.0.1])\r\n\tby {ls} (Postfix) with ESMTP id '
                    f'{C.postfix_qid(rng)}; {dates[1]}')
        lip = C.public_ip(rng)
        rcvd.append(C.rcvd_postfix(ls, ls, lip, mx, C.postfix_qid(rng), rcpt, dates[2], tls=not classic))
    elif route == 'bot':
        helo = rng.pick([rng.lower(rng.randint(5, 10)), 'User', 'localhost', f'[{ip}]',
                         rng.pick(['mail.', 'smtp.', '']) + C.org_domain(rng),
                         sdom, C.dynamic_rdns(rng, ip)])
        rdns = rng.pick([None, None, C.dynamic_rdns(rng, ip)])
        rcvd.append(C.rcvd_postfix(helo, rdns, ip, mx, C.postfix_qid(rng), rcpt, dates[0],
                                   tls=False, esmtp=rng.chance(0.6)))
    elif route == 'hacked':
        host = rng.pick(['server', 'web', 'vps', 'host', 'cpanel']) + str(rng.randint(1, 999)) + '.' + \
            C.org_domain(rng)
        rcvd.append(f'by {host} (Postfix, from userid {rng.pick([33, 48, 1001, 500])})\r\n\tid '
                    f'{C.postfix_qid(rng)}; {dates[0]}')
        rcvd.append(C.rcvd_postfix(host, host, ip, mx, C.postfix_qid(rng), rcpt, dates[1],
                                   tls=rng.chance(0.5)))
    elif route == 'relay':   # spam through an open or compromised relay (classic)
        helo = rng.lower(rng.randint(4, 8))
        relay = 'mail.' + C.org_domain(rng)
        rcvd.append(C.rcvd_sendmail(helo, C.dynamic_rdns(rng, ip), ip, relay, rng.alnum(14), rcpt,
                                    dates[0], version='8.11.6/8.11.6'))
        rcvd.append(C.rcvd_sendmail(relay, relay, C.public_ip(rng), mx, rng.alnum(14), rcpt, dates[1]))
    else:
        raise ValueError(route)
    rp = return_path if return_path is not None else d.sender.addr
    top = [('Return-Path', f'<{rp}>'), ('Delivered-To', rcpt)] if rng.chance(0.7) else \
        [('Return-Path', f'<{rp}>')]
    top += [('Received', r) for r in reversed(rcvd)]
    return top + headers
