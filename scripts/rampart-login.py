#!/usr/bin/env python3
"""Log in to a Rampart node from a terminal and get an API key, without a browser.

The node's login, password change and second-factor setup are HTML forms (with anti-forgery tokens); this
script fills them in the same way a browser does, over HTTP, using only the Python standard library.

First login of an account (one-time password, as printed at first start or by `admin user create`):
    scripts/rampart-login.py --url http://127.0.0.1:5080 --email admin@rampart.local --first-login
  asks for the one-time password and a new password, sets up the second factor, prints the authenticator key
  and the recovery codes (shown once: keep them), then creates an API key and prints it.

Later logins (password + a code from the authenticator, or --totp-key to compute the code here):
    scripts/rampart-login.py --url http://127.0.0.1:5080 --email admin@rampart.local [--totp-key KEY]

Passwords are read from the terminal (or from RAMPART_PASSWORD / RAMPART_NEW_PASSWORD for scripts); nothing is
stored. Exit codes: 0 done, 1 refused (wrong password, code, …), 2 bad command line.
"""
from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import html
import http.cookiejar
import json
import os
import re
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class Session:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path) as r:
            return r.geturl(), r.read().decode("utf-8", "replace")

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        data = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(self.base + path, data=data, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        with self.opener.open(req) as r:
            return r.geturl(), r.read().decode("utf-8", "replace")

    def post_json(self, path: str, body: dict) -> dict:
        req = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with self.opener.open(req) as r:
            return json.loads(r.read())

    def get_json(self, path: str) -> dict:
        with self.opener.open(self.base + path) as r:
            return json.loads(r.read())


def form_token(page: str, action: str, handler: str | None = None) -> str:
    """The anti-forgery token of the form posting to `action` (and, for pages with several forms, `handler`)."""
    for form in re.findall(r"<form\b[^>]*>.*?</form>", page, re.S):
        if f'action="{action}"' not in form:
            continue
        if handler is not None and f'name="_handler" value="{handler}"' not in form:
            continue
        m = re.search(r'name="__RequestVerificationToken" value="([^"]+)"', form)
        if m:
            return html.unescape(m.group(1))
    raise SystemExit(f"The page has no form for {action} {handler or ''}: is this a Rampart node?")


def page_errors(page: str) -> str:
    """The messages a page shows to the user (validation and alerts), as text."""
    found = re.findall(r'class="[^"]*(?:validation-message|mud-alert-message|rampart-error)[^"]*"[^>]*>(.*?)</', page, re.S)
    return "; ".join(html.unescape(re.sub(r"<[^>]+>", "", f)).strip() for f in found if f.strip())


def totp(key: str, at: float | None = None) -> str:
    secret = base64.b32decode(key.replace(" ", "").upper() + "=" * (-len(key.replace(" ", "")) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def secret(env: str, prompt: str) -> str:
    return os.environ.get(env) or getpass.getpass(prompt)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:5080")
    p.add_argument("--email", required=True)
    p.add_argument("--first-login", action="store_true", help="one-time password: choose a password and set up the second factor")
    p.add_argument("--totp-key", help="the authenticator key, to compute the code here instead of asking for it")
    p.add_argument("--key-name", default="cli", help="name of the API key to create")
    p.add_argument("--key-expires", help="expiry of the API key, ISO 8601 (default: the node's)")
    p.add_argument("--read-only", action="store_true", help="create a read-only API key")
    p.add_argument("--no-key", action="store_true", help="only log in (and set up), create no API key")
    a = p.parse_args()

    s = Session(a.url)
    _, page = s.get("/account/login")
    password = secret("RAMPART_PASSWORD", "One-time password: " if a.first_login else "Password: ")
    url, page = s.post_form("/account/login", {"_handler": "login", "__RequestVerificationToken": form_token(page, "/account/login"),
                                               "Input.Email": a.email, "Input.Password": password})
    path = urllib.parse.urlparse(url).path
    if path.startswith("/account/login") and "/account/login-2fa" not in path and "login-with-2fa" not in path:
        print("Login refused:", page_errors(page) or "wrong e-mail address or password.", file=sys.stderr)
        return 1

    if a.first_login:
        if not path.startswith("/account/setup"):
            print(f"This account needs no first-login setup (the node sent us to {path}); run without --first-login.", file=sys.stderr)
            return 1
        new = secret("RAMPART_NEW_PASSWORD", "New password: ")
        if "RAMPART_NEW_PASSWORD" not in os.environ and getpass.getpass("New password again: ") != new:
            print("The two new passwords differ.", file=sys.stderr)
            return 2
        url, page = s.post_form("/account/setup", {"_handler": "setup-password",
                                                   "__RequestVerificationToken": _token_any(page, "setup-password"),
                                                   "Password.Current": password, "Password.New": new, "Password.Confirm": new})
        m = re.search(r"([a-z2-7]{4}(?: [a-z2-7]{4}){5,})", page)
        errors = page_errors(page)
        if not m and not errors:
            # Analysts and viewers need no second factor: the new password is set and the session goes on.
            print("Password changed. This account needs no second factor (only administrators do).")
        elif not m:
            print("The password was not accepted:", errors or "(no message)", file=sys.stderr)
            return 1
        else:
            key = m.group(1)
            url, page = s.post_form("/account/setup", {"_handler": "setup-totp", "__RequestVerificationToken": _token_any(page, "setup-totp"),
                                                       "Totp.Code": totp(key)})
            codes = re.findall(r"\b[A-Z0-9]{5}-[A-Z0-9]{5}\b", page)
            if not codes:
                print("The second factor was not turned on:", page_errors(page) or "(no message)", file=sys.stderr)
                return 1
            print(f"Second factor on. Authenticator key (add it to your authenticator app): {key}")
            print("Recovery codes (each works once; shown only now):")
            for c in codes:
                print("  " + c)
    elif path.startswith("/account/setup"):
        print("This account still has its one-time password: run again with --first-login.", file=sys.stderr)
        return 1
    elif path.startswith("/account/login-2fa"):
        code = totp(a.totp_key) if a.totp_key else input("Code from the authenticator: ").strip()
        url, page = s.post_form(path + (("?" + urllib.parse.urlparse(url).query) if urllib.parse.urlparse(url).query else ""),
                                {"_handler": "login-2fa", "__RequestVerificationToken": _token_any(page, "login-2fa"), "Input.Code": code})
        if urllib.parse.urlparse(url).path.startswith("/account/login"):
            print("Code refused:", page_errors(page) or "wrong code.", file=sys.stderr)
            return 1

    if a.no_key:
        return 0
    me = s.get_json("/api/me")
    body: dict = {"name": a.key_name, "readOnly": a.read_only}
    if a.key_expires:
        body["expiresAt"] = a.key_expires
    try:
        created = s.post_json(f"/api/users/{me['id']}/keys", body)
    except urllib.error.HTTPError as e:
        print(f"The API key was not created ({e.code}): {e.read().decode('utf-8', 'replace')}", file=sys.stderr)
        return 1
    print(f"API key (shown once): {created['key']}")
    print(f"  use it as:  curl -H 'Authorization: Bearer {created['key']}' {a.url}/api/me")
    return 0


def _token_any(page: str, handler: str) -> str:
    """The anti-forgery token of the form with this `_handler`, whatever its action."""
    for form in re.findall(r"<form\b[^>]*>.*?</form>", page, re.S):
        if f'name="_handler" value="{handler}"' in form:
            m = re.search(r'name="__RequestVerificationToken" value="([^"]+)"', form)
            if m:
                return html.unescape(m.group(1))
    raise SystemExit(f"The page has no {handler} form: is this a Rampart node, and this account in that step?")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except urllib.error.URLError as e:
        print(f"Cannot reach the node: {e}", file=sys.stderr)
        sys.exit(1)
