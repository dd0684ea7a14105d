"""kumo.platform.ecspresso: the flag table per ecspresso release, and the module run
with ``AnsibleModule.run_command`` (its boundary) answered from a script.

Nothing stands in for the ecspresso binary but that mock: it records each argument
list and environment and returns the (rc, stdout, stderr) a test scripted for the
subcommand; a scripted answer may also change the moto ECS (as ecspresso would) before
it returns. ``ecspresso_path`` points at any existing executable, since nothing runs.
The module reads the service back from a moto server. One test runs the real binary
that ``make ecspresso`` builds, for ``command=version`` only.
"""

import json
import os
import pathlib
import signal
import subprocess
import sys
import textwrap

import boto3
import pytest
from ansible.module_utils import basic
from moto.server import ThreadedMotoServer

from ansible_collections.kumo.platform.plugins.modules import ecspresso

REPO = pathlib.Path(__file__).resolve().parents[4]
STAND_IN = "/bin/true"  # an existing executable; run_command is mocked, so it never runs
FAMILY = "kumo-dev-frontend"

# What ecspresso v2.3.2 prints for `diff` (diff.go: unified by default, the service
# and then the task definition, each followed by an empty line; colours only on a tty).
DIFF = textwrap.dedent(
    """\
    --- arn:aws:ecs:ap-northeast-1:123456789012:service/kumo-dev-cluster/kumo-dev-frontend
    +++ service-definition.json
    @@ -3,1 +3,1 @@
    -  "healthCheckGracePeriodSeconds": 30,
    +  "healthCheckGracePeriodSeconds": 60,

    --- arn:aws:ecs:ap-northeast-1:123456789012:task-definition/kumo-dev-frontend:1
    +++ task-definition.json
    @@ -1,3 +1,3 @@
       {
    -      "image": "repo/kumo/frontend:old",
    +      "image": "repo/kumo/frontend:new",
    \\ No newline at end of file

    """
)

V230, V232, V249, V240, V250, V263, V287 = (2, 3, 0), (2, 3, 2), (2, 4, 9), (2, 4, 0), (2, 5, 0), (2, 6, 3), (2, 8, 7)
_GLOBAL_WITH_VALUE = {"--config", "--envfile", "--ext-str", "--ext-code"}


def subcommand(argv):
    """The ecspresso subcommand of an argument list (after the global options)."""
    for index, arg in enumerate(argv):
        if not arg.startswith("-") and (index == 0 or argv[index - 1] not in _GLOBAL_WITH_VALUE):
            return arg
    return None


class ScriptedEcspresso:
    """Replaces AnsibleModule.run_command: records calls, answers per subcommand.

    ``answers[subcommand]`` is (rc, stdout, stderr) or a function of the call that returns one."""

    def __init__(self):
        self.version = "v2.8.7"
        self.calls = []
        self.answers = {}

    def __call__(self, module, args, environ_update=None, **kwargs):
        assert isinstance(args, list), "ecspresso must be run with an argument list, never a string"
        argv = [str(arg) for arg in args[1:]]
        call = {"binary": args[0], "argv": argv, "env": dict(environ_update or {})}
        self.calls.append(call)
        command = subcommand(argv)
        if command == "version":
            default = (0, f"ecspresso {self.version}\n", "")
        elif command == "render":
            default = (0, '{"cluster": "kumo-dev-cluster"}\n', "")
        elif command == "deploy":
            default = (0, "", "2026/01/01 00:00:00 INFO Service is stable now. Completed!\n")
        elif command == "diff":
            default = (0, "", "")
        else:
            default = (0, "", f"INFO {command} done {call['env'].get('ORIGIN_SECRET', '')}\n")
        answer = self.answers.get(command, default)
        return answer(call) if callable(answer) else answer

    def commands(self):
        """The argument lists after the global options, version checks left out."""
        return [c["argv"][2:] for c in self.calls if c["argv"] != ["version"]]


@pytest.fixture(autouse=True)
def signal_handlers():
    """The module sets handlers for SIGTERM, SIGINT and SIGHUP (stop_with_module);
    pytest gets its own back after each test."""
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


@pytest.fixture
def script(monkeypatch):
    scripted = ScriptedEcspresso()

    def run_command(module, args, **kwargs):  # a function, so that it binds like the method it replaces
        return scripted(module, args, **kwargs)

    monkeypatch.setattr(basic.AnsibleModule, "run_command", run_command)
    return scripted


