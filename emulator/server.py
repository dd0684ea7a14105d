"""The emulator's WSGI stack: moto's dispatcher, with our patches applied and a
request log in front of it.

``GET /_kumo/requests`` returns every AWS call received since the last
``DELETE /_kumo/requests`` as JSON (service, action, method, path), so a test
can assert that a run made no call at all, or count calls per action. Each
entry names the ``agent`` that sent it (the first word of its User-Agent:
``Boto3/…`` for Ansible's modules, ``aws-sdk-go-v2/…`` for ecspresso).
``/_kumo/faults`` turns fault injection on and off (see ``emulator.faults``).
"""

import io
import json
import re
import threading
import urllib.parse

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from emulator import patches
from emulator.faults import FaultInjector

_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/aws4_request")
_LOG_PATH = "/_kumo/requests"
_FAULTS_PATH = "/_kumo/faults"


def describe_request(environ, body):
    """Return (region, service, action) for one AWS request."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    match = _SCOPE.search(auth)
    region, service = (match.group(1), match.group(2)) if match else ("", "")
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return region, service, target.rsplit(".", 1)[-1]
    params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    content_type = environ.get("CONTENT_TYPE", "")
    if body and "x-www-form-urlencoded" in content_type:
        params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
    if "Action" in params:
        return region, service, params["Action"][0]
    return region, service, f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"


class RequestLog:
    """WSGI middleware recording every AWS request it forwards."""

    def __init__(self, app):
        self.app = app
        self.entries = []
        self.lock = threading.Lock()
        self.faults = FaultInjector()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == _LOG_PATH:
            return self._serve_log(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        if path == _FAULTS_PATH:
            return self._serve_faults(environ, start_response, body)
        if not path.startswith("/moto-api"):
            region, service, action = describe_request(environ, body)
            fault = self.faults.draw(environ.get("HTTP_USER_AGENT", ""))
            with self.lock:
                self.entries.append(
                    {
                        "region": region,
                        "service": service,
                        "action": action,
                        "method": environ.get("REQUEST_METHOD"),
                        "path": path,
                        "fault": fault,
                        "agent": environ.get("HTTP_USER_AGENT", "").split(" ", 1)[0],
                    }
                )
            if fault:
                answer = self.faults.inject(fault, service, environ, start_response)
                if answer is not None:
                    return answer
        return self.app(environ, start_response)

    def _serve_faults(self, environ, start_response, body):
        if environ.get("REQUEST_METHOD") == "POST":
            self.faults.configure(json.loads(body or b"{}"))
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(self.faults.state()).encode()]

    def _serve_log(self, environ, start_response):
        with self.lock:
            if environ.get("REQUEST_METHOD") == "DELETE":
                self.entries.clear()
            payload = json.dumps(self.entries).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [payload]


def make_app():
    patches.apply_all()
    return RequestLog(DomainDispatcherApplication(create_backend_app))


def make_emulator(host="127.0.0.1", port=0):
    """A threaded WSGI server with the patched moto app; call serve_forever()."""
    return make_server(host, port, make_app(), threaded=True, request_handler=MotoRequestHandler)
