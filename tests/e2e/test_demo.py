"""`make demo`, as the README's first command: scripts/demo.sh on a fresh
emulator of its own builds the dev stack, builds the sample application
(examples/app) for the release named after the commit, deploys it with the
real ecspresso and prints what is live; run again, it changes nothing.

Then dev's rolling story goes on on the stack the demo left (make test's
sample of it; make test-all tells it in full, on a build of its own, in
test_deploy): a new release rolls both services with ECS's rolling update, a
release that cannot start is rolled back by the deployment circuit breaker
while the previous one keeps serving, and the same release again changes
nothing.

Builds of the sample application take turns (examples/app/build.sh locks the
directory), and the demo uploads a copy of its build, which the deploy
stories' builds do not rewrite.

It runs in the dev group, on its own emulator: prod's release story, on the
fault-injected build, is make test's longest chain, and the demo beside it
would lengthen it.
"""

import os
import re
import shutil
import subprocess
import time

import pytest

from kumo_releases import SERVICES, assert_failed_and_kept, assert_released, ecs_writes, find_cdn, snapshot
from kumo_testlib import ROOT, Emulator, files_under, run_playbook, static_objects

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group(name="dev")]

RECAP = re.compile(r"^localhost\s+: ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=(\d+)", re.M)


def run_demo(state_dir):
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "ANSIBLE_", "EMULATOR_"))}
    environ.update({"STATE_DIR": str(state_dir), "ANSIBLE_NOCOLOR": "1"})
    demo = str(ROOT / "scripts" / "demo.sh")
    done = subprocess.run([demo], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=1800, check=False)
    return done.returncode, done.stdout + done.stderr


# dev's rolling story after the demo's release (revision 1 of each task definition).
ROLLING_STORY = (("rel2", "rel2"), ("rel3_failed", "rel3-broken"), ("rel2_again", "rel2"))


def read_demo(emulator):
    """What the demo left live (kumo_releases.snapshot: each service, its task
    definition, tasks and targets, the invalidations), the static assets in the
    bucket and the distribution; and the distribution's id."""
    bucket, distribution = find_cdn(emulator, "dev")
    live = snapshot(emulator, "dev", distribution)
    live["objects"] = static_objects(emulator.client("s3"), bucket)
    [live["distribution"]] = emulator.client("cloudfront", "us-east-1").list_distributions()["DistributionList"][
        "Items"
    ]
    return live, distribution


def roll_on(emulator, distribution, static):
    """dev's rolling story on the demo's stack: each step's run, its requests
    and what it left (kumo_releases.snapshot)."""
    story = {"runs": {}, "requests": {}, "states": {}}
    for step, tag in ROLLING_STORY:
        emulator.clear_requests()
        started = time.monotonic()
        story["runs"][step] = run_playbook(
            emulator,
            playbook="playbooks/deploy.yml",
            inventory="inventories/dev",
            extra_vars={"image_tag": tag, "deploy_static_dir": str(static)},
        )
        story["requests"][step] = emulator.requests()
        story["states"][step] = snapshot(emulator, "dev", distribution)
        print(f"dev, rolling: {step} ({tag}) took {time.monotonic() - started:.1f} s")
    return story


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    state_dir = tmp_path_factory.mktemp("demo-emulator")
    try:
        first = run_demo(state_dir)
        assert first[0] == 0, first[1][-4000:]
        second = run_demo(state_dir)
        emulator = Emulator.at(f"http://127.0.0.1:{(state_dir / 'port').read_text().strip()}")
        live, distribution = read_demo(emulator)
        rolling = roll_on(emulator, distribution, state_dir / "static")
        yield {"first": first[1], "second": second, "live": live, "static": state_dir / "static", "rolling": rolling}
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
    live = demo["live"]
    for name in SERVICES:
        service = live["services"][name]
        assert service["status"] == "ACTIVE"
        assert service["runningCount"] == service["desiredCount"] >= 1
        [container] = [c for c in live["task_definitions"][name]["containerDefinitions"] if c["name"] == name]
        assert container["image"].endswith(f"/kumo/{name}:{release()}"), container["image"]


def test_the_sample_apps_static_assets_are_served_from_the_bucket_and_invalidated(demo):
    static, live = demo["static"], demo["live"]  # the copy of the Next.js build the demo uploaded
    files = files_under(static)
    assert f"{release()}/_buildManifest.js" in files  # the Next.js build id is the release
    assert sorted(live["objects"]) == [f"_next/static/{f}" for f in files]
    for key, (cache_control, _) in live["objects"].items():
        assert cache_control == "public, max-age=31536000, immutable", key
    [batch] = live["invalidations"]
    assert batch["InvalidationBatch"]["Paths"]["Items"] == ["/_next/static/*"]
    # the summary names what is live
    assert live["distribution"]["DomainName"] in demo["first"] and batch["Id"] in demo["first"]


def test_a_second_demo_changes_nothing(demo):
    returncode, said = demo["second"]
    assert returncode == 0, said[-4000:]
    assert "reusing the emulator" in said
    recaps = RECAP.findall(said)
    assert len(recaps) == 3, said[-3000:]
    assert all(changed == "0" and failed == "0" for changed, failed in recaps), recaps


def test_dev_rolls_a_new_release_with_ecs_rolling_updates(demo):
    run, state = demo["rolling"]["runs"]["rel2"], demo["rolling"]["states"]["rel2"]
    assert run.returncode == 0 and run.changed > 0, run.tail()
    assert_released(state, "dev", "rel2", revision=2)
    for name in SERVICES:
        service = state["services"][name]
        assert service["deploymentController"] == {"type": "ECS"}
        assert service["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    updates = [w["action"] for w in ecs_writes(demo["rolling"]["requests"]["rel2"])]
    assert sorted(updates) == ["RegisterTaskDefinition"] * 2 + ["UpdateService"] * 2, updates


def test_dev_rolls_back_a_release_that_cannot_start_and_keeps_the_last_one_serving(demo):
    story = demo["rolling"]
    assert_failed_and_kept(
        story["runs"]["rel3_failed"], story["states"]["rel3_failed"], story["requests"]["rel3_failed"], "dev", "rel2", 2
    )


def test_dev_running_the_same_release_again_changes_nothing(demo):
    story = demo["rolling"]
    again = story["runs"]["rel2_again"]
    assert again.returncode == 0 and again.changed == 0, again.changed_tasks()
    assert ecs_writes(story["requests"]["rel2_again"]) == []
    assert_released(story["states"]["rel2_again"], "dev", "rel2", revision=2)
