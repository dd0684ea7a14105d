"""Helpers the test suites share: an emulator process, and ansible-playbook
runs against it whose PLAY RECAP is parsed."""

import concurrent.futures
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
import pytest

ROOT = Path(__file__).resolve().parent.parent
# `make test-all` sets KUMO_TEST_ALL: every environment, every crash point, every
# molecule scenario. `make test` runs a fixed sample of them.
TEST_ALL = bool(os.environ.get("KUMO_TEST_ALL"))
ALL_ENVIRONMENTS = ["dev", "staging", "prod"]
# The environments the end-to-end suites build and read back: dev and prod (the
# two ends of every per-environment value) in make test, all three in make test-all.
ENVIRONMENTS = ALL_ENVIRONMENTS if TEST_ALL else ["dev", "prod"]
VENV_BIN = Path(sys.executable).parent
LAYERS = ["network", "endpoints", "ecs_capacity", "alb", "cdn_waf", "monitoring"]
REGION = "ap-northeast-1"
# The share of requests the fault-injection build answers with a fault. AWS
# throttles in bursts; 10 % of every call, for a whole converge, is harsher
# than an account under load sees.
FAULT_RATE = 0.1
_RECAP = re.compile(
    r"^(?P<host>\S+)\s*:\s*ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)\s+rescued=(?P<rescued>\d+)\s+ignored=(?P<ignored>\d+)",
    re.M,
)


# Actions that only read, by the prefix of their name (query and JSON protocols).
_READ_PREFIXES = ("Describe", "Get", "List", "Head", "Lookup", "Search", "Check", "BatchGet")


def is_write(request):
    """Whether one request-log entry changes something. REST protocols (S3,
    CloudFront, X-Ray) name no action: GET and HEAD read, and so does a POST to
    a path named like a read; other methods write."""
    action = str(request.get("action", ""))
    if " " in action:
        if request.get("method") in ("GET", "HEAD"):
            return False
        # REST-JSON reads sent as POST name the action in the path (X-Ray: POST /GetSamplingRules).
        return not action.rsplit("/", 1)[-1].startswith(_READ_PREFIXES)
    return not action.startswith(_READ_PREFIXES)


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

    @classmethod
    def at(cls, url):
        """The emulator another process started (make demo's) and stops."""
        emulator = cls.__new__(cls)
        emulator.url, emulator.process, emulator.log = url, None, None
        return emulator

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
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

    def writes(self):
        """The requests since the last clear that change something."""
        return [r for r in self.requests() if is_write(r)]

    def fault_state(self):
        """The fault injector's settings and the faults injected so far, by kind."""
        return json.loads(self._call("GET", "/_kumo/faults"))

    def faults(self, **settings):
        """Configure fault injection (see emulator/faults.py; counts restart at 0); returns the new state."""
        request = urllib.request.Request(self.url + "/_kumo/faults", data=json.dumps(settings).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def environ(self):
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
        }

    def client(self, service, region=REGION):
        return emulator_client(self.url, service, region)


def emulator_client(url, service, region=REGION):
    """A boto3 client of the emulator at ``url``, with its test credentials."""
    return boto3.client(
        service, endpoint_url=url, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def files_under(directory):
    """The files under ``directory``, as sorted paths relative to it."""
    return sorted(str(p.relative_to(directory)) for p in Path(directory).rglob("*") if p.is_file())


def static_objects(s3, bucket):
    """Each object under _next/ in the static-assets bucket: its Cache-Control and Content-Type."""
    objects = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="_next/"):
        for item in page.get("Contents", []):
            head = s3.head_object(Bucket=bucket, Key=item["Key"])
            objects[item["Key"]] = (head.get("CacheControl"), head.get("ContentType"))
    return objects


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


def env_params(*envs, group="{}"):
    """``env`` values, each marked with its xdist group (``group`` formatted with
    the environment): with ``--dist loadgroup`` every test of one group runs on
    one worker, which builds the group's stack once."""
    return [pytest.param(e, marks=pytest.mark.xdist_group(name=group.format(e))) for e in envs]


def sampled(*envs, group="{}"):
    """Run a test (or, as ``pytestmark``, a module) in ``envs`` only in make test,
    in every environment in make test-all: for what does not depend on the
    environment's values, or is read back elsewhere in the others."""
    chosen = ALL_ENVIRONMENTS if TEST_ALL else envs
    return pytest.mark.parametrize("env", env_params(*chosen, group=group), indirect=True)


# A test only make test-all runs (make test deselects it, and says how many):
# what changes a shared stack back and forth where make test already reads
# both sides back, and the long tail of parametrized bad inputs.
exhaustive = pytest.mark.exhaustive


