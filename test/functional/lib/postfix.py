"""A private Postfix instance for the functional tests (Debian's postfix package).

Everything lives under one temporary directory: config_directory (main.cf, master.cf, the
Cyrus SASL config and sasldb), queue_directory, data_directory, the virtual mailboxes and the
mail log. The instance listens on 127.0.0.1 only, on ports the kernel hands out, and is
stopped with `postfix -c DIR stop`, then by the master's own PID if it lingers.

Listeners (SMTP servers, each with its own milter):

    Postfix(listeners={"smtp": {"milter": "inet:127.0.0.1:11332"},
                       "submission": {"milter": "...", "sasl": True}})

A listener with `sasl` offers AUTH PLAIN/LOGIN against a private sasldb and sets
milter_macro_daemon_name=ORIGINATING (the usual submission marker). Mail for
<name>@<domain> is delivered by virtual(8) into Maildir <tmp>/mail/<name>/ (static uid of
`nobody`). Needs root (Postfix's master binds and drops privileges itself).
"""
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

POSTFIX = shutil.which("postfix") or "/usr/sbin/postfix"
SASLPASSWD2 = shutil.which("saslpasswd2") or "/usr/sbin/saslpasswd2"
DOMAIN = "test.mailward"


def available():
    """Why the instance cannot run here, or None when it can."""
    if os.geteuid() != 0:
        return "Postfix needs root to start"
    if not os.path.exists(POSTFIX):
        return "postfix not installed"
    if not os.path.isdir("/usr/lib/postfix/sbin"):
        return "postfix daemon directory missing"
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        return "no postfix user"
    return None


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Services a minimal instance needs (no chroot: the temp dir is not set up for it).
_MASTER_BASE = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class Postfix:
    def __init__(self, listeners, users=("user",), sasl_users=None, extra_main=None):
        """listeners: name -> {"milter": "inet:HOST:PORT" or "", "sasl": bool};
        users: local parts with a mailbox; sasl_users: {login: password}."""
        self.root = tempfile.mkdtemp(prefix="mwpostfix-")
        os.chmod(self.root, 0o755)  # virtual(8) runs as nobody and must reach the mailboxes
        self.config_dir = os.path.join(self.root, "etc")
        self.queue_dir = os.path.join(self.root, "spool")
        self.data_dir = os.path.join(self.root, "data")
        self.mail_dir = os.path.join(self.root, "mail")
        self.log_path = os.path.join(self.root, "maillog")
        self.sasl_dir = os.path.join(self.config_dir, "sasl")
        self.sasldb = os.path.join(self.root, "sasldb2")  # not in config_directory: root-owned
        self.listeners = {}
        self.users = list(users)
        self.sasl_users = dict(sasl_users or {})
        self.extra_main = extra_main or {}
        for name, spec in listeners.items():
            self.listeners[name] = dict(spec, port=_free_port())
        self.started = False

    # ---- set-up

    def port(self, name):
        return self.listeners[name]["port"]

    def _write(self, path, text, mode=0o644):
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)

    def _main_cf(self):
        nobody = pwd.getpwnam("nobody")
        main = {
            "compatibility_level": "3.6",
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": "mx." + DOMAIN,
            "mydomain": DOMAIN,
            "myorigin": DOMAIN,
            "mydestination": "localhost",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "queue_directory": self.queue_dir,
            "data_directory": self.data_dir,
            "command_directory": "/usr/sbin",
            "daemon_directory": "/usr/lib/postfix/sbin",
            "shlib_directory": "/usr/lib/postfix",
            "meta_directory": "/etc/postfix",
            "maillog_file": self.log_path,
            "maillog_file_prefixes": self.root,
            "alias_maps": "",
            "alias_database": "",
            "biff": "no",
            "append_dot_mydomain": "no",
            "relayhost": "",
            "default_transport": "error:outbound mail is disabled in this test instance",
            "smtp_dns_support_level": "disabled",
            "smtpd_peername_lookup": "no",
            "smtpd_relay_restrictions":
                "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination",
            "virtual_mailbox_domains": DOMAIN,
            "virtual_mailbox_base": self.mail_dir,
            "virtual_mailbox_maps": "texthash:" + os.path.join(self.config_dir, "vmailbox"),
            "virtual_uid_maps": "static:%d" % nobody.pw_uid,
            "virtual_gid_maps": "static:%d" % nobody.pw_gid,
            "virtual_minimum_uid": "1",
            "milter_protocol": "6",
            "milter_default_action": "accept",
            "milter_connect_timeout": "10s",
            "milter_command_timeout": "30s",
            "milter_content_timeout": "120s",
            "cyrus_sasl_config_path": self.sasl_dir,
            "smtpd_sasl_type": "cyrus",
            "smtpd_sasl_path": "smtpd",
            "smtpd_sasl_auth_enable": "no",
            "smtpd_tls_security_level": "none",
            "smtpd_error_sleep_time": "0",
            "smtpd_soft_error_limit": "100",
            "smtpd_hard_error_limit": "200",
            "queue_run_delay": "10s",
            "minimal_backoff_time": "10s",
            "delay_warning_time": "0",
        }
        main.update(self.extra_main)
        return "".join(f"{k} = {v}\n" for k, v in main.items())

    def _master_cf(self):
        lines = [_MASTER_BASE]
        for name, spec in self.listeners.items():
            lines.append(f"127.0.0.1:{spec['port']} inet n - n - - smtpd\n")
            lines.append(f"  -o syslog_name=postfix/{name}\n")
            lines.append(f"  -o smtpd_milters={spec.get('milter', '')}\n")
            if spec.get("sasl"):
                lines.append("  -o smtpd_sasl_auth_enable=yes\n")
                lines.append("  -o milter_macro_daemon_name=ORIGINATING\n")
        return "".join(lines)

    def _setup(self):
        for d in (self.config_dir, self.queue_dir, self.data_dir, self.sasl_dir):
            os.makedirs(d, exist_ok=True)
        nobody = pwd.getpwnam("nobody")
        postfix = pwd.getpwnam("postfix")
        os.makedirs(self.mail_dir, exist_ok=True)
        os.chown(self.mail_dir, nobody.pw_uid, nobody.pw_gid)
        os.chown(self.data_dir, postfix.pw_uid, postfix.pw_gid)
        self._write(os.path.join(self.config_dir, "main.cf"), self._main_cf())
        self._write(os.path.join(self.config_dir, "master.cf"), self._master_cf())
        self._write(os.path.join(self.config_dir, "vmailbox"),
                    "".join(f"{u}@{DOMAIN} {u}/\n" for u in self.users))
        self._write(os.path.join(self.sasl_dir, "smtpd.conf"),
                    "pwcheck_method: auxprop\nauxprop_plugin: sasldb\n"
                    f"mech_list: PLAIN LOGIN\nsasldb_path: {self.sasldb}\n")
        for login, password in self.sasl_users.items():
            user, _, realm = login.partition("@")
            subprocess.run([SASLPASSWD2, "-c", "-p", "-f", self.sasldb, "-u", realm or DOMAIN,
                            user], input=password.encode(), check=True, timeout=30)
        if os.path.exists(self.sasldb):
            os.chown(self.sasldb, postfix.pw_uid, postfix.pw_gid)
            os.chmod(self.sasldb, 0o640)

    # ---- life cycle

    def postfix(self, *args, check=True):
        return subprocess.run([POSTFIX, "-c", self.config_dir, *args], capture_output=True,
                              text=True, timeout=60, check=check)

    def start(self):
        self._setup()
        out = self.postfix("start", check=False)
        if out.returncode != 0:
            why = self.diagnose()
            log = self.read_log()
            self.cleanup()
            raise RuntimeError(f"postfix start failed: {out.stdout}{out.stderr}{why}\n{log}")
        self.started = True
        deadline = time.time() + 20
        for spec in self.listeners.values():
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", spec["port"]), timeout=1) as s:
                        s.recv(512)  # the banner: smtpd is up
                    break
                except OSError:
                    if time.time() > deadline:
                        raise TimeoutError("postfix does not listen:\n" + self.read_log())
                    time.sleep(0.1)
        return self

    def diagnose(self):
        """What `postfix check` says. Postfix logs to stderr only when it is a terminal (and
        to syslog otherwise, which a container may not have), so give it one."""
        script = shutil.which("script")
        if not script:
            return ""
        out = subprocess.run([script, "-qc", f"{POSTFIX} -c {self.config_dir} check",
                              "/dev/null"], capture_output=True, text=True, timeout=60)
        return out.stdout

    def master_pid(self):
        try:
            with open(os.path.join(self.queue_dir, "pid", "master.pid")) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _alive(self, pid):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        # A zombie is as good as gone.
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().split()[2] != "Z"
        except OSError:
            return False

    def _children(self, pid):
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                             text=True).stdout
        return [int(x) for x in out.split()]

    def stop(self):
        """Stop the instance; afterwards none of its processes is left."""
        if not self.started:
            return
        pid = self.master_pid()
        children = self._children(pid) if pid else []
        self.postfix("stop", check=False)
        deadline = time.time() + 20
        while pid and self._alive(pid) and time.time() < deadline:
            time.sleep(0.1)
        if pid and self._alive(pid):
            os.kill(pid, signal.SIGKILL)
        for child in children:  # the master stops its children; make sure
            deadline = time.time() + 5
            while self._alive(child) and time.time() < deadline:
                time.sleep(0.05)
            if self._alive(child):
                try:
                    os.kill(child, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.started = False

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    # ---- inspection

    def read_log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def mailbox(self, user="user"):
        """Delivered messages (bytes), oldest first."""
        files = glob.glob(os.path.join(self.mail_dir, user, "new", "*"))
        files += glob.glob(os.path.join(self.mail_dir, user, "cur", "*"))
        files.sort(key=os.path.getmtime)
        out = []
        for path in files:
            with open(path, "rb") as f:
                out.append(f.read())
        return out

    def wait_for_mail(self, predicate, user="user", timeout=30):
        """The first delivered message for which predicate(bytes) holds."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for m in self.mailbox(user):
                if predicate(m):
                    return m
            time.sleep(0.1)
        raise TimeoutError("no matching message delivered; mail log:\n" + self.read_log()[-4000:])