@pytest.fixture(scope="module")
def moto_url():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def ecs(moto_url):
    """A moto ECS with kumo-dev-cluster; returns the client."""
    requests = __import__("urllib.request").request
    requests.urlopen(requests.Request(f"{moto_url}/moto-api/reset", method="POST"))
    client = boto3.client(
        "ecs",
        endpoint_url=moto_url,
        region_name="ap-northeast-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_cluster(clusterName="kumo-dev-cluster")
    return client


def register(ecs):
    return ecs.register_task_definition(
        family=FAMILY, containerDefinitions=[{"name": "frontend", "image": "x", "memory": 128}]
    )["taskDefinition"]["taskDefinitionArn"]


def revision(arn, number):
    """The ARN of another revision of the task definition ``arn`` names."""
    return f"{arn.rsplit(':', 1)[0]}:{number}"


def with_service(ecs, revisions=1):
    arn = [register(ecs) for count in range(revisions)][-1]
    ecs.create_service(cluster="kumo-dev-cluster", serviceName=FAMILY, taskDefinition=arn, desiredCount=2)
    return arn


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "ecspresso.yml"
    path.write_text("region: ap-northeast-1\ncluster: kumo-dev-cluster\nservice: kumo-dev-frontend\n")
    return path


@pytest.fixture
def args(config, moto_url, ecs, script):
    def build(**extra):
        return {"config": str(config), "ecspresso_path": STAND_IN, "endpoint_url": moto_url, **extra}

    return build


@pytest.fixture
def latest_reads(monkeypatch):
    """Counts the module's reads of a family's newest task definition."""
    seen = []
    real = ecspresso.describe_latest_task_definition

    def counting(client, family):
        seen.append(family)
        return real(client, family)

    monkeypatch.setattr(ecspresso, "describe_latest_task_definition", counting)
    return seen


def params(**overrides):
    base = {"wait": True, "wait_until": "stable", "force_new_deployment": False, "initial_tasks": None}
    return {**base, **overrides}


# --- the flag table, per release line -------------------------------------------------


@pytest.mark.parametrize(
    ("version", "waiting"),
    [
        (V230, ["deploy"]),  # 2.3.x: no --wait-until; waits until stable by default
        (V232, ["deploy"]),
        (V240, ["deploy"]),  # 2.4.x: the same flags
        (V249, ["deploy"]),
        (V250, ["deploy", "--wait-until", "stable"]),  # 2.5.x: --wait-until, always explicit
        (V263, ["deploy", "--wait-until", "stable"]),  # 2.6.x+: default "deployed", so explicit matters
        (V287, ["deploy", "--wait-until", "stable"]),
        (None, ["deploy", "--wait-until", "stable"]),  # unreadable (min_version ''): the newest
    ],
)
def test_deploy_args_per_release_line(version, waiting):
    assert ecspresso.deploy_args(version, params()) == waiting
    assert ecspresso.deploy_args(version, params(wait=False)) == ["deploy", "--no-wait"]
    assert ecspresso.deploy_args(version, params(force_new_deployment=True)) == [*waiting, "--force-new-deployment"]


@pytest.mark.parametrize("version", [V230, V232, V240, V249])
def test_wait_until_deployed_is_refused_below_2_5(version):
    with pytest.raises(ecspresso.UnsupportedOption, match=r"wait_until=deployed needs ecspresso v2\.5\.0"):
        ecspresso.deploy_args(version, params(wait_until="deployed"))
    # without waiting, wait_until does not matter
    assert ecspresso.deploy_args(version, params(wait=False, wait_until="deployed")) == ["deploy", "--no-wait"]


@pytest.mark.parametrize("version", [V250, V263, V287])
def test_wait_until_deployed_is_passed_from_2_5(version):
    assert ecspresso.deploy_args(version, params(wait_until="deployed")) == ["deploy", "--wait-until", "deployed"]


@pytest.mark.parametrize("version", [V232, V240, V250, V287])
def test_initial_tasks_only_for_a_missing_service(version):
    missing = ecspresso.deploy_args(version, params(initial_tasks=3), service_exists=False)
    assert missing[-2:] == ["--tasks", "3"]
    assert "--tasks" not in ecspresso.deploy_args(version, params(initial_tasks=3), service_exists=True)
    assert "--tasks" not in ecspresso.deploy_args(version, params(), service_exists=False)
    assert ecspresso.deploy_args(version, params(initial_tasks=0), service_exists=False)[-2:] == ["--tasks", "0"]


def test_only_2_4_and_newer_fail_a_rolled_back_deploy_themselves():
    assert not ecspresso.detects_circuit_breaker_rollback((2, 3, 0))
    assert not ecspresso.detects_circuit_breaker_rollback((2, 3, 99))
    assert ecspresso.detects_circuit_breaker_rollback((2, 4, 0))
    assert ecspresso.detects_circuit_breaker_rollback(V287)


def test_every_flag_passed_is_in_the_table_and_exists_in_the_oldest_supported_or_is_gated():
    flags = set()
    for version in (V230, V287):
        for wait in (True, False):
            p = params(wait=wait, force_new_deployment=True, initial_tasks=1, tasks=2, status_events=3)
            p.update(deregister_task_definition=True)
            lists = [
                ecspresso.deploy_args(version, p, service_exists=False),
                ecspresso.rollback_args(version, p, check_mode=True),
                ecspresso.scale_args(version, p, check_mode=True),
                ecspresso.verify_args(version),
                ecspresso.status_args(version, p),
            ]
            flags |= {arg for argv in lists for arg in argv if arg.startswith("--")}
    assert flags == set(ecspresso.FLAG_SINCE)
    assert ecspresso.FLAG_SINCE["--wait-until"] == (2, 5, 0)
    assert {v for f, v in ecspresso.FLAG_SINCE.items() if f != "--wait-until"} == {ecspresso.OLDEST_SUPPORTED}


def test_the_diff_parser_reads_what_ecspresso_2_3_prints_even_coloured():
    coloured = "\n".join(
        f"\x1b[31m{line}\x1b[0m" if line.startswith("-") else f"\x1b[32m{line}\x1b[0m" if line.startswith("+") else line
        for line in DIFF.splitlines()
    )
    for text in (DIFF, coloured):
        before, after = ecspresso.split_unified(text)
        assert '"image": "repo/kumo/frontend:old",' in before and "frontend:new" not in before
        assert '"image": "repo/kumo/frontend:new",' in after and "frontend:old" not in after
        assert '"healthCheckGracePeriodSeconds": 30,' in before and "No newline" not in before + after
        assert "\x1b" not in before + after


# --- the module, run_command answered from a script -----------------------------------


def test_a_difference_deploys_and_passes_the_aws_settings(script, args, run_module, moto_url, config):
    script.answers["diff"] = (0, DIFF, "")
    result = run_module(ecspresso, args(wait=False), diff=True)
    assert result["changed"] is True
    assert result["differs"] is True and "frontend:new" in result["diff"]["after"]
    diff_call, deploy_call = [c for c in script.calls if c["argv"] != ["version"]]
    assert diff_call["binary"] == STAND_IN
    assert diff_call["argv"] == ["--config", str(config), "diff"]
    assert deploy_call["argv"] == ["--config", str(config), "deploy", "--no-wait"]
    assert deploy_call["env"]["AWS_ENDPOINT_URL"] == moto_url
    assert deploy_call["env"]["AWS_REGION"] == "ap-northeast-1"
    assert deploy_call["env"]["AWS_ACCESS_KEY_ID"] == "testing"
    assert "Completed" in result["stderr"]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("v2.3.2", ["deploy"]),
        ("v2.4.0", ["deploy"]),
        ("v2.5.0", ["deploy", "--wait-until", "stable"]),
        ("v2.6.3", ["deploy", "--wait-until", "stable"]),
        ("v2.8.7", ["deploy", "--wait-until", "stable"]),
    ],
)
def test_deploy_passes_the_flags_of_the_version_found(script, args, run_module, ecs, version, expected):
    arn = with_service(ecs)
    script.version = version

    def rolls(call):
        ecs.update_service(cluster="kumo-dev-cluster", service=FAMILY, taskDefinition=register(ecs))
        return 0, "", "INFO Service is stable now. Completed!\n"

    script.answers["deploy"] = rolls
    script.answers["diff"] = (0, DIFF, "")
    result = run_module(ecspresso, args())
    assert script.commands()[-1] == expected
    assert result["changed"] is True and result["ecspresso_version"] == version[1:]
    assert result["previous_task_definition_arn"] == arn
    assert result["task_definition_arn"] == revision(arn, 2)