def sample_every(step, cases):
    """``cases`` (``pytest.param``) with all but every ``step``-th marked
    exhaustive: make test runs a fixed spread of them, make test-all all."""
    return [
        pytest.param(*case.values, marks=[*case.marks, *([exhaustive] if index % step else [])], id=case.id)
        for index, case in enumerate(cases)
    ]


def playbook_argv(playbook, inventory, tags=None, skip_tags=None, extra_vars=None, check=False, diff=False):
    """The ansible-playbook command line of a test run."""
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
    return argv


def playbook_environ(emulator, env=None):
    """The environment an ansible-playbook run gets: this checkout's ansible.cfg
    and .venv, no colour, the emulator's endpoint and credentials, then ``env``."""
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
    return environ


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
    crash_at_task=None,
    crash_delay=0,
    refresh=None,
):
    """Run a playbook on the emulator. ``refresh="full"`` applies every layer's
    tasks (kumo_refresh=full): the runs that prove each module idempotent use it,
    since the default fast path would skip a layer that matches its record."""
    if refresh:
        extra_vars = {**(extra_vars or {}), "kumo_refresh": refresh}
    argv = playbook_argv(playbook, inventory, tags, skip_tags, extra_vars, check, diff)
    environ = playbook_environ(emulator, env)
    if crash_at_task:
        environ.update(
            {
                "ANSIBLE_CALLBACK_PLUGINS": str(ROOT / "tests" / "callback_plugins"),
                "ANSIBLE_CALLBACKS_ENABLED": "kumo_crash",
                "KUMO_CRASH_AT_TASK": str(crash_at_task),
                "KUMO_CRASH_DELAY": str(crash_delay),
            }
        )
    completed = subprocess.run(
        argv,
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        start_new_session=True,  # a crash test kills the run's whole process group, not pytest
    )
    return PlaybookRun(argv, completed.returncode, completed.stdout + completed.stderr)


