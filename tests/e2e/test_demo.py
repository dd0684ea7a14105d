"""`make demo`, as the README's first command: scripts/demo.sh on a fresh
emulator of its own builds the dev stack, builds the sample application
(examples/app) for the release named after the commit, deploys it with the
real ecspresso and prints what is live; run again, it changes nothing.

Builds of the sample application take turns (examples/app/build.sh locks the
directory), and the demo uploads a copy of its build, which the deploy
stories' builds do not rewrite.
"""

import os
import re
import shutil
import subprocess

import pytest

from kumo_testlib import REGION, ROOT, emulator_client, files_under, static_objects

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group(name="release-prod")]

RECAP = re.compile(r"^localhost\s+: ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=(\d+)", re.M)


def run_demo(state_dir):
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "ANSIBLE_", "EMULATOR_"))}
    environ.update({"STATE_DIR": str(state_dir), "ANSIBLE_NOCOLOR": "1"})
    demo = str(ROOT / "scripts" / "demo.sh")
    done = subprocess.run([demo], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=1800, check=False)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    state_dir = tmp_path_factory.mktemp("demo-emulator")
    try:
        first = run_demo(state_dir)
        assert first[0] == 0, first[1][-4000:]
        second = run_demo(state_dir)
        port = (state_dir / "port").read_text().strip()

        def client(service, region=REGION):
            return emulator_client(f"http://127.0.0.1:{port}", service, region)

        yield {"first": first[1], "second": second, "client": client, "static": state_dir / "static"}
    finally:
        subprocess.run(
            [str(ROOT / "scripts" / "emulator.sh"), "stop"],
            cwd=ROOT,
            env=os.environ | {"STATE_DIR": str(state_dir)},
            capture_output=True,
            check=False,
        )


def release():
    commit = subprocess.run(
        [shutil.which("git"), "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return commit.stdout.strip()[:12]


def test_the_demo_builds_the_stack_and_ships_the_release_named_after_the_commit(demo):
    said = demo["first"]
    assert f"deploying release {release()} with ecspresso v2" in said
    recaps = RECAP.findall(said)
    assert len(recaps) == 3, said[-3000:]  # site.yml, deploy.yml, summary.yml
    assert all(failed == "0" for _, failed in recaps)
    assert int(recaps[0][0]) > 0 and int(recaps[1][0]) > 0  # built, then deployed


def test_both_services_run_the_release(demo):
    ecs = demo["client"]("ecs")
    for name in ("frontend", "backend"):
        [service] = ecs.describe_services(cluster="kumo-dev-cluster", services=[f"kumo-dev-{name}"])["services"]
        assert service["status"] == "ACTIVE"
        assert service["runningCount"] == service["desiredCount"] >= 1
        task_definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
        [container] = [c for c in task_definition["containerDefinitions"] if c["name"] == name]
        assert container["image"].endswith(f"/kumo/{name}:{release()}"), container["image"]


def test_the_sample_apps_static_assets_are_served_from_the_bucket_and_invalidated(demo):
    static = demo["static"]  # the copy of the Next.js build the demo uploaded
    files = files_under(static)
    assert f"{release()}/_buildManifest.js" in files  # the Next.js build id is the release
    s3 = demo["client"]("s3")
    [bucket] = [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("kumo-dev-static-assets-")]
    objects = static_objects(s3, bucket)
    assert sorted(objects) == [f"_next/static/{f}" for f in files]
    for key, (cache_control, _) in objects.items():
        assert cache_control == "public, max-age=31536000, immutable", key
    cloudfront = demo["client"]("cloudfront", "us-east-1")
    [distribution] = cloudfront.list_distributions()["DistributionList"]["Items"]
    [made] = cloudfront.list_invalidations(DistributionId=distribution["Id"])["InvalidationList"]["Items"]
    batch = cloudfront.get_invalidation(DistributionId=distribution["Id"], Id=made["Id"])["Invalidation"]
    assert batch["InvalidationBatch"]["Paths"]["Items"] == ["/_next/static/*"]
    # the summary names what is live
    assert distribution["DomainName"] in demo["first"] and made["Id"] in demo["first"]


def test_a_second_demo_changes_nothing(demo):
    returncode, said = demo["second"]
    assert returncode == 0, said[-4000:]
    assert "reusing the emulator" in said
    recaps = RECAP.findall(said)
    assert len(recaps) == 3, said[-3000:]
    assert all(changed == "0" and failed == "0" for changed, failed in recaps), recaps