def test_no_difference_is_not_a_change_and_does_not_deploy(script, args, run_module):
    result = run_module(ecspresso, args())
    assert result["changed"] is False and result["differs"] is False
    assert script.commands() == [["diff"]]


def test_force_new_deployment_deploys_without_a_difference(script, args, run_module):
    result = run_module(ecspresso, args(force_new_deployment=True))
    assert result["changed"] is True
    assert script.commands()[-1] == ["deploy", "--wait-until", "stable", "--force-new-deployment"]


def test_check_mode_only_diffs(script, args, run_module):
    script.answers["diff"] = (0, DIFF, "")
    result = run_module(ecspresso, args(), check_mode=True)
    assert result["changed"] is True
    assert script.commands() == [["diff"]]


@pytest.mark.parametrize("version", ["v2.3.2", "v2.4.9"])
def test_wait_until_deployed_below_2_5_fails_before_running_anything(script, args, run_module, version):
    script.version = version
    script.answers["diff"] = (0, DIFF, "")
    result = run_module(ecspresso, args(wait_until="deployed"))
    assert result["failed"] is True
    assert "wait_until=deployed" in result["msg"] and "v2.5.0" in result["msg"] and version in result["msg"]
    assert script.commands() == []


def test_wait_until_deployed_from_2_5_is_passed(script, args, run_module):
    script.version = "v2.5.0"
    script.answers["diff"] = (0, DIFF, "")
    run_module(ecspresso, args(wait_until="deployed"))
    assert script.commands()[-1] == ["deploy", "--wait-until", "deployed"]


def ecs_rolls_back(ecs, rc=0):
    """A deploy answer: ecspresso registers a new revision, ECS's circuit breaker puts the
    service back on the one it ran (so it stays there); exits ``rc``."""

    def answer(call):
        register(ecs)
        if rc:
            return rc, "", "[ERROR] FAILED. failed to wait: deployment rolled back\n"
        return 0, "", "INFO Service is stable now. Completed!\n"

    return answer


def test_2_3_exits_0_on_a_rollback_and_the_module_fails_like_a_failed_deploy(
    script, args, run_module, ecs, latest_reads
):
    arn = with_service(ecs)
    new_arn = revision(arn, 2)
    script.version = "v2.3.2"
    script.answers["diff"] = (0, DIFF, "")
    script.answers["deploy"] = ecs_rolls_back(ecs)
    result = run_module(ecspresso, args())
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"] == (
        "ecspresso deploy failed: ECS rolled the deployment back (deployment circuit breaker); "
        f"the service runs {arn}, not {new_arn}"
    )
    assert result["task_definition_arn"] == arn and result["previous_task_definition_arn"] == arn
    assert result["service"]["service_name"] == FAMILY and result["differs"] is True
    assert latest_reads == [FAMILY, FAMILY]


