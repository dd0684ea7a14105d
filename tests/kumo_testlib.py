"""Helpers the test suites share: an emulator process, and ansible-playbook
runs against it whose PLAY RECAP is parsed."""

import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LAYERS = ["network", "endpoints", "ecs_capacity", "alb", "cdn_waf", "monitoring"]
REGION = "ap-northeast-1"
_RECAP = re.compile(
    r"^(?P<host>\S+)\s*:\s*ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)\s+rescued=(?P<rescued>\d+)\s+ignored=(?P<ignored>\d+)",
    re.M,
)


class Emulator:
    """One ``python -m emulator`` process on a free loopback port."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        port_file = self.log_dir / "port"
        self.log = open(self.log_dir / "emulator.log", "w", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "--port", "0", "--port-file", str(port_file)],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"emulator did not start; see {self.log_dir / 'emulator.log'}")
            time.sleep(0.1)
        self.url = f"http://127.0.0.1:{port_file.read_text().strip()}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()

    def _call(self, method, path):
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def reset(self):
        self._call("POST", "/moto-api/reset")
        self.clear_requests()

    def requests(self):
        """Every AWS call since the last clear: dicts of region, service, action."""
        return json.loads(self._call("GET", "/_kumo/requests"))

    def clear_requests(self):
        self._call("DELETE", "/_kumo/requests")

    def environ(self):
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
        }

    def client(self, service, region=REGION):
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@dataclasses.dataclass
class PlaybookRun:
    argv: list
    returncode: int
    output: str

    @property
    def stats(self):
        """PLAY RECAP figures for localhost, summed over the plays' recaps."""
        matches = [m.groupdict() for m in _RECAP.finditer(self.output) if m.group("host") == "localhost"]
        if not matches:
            return {}
        return {key: int(value) for key, value in matches[-1].items() if key != "host"}

    @property
    def changed(self):
        return self.stats.get("changed")

    def changed_tasks(self):
        """The names of tasks that reported a change (for a readable assertion message)."""
        names, current = [], None
        for line in self.output.splitlines():
            if line.startswith("TASK ["):
                current = line[6 : line.rfind("]")]
            elif line.startswith("changed:") and current and current not in names:
                names.append(current)
        return names

    def tail(self, lines=60):
        return "\n".join(self.output.splitlines()[-lines:])


def run_playbook(
    emulator,
    playbook="site.yml",
    inventory="inventories/dev",
    tags=None,
    skip_tags=None,
    extra_vars=None,
    check=False,
    diff=False,
    env=None,
    timeout=1800,
    cwd=ROOT,
):
    argv = [str(VENV_BIN / "ansible-playbook"), playbook, "-i", str(inventory)]
    if tags:
        argv += ["--tags", ",".join(tags)]
    if skip_tags:
        argv += ["--skip-tags", ",".join(skip_tags)]
    if extra_vars:
        argv += ["-e", json.dumps(extra_vars)]
    if check:
        argv.append("--check")
    if diff:
        argv.append("--diff")
    environ = dict(os.environ)
    environ.update(
        {
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_LOCAL_TEMP": tempfile.gettempdir(),
            "PATH": f"{VENV_BIN}:{environ.get('PATH', '')}",
        }
    )
    if emulator is not None:
        environ.update(emulator.environ())
    environ.update(env or {})
    completed = subprocess.run(argv, cwd=cwd, env=environ, capture_output=True, text=True, timeout=timeout, check=False)
    return PlaybookRun(argv, completed.returncode, completed.stdout + completed.stderr)


def tags_of(resource, key="Tags"):
    return {tag["Key"]: tag["Value"] for tag in resource.get(key, [])}


def expected_tags(env, name, project="kumo"):
    return {"Project": project, "Environment": env, "ManagedBy": "ansible", "Name": name}


class Stack:
    """One environment converged on its own emulator.

    ``converged(*layers)`` runs site.yml with those layers' tags twice (once to
    build, once to prove nothing changes) and caches both runs, so several
    suites share the work. Name every layer a suite needs, lower ones included:
    ``stack.converged("network", "alb")``.
    """

    def __init__(self, env, emulator):
        self.env = env
        self.emulator = emulator
        self.inventory = f"inventories/{env}"
        self._runs = {}

    def run(self, **kwargs):
        kwargs.setdefault("inventory", self.inventory)
        return run_playbook(self.emulator, **kwargs)

    def converged(self, *layers):
        tags = tuple(layer for layer in LAYERS if layer in layers)
        unknown = set(layers) - set(LAYERS)
        assert not unknown, f"unknown layers {unknown}"
        if tags not in self._runs:
            first = self.run(tags=list(tags))
            assert first.returncode == 0, f"converge {self.env} {tags} failed:\n{first.tail()}"
            second = self.run(tags=list(tags))
            self._runs[tags] = (first, second)
        return self._runs[tags]

    def client(self, service, region=REGION):
        return self.emulator.client(service, region)