def start_playbook(
    emulator, log, playbook="site.yml", inventory="inventories/dev", tags=None, extra_vars=None, cwd=ROOT
):
    """Start a playbook on the emulator in the background, as run_playbook runs
    it (its own session, so its pid is its session and process group id), with
    its output in the open file ``log``; returns the Popen."""
    argv = playbook_argv(playbook, inventory, tags, extra_vars=extra_vars)
    environ = playbook_environ(emulator)
    return subprocess.Popen(argv, cwd=cwd, env=environ, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


@dataclasses.dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    pgid: int
    sid: int
    started: int  # clock ticks after boot: tells a process from a later one given the same pid
    cmdline: str


def processes():
    """Every process on the machine, by pid, read from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # it exited while we looked
            continue
        ppid, pgid, sid, started = int(fields[1]), int(fields[2]), int(fields[3]), int(fields[19])
        found[int(entry)] = Process(int(entry), ppid, pgid, sid, started, command)
    return found


class RunProcesses:
    """The processes one playbook run started, found by kinship, never by name:
    the run itself (its pid is its session and process group id), every
    descendant, and everything in a session or process group one of them
    leads. A process that calls setsid() and outlives its parent is
    re-parented to init and keeps no link to the run, so ``record()`` must be
    called while the run lives; ``left()`` then checks what is still there."""

    def __init__(self, pid):
        self.pid = pid
        self.seen = {}  # pid -> Process, as recorded

    def _ours(self, process):
        known = self.seen.get(process.pid)
        if known is not None:
            return known.started == process.started
        leaders = {self.pid, *self.seen}
        return process.ppid in leaders or process.sid in leaders or process.pgid in leaders

    def record(self):
        """Add the run's processes alive now; returns them, by pid."""
        alive = processes()
        grew = True
        while grew:  # a grandchild may be listed before its parent is known
            grew = False
            for process in alive.values():
                if process.pid not in self.seen and self._ours(process):
                    self.seen[process.pid] = process
                    grew = True
        return {pid: process for pid, process in alive.items() if pid in self.seen and self._ours(process)}

    def left(self):
        """The run's processes still alive (zombies excluded: they hold nothing)."""
        remaining = []
        for process in self.record().values():
            try:
                with open(f"/proc/{process.pid}/stat", encoding="utf-8", errors="replace") as stat:
                    if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                        continue
            except OSError:
                continue
            remaining.append(process)
        return remaining


def watched(run, *args, **kwargs):
    """Call ``run`` (run_playbook, say) in a thread and record, while it runs,
    the processes of every playbook it starts: the children of this process
    that lead their own session, as run_playbook starts them. Returns what
    ``run`` returned and one RunProcesses per playbook."""
    runs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(run, *args, **kwargs)
        while True:
            done = future.done()
            for process in processes().values():
                if process.ppid == os.getpid() and process.sid == process.pid and process.pid not in runs:
                    runs[process.pid] = RunProcesses(process.pid)
            for found in runs.values():
                found.record()
            if done:
                return future.result(), list(runs.values())
            time.sleep(0.05)


class CountingClients:
    """A client factory as kumo.platform.layer_state hands one to observers
    (plain boto3 clients), recording each API call as ``service.Operation``."""

    def __init__(self, region=REGION):
        self.region = region
        self.calls = []

    def __call__(self, service, region=None):
        made = boto3.client(service, region_name=region or self.region)
        made.meta.events.register("before-call", self._count)
        return made

    def _count(self, model, **kwargs):
        self.calls.append(f"{model.service_model.service_name}.{model.name}")


def tags_of(resource, key="Tags"):
    return {tag["Key"]: tag["Value"] for tag in resource.get(key, [])}


def expected_tags(env, name, project="kumo"):
    return {"Project": project, "Environment": env, "ManagedBy": "ansible", "Name": name}


class Stack:
    """One environment converged on its own emulator.

    ``converged(*layers)`` names the layers a suite needs (checked against
    LAYERS, for the reader) and returns the two runs of the whole site.yml:
    the first builds every layer, the second (kumo_refresh=full, every task
    runs) proves nothing changes. Both are
    made once per environment and worker and shared by every suite, so the
    stack is built once, as users build it, however many suites read it.
    Suites that change the stack put it back as they found it. ``built`` is
    the account inventory right after those two runs: the clean state the
    crash-recovery and fault-injection tests compare against.
    """

    def __init__(self, env, emulator):
        self.env = env
        self.emulator = emulator
        self.inventory = f"inventories/{env}"
        self._runs = None
        self.built = None

    def run(self, **kwargs):
        kwargs.setdefault("inventory", self.inventory)
        return run_playbook(self.emulator, **kwargs)

    def converged(self, *layers):
        unknown = set(layers) - set(LAYERS)
        assert not unknown, f"unknown layers {unknown}"
        if self._runs is None:
            first = self.run()
            assert first.returncode == 0, f"converge {self.env} failed:\n{first.tail()}"
            second = self.run(refresh="full")
            self._runs = (first, second)
            self.built = account_inventory(self.emulator, self.env)
        return self._runs

    def client(self, service, region=REGION):
        return self.emulator.client(service, region)


def _named(resources, key="Tags"):
    return sorted(tags_of(r, key).get("Name", "<unnamed>") for r in resources)


def managed_resources(inventory):
    """How many resources an account inventory holds, the layers' own records
    (SSM parameters) left out: the denominator of "calls per resource"."""
    return sum(len(names) for kind, names in inventory.items() if kind != "layer_record")


def shared_repositories(emulator, project="kumo"):
    """The account's ECR repositories <project>/<service>, which every
    environment of the account pulls from and none tears down."""
    return sorted(
        r["repositoryName"]
        for r in emulator.client("ecr").describe_repositories()["repositories"]
        if r["repositoryName"].startswith(f"{project}/")
    )


def account_inventory(emulator, env, project="kumo"):
    """Every resource of one environment, by kind, as sorted names (ids vary
    between runs, names do not). Two equal inventories mean the same stack:
    no duplicate and nothing missing. Used by the crash-recovery and teardown tests.
    """
    prefix = f"{project}-{env}"
    mine = [{"Name": "tag:Environment", "Values": [env]}, {"Name": "tag:Project", "Values": [project]}]
    ec2 = emulator.client("ec2")
    found = {
        "vpc": _named(ec2.describe_vpcs(Filters=mine)["Vpcs"]),
        "subnet": _named(ec2.describe_subnets(Filters=mine)["Subnets"]),
        "internet_gateway": _named(ec2.describe_internet_gateways(Filters=mine)["InternetGateways"]),
        "nat_gateway": _named(
            n for n in ec2.describe_nat_gateways(Filters=mine)["NatGateways"] if n["State"] in ("pending", "available")
        ),
        "elastic_ip": _named(ec2.describe_addresses(Filters=mine)["Addresses"]),
        "route_table": _named(ec2.describe_route_tables(Filters=mine)["RouteTables"]),
        "security_group": _named(ec2.describe_security_groups(Filters=mine)["SecurityGroups"]),
        "vpc_endpoint": _named(
            e for e in ec2.describe_vpc_endpoints(Filters=mine)["VpcEndpoints"] if e["State"].lower() != "deleted"
        ),
        "flow_log": _named(ec2.describe_flow_logs(Filters=mine)["FlowLogs"]),
        "launch_template": _named(ec2.describe_launch_templates(Filters=mine)["LaunchTemplates"]),
        "instance": sorted(
            i["InstanceId"][:2]
            for r in ec2.describe_instances(
                Filters=[*mine, {"Name": "instance-state-name", "Values": ["pending", "running"]}]
            )["Reservations"]
            for i in r["Instances"]
        ),
    }
    elbv2 = emulator.client("elbv2")
    found["load_balancer"] = sorted(
        lb["LoadBalancerName"]
        for lb in elbv2.describe_load_balancers()["LoadBalancers"]
        if lb["LoadBalancerName"].startswith(prefix)
    )
    found["target_group"] = sorted(
        tg["TargetGroupName"]
        for tg in elbv2.describe_target_groups()["TargetGroups"]
        if tg["TargetGroupName"].startswith(prefix)
    )
    found["auto_scaling_group"] = sorted(
        g["AutoScalingGroupName"]
        for g in emulator.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
        if g["AutoScalingGroupName"].startswith(prefix)
    )
    ecs = emulator.client("ecs")
    # A deleted cluster stays visible as INACTIVE for a while, on AWS as here.
    clusters = [
        c
        for c in ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"]
        if c["status"] == "ACTIVE"
    ]
    found["ecs_cluster"] = sorted(c["clusterName"] for c in clusters if c["clusterName"].startswith(prefix))
    found["capacity_provider"] = sorted(
        {p for c in clusters if c["clusterName"].startswith(prefix) for p in c.get("capacityProviders", [])}
    )
    # Teardown can only schedule a key's deletion; its alias goes with the key.
    kms = emulator.client("kms")
    found["kms_alias"] = sorted(
        a["AliasName"]
        for a in kms.list_aliases()["Aliases"]
        if a["AliasName"] == f"alias/{prefix}"
        and kms.describe_key(KeyId=a["TargetKeyId"])["KeyMetadata"]["KeyState"] != "PendingDeletion"
    )
    iam = emulator.client("iam")
    found["iam_role"] = sorted(r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix))
    found["instance_profile"] = sorted(
        p["InstanceProfileName"]
        for p in iam.list_instance_profiles()["InstanceProfiles"]
        if p["InstanceProfileName"].startswith(prefix)
    )
    found["s3_bucket"] = sorted(
        b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"] if b["Name"].startswith(prefix)
    )
    found["log_group"] = sorted(
        g["logGroupName"]
        for g in emulator.client("logs").describe_log_groups()["logGroups"]
        if prefix in g["logGroupName"]
    )
    found["sns_topic"] = sorted(
        t["TopicArn"].rsplit(":", 1)[1]
        for t in emulator.client("sns").list_topics()["Topics"]
        if prefix in t["TopicArn"]
    )
    found["alarm"] = sorted(
        a["AlarmName"]
        for a in emulator.client("cloudwatch").describe_alarms()["MetricAlarms"]
        if a["AlarmName"].startswith(prefix)
    )
    cloudfront = emulator.client("cloudfront", "us-east-1")
    distributions = cloudfront.list_distributions()["DistributionList"].get("Items", [])
    found["cloudfront_distribution"] = sorted(d["Comment"] for d in distributions if prefix in d.get("Comment", ""))
    found["waf_web_acl"] = sorted(
        a["Name"]
        for a in emulator.client("wafv2", "us-east-1").list_web_acls(Scope="CLOUDFRONT")["WebACLs"]
        if a["Name"].startswith(prefix)
    )
    # One detector and one recorder per account and region: the environment's
    # are the ones it made (the detector's Name tag, the recorder's name).
    guardduty = emulator.client("guardduty")
    found["guardduty_detector"] = sorted(
        name
        for detector in guardduty.list_detectors()["DetectorIds"]
        if (name := guardduty.get_detector(DetectorId=detector).get("Tags", {}).get("Name")) == f"{prefix}-guardduty"
    )
    found["config_recorder"] = sorted(
        r["name"]
        for r in emulator.client("config").describe_configuration_recorders()["ConfigurationRecorders"]
        if r["name"] == f"{prefix}-config"
    )
    found["cloudtrail"] = sorted(
        t["Name"] for t in emulator.client("cloudtrail").describe_trails()["trailList"] if t["Name"].startswith(prefix)
    )
    codedeploy = emulator.client("codedeploy")
    found["codedeploy_application"] = sorted(
        a for a in codedeploy.list_applications()["applications"] if a.startswith(prefix)
    )
    found["layer_record"] = sorted(
        p["Name"].rsplit("/", 1)[1]
        for p in emulator.client("ssm").get_parameters_by_path(Path=f"/kumo/{prefix}", Recursive=True)["Parameters"]
    )
    return {kind: names for kind, names in found.items() if names}