def test_2_3_a_deploy_that_reached_the_new_revision_succeeds(script, args, run_module, ecs):
    arn = with_service(ecs)
    script.version = "v2.3.2"
    script.answers["diff"] = (0, DIFF, "")

    def rolls(call):
        ecs.update_service(cluster="kumo-dev-cluster", service=FAMILY, taskDefinition=register(ecs))
        return 0, "", "INFO Service is stable now. Completed!\n"

    script.answers["deploy"] = rolls
    result = run_module(ecspresso, args())
    assert result.get("failed") is not True, result.get("msg")
    assert result["task_definition_arn"] == revision(arn, 2)


def test_2_3_a_service_the_deploy_left_on_an_older_revision_than_the_newest_is_a_rollback(
    script, args, run_module, ecs
):
    # the service runs :2 while :3 was registered before the deploy, which registers :4
    register(ecs)
    arn = with_service(ecs, revisions=1)
    assert arn.endswith(":2")
    register(ecs)
    script.version = "v2.3.0"
    script.answers["diff"] = (0, DIFF, "")
    script.answers["deploy"] = ecs_rolls_back(ecs)
    result = run_module(ecspresso, args())
    assert result["failed"] is True and result["msg"].endswith(f"runs {arn}, not {revision(arn, 4)}")


def test_2_3_without_wait_does_not_look_for_a_rollback(script, args, run_module, ecs, latest_reads):
    with_service(ecs)
    script.version = "v2.3.2"
    script.answers["diff"] = (0, DIFF, "")
    script.answers["deploy"] = ecs_rolls_back(ecs)
    result = run_module(ecspresso, args(wait=False))
    assert result["changed"] is True and result.get("failed") is not True
    assert latest_reads == []


@pytest.mark.parametrize("version", ["v2.4.0", "v2.6.3"])
def test_from_2_4_ecspresso_reports_the_rollback_itself(script, args, run_module, ecs, latest_reads, version):
    arn = with_service(ecs)
    script.version = version
    script.answers["diff"] = (0, DIFF, "")
    script.answers["deploy"] = ecs_rolls_back(ecs, rc=1)
    result = run_module(ecspresso, args())
    assert result["failed"] is True and result["changed"] is True
    assert (
        result["msg"] == "ecspresso deploy failed (exit code 1): [ERROR] FAILED. failed to wait: deployment rolled back"
    )
    assert result["task_definition_arn"] == arn and result["previous_task_definition_arn"] == arn
    # ecspresso's own error stays the message; the module still says ECS rolled back,
    # which the role reports (a failure before any change would say rolled_back=false)
    assert result["rolled_back"] is True


def test_initial_tasks_are_given_to_a_service_that_does_not_exist(script, args, run_module, ecs):
    script.version = "v2.3.2"
    script.answers["diff"] = (0, DIFF, "")
    result = run_module(ecspresso, args(initial_tasks=2))
    assert result["changed"] is True
    assert script.commands()[-1] == ["deploy", "--tasks", "2"]


def test_initial_tasks_leave_an_existing_service_its_count(script, args, run_module, ecs):
    with_service(ecs)
    script.answers["diff"] = (0, DIFF, "")
    script.answers["deploy"] = lambda call: (0, "", "")
    run_module(ecspresso, args(initial_tasks=2))
    assert script.commands()[-1] == ["deploy", "--wait-until", "stable"]


@pytest.mark.parametrize("option", ["initial_tasks", "tasks"])
def test_negative_counts_fail_before_anything(script, args, run_module, option):
    result = run_module(ecspresso, args(**{option: -1}))
    assert result["failed"] is True and result["msg"] == f"{option} must be 0 or more; got -1"
    assert script.calls == []


def test_a_failing_deploy_fails_with_its_stderr(script, args, run_module):
    script.answers["diff"] = (0, DIFF, "")
    script.answers["deploy"] = (1, "", "[ERROR] FAILED. failed to deploy: something went wrong\n")
    result = run_module(ecspresso, args())
    assert result["failed"] is True
    assert result["rc"] == 1 and "something went wrong" in result["stderr"]
    assert (
        result["msg"] == "ecspresso deploy failed (exit code 1): [ERROR] FAILED. failed to deploy: something went wrong"
    )


def test_ext_str_values_are_passed_but_never_returned(script, args, run_module):
    result = run_module(ecspresso, args(command="diff", ext_str={"token": "s3cr3t-value"}))
    assert script.calls[-1]["argv"][2:4] == ["--ext-str", "token=s3cr3t-value"]
    assert "s3cr3t-value" not in json.dumps(result)
    assert "token=********" in result["command"]


def test_render_and_verify_change_nothing(script, args, run_module):
    rendered = run_module(ecspresso, args(command="render", render_targets=["config"]))
    assert rendered["changed"] is False and json.loads(rendered["stdout"]) == {"cluster": "kumo-dev-cluster"}
    verified = run_module(ecspresso, args(command="verify"))
    assert verified["changed"] is False
    assert script.commands() == [["render", "config"], ["verify", "--no-put-logs"]]


def test_a_missing_binary_fails_before_anything_naming_ecspresso_path(script, args, run_module, tmp_path):
    result = run_module(ecspresso, args(ecspresso_path=str(tmp_path / "bin" / "ecspresso")))
    assert result["failed"] is True
    assert "ecspresso_path" in result["msg"] and "does not exist" in result["msg"]
    assert script.calls == []


