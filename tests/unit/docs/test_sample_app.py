"""The sample application (examples/app) is built the way its README and the
deploy flow say: reproducible installs, images that run as a non-root user
without dev dependencies, and the ports and health path the ALB uses."""

import json
import re

import pytest
import yaml

from kumo_testlib import ROOT

APP = ROOT / "examples" / "app"
PORTS = {"frontend": 3000, "backend": 3001}


@pytest.mark.parametrize("service", sorted(PORTS))
def test_installs_are_pinned_by_a_lock_file(service):
    package = json.loads((APP / service / "package.json").read_text())
    lock = json.loads((APP / service / "package-lock.json").read_text())
    assert lock["lockfileVersion"] == 3
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version}: pin an exact version"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
        assert lock["packages"][f"node_modules/{name}"]["integrity"].startswith("sha512-"), name


@pytest.mark.parametrize("service", sorted(PORTS))
def test_the_image_is_multi_stage_non_root_and_leaves_health_to_the_alb(service):
    dockerfile = (APP / service / "Dockerfile").read_text()
    instructions = re.findall(r"^([A-Z]+)\s+(.*)$", dockerfile, re.M)
    stages = [rest for word, rest in instructions if word == "FROM"]
    assert len(stages) >= 2, stages
    final = dockerfile[dockerfile.rindex("\nFROM ") :]
    assert "\nUSER node" in final
    assert f"\nEXPOSE {PORTS[service]}" in final
    assert "NODE_ENV=production" in final
    assert "HEALTHCHECK" not in [word for word, _ in instructions]
    assert "npm install" not in dockerfile  # npm ci, from the lock file
    if service == "backend":
        assert "npm ci --omit=dev" in dockerfile


def test_the_ports_and_health_path_are_the_albs():
    defaults = yaml.safe_load((ROOT / "roles" / "alb" / "defaults" / "main.yml").read_text())
    assert defaults["alb_health_check_path"] == "/api/health"
    assert {s["name"]: s["port"] for s in defaults["alb_target_groups"]} == PORTS
    assert "'/api/health'" in (APP / "backend" / "src" / "app.js").read_text()
    assert (APP / "frontend" / "app" / "api" / "health" / "route.js").is_file()
    assert "output: 'standalone'" in (APP / "frontend" / "next.config.mjs").read_text()
