"""kumo.platform.ecspresso with a FAKE ecspresso written by the test.

The real binary cannot be built here; the fake records each call (argv and the
AWS_* environment) and answers like ecspresso v2: ``version`` prints
``ecspresso v2.6.3`` (control/version overrides), ``diff`` prints a unified
diff (or nothing), ``deploy`` / ``rollback`` / ``scale`` log to stderr, a failure
exits 1. The module reads the service back from a moto server (``ecs`` fixture).
"""

import collections
import json
import os
import stat
import sys
import textwrap

import boto3
import pytest
from moto.server import ThreadedMotoServer

from ansible_collections.kumo.platform.plugins.modules import ecspresso

# What the fake fixture makes: the executable, its control directory, an ecspresso.yml.
Fake = collections.namedtuple("Fake", "binary control config")

DIFF = textwrap.dedent(
    """\
    --- arn:aws:ecs:ap-northeast-1:123456789012:task-definition/kumo-dev-frontend:1
    +++ task-definition.json
    @@ -1,3 +1,3 @@
    -      "image": "repo/kumo/frontend:old",
    +      "image": "repo/kumo/frontend:new",
    """
)


@pytest.fixture
def fake(tmp_path):
    """(path of the fake binary, control dir): write control/diff to set the diff, control/fail to fail."""
    control = tmp_path / "control"
    control.mkdir()
    binary = tmp_path / "ecspresso"
    binary.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(
            f"""\
            import json, os, pathlib, sys
            control = pathlib.Path({str(control)!r})
            env = {{k: v for k, v in os.environ.items() if k.startswith("AWS_") or k in ("IMAGE_TAG", "ORIGIN_SECRET")}}
            with open(control / "calls.jsonl", "a") as log:
                log.write(json.dumps({{"argv": sys.argv[1:], "env": env}}) + "\\n")
            args = [a for a in sys.argv[1:]]
            if args == ["version"]:
                version = control / "version"
                print("ecspresso " + (version.read_text() if version.exists() else "v2.6.3"))
                sys.exit(0)
            command = next(a for i, a in enumerate(args) if not a.startswith("-") and not args[i - 1].startswith("--"))
            fail = control / "fail"
            if fail.exists() and fail.read_text().strip() in ("", command):
                sys.stderr.write("Error: failed to deploy: something went wrong\\n")
                sys.exit(1)
            if command == "diff":
                if (control / "diff").exists():
                    sys.stdout.write((control / "diff").read_text())
            elif command == "deploy":
                sys.stderr.write("INFO Starting deploy\\nINFO Service is stable now. Completed!\\n")
            elif command == "render":
                sys.stdout.write('{{"cluster": "kumo-dev-cluster"}}\\n')
            elif command in ("rollback", "scale", "status"):
                sys.stderr.write("INFO " + command + " done " + os.environ.get("ORIGIN_SECRET", "") + "\\n")
            """
        )
    )
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    config = tmp_path / "ecspresso.yml"
    config.write_text("region: ap-northeast-1\ncluster: kumo-dev-cluster\nservice: kumo-dev-frontend\n")
    return Fake(binary, control, config)


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


def with_service(ecs, revisions=1):
    arns = [
        ecs.register_task_definition(
            family="kumo-dev-frontend", containerDefinitions=[{"name": "frontend", "image": "x", "memory": 128}]
        )["taskDefinition"]["taskDefinitionArn"]
        for revision in range(revisions)
    ]
    arn = arns[-1]
    ecs.create_service(cluster="kumo-dev-cluster", serviceName="kumo-dev-frontend", taskDefinition=arn, desiredCount=2)
    return arn


def all_calls(control):
    path = control / "calls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def calls(control):
    """Every call but the version check."""
    return [c for c in all_calls(control) if c["argv"] != ["version"]]


@pytest.fixture
def args(fake, moto_url, ecs):
    binary = fake.binary
    config = fake.config

    def build(**extra):
        return {"config": str(config), "ecspresso_path": str(binary), "endpoint_url": moto_url, **extra}

    return build


def test_a_difference_deploys_and_passes_the_aws_settings(fake, args, run_module, moto_url):
    control = fake.control
    config = fake.config
    (control / "diff").write_text(DIFF)
    result = run_module(ecspresso, args(wait=False), diff=True)
    assert result["changed"] is True
    assert result["differs"] is True and "frontend:new" in result["diff"]["after"]
    diff_call, deploy_call = calls(control)
    assert diff_call["argv"] == ["--config", str(config), "diff"]
    assert deploy_call["argv"] == ["--config", str(config), "deploy", "--no-wait"]
    assert deploy_call["env"]["AWS_ENDPOINT_URL"] == moto_url
    assert deploy_call["env"]["AWS_REGION"] == "ap-northeast-1"
    assert deploy_call["env"]["AWS_ACCESS_KEY_ID"] == "testing"
    assert "Completed" in result["stderr"]