def test_a_binary_that_is_not_executable_fails(script, args, run_module, tmp_path):
    binary = tmp_path / "ecspresso"
    binary.write_text("")
    binary.chmod(0o644)
    result = run_module(ecspresso, args(ecspresso_path=str(binary)))
    assert result["failed"] is True and "not executable" in result["msg"]
    assert script.calls == []


def test_a_bare_name_not_on_path_fails(script, args, run_module, monkeypatch):
    monkeypatch.setenv("PATH", os.devnull)
    result = run_module(ecspresso, args(ecspresso_path="ecspresso-not-installed"))
    assert result["failed"] is True and "not found on PATH" in result["msg"]


def test_the_version_is_checked_first(script, args, run_module):
    result = run_module(ecspresso, args(command="status"))
    assert script.calls[0]["argv"] == ["version"]
    assert result["ecspresso_version"] == "2.8.7"


@pytest.mark.parametrize(
    ("version", "min_version", "accepted"),
    [
        ("v2.2.9", None, False),  # below the oldest supported (the default min_version)
        ("v2.3.0", None, True),
        ("v2.3.2", None, True),
        ("v2.8.7", None, True),
        ("v1.99.0", None, False),
        ("v3.0.0", None, False),
        ("v2.4.9", "2.5.0", False),
        ("v2.5.0", "2.5.0", True),
    ],
)
def test_min_version_boundaries(script, args, run_module, version, min_version, accepted):
    script.version = version
    extra = {"min_version": min_version} if min_version else {}
    result = run_module(ecspresso, args(command="status", **extra))
    if accepted:
        assert result.get("failed") is not True, result.get("msg")
        assert script.commands() == [["status", "--events", "2"]]
    else:
        wanted = min_version or "2.3.0"
        assert result["failed"] is True
        assert version in result["msg"] and f"v{wanted}" in result["msg"]
        assert "min_version" in result["msg"] and "ecspresso_path" in result["msg"]
        assert script.commands() == []


def test_the_default_min_version_is_the_oldest_supported():
    assert ecspresso.version_text(ecspresso.OLDEST_SUPPORTED) == "2.3.0"
    assert "default: 2.3.0" in ecspresso.DOCUMENTATION


def test_an_unreadable_version_fails_unless_the_check_is_off(script, args, run_module):
    script.version = "current"
    assert "Could not read the version" in run_module(ecspresso, args())["msg"]
    script.answers["diff"] = (0, DIFF, "")
    unchecked = run_module(ecspresso, args(min_version=""))
    assert unchecked["changed"] is True and unchecked["ecspresso_version"] == ""
    assert script.commands()[-1] == ["deploy", "--wait-until", "stable"]  # taken for the newest


def test_deploy_waits_until_stable_and_returns_the_service_state(script, args, run_module, ecs):
    arn = with_service(ecs)
    script.answers["diff"] = (0, DIFF, "")
    result = run_module(ecspresso, args())
    assert script.commands()[-1] == ["deploy", "--wait-until", "stable"]
    assert result["task_definition_arn"] == arn and result["previous_task_definition_arn"] == arn
    assert result["service"]["service_name"] == FAMILY
    assert result["service"]["desired_count"] == 2 and result["service"]["status"] == "ACTIVE"
    assert result["service"]["deployments"][0]["task_definition"] == arn


def test_diff_mode_returns_before_and_after(script, args, run_module):
    script.answers["diff"] = (0, DIFF, "")
    result = run_module(ecspresso, args(command="diff"), diff=True)
    assert result["changed"] is False and result["differs"] is True
    assert '"image": "repo/kumo/frontend:old",' in result["diff"]["before"]
    assert '"image": "repo/kumo/frontend:new",' in result["diff"]["after"]
    assert "frontend:new" not in result["diff"]["before"]


@pytest.mark.parametrize("version", ["v2.3.2", "v2.8.7"])
def test_rollback_runs_ecspresso_rollback(script, args, run_module, ecs, version):
    script.version = version
    arn = with_service(ecs, revisions=2)
    result = run_module(ecspresso, args(command="rollback"))
    assert result["changed"] is True and result["previous_task_definition_arn"] == arn
    assert script.commands()[-1] == ["rollback", "--deregister-task-definition"]
    no_wait = run_module(ecspresso, args(command="rollback", wait=False))
    assert no_wait["changed"] is True
    assert script.commands()[-1] == ["rollback", "--no-deregister-task-definition", "--no-wait"]


def test_rollback_in_check_mode_is_a_dry_run(script, args, run_module, ecs):
    with_service(ecs, revisions=2)
    result = run_module(ecspresso, args(command="rollback"), check_mode=True)
    assert result["changed"] is True
    assert script.commands()[-1] == ["rollback", "--deregister-task-definition", "--dry-run"]


def test_rollback_without_a_service_fails(script, args, run_module):
    result = run_module(ecspresso, args(command="rollback"))
    assert result["failed"] is True and FAMILY in result["msg"]
    assert script.commands() == []


def test_scale_is_idempotent_and_honours_check_mode(script, args, run_module, ecs):
    with_service(ecs)
    same = run_module(ecspresso, args(command="scale", tasks=2))
    assert same["changed"] is False and script.commands() == []
    planned = run_module(ecspresso, args(command="scale", tasks=4), check_mode=True, diff=True)
    assert planned["changed"] is True
    assert planned["diff"] == {"before": {"desired_count": 2}, "after": {"desired_count": 4}}
    assert script.commands()[-1] == ["scale", "--tasks", "4", "--dry-run"]
    done = run_module(ecspresso, args(command="scale", tasks=4, wait=False))
    assert done["changed"] is True and script.commands()[-1] == ["scale", "--tasks", "4", "--no-wait"]


