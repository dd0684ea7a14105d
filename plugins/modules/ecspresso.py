#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecspresso
version_added: 0.2.0
short_description: Deploy, roll back, scale and inspect an ECS service with the ecspresso v2 command-line tool
description:
  - Runs L(ecspresso,https://github.com/kayac/ecspresso) (v2) on one configuration
    file (C(ecspresso.yml) naming C(region), C(cluster), C(service),
    C(service_definition) and C(task_definition)).
  - Before anything else, C(ecspresso version) must report at least O(min_version)
    within the same major version; an older (or v1) binary fails with a message.
  - Every ecspresso v2 from v2.3.0 to the newest works. The module passes only the
    flags the version it found has (one table of flags and the first release of
    each), so C(--wait-until) is passed from v2.5.0 on; older releases wait until
    the service is stable by default, and O(wait_until=deployed) fails with them
    before anything runs.
  - O(command=deploy) first runs C(ecspresso diff). When the local task and service
    definitions already match the service (empty diff), nothing runs and the result
    is C(changed=false); if a deployment of the service is still in progress then (a
    run stopped while it waited, say) and O(wait) is set, C(ecspresso wait) waits for
    it first, and the task fails if ECS rolled that deployment back. Otherwise
    C(ecspresso deploy) registers a new task definition
    and rolls the service, waiting until it is stable (C(--wait-until stable) from
    v2.5.0, whose v2.6.0+ default would be C(deployed)); ecspresso v2 creates the
    service when it does not exist yet, with O(initial_tasks) tasks when given. In
    check mode only C(ecspresso diff) runs.
  - When ECS's deployment circuit breaker rolls the deployment back, ecspresso v2.4.0
    and newer exit non-zero; v2.3.x exits 0 because the service is stable again on
    the previous task definition. With those, after a deploy that waited, the module
    compares the task definition the service runs with the newest one registered
    in its family, and fails like a failed deploy when ECS rolled back.
  - A service with the C(CODE_DEPLOY) deployment controller (blue/green) is deployed by
    ecspresso through a CodeDeploy deployment, which starts the new task set beside
    the old one and moves the load balancer's listener to it. ecspresso exits 0 when
    that deployment ended before it started waiting, whatever its outcome, so after
    a deploy that waited the module compares the task definition the service runs
    with the one just registered, and fails like a failed deploy when CodeDeploy
    rolled back (C(rolled_back), C(rolled_back_by=CodeDeploy)).
  - O(command=rollback) runs C(ecspresso rollback), which puts the service back on
    the previous task definition revision and (with O(deregister_task_definition))
    deregisters the rolled-back one. O(command=scale) runs C(ecspresso scale --tasks)
    unless the service already has O(tasks) desired tasks. In check mode both run
    with C(--dry-run), which changes nothing.
  - O(command=diff), O(command=verify), O(command=render) and O(command=status) only
    read, and never report a change.
  - O(command=version) only finds the binary and checks O(min_version); it needs no
    O(config) and makes no AWS call, so a playbook can check its tools first.
  - After the run the service is read back with boto3 (honouring O(endpoint_url) /
    C(AWS_ENDPOINT_URL)), and its task definition ARN and state are returned.
  - The AWS connection options of this module (O(region), O(endpoint_url), O(profile),
    O(access_key), ...) are handed to ecspresso as the standard C(AWS_*) environment
    variables, with O(environment) and O(secret_environment) for the configuration's
    C(env)/C(must_env) templates.
  - A failed ecspresso run fails the task with ecspresso's own error line in C(msg)
    and its full output in C(stdout)/C(stderr).
  - When the module is told to stop (SIGTERM, SIGINT or SIGHUP; Mitogen sends SIGTERM
    when the run that started the module is gone), it stops ecspresso first, which
    ends its AWS calls and its wait. A deployment ecspresso had started is then left
    to ECS, which finishes it or, with the deployment circuit breaker, rolls it back.
author:
  - Kumo developers (@kumo-platform)
options:
  config:
    description:
      - The ecspresso configuration file (YAML, JSON or Jsonnet).
      - Required unless O(command=version).
    type: path
  command:
    description: The ecspresso command to run.
    type: str
    default: deploy
    choices: [deploy, rollback, diff, verify, render, status, scale, version]
  ecspresso_path:
    description:
      - The ecspresso binary; a bare name is looked up on E(PATH).
    type: str
    default: ecspresso
  min_version:
    description:
      - The oldest ecspresso accepted; v2.3.0, the default, is the oldest the module supports.
      - An empty string skips the version check (the flags still follow the version
        ecspresso reports; an unreadable one is taken for the newest).
    type: str
    default: 2.3.0
  wait:
    description:
      - Wait for the service (deploy until stable, rollback and scale without C(--no-wait)).
    type: bool
    default: true
  wait_until:
    description:
      - With O(command=deploy) and O(wait), wait until the service is C(stable) (the tasks
        run and pass the load balancer's health checks) or the deployment is C(deployed).
      - C(deployed) needs ecspresso v2.5.0 or newer (C(--wait-until)); with an older one
        the module fails before running anything.
    type: str
    default: stable
    choices: [stable, deployed]
  initial_tasks:
    description:
      - With O(command=deploy), the desired count of a service that does not exist yet
        (C(ecspresso deploy --tasks), passed only when the service is missing before the deploy).
      - An existing service keeps its desired count (Application Auto Scaling or
        O(command=scale) own it); without this option a new service gets the service
        definition's C(desiredCount), or 0.
    type: int
    version_added: 0.4.0
  force_new_deployment:
    description:
      - With O(command=deploy), roll the service even when the diff is empty (C(--force-new-deployment)).
    type: bool
    default: false
  deregister_task_definition:
    description:
      - With O(command=rollback), deregister the task definition rolled back from
        (ecspresso ignores it without O(wait)).
    type: bool
    default: true
  tasks:
    description: With O(command=scale) (required there), the desired number of tasks.
    type: int
  status_events:
    description: With O(command=status), how many service events ecspresso shows.
    type: int
    default: 2
  envfile:
    description: Files of C(KEY=value) lines ecspresso exports before reading the configuration (C(--envfile)).
    type: list
    elements: path
    default: []
  environment:
    description: Environment variables for the configuration's templates (C(env), C(must_env)).
    type: dict
    default: {}
  secret_environment:
    description: Like O(environment), for secret values; they are masked in every returned output.
    type: dict
    default: {}
  ext_str:
    description:
      - External string variables for Jsonnet configuration files (C(--ext-str key=value)).
      - Their values are masked in the returned command and output.
    type: dict
    default: {}
  ext_code:
    description:
      - External code variables for Jsonnet configuration files (C(--ext-code key=value)).
      - Masked like O(ext_str).
    type: dict
    default: {}
  render_targets:
    description: With O(command=render), what to render.
    type: list
    elements: str
    default: [config, servicedef, taskdef]
    choices: [config, servicedef, taskdef]
notes:
  - C(ecspresso verify) checks the definitions' roles with the configured session, then
    assumes the task execution role; ecspresso (v2.3.2 at least) builds that session's
    clients without the endpoint override, so against an emulator its image, log and
    secret checks reach AWS's public endpoints instead.
  - The exit code of C(ecspresso diff) is 0 whether or not there is a difference; the
    module reads the unified diff ecspresso prints on standard output (empty when the
    definitions match). With C(--diff), C(before) holds the removed and context lines
    (what runs), C(after) the added and context lines (what the files define).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Check ecspresso is installed and new enough, before any AWS call
  kumo.platform.ecspresso:
    command: version
    ecspresso_path: "{{ playbook_dir }}/../.venv/bin/ecspresso"

- name: Deploy the frontend service (registers a task definition, waits until stable)
  kumo.platform.ecspresso:
    config: /tmp/deploy/frontend/ecspresso.yml
    ecspresso_path: "{{ playbook_dir }}/../.venv/bin/ecspresso"

- name: Deploy the backend; a service created now starts with two tasks, an existing one keeps its count
  kumo.platform.ecspresso:
    config: /tmp/deploy/backend/ecspresso.yml
    initial_tasks: 2

- name: Put the frontend back on its previous task definition
  kumo.platform.ecspresso:
    config: /tmp/deploy/frontend/ecspresso.yml
    command: rollback

- name: Run four frontend tasks
  kumo.platform.ecspresso:
    config: /tmp/deploy/frontend/ecspresso.yml
    command: scale
    tasks: 4

- name: Show what a deploy would change
  kumo.platform.ecspresso:
    config: /tmp/deploy/frontend/ecspresso.yml
    command: diff
  register: frontend_diff
"""

RETURN = r"""
command:
  description: The argument list of the last ecspresso run, with O(ext_str) and O(ext_code) values masked.
  returned: always
  type: list
  elements: str
  sample: [/usr/local/bin/ecspresso, --config, ecspresso.yml, deploy, --wait-until, stable]
rc:
  description: Exit code of the last ecspresso run.
  returned: always
  type: int
  sample: 0
stdout:
  description: Standard output of the last ecspresso run (secrets masked).
  returned: always
  type: str
stderr:
  description: Standard error (ecspresso's log lines) of the last ecspresso run (secrets masked).
  returned: always
  type: str
ecspresso_version:
  description:
    - The version C(ecspresso version) reported.
    - Empty when it could not be read (only possible with an empty O(min_version)).
  returned: always
  type: str
  sample: 2.3.2
path:
  description: The ecspresso binary that was found.
  returned: when O(command=version)
  type: str
  sample: /opt/kumo/.venv/bin/ecspresso
task_definition_arn:
  description: The task definition the service runs after the command (empty when there is no service).
  returned: except for verify and render
  type: str
  sample: arn:aws:ecs:ap-northeast-1:123456789012:task-definition/kumo-prod-frontend:7
previous_task_definition_arn:
  description: The task definition the service ran before the command (empty when there was no service).
  returned: except for verify and render
  type: str
service:
  description: The service after the command, snake_case (empty when there is none).
  returned: except for verify and render
  type: dict
  contains:
    status:
      description: C(ACTIVE), C(DRAINING) or C(INACTIVE).
      type: str
    desired_count:
      description: Tasks wanted.
      type: int
    running_count:
      description: Tasks running.
      type: int
    deployments:
      description: The service's deployments (id, status, task_definition, rollout_state, counts).
      type: list
      elements: dict
    task_sets:
      description:
        - A blue/green (C(CODE_DEPLOY)) service's task sets, the primary one first (id, status,
          task_definition, stability_status, running_count); empty for rolling updates.
      type: list
      elements: dict
      version_added: 0.5.0
rolled_back:
  description:
    - On a failed deploy, whether ECS's deployment circuit breaker had already put the
      service back on the task definition it ran before (the service runs it again).
  returned: when a deploy that waited on an existing service failed
  type: bool
  version_added: 0.4.0
rolled_back_by:
  description:
    - Who rolled the service back when RV(rolled_back) is true, from its deployment controller.
  returned: when a deploy that waited on an existing service failed
  type: str
  choices: [ECS, CodeDeploy]
  version_added: 0.5.0
waited_for_deployment:
  description:
    - With O(command=deploy), whether the service was already on the definitions but a
      deployment of it was still in progress, which the module waited for.
  returned: when O(command) is deploy
  type: bool
  version_added: 0.4.0
differences:
  description: The unified diff of C(ecspresso diff) (empty when nothing differs).
  returned: when O(command) is deploy or diff
  type: str
differs:
  description: Whether the local definitions differ from the service.
  returned: when O(command) is deploy or diff
  type: bool
"""

import os
import re
import signal
import subprocess
import time

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

_MASK = "********"
_VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_COMMANDS = ["deploy", "rollback", "diff", "verify", "render", "status", "scale", "version"]

# The oldest ecspresso the module supports, and what it assumes of a version it cannot read.
OLDEST_SUPPORTED = (2, 3, 0)
NEWEST_ASSUMED = (2, 999, 0)

# Seconds ecspresso gets to end its AWS calls after SIGTERM before it is killed.
STOP_GRACE = 5

# Every flag the module passes to ecspresso, and the first v2 release that has it.
# The argument lists below take flags only from here, so a flag a release lacks is
# never passed to it.
FLAG_SINCE = {
    "--dry-run": OLDEST_SUPPORTED,  # deploy, rollback, scale
    "--no-wait": OLDEST_SUPPORTED,  # deploy, rollback, scale
    "--force-new-deployment": OLDEST_SUPPORTED,  # deploy
    "--tasks": OLDEST_SUPPORTED,  # deploy (desired count), scale
    "--deregister-task-definition": OLDEST_SUPPORTED,  # rollback
    "--no-deregister-task-definition": OLDEST_SUPPORTED,  # rollback
    "--no-put-logs": OLDEST_SUPPORTED,  # verify
    "--events": OLDEST_SUPPORTED,  # status
    # deploy; before it deploy waited until stable, from v2.6.0 its default is "deployed",
    # so the module always says which it means.
    "--wait-until": (2, 5, 0),
}

# How long a failed blue/green deploy waits for CodeDeploy's rollback deployment
# to delete the new task set before it reports where the service is.
ROLLBACK_WAIT = 300

# From this release ecspresso deploy exits non-zero when ECS's deployment circuit
# breaker rolled the deployment back; older ones exit 0 (the service is stable
# again, on the previous task definition), so the module looks for the rollback.
CIRCUIT_BREAKER_FAILS_SINCE = (2, 4, 0)


class UnsupportedOption(ValueError):
    """An option the ecspresso version found cannot honour."""


def version_text(version):
    return ".".join(map(str, version))


def has_flag(version, flag):
    return (version or NEWEST_ASSUMED) >= FLAG_SINCE[flag]


def flag(version, name, *values):
    """[name, *values] when ``version`` has the flag ``name``, else []."""
    return [name, *values] if has_flag(version, name) else []


def check_deploy_options(version, params):
    """Fail (UnsupportedOption) on a deploy option ``version`` cannot honour, before anything runs."""
    if params["wait"] and params["wait_until"] != "stable" and not has_flag(version, "--wait-until"):
        raise UnsupportedOption(
            f"wait_until={params['wait_until']} needs ecspresso v{version_text(FLAG_SINCE['--wait-until'])} "
            f"or newer (deploy --wait-until); ecspresso v{version_text(version)} waits only until the "
            "service is stable: use wait_until=stable or install a newer ecspresso"
        )


def deploy_args(version, params, service_exists=True):
    """The ``ecspresso deploy`` arguments for ``version`` (a (major, minor, patch) tuple)."""
    check_deploy_options(version, params)
    args = ["deploy"]
    if not params["wait"]:
        args += flag(version, "--no-wait")
    elif has_flag(version, "--wait-until"):
        args += flag(version, "--wait-until", params["wait_until"])
    # else: releases without --wait-until wait until the service is stable
    if params["force_new_deployment"]:
        args += flag(version, "--force-new-deployment")
    if params.get("initial_tasks") is not None and not service_exists:
        args += flag(version, "--tasks", str(params["initial_tasks"]))
    return args


def rollback_args(version, params, check_mode):
    deregister = params["deregister_task_definition"] and params["wait"]
    args = ["rollback"]
    args += flag(version, "--deregister-task-definition" if deregister else "--no-deregister-task-definition")
    if not params["wait"]:
        args += flag(version, "--no-wait")
    if check_mode:
        args += flag(version, "--dry-run")
    return args


def scale_args(version, params, check_mode):
    args = ["scale", *flag(version, "--tasks", str(params["tasks"]))]
    if not params["wait"]:
        args += flag(version, "--no-wait")
    if check_mode:
        args += flag(version, "--dry-run")
    return args


def verify_args(version):
    # --no-put-logs: verify would otherwise write a test event to the log groups
    return ["verify", *flag(version, "--no-put-logs")]


def status_args(version, params):
    return ["status", *flag(version, "--events", str(params["status_events"]))]


def detects_circuit_breaker_rollback(version):
    """Whether ecspresso ``version`` itself fails a deploy that ECS rolled back."""
    return (version or NEWEST_ASSUMED) >= CIRCUIT_BREAKER_FAILS_SINCE


def parse_version(text):
    """(major, minor, patch) from 'ecspresso v2.6.3' or '2.6.3'; None when there is none."""
    match = _VERSION.search(text or "")
    return tuple(int(part) for part in match.groups()) if match else None


def find_binary(module):
    """The ecspresso executable, or a failure naming ecspresso_path, before anything runs."""
    path = module.params["ecspresso_path"]
    if os.sep not in path:
        found = module.get_bin_path(path)
        if not found:
            module.fail_json(
                msg=f"The ecspresso binary '{path}' (ecspresso_path) was not found on PATH; "
                "install it (make ecspresso) or set ecspresso_path to its location"
            )
        return found
    if not os.path.isfile(path):
        module.fail_json(msg=f"The ecspresso binary '{path}' (ecspresso_path) does not exist")
    if not os.access(path, os.X_OK):
        module.fail_json(msg=f"The ecspresso binary '{path}' (ecspresso_path) is not executable")
    return path


def aws_environment(module):
    """The module's AWS connection settings as the environment ecspresso's SDK reads,
    plus the variables the configuration's templates read (env / must_env)."""
    params = module.params
    environ = {}
    region = module.region
    if region:
        environ["AWS_REGION"] = region
        environ["AWS_DEFAULT_REGION"] = region
    for option, variable in (
        ("endpoint_url", "AWS_ENDPOINT_URL"),
        ("profile", "AWS_PROFILE"),
        ("access_key", "AWS_ACCESS_KEY_ID"),
        ("secret_key", "AWS_SECRET_ACCESS_KEY"),
        ("session_token", "AWS_SESSION_TOKEN"),
    ):
        if params.get(option):
            environ[variable] = params[option]
    for option in ("environment", "secret_environment"):
        environ.update({key: str(value) for key, value in params[option].items()})
    return environ


def secret_values(module):
    params = module.params
    values = [params.get("secret_key"), params.get("session_token")]
    for option in ("ext_str", "ext_code", "secret_environment"):
        values += [str(value) for value in params[option].values()]
    return sorted({value for value in values if value and len(value) > 2}, key=len, reverse=True)


def last_error(stderr, stdout):
    """ecspresso's own error: its last 'Error'/'error' line, else its last line."""
    lines = [line.strip() for line in (stderr or stdout or "").splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "fail" in line.lower()]
    return (errors or lines or ["no output"])[-1]


def split_unified(differences):
    """The before and after texts of a unified diff (context and removed lines / context and added lines).

    ecspresso v2 prints one unified diff for the service and one for the task definition
    (``--unified`` is its default), each line coloured only on a terminal; an empty line
    separates the two."""
    before, after = [], []
    for line in _ANSI.sub("", differences).splitlines():
        if not line or line.startswith("\\"):  # separator, "\ No newline at end of file"
            continue
        if line.startswith("---"):
            before.append(f"# {line[4:]}")
        elif line.startswith("+++"):
            after.append(f"# {line[4:]}")
        elif line.startswith("@@"):
            continue
        elif line.startswith("-"):
            before.append(line[1:])
        elif line.startswith("+"):
            after.append(line[1:])
        else:
            before.append(line[1:])
            after.append(line[1:])
    return "\n".join(before) + "\n" if before else "", "\n".join(after) + "\n" if after else ""


@AWSRetry.jittered_backoff()
def describe_service(client, cluster, service):
    found = client.describe_services(cluster=cluster, services=[service])["services"]
    return next((s for s in found if s.get("status") != "INACTIVE"), None)


@AWSRetry.jittered_backoff()
def describe_latest_task_definition(client, family):
    """The newest ACTIVE revision of ``family`` (DescribeTaskDefinition given a family)."""
    return client.describe_task_definition(taskDefinition=family)["taskDefinition"]


def task_definition_family(arn):
    """'kumo-dev-frontend' from 'arn:aws:ecs:...:task-definition/kumo-dev-frontend:7'."""
    return (arn or "").rsplit("/", 1)[-1].rsplit(":", 1)[0]


class Ecspresso:
    """One configuration file; builds argument lists (never strings) and runs them."""

    def __init__(self, module, binary):
        self.module = module
        self.binary = binary
        self.environ = aws_environment(module)
        self.secrets = secret_values(module)
        self.last = {"command": [], "rc": 0, "stdout": "", "stderr": ""}
        self.version = ""  # as returned
        self.release = None  # (major, minor, patch), None when unreadable
        self.process = None  # the ecspresso process running now

    def _started(self, process):
        self.process = process

    def _global_args(self, masked):
        params = self.module.params
        args = ["--config", params["config"]]
        for envfile in params["envfile"]:
            args += ["--envfile", envfile]
        for flag, option in (("--ext-str", "ext_str"), ("--ext-code", "ext_code")):
            for key, value in sorted(params[option].items()):
                args += [flag, f"{key}={_MASK if masked else value}"]
        return args

    def mask(self, text):
        for value in self.secrets:
            text = text.replace(value, _MASK)
        return text

    def run(self, *command, check=True, global_args=True):
        options = self._global_args(masked=False) if global_args else []
        shown = self._global_args(masked=True) if global_args else []
        rc, stdout, stderr = self.module.run_command(
            [self.binary, *options, *command], environ_update=self.environ, before_communicate_callback=self._started
        )
        self.process = None
        self.last = {
            "command": [self.binary, *shown, *command],
            "rc": rc,
            "stdout": self.mask(stdout),
            "stderr": self.mask(stderr),
        }
        if rc != 0 and check:
            self.fail(command[0])
        return stdout

    def stop(self):
        """End the ecspresso run in progress, if any: SIGTERM, on which ecspresso
        cancels its AWS calls and exits, then SIGKILL after STOP_GRACE seconds."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def fail(self, action, msg=None, **extra):
        error = last_error(self.last["stderr"], self.last["stdout"])
        self.module.fail_json(
            msg=msg or f"ecspresso {action} failed (exit code {self.last['rc']}): {error}",
            changed=action in ("deploy", "rollback", "scale") and not self.module.check_mode,
            ecspresso_version=self.version,
            **self.last,
            **extra,
        )

    def check_version(self):
        """Read the version (the flags follow it) and hold it against min_version."""
        minimum = self.module.params["min_version"]
        stdout = self.run("version", check=False, global_args=False)
        rc, stderr = self.last["rc"], self.last["stderr"]
        found = parse_version(stdout) if rc == 0 else None
        self.release = found
        self.version = version_text(found) if found else ""
        if not minimum:
            return self.version
        wanted = parse_version(minimum)
        if wanted is None:
            self.module.fail_json(msg=f"min_version must look like 2.3.0; got {minimum!r}")
        if found is None:
            self.module.fail_json(
                msg=f"Could not read the version of '{self.binary}' (ecspresso version exited {rc}: "
                f"{(stdout or stderr).strip()!r}); kumo.platform.ecspresso needs ecspresso >= v{minimum} "
                "(set min_version to '' to skip this check)"
            )
        if found < wanted or found[0] != wanted[0]:
            self.module.fail_json(
                msg=f"ecspresso at '{self.binary}' (ecspresso_path) is v{version_text(found)}; kumo.platform.ecspresso "
                f"needs v{minimum} or newer within v{wanted[0]} (min_version): install a newer ecspresso v{wanted[0]}"
            )
        return self.version

    def diff(self):
        # ecspresso v2 prints a unified diff of the service and then of the task
        # definition, and nothing at all when both match; it exits 0 either way.
        return self.run("diff")


class ServiceReader:
    """The service the configuration names, read with boto3 (AWS_ENDPOINT_URL honoured)."""

    def __init__(self, module, ecspresso):
        self.module = module
        self.ecspresso = ecspresso
        self.config = self._config()
        self.client = None

    def _config(self):
        import yaml

        path = self.module.params["config"]
        config = None
        if not path.endswith((".jsonnet", ".libsonnet")):
            try:
                with open(path, encoding="utf-8") as handle:
                    config = yaml.safe_load(handle)
            except (OSError, yaml.YAMLError):
                config = None
        if not isinstance(config, dict) or "{{" in str(config.get("cluster", "")) + str(config.get("service", "")):
            # Jsonnet or templated values: let ecspresso render it.
            rendered = self.ecspresso.run("render", "config", check=False)
            try:
                config = yaml.safe_load(rendered)
            except yaml.YAMLError:
                config = None
        return config if isinstance(config, dict) else {}

    def read(self):
        cluster, service = self.config.get("cluster", "default"), self.config.get("service")
        if not service:
            return None
        if self.client is None:
            self.client = self.module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
        try:
            return describe_service(self.client, cluster, service)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            self.module.warn(f"Could not read service {service} in cluster {cluster}: {e}")
            return None

    def latest_task_definition_arn(self, family):
        """The newest ACTIVE revision of ``family``; '' when there is none or it cannot be read."""
        if not family:
            return ""
        if self.client is None:
            self.client = self.module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
        try:
            return describe_latest_task_definition(self.client, family).get("taskDefinitionArn", "")
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            self.module.warn(f"Could not read the task definition family {family}: {e}")
            return ""


def service_state(service):
    if not service:
        return {}
    keys = ("serviceName", "serviceArn", "clusterArn", "status", "taskDefinition", "desiredCount")
    state = {key: service.get(key) for key in keys}
    state.update(runningCount=service.get("runningCount"), pendingCount=service.get("pendingCount"))
    state["deployments"] = [
        {key: d.get(key) for key in ("id", "status", "taskDefinition", "rolloutState", "desiredCount", "runningCount")}
        for d in service.get("deployments", [])
    ]
    state["taskSets"] = [
        {key: t.get(key) for key in ("id", "status", "taskDefinition", "stabilityStatus", "runningCount")}
        for t in service.get("taskSets", [])
    ]
    return camel_dict_to_snake_dict(state)


def finish(module, ecspresso, reader, changed, before=None, **result):
    """Exit with the last run, the service state and its task definition."""
    service = reader.read() if reader else None
    state = service_state(service)
    module.exit_json(
        changed=changed,
        task_definition_arn=state.get("task_definition", ""),
        previous_task_definition_arn=(before or {}).get("taskDefinition", ""),
        service=state,
        ecspresso_version=ecspresso.version,
        **ecspresso.last,
        **result,
    )


def code_deploy(service):
    """Whether the service's releases go through CodeDeploy (blue/green)."""
    return ((service or {}).get("deploymentController") or {}).get("type") == "CODE_DEPLOY"


def rolled_back_by(service):
    return "CodeDeploy" if code_deploy(service) else "ECS"


def circuit_breaker_rollback(service, registered_before, latest):
    """Why ECS (deployment circuit breaker) or CodeDeploy (blue/green) rolled the
    deployment back (message), or '' when neither did.

    ``registered_before`` / ``latest``: the newest revision of the service's family
    before and after the deploy; the deploy registered one when they differ."""
    running = (service or {}).get("taskDefinition", "")
    if not running:
        return ""
    registered = latest and latest != registered_before
    failed = [
        d
        for d in (service or {}).get("deployments", [])
        if d.get("rolloutState") == "FAILED" and d.get("taskDefinition") != running
    ]
    if (registered and running != latest) or failed:
        new = latest if registered else failed[0].get("taskDefinition", "")
        who = (
            "CodeDeploy rolled the blue/green deployment back (the old task set serves)"
            if code_deploy(service)
            else "ECS rolled the deployment back (deployment circuit breaker)"
        )
        return f"ecspresso deploy failed: {who}; the service runs {running}, not {new}"
    return ""


def stop_with_module(ecspresso):
    """Stop ecspresso when this module process is told to stop, then stop as told.

    ecspresso is a child of this process, not of the run: without this, a run
    that is interrupted, or killed, leaves it waiting on ECS for up to its
    timeout. Signal handlers can only be set in the main thread; elsewhere the
    module runs without them."""

    def _stop(signum, frame):
        ecspresso.stop()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        try:
            signal.signal(signum, _stop)
        except ValueError:
            return


def deployment_in_progress(service):
    """Whether ECS is still rolling the service: a rollout in progress, or an old
    deployment not yet drained."""
    deployments = (service or {}).get("deployments", [])
    if code_deploy(service):
        # a CodeDeploy deployment runs the new task set beside the old one
        return len((service or {}).get("taskSets", [])) > 1
    return len(deployments) > 1 or any(d.get("rolloutState") == "IN_PROGRESS" for d in deployments)


def wait_for_one_task_set(reader, timeout=ROLLBACK_WAIT, delay=5):
    """Wait (at most ``timeout`` seconds) until CodeDeploy's rollback has left the
    service one task set, the one that serves."""
    end = time.monotonic() + timeout
    while len((reader.read() or {}).get("taskSets", [])) > 1 and time.monotonic() < end:
        time.sleep(delay)


def deployment_target(service):
    """The task definition an in-progress deployment moves the service to: ECS
    sets it on the service at once; CodeDeploy runs it in the task set that is
    not yet the primary one."""
    if code_deploy(service):
        task_sets = (service or {}).get("taskSets", [])
        new = [t.get("taskDefinition") for t in task_sets if t.get("status") != "PRIMARY"]
        return new[0] if new else (service or {}).get("taskDefinition", "")
    return (service or {}).get("taskDefinition", "")


def wait_for_deployment(module, ecspresso, reader, before, result):
    """The definitions already match the service, but its deployment was still
    in progress: wait for it and fail as a failed deploy when ECS or CodeDeploy
    rolled it back."""
    ecspresso.run("wait", check=False)
    after = reader.read()
    running = (after or {}).get("taskDefinition", "")
    target = deployment_target(before)
    rolled_back = running != target
    if ecspresso.last["rc"] != 0 or rolled_back:
        who = (
            f"CodeDeploy rolled the blue/green deployment of {target} back"
            if code_deploy(before)
            else f"ECS rolled the deployment of {target} back (deployment circuit breaker)"
        )
        ecspresso.fail(
            "wait",
            msg=f"{who}; the service runs {running}" if rolled_back else None,
            rolled_back=rolled_back,
            rolled_back_by=rolled_back_by(before),
            task_definition_arn=running,
            # what it ran before this deployment is not known here: nothing for a rescue to roll back to
            previous_task_definition_arn=running,
            service=service_state(after),
            **result,
        )
    finish(module, ecspresso, reader, False, before, **result)


def deploy(module, ecspresso, reader):
    before = reader.read()
    params = module.params
    # After a deploy that waited on an existing service, look for ECS's circuit
    # breaker having rolled it back: ecspresso before v2.4.0 exits 0 then, and a
    # newer one's failure does not say whether ECS rolled back or nothing changed.
    watch_rollback = bool(params["wait"] and before)
    family = task_definition_family((before or {}).get("taskDefinition"))
    differences = ecspresso.diff()
    differs = bool(differences.strip())
    force = module.params["force_new_deployment"]
    in_progress = bool(params["wait"] and not differs and not force and deployment_in_progress(before))
    result = {"differences": differences, "differs": differs, "waited_for_deployment": in_progress}
    if module._diff:
        old, new = split_unified(differences)
        result["diff"] = {"before": old, "after": new, "before_header": "service", "after_header": "definitions"}
    if in_progress and not module.check_mode:
        wait_for_deployment(module, ecspresso, reader, before, result)
    if not differs and not force:
        finish(module, ecspresso, reader, False, before, **result)
    if module.check_mode:
        finish(module, ecspresso, reader, True, before, **result)
    args = deploy_args(ecspresso.release, params, service_exists=before is not None)
    registered_before = reader.latest_task_definition_arn(family) if watch_rollback else ""
    ecspresso.run(*args, check=False)
    rolled_back = ""
    if watch_rollback:
        rolled_back = circuit_breaker_rollback(
            reader.read(), registered_before, reader.latest_task_definition_arn(family)
        )
    failed = ecspresso.last["rc"] != 0
    # ecspresso reports a CodeDeploy rollback only when it saw it while waiting
    reported = detects_circuit_breaker_rollback(ecspresso.release) and not code_deploy(before)
    if failed or (rolled_back and not reported):
        if rolled_back and code_deploy(before):
            # CodeDeploy's rollback is a deployment of its own, still deleting the new task set
            wait_for_one_task_set(reader)
        # report where the service is now, so a rescue can decide to roll back
        after = service_state(reader.read())
        ecspresso.fail(
            "deploy",
            # ecspresso's own error says that its CodeDeploy waiter failed, not that CodeDeploy rolled back
            msg=rolled_back if rolled_back and (code_deploy(before) or not failed) else None,
            rolled_back=bool(rolled_back),
            rolled_back_by=rolled_back_by(before),
            task_definition_arn=after.get("task_definition", ""),
            previous_task_definition_arn=(before or {}).get("taskDefinition", ""),
            service=after,
            **result,
        )
    finish(module, ecspresso, reader, True, before, **result)


def rollback(module, ecspresso, reader):
    before = reader.read()
    if not before:
        module.fail_json(msg=f"No service {reader.config.get('service')} to roll back", changed=False)
    ecspresso.run(*rollback_args(ecspresso.release, module.params, module.check_mode))
    finish(module, ecspresso, reader, True, before)


def scale(module, ecspresso, reader):
    tasks = module.params["tasks"]
    before = reader.read()
    if before and before.get("desiredCount") == tasks:
        finish(module, ecspresso, reader, False, before)
    ecspresso.run(*scale_args(ecspresso.release, module.params, module.check_mode))
    result = {}
    if module._diff:
        result["diff"] = {
            "before": {"desired_count": (before or {}).get("desiredCount")},
            "after": {"desired_count": tasks},
        }
    finish(module, ecspresso, reader, True, before, **result)


def main():
    argument_spec = dict(
        config=dict(type="path"),
        command=dict(type="str", default="deploy", choices=_COMMANDS),
        ecspresso_path=dict(type="str", default="ecspresso"),
        min_version=dict(type="str", default=version_text(OLDEST_SUPPORTED)),
        wait=dict(type="bool", default=True),
        wait_until=dict(type="str", default="stable", choices=["stable", "deployed"]),
        force_new_deployment=dict(type="bool", default=False),
        deregister_task_definition=dict(type="bool", default=True),
        tasks=dict(type="int"),
        initial_tasks=dict(type="int"),
        status_events=dict(type="int", default=2),
        envfile=dict(type="list", elements="path", default=[]),
        environment=dict(type="dict", default={}),
        secret_environment=dict(type="dict", default={}, no_log=True),
        ext_str=dict(type="dict", default={}, no_log=True),
        ext_code=dict(type="dict", default={}, no_log=True),
        render_targets=dict(
            type="list",
            elements="str",
            default=["config", "servicedef", "taskdef"],
            choices=["config", "servicedef", "taskdef"],
        ),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[["command", "scale", ["tasks"]]],
        supports_check_mode=True,
    )
    for option in ("tasks", "initial_tasks"):
        if module.params[option] is not None and module.params[option] < 0:
            module.fail_json(msg=f"{option} must be 0 or more; got {module.params[option]}")
    binary = find_binary(module)
    command = module.params["command"]
    if command == "version":
        ecspresso = Ecspresso(module, binary)
        ecspresso.check_version()
        module.exit_json(changed=False, ecspresso_version=ecspresso.version, path=binary, **ecspresso.last)
    if not module.params["config"]:
        module.fail_json(msg=f"config is required with command={command}")
    if not os.path.isfile(module.params["config"]):
        module.fail_json(msg=f"The ecspresso configuration '{module.params['config']}' (config) does not exist")
    ecspresso = Ecspresso(module, binary)
    stop_with_module(ecspresso)
    ecspresso.check_version()
    if command == "deploy":
        try:
            check_deploy_options(ecspresso.release, module.params)
        except UnsupportedOption as e:
            module.fail_json(msg=str(e), ecspresso_version=ecspresso.version)

    if command in ("verify", "render"):
        if command == "verify":
            ecspresso.run(*verify_args(ecspresso.release))
        else:
            ecspresso.run("render", *module.params["render_targets"])
        module.exit_json(changed=False, ecspresso_version=ecspresso.version, **ecspresso.last)
    reader = ServiceReader(module, ecspresso)
    if command == "deploy":
        deploy(module, ecspresso, reader)
    elif command == "rollback":
        rollback(module, ecspresso, reader)
    elif command == "scale":
        scale(module, ecspresso, reader)
    elif command == "diff":
        differences = ecspresso.diff()
        result = {"differences": differences, "differs": bool(differences.strip())}
        if module._diff:
            old, new = split_unified(differences)
            result["diff"] = {"before": old, "after": new}
        finish(module, ecspresso, reader, False, **result)
    else:
        ecspresso.run(*status_args(ecspresso.release, module.params))
        finish(module, ecspresso, reader, False)


if __name__ == "__main__":
    main()
