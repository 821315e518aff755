"""Message assembly for the second generator: headers, RFC 2047 words, text bodies in the
charsets and transfer encodings real clients use, multipart trees, attachments.

Everything is deterministic: boundaries, Message-IDs and dates come from the caller.
Lines end with CRLF.
"""

import base64
import quopri

CRLF = "\r\n"


def encoded_word(text, charset="utf-8", kind="B"):
    """RFC 2047 encoded words for a header value (split to stay under 75 characters)."""
    if all(ord(c) < 128 for c in text):
        return text
    words = []
    chunk = ""
    for ch in text:
        trial = chunk + ch
        if len(trial.encode(charset, "replace")) > 36:
            words.append(chunk)
            chunk = ch
        else:
            chunk = trial
    if chunk:
        words.append(chunk)
    out = []
    for w in words:
        raw = w.encode(charset, "replace")
        if kind == "B":
            payload = base64.b64encode(raw).decode("ascii")
        else:
            payload = quopri.encodestring(raw, header=True).decode("ascii").replace(" ", "_")
        out.append("=?%s?%s?%s?=" % (charset.upper() if charset != "iso-2022-jp" else "ISO-2022-JP",
                                      kind, payload))
    return (CRLF + " ").join(out)


def address(name, addr, charset="utf-8"):
    if not name:
        return addr
    if all(ord(c) < 128 for c in name):
        if any(c in name for c in ',.;:"()<>@'):
            return '"%s" <%s>' % (name.replace('"', ""), addr)
        return "%s <%s>" % (name, addr)
    return "%s <%s>" % (encoded_word(name, charset), addr)


def _fold(name, value):
    line = "%s: %s" % (name, value)
    if len(line) <= 78 or CRLF in value:
        return line
    # Fold at spaces (structured headers such as To with many addresses).
    out, cur = [], ""
    for piece in line.split(" "):
        if cur and len(cur) + 1 + len(piece) > 76:
            out.append(cur)
            cur = " " + piece
        else:
            cur = piece if not cur else cur + " " + piece
    out.append(cur)
    return CRLF.join(out)


class Part:
    """A MIME part: headers (name, value) and a body already encoded for transport."""

    def __init__(self, headers, body, children=None, boundary=None):
        self.headers = headers
        self.body = body
        self.children = children or []
        self.boundary = boundary

    def render(self):
        lines = [_fold(n, v) for n, v in self.headers]
        head = CRLF.join(lines) + CRLF + CRLF
        if not self.children:
            return head + self.body
        parts = []
        for c in self.children:
            parts.append("--" + self.boundary + CRLF + c.render())
        body = (self.body + CRLF if self.body else "") + (CRLF).join(parts)
        if not body.endswith(CRLF):
            body += CRLF
        return head + body + "--" + self.boundary + "--" + CRLF


def _lines(text):
    return text.replace("\r\n", "\n").replace("\n", CRLF)


def text_part(text, subtype="plain", charset="utf-8", cte=None):
    """A text part. cte: 7bit, 8bit, base64 or quoted-printable (chosen when None)."""
    raw = text.replace("\r\n", "\n")
    if charset == "iso-2022-jp":
        data = raw.encode("iso-2022-jp", "replace")
        cte = cte or "7bit"
    else:
        data = raw.encode(charset, "replace")
        if cte is None:
            cte = "7bit" if all(b < 128 for b in data) else "base64"
    if cte == "base64":
        body = base64.encodebytes(data.replace(b"\n", b"\r\n")).decode("ascii")
        body = _lines(body)
    elif cte == "quoted-printable":
        body = quopri.encodestring(data.replace(b"\n", b"\r\n")).decode("ascii")
        body = body.replace("=0D\n", "\n").replace("\r\n", "\n")
        body = _lines(body)
    else:
        body = _lines(data.decode("latin-1"))
    if not body.endswith(CRLF):
        body += CRLF
    headers = [("Content-Type", "text/%s; charset=%s" % (subtype, charset.upper()
                                                          if charset != "iso-2022-jp" else "ISO-2022-JP")),
               ("Content-Transfer-Encoding", cte)]
    return Part(headers, body)


def attachment(data, ctype, filename, charset=None):
    """An attachment (bytes), base64 encoded."""
    body = _lines(base64.encodebytes(data).decode("ascii"))
    ct = ctype + ("; charset=%s" % charset if charset else "") + '; name="%s"' % filename
    return Part([("Content-Type", ct), ("Content-Transfer-Encoding", "base64"),
                 ("Content-Disposition", 'attachment; filename="%s"' % filename)], body)


def calendar_part(ics):
    return Part([("Content-Type", 'text/calendar; charset=UTF-8; method=REQUEST'),
                 ("Content-Transfer-Encoding", "8bit")], _lines(ics.encode("utf-8").decode("latin-1")))


def multipart(subtype, children, boundary):
    return Part([("Content-Type", 'multipart/%s; boundary="%s"' % (subtype, boundary))], "",
                children, boundary)


def message(headers, body_part):
    """A whole message: `headers` first, then MIME-Version and the body part's headers."""
    top = list(headers) + [("MIME-Version", "1.0")] + body_part.headers
    body_part = Part(top, body_part.body, body_part.children, body_part.boundary)
    return body_part.render()


def html_of(text):
    """A simple HTML rendering of plain text (what webmail and Outlook send alongside)."""
    esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    paras = "".join("<p>%s</p>" % p.replace("\n", "<br>") for p in esc.split("\n\n"))
    return "<html><head><meta charset=\"utf-8\"></head><body>%s</body></html>" % paras