def test_scale_needs_tasks(script, args, run_module):
    result = run_module(ecspresso, args(command="scale"))
    assert result["failed"] is True and "tasks" in result["msg"]


def test_status_reads_only(script, args, run_module, ecs):
    arn = with_service(ecs)
    result = run_module(ecspresso, args(command="status"))
    assert result["changed"] is False and result["task_definition_arn"] == arn
    assert script.commands()[-1] == ["status", "--events", "2"]


def test_environment_reaches_ecspresso_and_secrets_are_masked(script, args, run_module):
    result = run_module(
        ecspresso,
        args(command="status", environment={"IMAGE_TAG": "rel1"}, secret_environment={"ORIGIN_SECRET": "hunter22"}),
    )
    seen = script.calls[-1]["env"]
    assert "AWS_ENDPOINT_URL" in seen and (seen["IMAGE_TAG"], seen["ORIGIN_SECRET"]) == ("rel1", "hunter22")
    assert "hunter22" not in json.dumps(result) and "done ********" in result["stderr"]


def test_version_needs_no_config_and_runs_only_ecspresso_version(script, run_module):
    result = run_module(ecspresso, {"command": "version", "ecspresso_path": STAND_IN})
    assert result["changed"] is False
    assert (result["ecspresso_version"], result["path"]) == ("2.8.7", STAND_IN)
    assert [c["argv"] for c in script.calls] == [["version"]]


def test_version_without_a_minimum_still_reports_it(script, run_module):
    script.version = "v2.1.0"
    result = run_module(ecspresso, {"command": "version", "ecspresso_path": STAND_IN, "min_version": ""})
    assert result.get("failed") is not True and result["ecspresso_version"] == "2.1.0"


@pytest.mark.parametrize("version", ["v2.2.9", "v3.0.0"])
def test_version_fails_on_a_binary_too_old(script, run_module, version):
    script.version = version
    result = run_module(ecspresso, {"command": "version", "ecspresso_path": STAND_IN})
    assert result["failed"] is True and "min_version" in result["msg"]


def test_other_commands_need_a_config(script, run_module):
    result = run_module(ecspresso, {"command": "status", "ecspresso_path": STAND_IN})
    assert result["failed"] is True and result["msg"] == "config is required with command=status"


# --- the real binary ------------------------------------------------------------------


def test_the_real_ecspresso_reports_a_supported_version(run_module):
    """`make ecspresso` guarantees a binary: its absence is a failure, not a skip."""
    # make's binary, else the one built by hand on the development machines
    candidates = [REPO / ".venv" / "bin" / "ecspresso", pathlib.Path("/tmp/ecsb/ecspresso")]  # noqa: S108
    binary = next((path for path in candidates if os.access(path, os.X_OK)), None)
    if binary is None:
        pytest.fail(f"no ecspresso binary at {' or '.join(map(str, candidates))}: run `make ecspresso`")
    result = run_module(ecspresso, {"command": "version", "ecspresso_path": str(binary)}, aws=False)
    assert result.get("failed") is not True, result.get("msg")
    assert result["path"] == str(binary) and result["rc"] == 0
    assert result["command"] == [str(binary), "version"] and result["stdout"].startswith("ecspresso v2.")
    found = ecspresso.parse_version(result["ecspresso_version"])
    assert found is not None and found >= ecspresso.OLDEST_SUPPORTED and found[0] == 2


def test_a_deploy_that_failed_before_changing_anything_is_no_rollback(script, args, run_module, ecs):
    arn = with_service(ecs)
    script.version = "v2.3.2"
    script.answers["diff"] = (0, DIFF, "")
    script.answers["deploy"] = lambda call: (2, "", "panic: runtime error: invalid memory address\n")
    result = run_module(ecspresso, args())
    assert result["failed"] is True and result["rolled_back"] is False
    assert result["msg"] == "ecspresso deploy failed (exit code 2): panic: runtime error: invalid memory address"
    assert result["task_definition_arn"] == arn


# --- a deployment still in progress, and stopping ecspresso ----------------------------


def service_with(deployments, task_definition="td:2"):
    return {"serviceName": FAMILY, "taskDefinition": task_definition, "deployments": deployments}


@pytest.mark.parametrize(
    ("deployments", "in_progress"),
    [
        ([{"status": "PRIMARY", "rolloutState": "COMPLETED"}], False),
        ([{"status": "PRIMARY", "rolloutState": "IN_PROGRESS"}], True),
        (
            [{"status": "PRIMARY", "rolloutState": "IN_PROGRESS"}, {"status": "ACTIVE", "rolloutState": "COMPLETED"}],
            True,
        ),
        ([{"status": "PRIMARY"}, {"status": "ACTIVE"}], True),  # old tasks still draining
        ([], False),
    ],
)
def test_a_deployment_is_in_progress_while_ecs_rolls_or_drains(deployments, in_progress):
    assert ecspresso.deployment_in_progress(service_with(deployments)) is in_progress
    assert ecspresso.deployment_in_progress(None) is False


@pytest.fixture
def service_reads(monkeypatch):
    """ServiceReader.read answers from a list: the service before, then after."""
    reads = []
    monkeypatch.setattr(ecspresso.ServiceReader, "read", lambda self: reads.pop(0) if len(reads) > 1 else reads[0])
    return reads


