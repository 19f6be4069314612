#!/usr/bin/env python3
"""A tiny "member blog" that signs its members in to Parley's comments.

It signs a payload with the site's SSO secret on every page view, so its
members comment as verified readers without a second account. Copy what
you need from it: the part Parley cares about is sign_payload and the
snippet in page_html. Python 3, standard library only.

    PARLEY_URL=http://localhost:8080 PARLEY_SITE=demo \
    PARLEY_SSO_SECRET=psso_... python3 cmd/parley-sso-example/python/blog.py

Environment:

    PARLEY_URL         Parley's base URL (default http://localhost:8080)
    PARLEY_SITE        the site's id in Parley (required)
    PARLEY_SSO_SECRET  the site's SSO secret, from the "Sign-in" part of the
                       site's settings in Parley's admin page (required)
    ADDR               host:port to listen on (default 127.0.0.1:8090)
    PORT               the port alone, on 127.0.0.1, when ADDR is not set;
                       0 picks a free one
"""

import base64
import hashlib
import hmac
import html
import http.cookies
import http.server
import json
import os
import secrets
import sys
import time
import urllib.parse

# The blog's own accounts: a stand-in for its user database.
MEMBERS = {
    "1": {"id": "1", "name": "Ada Lovelace", "email": "ada@example.com",
          "affiliation": "Member since 1843"},
    "2": {"id": "2", "name": "Grace Hopper", "email": "grace@example.com",
          "affiliation": "Member since 1944"},
}

# How long a payload is accepted: it is signed fresh on every page view,
# so it only has to outlive the page's load.
PAYLOAD_TTL = 10 * 60


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_payload(secret, member, now=None):
    """Return the sign-in payload Parley verifies:

        base64url(JSON) "." base64url(HMAC-SHA256(secret, base64url(JSON)))

    base64url without padding; the HMAC key is the secret string's bytes.
    JSON fields: id, name, email, avatar, affiliation (optional) and exp
    in Unix seconds. Sign on the server only: the secret must never reach
    a browser.
    """
    now = time.time() if now is None else now
    claims = {k: v for k, v in member.items()
              if k in ("id", "name", "email", "avatar", "affiliation") and v}
    claims["exp"] = int(now) + PAYLOAD_TTL
    body = b64url(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    sig = hmac.new(secret.encode("utf-8"), body.encode("ascii"), hashlib.sha256).digest()
    return body + "." + b64url(sig)


def config_from_env(env):
    cfg = {
        "parley_url": (env.get("PARLEY_URL") or "http://localhost:8080").rstrip("/"),
        "site": env.get("PARLEY_SITE", ""),
        "secret": env.get("PARLEY_SSO_SECRET", ""),
    }
    if not cfg["site"] or not cfg["secret"]:
        raise SystemExit("blog.py: set PARLEY_SITE to the site's id and PARLEY_SSO_SECRET "
                         "to its SSO secret (Parley's admin page, the site's settings, \"Sign-in\")")
    addr = env.get("ADDR") or "127.0.0.1:" + (env.get("PORT") or "8090")
    host, _, port = addr.rpartition(":")
    return cfg, (host or "127.0.0.1", int(port))


SESSION_COOKIE = "blog_session"
# Signs session cookies; new per process, so a restart signs everyone out.
SESSION_KEY = secrets.token_bytes(32)


def session_mac(member_id):
    mac = hmac.new(SESSION_KEY, b"session\x00" + member_id.encode("utf-8"), hashlib.sha256)
    return b64url(mac.digest())


def page_html(cfg, member, payload):
    """The article. Every value put into the page is escaped.

    The Parley snippet: data-sso carries the payload when a member is signed
    in and is left out when not (data-sso="" means signed out too). A
    single-page app can instead sign in and out from JavaScript, without
    reloading the widget: Parley.signIn(payload) and Parley.signOut(), with
    the payload from GET /sso-payload.
    """
    e = lambda s: html.escape(s, quote=True)
    if member:
        header = ('<form method="post" action="/logout">Signed in as %s '
                  '<button>Sign out</button></form>' % e(member["name"]))
    else:
        options = "".join('<option value="%s">%s</option>' % (e(m["id"]), e(m["name"]))
                          for m in MEMBERS.values())
        header = ('<form method="post" action="/login">\n<label>Sign in as '
                  '<select name="member">%s</select></label> <button>Sign in</button>\n'
                  '</form>' % options)
    sso = ' data-sso="%s"' % e(payload) if payload else ""
    return """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>On the Analytical Engine — Member Blog</title>
</head>
<body>
<header>
%s
</header>
<main>
<article>
<h1>On the Analytical Engine</h1>
<p>The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.</p>
<p>Members can comment below without a second account; everyone else can read along.</p>
</article>
<div id="parley"></div>
<script src="%s/embed.js" data-site="%s"%s async></script>
</main>
</body>
</html>
""" % (header, e(cfg["parley_url"]), e(cfg["site"]), sso)


class Blog(http.server.BaseHTTPRequestHandler):
    cfg = None  # set in main

    def member(self):
        """Who is signed in, or None."""
        cookies = http.cookies.SimpleCookie()
        try:
            cookies.load(self.headers.get("Cookie", ""))
        except http.cookies.CookieError:
            return None
        if SESSION_COOKIE not in cookies:
            return None
        member_id, _, mac = cookies[SESSION_COOKIE].value.partition(".")
        if not hmac.compare_digest(mac, session_mac(member_id)):
            return None
        return MEMBERS.get(member_id)

    def payload(self):
        """The signed-in member's fresh sign-in payload, or ""."""
        member = self.member()
        return sign_payload(self.cfg["secret"], member) if member else ""

    def send(self, status, content_type, body, headers=()):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def redirect_home(self, cookie):
        self.send(303, "text/plain; charset=utf-8", "See Other\n",
                  [("Location", "/"), ("Set-Cookie", cookie)])

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/":
            member = self.member()
            payload = sign_payload(self.cfg["secret"], member) if member else ""
            self.send(200, "text/html; charset=utf-8", page_html(self.cfg, member, payload),
                      [("Cache-Control", "no-store")])  # the page carries a payload
        elif path == "/sso-payload":
            # For single-page apps: fetch it, then call Parley.signIn(payload),
            # or Parley.signOut() when it is "".
            self.send(200, "application/json", json.dumps({"payload": self.payload()}) + "\n",
                      [("Cache-Control", "no-store")])  # the payload is a credential
        else:
            self.send(404, "text/plain; charset=utf-8", "404 page not found\n")

    # A real site would also protect /login and /logout from cross-site forms
    # (a CSRF token); SameSite=Lax keeps the cookie off other sites' requests.
    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        length = min(int(self.headers.get("Content-Length") or 0), 4096)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        if path == "/login":
            member = MEMBERS.get((form.get("member") or [""])[0])
            if not member:
                self.send(400, "text/plain; charset=utf-8", "no such member\n")
                return
            value = member["id"] + "." + session_mac(member["id"])
            self.redirect_home("%s=%s; Path=/; HttpOnly; SameSite=Lax" % (SESSION_COOKIE, value))
        elif path == "/logout":
            self.redirect_home("%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" % SESSION_COOKIE)
        else:
            self.send(404, "text/plain; charset=utf-8", "404 page not found\n")


def main():
    cfg, addr = config_from_env(os.environ)
    Blog.cfg = cfg
    server = http.server.ThreadingHTTPServer(addr, Blog)
    host, port = server.server_address[:2]
    print("listening on http://%s:%d" % (host, port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
