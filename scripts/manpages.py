#!/usr/bin/env python3
"""Write a manual page per command from the binary's own --help texts.

    scripts/manpages.py MAILWARD OUTDIR

mailward.8 lists the commands (`mailward --help`); mailward-<command>.8 holds the usage text
of `mailward <command> --help` and the one-line summary. Pages are gzip-compressed with a
fixed time stamp, so that the same binary gives the same bytes.
"""
import gzip
import os
import re
import subprocess
import sys

SEE_ALSO = "rspamc(1), spamc(1), postfix(1), exim4(8)"


def run_help(binary, *args):
    out = subprocess.run([binary, *args, "--help"], capture_output=True, text=True, timeout=30)
    return (out.stdout or out.stderr).rstrip("\n")


def roff_text(text):
    """Escape text for roff: backslashes, and lines starting with a dot or quote."""
    lines = []
    for line in text.replace("\\", "\\e").split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def header(name, version, summary):
    return (f'.TH {name.upper()} 8 "" "mailward {version}" "Mailward"\n'
            f".SH NAME\n{name} \\- {roff_text(summary)}\n")


def write_page(outdir, name, text):
    path = os.path.join(outdir, f"{name}.8.gz")
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(text.encode())
    return path


def main():
    binary, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    version = subprocess.run([binary, "--version"], capture_output=True, text=True,
                             check=True).stdout.split("\n")[0].split()[-1]
    top = run_help(binary)
    commands = []
    in_list = False
    for line in top.split("\n"):
        if line.strip() == "commands:":
            in_list = True
            continue
        m = re.match(r"^  (\S+)\s+(.*)$", line) if in_list else None
        if m:
            summary = re.sub(r"\s*\(see --help\)", "", m.group(2))
            commands.append((m.group(1), summary))
        elif in_list and line.strip() and not line.startswith("  "):
            in_list = False
    if not commands:
        sys.exit("manpages: no command list in `mailward --help`")
    page = header("mailward", version, "mail scanning daemon and its tools")
    page += ".SH SYNOPSIS\n.B mailward\n.I command\n[\\fIoptions\\fR]\n"
    page += ".SH DESCRIPTION\nMailward scans mail for an MTA in the style of Rspamd. "
    page += "Each command has a page of its own.\n.SH COMMANDS\n"
    for name, summary in commands:
        page += f".TP\n.B {name}\n{roff_text(summary)} (see \\fBmailward-{name}\\fR(8)).\n"
    page += (".SH FILES\n.TP\n.I /etc/mailward/mailward.toml\nthe default configuration\n"
             ".TP\n.I /etc/mailward/local.d/\nlocal overrides (TOML), never touched by upgrades\n"
             ".TP\n.I /etc/mailward/lua.local.d/\nlocal Lua rules\n"
             ".TP\n.I /var/lib/mailward/\nstate: the embedded store, caches, outbound events\n")
    page += ".SH SEE ALSO\n" + ", ".join(f"mailward-{n}(8)" for n, _ in commands)
    page += ", " + SEE_ALSO + "\n"
    write_page(outdir, "mailward", page)
    for name, summary in commands:
        usage = re.sub(r"^usage: ", "", run_help(binary, name))
        p = header(f"mailward-{name}", version, summary)
        p += ".SH SYNOPSIS\n.nf\n" + roff_text(usage) + "\n.fi\n"
        p += f".SH DESCRIPTION\n{roff_text(summary)}.\n"
        p += ".SH SEE ALSO\nmailward(8)\n"
        write_page(outdir, f"mailward-{name}", p)


if __name__ == "__main__":
    main()
