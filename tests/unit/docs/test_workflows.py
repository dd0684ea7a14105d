"""The GitHub workflows: the collection's reusable deploy workflow and the
example application workflow that calls it agree with each other and with
the playbook they run."""

import re

import yaml

from kumo_testlib import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(path):
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop("on", None) or data.pop(True)  # YAML 1.1 reads a bare `on` as true
    return data


def test_the_deploy_workflow_is_only_reusable_and_runs_deploy_yml():
    workflow = load(WORKFLOWS / "deploy-release.yml")
    assert list(workflow["on"]) == ["workflow_call"]  # never triggered by this repository's pushes
    assert workflow["permissions"]["id-token"] == "write"  # OIDC, no stored keys
    runs = " ".join(step.get("run", "") for step in workflow["jobs"]["deploy"]["steps"])
    assert "make install" in runs
    assert runs.count("playbooks/deploy.yml") == 2 and "--check --diff" in runs  # a plan, then the deploy
    assert (ROOT / "playbooks" / "deploy.yml").is_file()


def test_the_example_application_workflow_calls_it_with_every_required_input():
    reusable = load(WORKFLOWS / "deploy-release.yml")["on"]["workflow_call"]["inputs"]
    example = load(ROOT / "docs" / "examples" / "app-deploy.yml")
    assert list(example["jobs"]) == ["test", "build-and-push", "deploy"]  # the seed's flow
    deploy = example["jobs"]["deploy"]
    assert re.fullmatch(r"[\w-]+/[\w-]+/\.github/workflows/deploy-release\.yml@v[\d.]+", deploy["uses"])
    required = {name for name, spec in reusable.items() if spec.get("required")}
    assert required <= set(deploy["with"]), required - set(deploy["with"])
    assert set(deploy["with"]) <= set(reusable)
    assert example["permissions"]["id-token"] == "write"


def test_the_example_application_workflow_builds_what_examples_app_holds():
    example = load(ROOT / "docs" / "examples" / "app-deploy.yml")
    app = ROOT / example["env"]["APP_DIR"]
    assert (app / "build.sh").is_file() and (app / "build.sh").stat().st_mode & 0o111
    steps = [step for job in example["jobs"].values() for step in job.get("steps", [])]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "${{ env.APP_DIR }}/build.sh" in runs
    assert '${{ env.APP_DIR }}/build.sh "${{ steps.tag.outputs.tag }}"' in runs  # the release is the build id
    services = re.search(r"for service in ([\w ]+); do", runs)[1].split()
    assert services == ["frontend", "backend"]
    assert '"${APP_DIR}/${service}"' in runs  # the docker build context
    for service in services:
        for name in ("Dockerfile", "package.json", "package-lock.json", ".dockerignore"):
            assert (app / service / name).is_file(), f"{service}/{name}"
    [upload] = [step for step in steps if step.get("uses", "").startswith("actions/upload-artifact")]
    assert upload["with"]["path"] == "${{ env.APP_DIR }}/frontend/.next/static/"