def test_no_difference_is_not_a_change_and_does_not_deploy(fake, args, run_module):
    control = fake.control
    result = run_module(ecspresso, args())
    assert result["changed"] is False and result["differs"] is False
    assert [c["argv"][-1] for c in calls(control)] == ["diff"]


def test_force_new_deployment_deploys_without_a_difference(fake, args, run_module):
    control = fake.control
    result = run_module(ecspresso, args(force_new_deployment=True))
    assert result["changed"] is True
    assert calls(control)[-1]["argv"][2:] == ["deploy", "--wait-until", "stable", "--force-new-deployment"]


def test_check_mode_only_diffs(fake, args, run_module):
    control = fake.control
    (control / "diff").write_text(DIFF)
    result = run_module(ecspresso, args(), check_mode=True)
    assert result["changed"] is True
    assert [c["argv"][-1] for c in calls(control)] == ["diff"]


def test_a_failing_deploy_fails_with_its_stderr(fake, args, run_module):
    control = fake.control
    (control / "fail").write_text("")
    result = run_module(ecspresso, args())
    assert result["failed"] is True
    assert result["rc"] == 1 and "something went wrong" in result["stderr"]


def test_ext_str_values_are_passed_but_never_returned(fake, args, run_module):
    control = fake.control
    result = run_module(ecspresso, args(command="diff", ext_str={"token": "s3cr3t-value"}))
    assert calls(control)[0]["argv"][2:4] == ["--ext-str", "token=s3cr3t-value"]
    assert "s3cr3t-value" not in json.dumps(result)
    assert "token=********" in result["command"]


def test_render_and_verify_change_nothing(fake, args, run_module):
    control = fake.control
    rendered = run_module(ecspresso, args(command="render", render_targets=["config"]))
    assert rendered["changed"] is False and json.loads(rendered["stdout"]) == {"cluster": "kumo-dev-cluster"}
    verified = run_module(ecspresso, args(command="verify"))
    assert verified["changed"] is False
    assert [c["argv"][2:] for c in calls(control)] == [["render", "config"], ["verify", "--no-put-logs"]]


def test_a_missing_binary_fails_before_anything_naming_ecspresso_path(fake, args, run_module, tmp_path):
    control = fake.control
    result = run_module(ecspresso, args(ecspresso_path=str(tmp_path / "bin" / "ecspresso")))
    assert result["failed"] is True
    assert "ecspresso_path" in result["msg"] and "does not exist" in result["msg"]
    assert calls(control) == []


def test_a_binary_that_is_not_executable_fails(fake, args, run_module):
    binary = fake.binary
    binary.chmod(0o644)
    result = run_module(ecspresso, args())
    assert result["failed"] is True and "not executable" in result["msg"]


def test_a_bare_name_not_on_path_fails(fake, args, run_module, monkeypatch):
    monkeypatch.setenv("PATH", os.devnull)
    result = run_module(ecspresso, args(ecspresso_path="ecspresso-not-installed"))
    assert result["failed"] is True and "not found on PATH" in result["msg"]


def test_the_version_is_checked_first(fake, args, run_module):
    control = fake.control
    result = run_module(ecspresso, args(command="status"))
    assert all_calls(control)[0]["argv"] == ["version"]
    assert result["ecspresso_version"] == "2.6.3"


@pytest.mark.parametrize("version", ["v2.4.9", "v1.99.0", "v3.0.0"])
def test_a_binary_too_old_or_of_another_major_fails_before_anything(fake, args, run_module, version):
    control = fake.control
    (control / "version").write_text(version)
    result = run_module(ecspresso, args())
    assert result["failed"] is True
    assert version in result["msg"] and "2.5.0" in result["msg"] and "min_version" in result["msg"]
    assert calls(control) == []


def test_an_unreadable_version_fails_unless_the_check_is_off(fake, args, run_module):
    control = fake.control
    (control / "version").write_text("current")
    assert "Could not read the version" in run_module(ecspresso, args())["msg"]
    assert run_module(ecspresso, args(min_version=""))["changed"] is False


def test_deploy_waits_until_stable_and_returns_the_service_state(fake, args, run_module, ecs):
    control = fake.control
    arn = with_service(ecs)
    (control / "diff").write_text(DIFF)
    result = run_module(ecspresso, args())
    assert calls(control)[-1]["argv"][2:] == ["deploy", "--wait-until", "stable"]
    assert result["task_definition_arn"] == arn and result["previous_task_definition_arn"] == arn
    assert result["service"]["service_name"] == "kumo-dev-frontend"
    assert result["service"]["desired_count"] == 2 and result["service"]["status"] == "ACTIVE"
    assert result["service"]["deployments"][0]["task_definition"] == arn


def test_a_failed_deploy_reports_ecspressos_error_and_where_the_service_is(fake, args, run_module, ecs):
    control = fake.control
    arn = with_service(ecs)
    (control / "diff").write_text(DIFF)
    (control / "fail").write_text("deploy")
    result = run_module(ecspresso, args())
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"] == "ecspresso deploy failed (exit code 1): Error: failed to deploy: something went wrong"
    assert result["previous_task_definition_arn"] == arn and result["task_definition_arn"] == arn
    assert result["differs"] is True