ROLLING = [{"status": "PRIMARY", "taskDefinition": "td:2", "rolloutState": "IN_PROGRESS"}]
DONE = [{"status": "PRIMARY", "taskDefinition": "td:2", "rolloutState": "COMPLETED"}]


def test_no_difference_but_a_deployment_in_progress_waits_for_it(script, args, run_module, service_reads):
    """A run stopped while ecspresso waited left ECS rolling; the next run waits for it."""
    service_reads += [service_with(ROLLING), service_with(DONE)]
    result = run_module(ecspresso, args())
    assert script.commands() == [["diff"], ["wait"]]
    assert result["changed"] is False and result["waited_for_deployment"] is True
    assert result["task_definition_arn"] == "td:2"


def test_a_deployment_ecs_rolled_back_while_nobody_waited_fails_the_next_run(script, args, run_module, service_reads):
    rolled_back = [{"status": "PRIMARY", "taskDefinition": "td:1", "rolloutState": "COMPLETED"}]
    service_reads += [service_with(ROLLING), service_with(rolled_back, task_definition="td:1")]
    result = run_module(ecspresso, args())
    assert result["failed"] is True and result["rolled_back"] is True
    assert result["msg"] == (
        "ECS rolled the deployment of td:2 back (deployment circuit breaker); the service runs td:1"
    )
    # nothing for the role's rescue to roll back: both name what runs now
    assert result["task_definition_arn"] == result["previous_task_definition_arn"] == "td:1"


def test_a_failed_wait_fails_with_ecspresso_s_error(script, args, run_module, service_reads):
    service_reads += [service_with(ROLLING)]
    script.answers["wait"] = (1, "", "ERROR context deadline exceeded\n")
    result = run_module(ecspresso, args())
    assert result["failed"] is True and result["rolled_back"] is False
    assert result["msg"] == "ecspresso wait failed (exit code 1): ERROR context deadline exceeded"


@pytest.mark.parametrize(("wait", "check_mode"), [(False, False), (True, True)])
def test_no_wait_for_a_deployment_in_progress_without_wait_or_in_check_mode(
    script, args, run_module, service_reads, wait, check_mode
):
    service_reads += [service_with(ROLLING)]
    result = run_module(ecspresso, args(wait=wait), check_mode=check_mode)
    assert script.commands() == [["diff"]]
    assert result["changed"] is False


def test_stop_ends_the_running_ecspresso_with_sigterm_then_sigkill(monkeypatch):
    monkeypatch.setattr(ecspresso, "STOP_GRACE", 1)
    runner = ecspresso.Ecspresso.__new__(ecspresso.Ecspresso)
    # one child exits on SIGTERM, one ignores it and is killed after STOP_GRACE;
    # each says "ready" once its signal disposition is set, so a slow start cannot race stop()
    ignores_sigterm = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    )
    for command, ends_by in (
        (["sh", "-c", "echo ready; exec sleep 60"], -signal.SIGTERM),
        ([sys.executable, "-c", ignores_sigterm], -signal.SIGKILL),
    ):
        runner.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert runner.process.stdout.readline() == "ready\n"
        runner.stop()
        runner.process.stdout.close()
        assert runner.process.returncode == ends_by
    runner.process = None
    runner.stop()  # nothing running: nothing to do


STOPPED_MODULE = """
import os, signal, subprocess, sys, time
from ansible_collections.kumo.platform.plugins.modules import ecspresso
runner = ecspresso.Ecspresso.__new__(ecspresso.Ecspresso)
runner.process = subprocess.Popen(["sleep", "60"])
print(runner.process.pid, flush=True)
ecspresso.stop_with_module(runner)
os.kill(os.getpid(), signal.SIG{name})
time.sleep(30)
"""


