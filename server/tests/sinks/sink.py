"""A mail and HTTP sink for the tests: a real SMTP server (aiosmtpd) that
keeps what it receives, and an HTTP server that plays SMS gateways and chat
robots and lets a test read back everything.

    python sink.py [--smtp-port N] [--http-port N]

prints one line `READY {"smtp": N, "http": N}` once both listen. HTTP:
    GET  /_sink/mail              messages received by SMTP, oldest first
    GET  /_sink/requests          requests received on any other path
    POST /_sink/smtp/stop|start   stop or restart the SMTP server (same port)
    DELETE /_sink/all             forget everything
Any other path records the request and answers like the service it names:
/twilio/... as Twilio, /dingtalk and /wecom with errcode 0, /feishu and
/lark with code 0, /slack with "ok", /fail with HTTP 500, others HTTP 200.
"""

import argparse
import base64
import email
import email.policy
import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

lock = threading.Lock()
mails = []
requests = []


class Keep:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = msg.get_body(("plain",))
        with lock:
            mails.append({
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "subject": str(msg["subject"] or ""),
                "body": part.get_content() if part is not None else "",
            })
        return "250 Message accepted for delivery"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Smtp:
    def __init__(self, port):
        self.port = port
        self.controller = None

    def start(self):
        if self.controller is None:
            self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
            self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def reply_for(path):
    if path.startswith("/twilio/"):
        return 201, {"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}
    if path.startswith("/dingtalk") or path.startswith("/wecom"):
        return 200, {"errcode": 0, "errmsg": "ok"}
    if path.startswith("/feishu") or path.startswith("/lark"):
        return 200, {"code": 0, "msg": "success"}
    if path.startswith("/slack"):
        return 200, "ok"
    if path.startswith("/fail"):
        return 500, {"message": "gateway is down for maintenance"}
    return 200, {"status": "ok"}


def make_handler(smtp):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, status, body):
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "text/plain" if isinstance(body, str) else "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def record(self):
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            auth = self.headers.get("authorization") or ""
            basic = None
            if auth.lower().startswith("basic "):
                basic = base64.b64decode(auth[6:]).decode("utf-8", "replace")
            with lock:
                requests.append({
                    "method": self.command,
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "basic_auth": basic,
                    "body": body,
                })
            self.send(*reply_for(self.path))

        def do_GET(self):
            if self.path == "/_sink/mail":
                with lock:
                    return self.send(200, list(mails))
            if self.path == "/_sink/requests":
                with lock:
                    return self.send(200, list(requests))
            self.record()

        def do_POST(self):
            if self.path == "/_sink/smtp/stop":
                smtp.stop()
                return self.send(200, {"smtp": "stopped"})
            if self.path == "/_sink/smtp/start":
                smtp.start()
                return self.send(200, {"smtp": "started"})
            self.record()

        def do_DELETE(self):
            if self.path == "/_sink/all":
                with lock:
                    mails.clear()
                    requests.clear()
                return self.send(200, {})
            self.record()

        do_PUT = do_POST
        do_PATCH = do_POST

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smtp-port", type=int, default=0)
    parser.add_argument("--http-port", type=int, default=0)
    args = parser.parse_args()
    smtp = Smtp(args.smtp_port or free_port())
    smtp.start()
    http = ThreadingHTTPServer(("127.0.0.1", args.http_port), make_handler(smtp))
    print("READY " + json.dumps({"smtp": smtp.port, "http": http.server_address[1]}), flush=True)
    try:
        http.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        smtp.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
