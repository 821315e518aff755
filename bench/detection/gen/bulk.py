"""Legitimate bulk senders: e-mail service providers (newsletters and transactional mail) with
their Message-ID shapes, list and feedback headers and click-tracking domains, list servers
(Mailman 2 and 3, ezmlm, Google and Yahoo Groups, LISTSERV), and the HTML they send."""
from . import common as C
from .clients import esc

# name: (mid, headers, tracking host, return-path host, x-mailer)
ESPS = ['mailchimp', 'sendgrid', 'ses', 'sfmc', 'mailgun', 'cmonitor', 'klaviyo', 'hubspot',
        'sparkpost', 'postmark']
CLASSIC_ESPS = ['listmanager', 'lyris', 'inhouse', 'exacttarget_old', 'digitalimpact']


def esp_profile(rng, esp, brand_dom, t):
    """Returns (message_id, extra_headers, tracking_host, bounce_domain, route_host)."""
    if esp == 'mailchimp':
        u = rng.hex(25)
        return (f'{rng.hex(32)}.{rng.randint(100000, 999999)}.{rng.hex(20)}@mail{rng.randint(1, 250)}.atl{rng.randint(11, 31)}.mcdlv.net',
                [('X-Mailer', 'Mailchimp Mailer - **CID' + rng.hex(10) + rng.hex(10) + '**'),
                 ('X-Campaign', f'mailchimp{u}.{rng.hex(10)}'), ('X-campaignid', f'mailchimp{u}.{rng.hex(10)}'),
                 ('X-Report-Abuse', f'Please report abuse for this campaign here: https://mailchimp.com/contact/abuse/?u={u}'),
                 ('X-MC-User', u), ('Feedback-ID', f'{rng.randint(100000, 999999)}:{rng.randint(100000, 999999)}:{u}:mailchimp'),
                 ('X-Accounttype', 'pd')],
                f'{brand_dom.split(".")[0]}.us{rng.randint(1, 21)}.list-manage.com', 'mail{n}.atl11.rsgsv.net',
                f'mail{rng.randint(1, 250)}.atl{rng.randint(11, 31)}.rsgsv.net')
    if esp == 'sendgrid':
        return (f'{rng.alnum(22)}@geopod-ismtpd-{rng.randint(1, 40)}',
                [('X-SG-EID', rng.alnum(80, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=')),
                 ('X-Entity-ID', rng.alnum(22) + '==')],
                f'u{rng.randint(1000000, 9999999)}.ct.sendgrid.net', 'sendgrid.net',
                f'o{rng.randint(1, 9)}.ptr{rng.randint(1000, 9999)}.{brand_dom}')
    if esp == 'ses':
        return (f'010001{rng.hex(10)}-{rng.hex(8)}-{rng.hex(4)}-{rng.hex(4)}-{rng.hex(4)}-{rng.hex(12)}-000000@email.amazonses.com',
                [('Feedback-ID', f'1.us-east-1.{rng.b64(43)}=:AmazonSES'),
                 ('X-SES-Outgoing', f'{C.time.strftime("%Y.%m.%d", C.time.gmtime(t))}-54.240.{rng.randint(0, 255)}.{rng.randint(1, 254)}')],
                f'{rng.lower(6)}.awstrack.me', 'amazonses.com', f'a{rng.randint(8, 48)}-{rng.randint(1, 200)}.smtp-out.amazonses.com')
    if esp == 'sfmc':
        return (f'{rng.hex(8)}-{rng.hex(4)}-{rng.hex(4)}-{rng.hex(4)}-{rng.hex(12)}@ind1s{rng.randint(1, 9):02d}mta{rng.randint(100, 999)}.xt.local',
                [('x-job', f'{rng.randint(100000, 9999999)}_{rng.randint(1000000, 99999999)}'),
                 ('X-SFMC-Stack', str(rng.randint(1, 11))), ('x-CSA-Complaints', 'csa-complaints@eco.de')],
                f'click.e.{brand_dom}', f'bounce.e.{brand_dom}', f'mta{rng.randint(1, 50)}.e.{brand_dom}')
    if esp == 'mailgun':
        return (f'{C.time.strftime("%Y%m%d%H%M%S", C.time.gmtime(t))}.{rng.hex(16)}@mg.{brand_dom}',
                [('X-Mailgun-Sid', rng.b64(30)), ('X-Mailgun-Tag', rng.pick(['weekly', 'promo', 'receipt']))],
                f'email.mg.{brand_dom}', f'mg.{brand_dom}', f'm{rng.randint(200, 250)}-{rng.randint(1, 99)}.mailgun.net')
    if esp == 'cmonitor':
        return (f'{rng.hex(32)}@{brand_dom}',
                [('X-Mailer', 'Campaign Monitor'), ('X-CMAE-Score', '0'),
                 ('X-CampaignID', rng.hex(32).upper())],
                f'{brand_dom.split(".")[0]}.createsend{rng.randint(1, 9)}.com', 'cmail20.com', f'mail{rng.randint(1, 90)}.cmail20.com')
    if esp == 'klaviyo':
        return (f'{rng.hex(8)}-{rng.hex(4)}-{rng.hex(4)}-{rng.hex(4)}-{rng.hex(12)}@send.klaviyomail.com',
                [('X-Kmail-Account', rng.alnum(6)), ('X-Kmail-Relay', 'klaviyo'), ('X-Kmail-Message', rng.alnum(26))],
                'trk.klclick.com', 'klaviyomail.com', f'a{rng.randint(1, 99)}-{rng.randint(1, 200)}.smtp-out.klaviyomail.com')
    if esp == 'hubspot':
        return (f'{C.time.strftime("%Y%m%d", C.time.gmtime(t))}{rng.digits(9)}.{rng.hex(32)}@bf{rng.randint(1, 99)}.hubspotemail.net',
                [('X-HS-Cid', rng.alnum(20)), ('X-Report-Abuse-To', 'abuse@hubspot.com')],
                f'{rng.alnum(6).lower()}.hubspotlinks.com', 'bf.hubspotemail.net', f'bf{rng.randint(1, 99)}.hubspotemail.net')
    if esp == 'sparkpost':
        return (f'{rng.hex(8)}.{rng.hex(16)}@{brand_dom}',
                [('X-MSFBL', rng.b64(60))],
                f'spgo.io' if rng.chance(0.5) else f'links.{brand_dom}', f'bounces.{brand_dom}', f'mta{rng.randint(1, 200)}.sparkpostmail.com')
    if esp == 'postmark':
        return (f'{rng.uuid()}@mtasv.net', [('X-PM-Message-Id', rng.uuid()), ('X-PM-Tag', 'transactional')],
                f'track.pstmrk.it', 'pm-bounces.' + brand_dom, f'mta{rng.randint(1, 500)}.{rng.pick(["a", "b"])}.mtasv.net')
    # Classic (2002) list managers and in-house newsletter software.
    if esp == 'listmanager':
        return (f'LISTMANAGER-{rng.randint(1000, 9999)}-{rng.randint(100000, 999999)}-{C.time.strftime("%Y.%m.%d-%H.%M.%S", C.time.gmtime(t))}--{rng.lower(6)}#example.com@lists.{brand_dom}',
                [('X-Mailer', 'ListManager Web Interface'), ('X-LSV-ListID', rng.lower(8)),
                 ('List-Unsubscribe', f'<mailto:leave-{rng.lower(8)}-{rng.digits(7)}@lists.{brand_dom}>')],
                f'www.{brand_dom}', f'lists.{brand_dom}', f'lists.{brand_dom}')
    if esp == 'lyris':
        return (f'LYRIS-{rng.digits(6)}-{rng.digits(7)}-{C.time.strftime("%Y.%m.%d-%H.%M.%S", C.time.gmtime(t))}-x@lists.{brand_dom}',
                [('X-Mailer', 'Lyris ListManager'), ('List-Unsubscribe', f'<mailto:leave-news-{rng.digits(7)}T@lists.{brand_dom}>')],
                f'clickthru.{brand_dom}', f'lists.{brand_dom}', f'lists.{brand_dom}')
    if esp == 'exacttarget_old':
        return (f'{rng.hex(32)}@mail.{brand_dom}', [('X-Mailer', 'ExactTarget'), ('x-job', rng.digits(6))],
                f'click.{brand_dom}', f'bounce.{brand_dom}', f'mta.{brand_dom}')
    if esp == 'digitalimpact':
        return (f'{rng.digits(12)}.{rng.digits(5)}@{rng.lower(3)}.di{rng.randint(1, 9)}.com',
                [('X-Mailer', 'Digital Impact Mailer')], f'r.{brand_dom}', f'dimail.{brand_dom}', f'mta{rng.randint(1, 20)}.digitalimpact.com')
    # inhouse: the company's own mail server and a script
    return (f'{C.time.strftime("%Y%m%d%H%M%S", C.time.gmtime(t))}.{rng.hex(8)}@{brand_dom}',
            [('X-Mailer', rng.pick(['ASP Mail', 'Microsoft CDO for Windows 2000', 'Newsletter Pro 2.1']))],
            f'www.{brand_dom}', brand_dom, f'mail.{brand_dom}')


def track(rng, host, target):
    """A tracked link through `host` to `target`."""
    if 'list-manage.com' in host:
        return f'https://{host}/track/click?u={rng.hex(25)}&id={rng.hex(10)}&e={rng.hex(10)}'
    if 'sendgrid' in host:
        return f'https://{host}/ls/click?upn={rng.b64(60)}'
    if 'awstrack' in host:
        return f'https://{host}/L0/{target.replace(":", "%3A").replace("/", "%2F")}/1/{rng.hex(16)}'
    if 'hubspotlinks' in host or 'klclick' in host or 'createsend' in host:
        return f'https://{host}/{rng.alnum(8)}/{rng.alnum(24)}'
    if host.startswith('www.'):
        return target
    return f'https://{host}/?qs={rng.hex(64)}'


def newsletter_html(rng, brand, site, lines, tracker, preheader, classic=False, dark_footer=False):
    logo = f'https://{("img." if not classic else "www.")}{site}/email/logo.png'
    links = [(rng.pick(['Shop now', 'Read more', 'See the collection', 'Book now', 'Learn more']),
              track(rng, tracker, f'https://www.{site}/{rng.lower(6)}'))]
    body = []
    if classic:
        body.append(f'<html><head><title>{esc(brand)}</title></head><body bgcolor="#FFFFFF">')
        body.append(f'<table width="600" border="0" cellpadding="0" cellspacing="0" align="center"><tr><td>'
                    f'<img src="{logo}" width="600" height="80" alt="{esc(brand)}"></td></tr>')
        for line in lines:
            body.append(f'<tr><td><font face="Verdana, Arial" size="2" color="#333333">{esc(line)}</font></td></tr>')
        body.append(f'<tr><td><font face="Verdana" size="2"><a href="{links[0][1]}">{links[0][0]}</a> | '
                    f'<a href="{track(rng, tracker, "http://www." + site)}">www.{site}</a></font></td></tr>')
        body.append(f'<tr><td><font face="Verdana" size="1" color="#999999">To unsubscribe, '
                    f'<a href="http://www.{site}/unsubscribe?e={rng.hex(12)}">click here</a>.</font></td></tr></table></body></html>')
        return '\n'.join(body)
    body.append('<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" '
                'content="width=device-width"><style>a{color:#0a66c2} .btn{background:#e4572e;'
                'color:#ffffff;padding:12px 24px}</style></head><body style="margin:0;padding:0;'
                'background:#f4f4f4">')
    if preheader:
        body.append(f'<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">'
                    f'{esc(preheader)}&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;</div>')
    body.append(f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">'
                f'<table width="600" style="background:#ffffff"><tr><td><a href="{track(rng, tracker, "https://www." + site)}">'
                f'<img src="{logo}" alt="{esc(brand)}" width="200"></a></td></tr>')
    body.append(f'<tr><td><img src="https://img.{site}/email/hero{rng.randint(1, 99)}.jpg" width="600" alt=""></td></tr>')
    for line in lines:
        body.append(f'<tr><td style="font-family:Arial,sans-serif;font-size:16px;color:#222222;padding:8px 24px">{esc(line)}</td></tr>')
    body.append(f'<tr><td align="center"><a class="btn" href="{links[0][1]}" style="background:#e4572e;color:#ffffff;'
                f'text-decoration:none;padding:12px 24px;display:inline-block">{links[0][0]}</a></td></tr>')
    for social in rng.sample(['Facebook', 'Instagram', 'X', 'YouTube', 'LinkedIn'], 3):
        body.append(f'<tr><td align="center"><a href="{track(rng, tracker, "https://www." + social.lower() + ".com/" + site.split(".")[0])}">{social}</a></td></tr>')
    footer_style = ('background-color:#1f2933;color:#ffffff' if dark_footer else 'color:#888888')
    bgattr = ' bgcolor="#1f2933"' if dark_footer else ''
    body.append(f'<tr><td{bgattr} style="font-family:Arial;font-size:11px;{footer_style};padding:16px">'
                f'{esc(brand)}, {rng.randint(1, 999)} Market Street, Springfield. '
                f'<a href="{track(rng, tracker, "https://www." + site + "/prefs")}" style="color:inherit">Manage preferences</a> · '
                f'<a href="https://www.{site}/unsubscribe?u={rng.hex(16)}" style="color:inherit">Unsubscribe</a> · '
                f'<a href="{track(rng, tracker, "https://www." + site)}">www.{site}</a></td></tr>')
    body.append(f'</table></td></tr></table><img src="https://{tracker}/open/{rng.hex(20)}.gif" width="1" height="1" alt=""></body></html>')
    return '\n'.join(body)


# ---------------------------------------------------------------------------------------------
# List servers

def list_headers(rng, kind, name, domain, classic):
    addr = f'{name}@{domain}'
    if kind == 'mailman':
        v = '2.0.13' if classic else rng.pick(['2.1.39', '2.1.29', '3.3.8'])
        h = [('X-BeenThere', addr), ('X-Mailman-Version', v), ('Precedence', 'bulk' if classic else 'list'),
             ('List-Help', f'<mailto:{name}-request@{domain}?subject=help>'),
             ('List-Post', f'<mailto:{addr}>'),
             ('List-Subscribe', f'<https://{("lists." if not classic else "")}{domain}/mailman/listinfo/{name}>,\r\n\t<mailto:{name}-request@{domain}?subject=subscribe>'),
             ('List-Id', f'{name.replace("-", " ").title()} discussion <{name}.{domain}>'),
             ('List-Unsubscribe', f'<https://{domain}/mailman/options/{name}>,\r\n\t<mailto:{name}-request@{domain}?subject=unsubscribe>'),
             ('List-Archive', f'<https://{domain}/pipermail/{name}/>')]
        if classic:
            h += [('Sender', f'{name}-admin@{domain}'), ('Errors-To', f'{name}-admin@{domain}')]
        else:
            h += [('Sender', f'"{name}" <{name}-bounces@{domain}>'), ('Errors-To', f'{name}-bounces@{domain}')]
        footer = f'\n\n_______________________________________________\n{name} mailing list\n{addr}\nhttps://{domain}/mailman/listinfo/{name}\n'
        return h, footer, f'{name}-{"admin" if classic else "bounces"}@{domain}'
    if kind == 'ezmlm':
        h = [('Mailing-List', f'contact {name}-help@{domain}; run by ezmlm'), ('Precedence', 'bulk'),
             ('List-Post', f'<mailto:{addr}>'), ('List-Help', f'<mailto:{name}-help@{domain}>'),
             ('List-Unsubscribe', f'<mailto:{name}-unsubscribe@{domain}>'),
             ('Delivered-To', f'mailing list {addr}')]
        return h, f'\n\n---------------------------------------------------------------------\nTo unsubscribe, e-mail: {name}-unsubscribe@{domain}\nFor additional commands, e-mail: {name}-help@{domain}\n', f'{name}-return-{rng.randint(1000, 99999)}-x={domain}@{domain}'
    if kind == 'google':
        h = [('X-Original-Sender', 'x'), ('X-Original-Authentication-Results', 'mx.google.com; spf=pass'),
             ('Precedence', 'list'), ('Mailing-list', f'list {addr}; contact {name}+owners@{domain}'),
             ('List-ID', f'<{name}.{domain}>'), ('X-Google-Group-Id', rng.digits(12)),
             ('List-Post', f'<https://groups.google.com/group/{name}/post>, <mailto:{addr}>'),
             ('List-Help', f'<https://groups.google.com/support/>, <mailto:{name}+help@{domain}>'),
             ('List-Archive', f'<https://groups.google.com/group/{name}/>'),
             ('List-Unsubscribe', f'<mailto:googlegroups-manage+{rng.digits(12)}+unsubscribe@googlegroups.com>,\r\n <https://groups.google.com/group/{name}/subscribe>')]
        return h, f'\n\n-- \nYou received this message because you are subscribed to the Google Groups "{name}" group.\nTo unsubscribe from this group and stop receiving emails from it, send an email to {name}+unsubscribe@{domain}.\n', f'{name}+bncBD{rng.alnum(40)}@{domain}'
    if kind == 'yahoo':
        ad = ('\n\n------------------------ Yahoo! Groups Sponsor ---------------------~-->\n'
              f'{rng.pick(["Get 128 Bit SSL Encryption!", "Free Web-based e-mail groups", "Plan your trip with Yahoo! Travel"])}\n'
              f'http://us.click.yahoo.com/{rng.alnum(6)}/{rng.alnum(6)}/{rng.alnum(6)}/{rng.alnum(6)}/TM\n'
              '---------------------------------------------------------------------~->\n\n'
              f'To unsubscribe from this group, send an email to:\n{name}-unsubscribe@yahoogroups.com\n\n'
              'Your use of Yahoo! Groups is subject to http://docs.yahoo.com/info/terms/\n')
        h = [('X-eGroups-Return', f'sentto-{rng.digits(7)}-{rng.randint(100, 9999)}-{rng.digits(10)}-x=example.com@returns.groups.yahoo.com'),
             ('X-Sender', 'x'), ('X-Apparently-To', f'{name}@yahoogroups.com'),
             ('Mailing-List', f'list {name}@yahoogroups.com; contact {name}-owner@yahoogroups.com'),
             ('Delivered-To', f'mailing list {name}@yahoogroups.com'), ('Precedence', 'bulk'),
             ('List-Unsubscribe', f'<mailto:{name}-unsubscribe@yahoogroups.com>')]
        return h, ad, f'sentto-{rng.digits(7)}-{rng.randint(100, 9999)}@returns.groups.yahoo.com'
    # listserv
    h = [('Sender', f'{name.upper()} Discussion List <{name.upper()}@LISTSERV.{domain.upper()}>'),
         ('List-Help', f'<https://listserv.{domain}/cgi-bin/wa?LIST={name.upper()}>'),
         ('List-Unsubscribe', f'<mailto:{name.upper()}-signoff-request@LISTSERV.{domain.upper()}>'),
         ('List-Owner', f'<mailto:{name.upper()}-request@LISTSERV.{domain.upper()}>')]
    return h, '', f'owner-{name}@listserv.{domain}'