@pytest.mark.parametrize("name", ["TERM", "INT", "HUP"])
def test_a_module_told_to_stop_stops_ecspresso_first_then_itself(name):
    """Mitogen sends a module process SIGTERM when the run that started it is
    gone: ecspresso, the module's child, must not outlive it."""
    collections = REPO / ".collections"
    process = subprocess.run(
        [sys.executable, "-c", STOPPED_MODULE.format(name=name)],
        env={**os.environ, "PYTHONPATH": str(collections)},
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert process.returncode == -getattr(signal, f"SIG{name}"), process.stderr
    child = int(process.stdout.split()[0])
    assert not os.path.exists(f"/proc/{child}"), "ecspresso outlived the module"  # stop() waited for it


# --- blue/green: services with the CODE_DEPLOY deployment controller -------------------


def code_deploy_service(task_sets, task_definition="td:1"):
    return {
        "serviceName": FAMILY,
        "taskDefinition": task_definition,
        "deploymentController": {"type": "CODE_DEPLOY"},
        "deployments": [{"status": "PRIMARY", "taskDefinition": task_definition}],
        "taskSets": task_sets,
    }


PRIMARY_1 = {"status": "PRIMARY", "taskDefinition": "td:1", "stabilityStatus": "STEADY_STATE"}
REPLACEMENT_2 = {"status": "ACTIVE", "taskDefinition": "td:2", "stabilityStatus": "STABILIZING"}
PRIMARY_2 = dict(PRIMARY_1, taskDefinition="td:2")


def test_a_code_deploy_deployment_is_in_progress_while_two_task_sets_run():
    assert ecspresso.deployment_in_progress(code_deploy_service([PRIMARY_1, REPLACEMENT_2])) is True
    assert ecspresso.deployment_in_progress(code_deploy_service([PRIMARY_1])) is False
    assert ecspresso.deployment_target(code_deploy_service([PRIMARY_1, REPLACEMENT_2])) == "td:2"
    assert ecspresso.deployment_target(code_deploy_service([PRIMARY_1])) == "td:1"


def test_a_code_deploy_deployment_left_running_is_waited_for_and_its_end_reported(
    script, args, run_module, service_reads
):
    service_reads += [code_deploy_service([PRIMARY_1, REPLACEMENT_2]), code_deploy_service([PRIMARY_2], "td:2")]
    result = run_module(ecspresso, args())
    assert script.commands() == [["diff"], ["wait"]]
    assert result["changed"] is False and result["waited_for_deployment"] is True
    assert result["task_definition_arn"] == "td:2"


def test_a_code_deploy_deployment_rolled_back_while_nobody_waited_fails_the_next_run(
    script, args, run_module, service_reads
):
    service_reads += [code_deploy_service([PRIMARY_1, REPLACEMENT_2]), code_deploy_service([PRIMARY_1])]
    result = run_module(ecspresso, args())
    assert result["failed"] is True and result["rolled_back"] is True and result["rolled_back_by"] == "CodeDeploy"
    assert result["msg"] == "CodeDeploy rolled the blue/green deployment of td:2 back; the service runs td:1"


@pytest.mark.parametrize("version", ["v2.3.2", "v2.8.7"])
def test_a_code_deploy_rollback_fails_the_deploy_even_when_ecspresso_exits_0(
    script, args, run_module, service_reads, version, monkeypatch
):
    """ecspresso finds no deployment in progress when CodeDeploy had already rolled
    back, and exits 0: the service still runs the revision it ran before."""
    latest = iter(["td:1", "td:2"])
    monkeypatch.setattr(ecspresso.ServiceReader, "latest_task_definition_arn", lambda self, family: next(latest))
    service_reads += [code_deploy_service([PRIMARY_1])]
    script.version = version
    script.answers["diff"] = (0, DIFF, "")
    script.answers["deploy"] = (0, "", "INFO No deployments found in progress on CodeDeploy\n")
    result = run_module(ecspresso, args())
    assert result["failed"] is True and result["rolled_back"] is True and result["rolled_back_by"] == "CodeDeploy"
    assert result["msg"] == (
        "ecspresso deploy failed: CodeDeploy rolled the blue/green deployment back (the old task set serves); "
        "the service runs td:1, not td:2"
    )
    assert result["task_definition_arn"] == result["previous_task_definition_arn"] == "td:1"


def test_a_code_deploy_deployment_that_moved_the_service_succeeds(script, args, run_module, service_reads, monkeypatch):
    latest = iter(["td:1", "td:2"])
    monkeypatch.setattr(ecspresso.ServiceReader, "latest_task_definition_arn", lambda self, family: next(latest))
    service_reads += [code_deploy_service([PRIMARY_1]), code_deploy_service([PRIMARY_2], "td:2")]
    script.answers["diff"] = (0, DIFF, "")
    result = run_module(ecspresso, args())
    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is True and result["task_definition_arn"] == "td:2"


def test_a_code_deploy_rollback_ecspresso_saw_says_codedeploy_rolled_back(
    script, args, run_module, service_reads, monkeypatch
):
    latest = iter(["td:1", "td:2"])
    monkeypatch.setattr(ecspresso.ServiceReader, "latest_task_definition_arn", lambda self, family: next(latest))
    service_reads += [code_deploy_service([PRIMARY_1])]
    script.answers["diff"] = (0, DIFF, "")
    script.answers["deploy"] = (1, "", "[ERROR] FAILED. waiter state transitioned to Failure\n")
    result = run_module(ecspresso, args())
    assert result["failed"] is True and result["rolled_back_by"] == "CodeDeploy"
    assert result["msg"].startswith("ecspresso deploy failed: CodeDeploy rolled the blue/green deployment back")
    assert "waiter state transitioned to Failure" in result["stderr"]


def test_a_failed_code_deploy_release_waits_for_the_rollback_to_delete_the_new_task_set(
    script, args, run_module, service_reads, monkeypatch
):
    latest = iter(["td:1", "td:2"])
    monkeypatch.setattr(ecspresso.ServiceReader, "latest_task_definition_arn", lambda self, family: next(latest))
    slept = []
    monkeypatch.setattr(ecspresso.time, "sleep", slept.append)
    rolling_back = code_deploy_service([PRIMARY_1, REPLACEMENT_2])
    service_reads += [code_deploy_service([PRIMARY_1]), rolling_back, rolling_back, rolling_back]
    service_reads += [code_deploy_service([PRIMARY_1])]
    script.answers["diff"] = (0, DIFF, "")
    script.answers["deploy"] = (1, "", "[ERROR] FAILED. waiter state transitioned to Failure\n")
    result = run_module(ecspresso, args())
    assert result["failed"] is True and result["rolled_back_by"] == "CodeDeploy"
    assert len(slept) == 2
    assert [t["task_definition"] for t in result["service"]["task_sets"]] == ["td:1"]