def test_diff_mode_returns_before_and_after(fake, args, run_module):
    control = fake.control
    (control / "diff").write_text(DIFF)
    result = run_module(ecspresso, args(command="diff"), diff=True)
    assert result["changed"] is False and result["differs"] is True
    assert '"image": "repo/kumo/frontend:old",' in result["diff"]["before"]
    assert '"image": "repo/kumo/frontend:new",' in result["diff"]["after"]
    assert "frontend:new" not in result["diff"]["before"]


def test_rollback_runs_ecspresso_rollback(fake, args, run_module, ecs):
    control = fake.control
    arn = with_service(ecs, revisions=2)
    result = run_module(ecspresso, args(command="rollback"))
    assert result["changed"] is True and result["previous_task_definition_arn"] == arn
    assert calls(control)[-1]["argv"][2:] == ["rollback", "--deregister-task-definition"]
    no_wait = run_module(ecspresso, args(command="rollback", wait=False))
    assert no_wait["changed"] is True
    assert calls(control)[-1]["argv"][2:] == ["rollback", "--no-deregister-task-definition", "--no-wait"]


def test_rollback_in_check_mode_is_a_dry_run(fake, args, run_module, ecs):
    control = fake.control
    with_service(ecs, revisions=2)
    result = run_module(ecspresso, args(command="rollback"), check_mode=True)
    assert result["changed"] is True
    assert calls(control)[-1]["argv"][2:] == ["rollback", "--deregister-task-definition", "--dry-run"]


def test_rollback_without_a_service_fails(fake, args, run_module):
    control = fake.control
    result = run_module(ecspresso, args(command="rollback"))
    assert result["failed"] is True and "kumo-dev-frontend" in result["msg"]
    assert calls(control) == []


def test_scale_is_idempotent_and_honours_check_mode(fake, args, run_module, ecs):
    control = fake.control
    with_service(ecs)
    same = run_module(ecspresso, args(command="scale", tasks=2))
    assert same["changed"] is False and calls(control) == []
    planned = run_module(ecspresso, args(command="scale", tasks=4), check_mode=True, diff=True)
    assert planned["changed"] is True
    assert planned["diff"] == {"before": {"desired_count": 2}, "after": {"desired_count": 4}}
    assert calls(control)[-1]["argv"][2:] == ["scale", "--tasks", "4", "--dry-run"]
    done = run_module(ecspresso, args(command="scale", tasks=4))
    assert done["changed"] is True and calls(control)[-1]["argv"][2:] == ["scale", "--tasks", "4"]


def test_scale_needs_tasks(fake, args, run_module):
    result = run_module(ecspresso, args(command="scale"))
    assert result["failed"] is True and "tasks" in result["msg"]


def test_status_reads_only(fake, args, run_module, ecs):
    control = fake.control
    arn = with_service(ecs)
    result = run_module(ecspresso, args(command="status"))
    assert result["changed"] is False and result["task_definition_arn"] == arn
    assert calls(control)[-1]["argv"][2:] == ["status", "--events", "2"]


def test_environment_reaches_ecspresso_and_secrets_are_masked(fake, args, run_module):
    control = fake.control
    result = run_module(
        ecspresso,
        args(command="status", environment={"IMAGE_TAG": "rel1"}, secret_environment={"ORIGIN_SECRET": "hunter22"}),
    )
    seen = calls(control)[-1]["env"]
    assert "AWS_ENDPOINT_URL" in seen and (seen["IMAGE_TAG"], seen["ORIGIN_SECRET"]) == ("rel1", "hunter22")
    assert "hunter22" not in json.dumps(result) and "done ********" in result["stderr"]


def test_version_needs_no_config_and_runs_only_ecspresso_version(fake, run_module):
    binary = fake.binary
    control = fake.control
    result = run_module(ecspresso, {"command": "version", "ecspresso_path": str(binary)})
    assert result["changed"] is False
    assert (result["ecspresso_version"], result["path"]) == ("2.6.3", str(binary))
    assert [c["argv"] for c in all_calls(control)] == [["version"]]


def test_version_without_a_minimum_still_reports_it(fake, run_module):
    binary = fake.binary
    result = run_module(ecspresso, {"command": "version", "ecspresso_path": str(binary), "min_version": ""})
    assert result["ecspresso_version"] == "2.6.3"


@pytest.mark.parametrize("version", ["v2.4.9", "v3.0.0"])
def test_version_fails_on_a_binary_too_old(fake, run_module, version):
    binary = fake.binary
    control = fake.control
    (control / "version").write_text(version)
    result = run_module(ecspresso, {"command": "version", "ecspresso_path": str(binary)})
    assert result["failed"] is True and "min_version" in result["msg"]


def test_other_commands_need_a_config(fake, run_module):
    binary = fake.binary
    result = run_module(ecspresso, {"command": "status", "ecspresso_path": str(binary)})
    assert result["failed"] is True and result["msg"] == "config is required with command=status"
