"""Fault injection: answer a share of AWS requests with throttling errors,
HTTP 500s or a slow reply, as AWS does under load, to prove that the retries
we configure carry a converge through.

Configured at run time: ``POST /_kumo/faults`` with JSON
``{"rate": 0.2, "kinds": ["throttle", "error", "slow"], "seed": 7, "slow_seconds": 1.5}``;
``{"rate": 0}`` turns it off. ``"agents": ["aws-sdk-go-v2"]`` confines faults to
requests whose User-Agent starts with one of those (a test holds ecspresso's
calls, say, and no other tool's). ``GET /_kumo/faults`` returns the settings and
how many faults were injected, by kind.
"""

import json
import random
import threading
import time
from functools import cache

import botocore.session

KINDS = ("throttle", "error", "slow")


@cache
def _protocols():
    """signing name / endpoint prefix -> botocore protocol (query, ec2, json, rest-json, rest-xml)."""
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    protocols = {}
    for name in session.get_available_services():
        metadata = loader.load_service_model(name, "service-2")["metadata"]
        for key in (metadata.get("signingName"), metadata.get("endpointPrefix")):
            if key:
                protocols.setdefault(key, metadata["protocol"])
    return protocols


# kind -> (HTTP status, error code) per protocol family, as AWS answers them.
_ANSWERS = {
    "throttle": {
        "json": ("400 Bad Request", "ThrottlingException"),
        "ec2": ("503 Service Unavailable", "RequestLimitExceeded"),
        "s3": ("503 Slow Down", "SlowDown"),
        "xml": ("400 Bad Request", "Throttling"),
    },
    "error": {
        "json": ("500 Internal Server Error", "InternalFailure"),
        "ec2": ("500 Internal Server Error", "InternalError"),
        "s3": ("500 Internal Server Error", "InternalError"),
        "xml": ("500 Internal Server Error", "InternalFailure"),
    },
}


def error_response(kind, service, has_target):
    """(status, headers, body) of an injected error in the service's own protocol."""
    protocol = "json" if has_target else _protocols().get(service, "query")
    family = {"json": "json", "rest-json": "json", "ec2": "ec2"}.get(protocol, "s3" if service == "s3" else "xml")
    status, code = _ANSWERS[kind][family]
    message = "injected by the Kumo emulator"
    if family == "json":
        body = json.dumps({"__type": code, "message": message})
        return status, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)], body
    if family == "ec2":
        errors = f"<Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
        body = f"<Response>{errors}<RequestID>kumo-fault</RequestID></Response>"
    elif family == "s3":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    else:
        error = f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        body = f"<ErrorResponse>{error}<RequestId>kumo-fault</RequestId></ErrorResponse>"
    return status, [("Content-Type", "text/xml")], body


class FaultInjector:
    def __init__(self):
        self.rate = 0.0
        self.kinds = KINDS
        self.slow_seconds = 1.0
        self.agents = ()
        self.random = random.Random(0)  # noqa: S311 (a reproducible draw, not a secret)
        self.injected = dict.fromkeys(KINDS, 0)
        self.lock = threading.Lock()

    def configure(self, settings):
        with self.lock:
            self.rate = float(settings.get("rate", 0))
            self.kinds = tuple(k for k in settings.get("kinds", KINDS) if k in KINDS) or KINDS
            self.slow_seconds = float(settings.get("slow_seconds", 1.0))
            self.agents = tuple(settings.get("agents", ()))
            self.random = random.Random(settings.get("seed", 0))  # noqa: S311
            self.injected = dict.fromkeys(KINDS, 0)

    def state(self):
        with self.lock:
            return {
                "rate": self.rate,
                "kinds": list(self.kinds),
                "slow_seconds": self.slow_seconds,
                "agents": list(self.agents),
                "injected": dict(self.injected),
            }

    def draw(self, user_agent=""):
        """The fault to inject for one request (sent with ``user_agent``), or None."""
        with self.lock:
            if self.agents and not user_agent.startswith(self.agents):
                return None
            if self.rate <= 0 or self.random.random() >= self.rate:
                return None
            kind = self.random.choice(self.kinds)
            self.injected[kind] += 1
            return kind

    def inject(self, kind, service, environ, start_response):
        """Answer with the fault; for "slow", wait and return None so the request goes on."""
        if kind == "slow":
            time.sleep(self.slow_seconds)
            return None
        status, headers, body = error_response(kind, service, bool(environ.get("HTTP_X_AMZ_TARGET")))
        start_response(status, headers)
        return [body.encode()]
