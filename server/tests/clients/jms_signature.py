#!/usr/bin/env python3
"""An independent JumpServer-style API client: signs requests with an access
key the way JumpServer's clients do (draft-cavage HTTP Signatures,
hmac-sha256), using only Python's standard library.

    jms_signature.py BASE_URL KEY_ID SECRET NOW CASE

NOW is the Unix time to put in the Date header (the server under test may
run on a fixed clock). Prints one JSON object: {"status": ..., "body": ...}.
"""

import base64
import email.utils
import hashlib
import hmac
import json
import sys
import urllib.error
import urllib.request


def sign(secret, method, target, headers, names):
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        else:
            value = next(v for k, v in headers.items() if k.lower() == name.lower())
            lines.append(f"{name.lower()}: {value}")
    text = "\n".join(lines).encode()
    return base64.b64encode(hmac.new(secret.encode(), text, hashlib.sha256).digest()).decode()


def digest(body):
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def call(base, key_id, secret, now, method, target, body=None, names=None,
         sign_target=None, sign_body=None, sign_secret=None, header_case=str.lower):
    headers = {
        "Accept": "application/json",
        "Date": email.utils.formatdate(now, usegmt=True),
        "X-JMS-ORG": "00000000-0000-0000-0000-000000000002",
    }
    names = names or ["(request-target)", "accept", "date", "x-jms-org"]
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
        headers["Digest"] = digest(json.dumps(sign_body).encode() if sign_body is not None else data)
    signature = sign(sign_secret or secret, method, sign_target or target, headers, names)
    listed = " ".join(header_case(n) for n in names)
    headers["Authorization"] = (
        f'Signature keyId="{key_id}",algorithm="hmac-sha256",'
        f'headers="{listed}",signature="{signature}"'
    )
    req = urllib.request.Request(base + target, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            status, raw = res.status, res.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return {"status": status, "body": parsed}


def main():
    base, key_id, secret, now, case = sys.argv[1:6]
    now = float(now)
    profile = "/api/v1/users/profile/"
    body_names = ["(request-target)", "date", "content-type", "digest", "x-jms-org"]
    cases = {
        "profile": lambda: call(base, key_id, secret, now, "GET", profile),
        "profile_without_slash": lambda: call(base, key_id, secret, now, "GET", "/api/v1/users/profile"),
        "query": lambda: call(base, key_id, secret, now, "GET", "/api/v1/authentication/ssh-key/?limit=5&offset=0"),
        "patch_with_digest": lambda: call(
            base, key_id, secret, now, "PATCH", profile, body={"name": "Signed Name"}, names=body_names),
        "upper_case_header_names": lambda: call(
            base, key_id, secret, now, "PATCH", profile, body={"name": "Upper Case"}, names=body_names,
            header_case=lambda n: n if n.startswith("(") else n.title()),
        "users_list": lambda: call(base, key_id, secret, now, "GET", "/api/v1/users/users/"),
        "wrong_secret": lambda: call(base, key_id, secret, now, "GET", profile, sign_secret="not-the-secret"),
        "tampered_path": lambda: call(
            base, key_id, secret, now, "GET", "/api/v1/authentication/ssh-key/", sign_target=profile),
        "tampered_body": lambda: call(
            base, key_id, secret, now, "PATCH", profile, body={"name": "Mallory"},
            sign_body={"name": "Signed Name"}, names=body_names),
        "stale_date": lambda: call(base, key_id, secret, now - 301, "GET", profile),
        "missing_date": lambda: call(
            base, key_id, secret, now, "GET", profile, names=["(request-target)", "accept"]),
    }
    print(json.dumps(cases[case]()))


if __name__ == "__main__":
    main()
