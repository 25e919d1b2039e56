"""A stand-in for GOV.UK Notify on loopback: the parts of its API the portal calls.

POST /v2/notifications/{sms,email,letter} checks the client's JWT (signed with the API key's
secret, issued by the service id), records the request and answers 201 with an id, unless a
script for that phone number, email or first address line says otherwise (429, 400...).
GET /v2/notifications?reference=... lists the accepted notifications with that reference.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "4b1e5a58-6c0f-4a9b-9e0a-3f1e4f0e2a11"
SECRET = "9d2c8f1e-7a3b-4c5d-8e9f-0a1b2c3d4e5f"
API_KEY = f"portal_test-{SERVICE_ID}-{SECRET}"

RATE_LIMITED = (
    429,
    {
        "status_code": 429,
        "errors": [{"error": "RateLimitError", "message": "Exceeded rate limit for key type LIVE"}],
    },
)
INVALID_NUMBER = (
    400,
    {
        "status_code": 400,
        "errors": [{"error": "ValidationError", "message": "phone_number Not a valid mobile number"}],
    },
)


class NotifyStub:
    def __init__(self):
        self.requests: list[dict] = []  # every request that reached us, answered or not
        self.sent: list[dict] = []  # the notifications Notify accepted
        self.script: dict[str, list[tuple[int, dict]]] = {}
        self.lookups: list[str | None] = []  # the references asked for by GET /v2/notifications
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                kind = self.path.rsplit("/", 1)[-1]
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
                    assert claims["iss"] == SERVICE_ID
                except Exception:
                    return self._answer(403, {"status_code": 403, "errors": [{"error": "AuthError"}]})
                if not self.path.startswith("/v2/notifications/") or kind not in ("sms", "email", "letter"):
                    return self._answer(404, {"status_code": 404, "errors": [{"error": "NotFound"}]})
                to = (
                    body.get("phone_number")
                    or body.get("email_address")
                    or body.get("personalisation", {}).get("address_line_1", "")
                )
                record = {"kind": kind, "to": to, **body}
                with stub._lock:
                    stub.requests.append(record)
                    scripted = stub.script.get(to) or []
                    status, answer = scripted.pop(0) if scripted else (201, None)
                    if answer is None:
                        record["id"] = str(uuid.uuid4())
                        stub.sent.append(record)
                        answer = {"id": record["id"], "reference": body.get("reference"), "content": {}}
                self._answer(status, answer)

            def do_GET(self):
                # GET /v2/notifications?reference=...: the notifications accepted with it.
                from urllib.parse import parse_qs, urlsplit

                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    assert jwt.decode(token, SECRET, algorithms=["HS256"])["iss"] == SERVICE_ID
                except Exception:
                    return self._answer(403, {"status_code": 403, "errors": [{"error": "AuthError"}]})
                parts = urlsplit(self.path)
                if parts.path != "/v2/notifications":
                    return self._answer(404, {"status_code": 404, "errors": [{"error": "NotFound"}]})
                reference = parse_qs(parts.query).get("reference", [None])[0]
                with stub._lock:
                    stub.lookups.append(reference)
                    found = [
                        {
                            "id": r["id"],
                            "reference": r.get("reference"),
                            "type": r["kind"],
                            "status": "created",
                        }
                        for r in stub.sent
                        if reference is None or r.get("reference") == reference
                    ]
                self._answer(200, {"notifications": found, "links": {"current": self.path}})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def texts_to(self, phone: str) -> list[dict]:
        return [r for r in self.sent if r["kind"] == "sms" and r["to"] == phone]
