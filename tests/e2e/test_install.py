"""The collection as a user gets it: built with ``ansible-galaxy collection build``,
installed from the tarball into a fresh collections path, then used from there.

Nothing here may reach the repository's own copy: every command runs from a
scratch directory, with a scratch ``ansible.cfg`` and ``ANSIBLE_COLLECTIONS_PATH``
naming only the fresh path (amazon.aws and community.aws come from the
``ansible`` package in .venv, which Ansible finds on its own), and the tests
assert that the tasks that ran were the installed files.
"""

import json
import os
import re
import subprocess
import tarfile

import pytest

from kumo_testlib import REGION, ROOT, VENV_BIN, tags_of

pytestmark = pytest.mark.e2e

DEV_VPC_CIDR = "10.0.0.0/16"
MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))
# Developer-only content that galaxy.yml's build_ignore keeps out of the tarball.
NOT_SHIPPED = [
    "scripts/role_docs.py",
    "examples/app/frontend/package.json",
    "emulator/__main__.py",
    "tests/kumo_testlib.py",
    "tests/conftest.py",
]


def _environ(config, collections_path, extra=None):
    """The caller's environment without anything that points Ansible or Python at the repository."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ANSIBLE_", "AWS_", "MOLECULE_")) and key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    environ.update(
        {
            "ANSIBLE_CONFIG": str(config),
            "ANSIBLE_COLLECTIONS_PATH": str(collections_path),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",
        }
    )
    environ.update(extra or {})
    return environ


def _run(argv, cwd, environ, timeout=900, stdout_only=False):
    """(return code, output); ``stdout_only`` for JSON answers, which warnings on stderr would spoil."""
    completed = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=environ, capture_output=True, text=True, timeout=timeout, check=False
    )
    if stdout_only and completed.returncode == 0:
        return completed.returncode, completed.stdout
    return completed.returncode, completed.stdout + completed.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(work dir, collections path, installed collection dir, environ) after build + offline install."""
    work = tmp_path_factory.mktemp("install")
    collections_path = work / "collections"
    config = work / "ansible.cfg"
    # What a user of the installed collection would write; nothing in it names the repository.
    config.write_text(
        "[defaults]\n"
        f"collections_path = {collections_path}\n"
        "interpreter_python = auto_silent\n"
        "gathering = explicit\n"
        "retry_files_enabled = false\n"
        "strategy = kumo.platform.fast_linear\n"
        "\n[inventory]\nenable_plugins = ansible.builtin.yaml\n"
    )
    environ = _environ(config, collections_path)

    code, output = _run(
        [VENV_BIN / "ansible-galaxy", "collection", "build", "--output-path", work / "build", ROOT], work, environ
    )
    assert code == 0, output
    tarballs = sorted((work / "build").glob("kumo-platform-*.tar.gz"))
    assert len(tarballs) == 1, output

    code, output = _run(
        [VENV_BIN / "ansible-galaxy", "collection", "install", "--offline", "-p", collections_path, tarballs[0]],
        work,
        environ,
    )
    assert code == 0, output
    installed_dir = collections_path / "ansible_collections" / "kumo" / "platform"
    assert installed_dir.is_dir() and not installed_dir.is_symlink(), output
    return {
        "work": work,
        "tarball": tarballs[0],
        "collections_path": collections_path,
        "dir": installed_dir,
        "environ": environ,
    }


def test_tarball_ships_what_a_user_runs_and_leaves_out_developer_files(installed):
    with tarfile.open(installed["tarball"]) as tarball:
        names = set(tarball.getnames())
    manifest = json.loads((installed["dir"] / "MANIFEST.json").read_text())
    assert manifest["collection_info"]["namespace"] == "kumo"
    assert manifest["collection_info"]["name"] == "platform"
    for shipped in ["site.yml", "playbooks/teardown.yml", "inventories/dev/hosts.yml", "meta/runtime.yml"]:
        assert shipped in names, shipped
    for module in MODULES:
        assert f"plugins/modules/{module}.py" in names, module
    for ignored in NOT_SHIPPED:
        assert ignored not in names, ignored


def test_ansible_galaxy_lists_only_the_installed_copy(installed):
    code, output = _run(
        [VENV_BIN / "ansible-galaxy", "collection", "list", "kumo.platform", "--format", "json"],
        installed["work"],
        installed["environ"],
        stdout_only=True,
    )
    assert code == 0, output
    found = json.loads(output)
    assert list(found) == [str(installed["collections_path"] / "ansible_collections")], found
    assert ROOT.as_posix() not in output


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders_every_module_from_the_installed_path(installed, module):
    code, output = _run(
        [VENV_BIN / "ansible-doc", "--json", f"kumo.platform.{module}"],
        installed["work"],
        installed["environ"],
        stdout_only=True,
    )
    assert code == 0, output
    doc = json.loads(output)[f"kumo.platform.{module}"]["doc"]
    assert doc["filename"].startswith(str(installed["dir"])), doc["filename"]
    assert doc["short_description"] and doc["options"], doc
    code, text = _run([VENV_BIN / "ansible-doc", f"kumo.platform.{module}"], installed["work"], installed["environ"])
    assert code == 0, text
    assert f"kumo.platform.{module}" in text and "EXAMPLES" in text, text[:2000]


@pytest.mark.parametrize("playbook", sorted(p.stem for p in (ROOT / "playbooks").glob("*.yml")))
def test_the_shipped_playbooks_resolve_by_name_to_the_installed_copy(installed, playbook):
    inventory = installed["dir"] / "inventories" / "dev"
    code, output = _run(
        [VENV_BIN / "ansible-playbook", f"kumo.platform.{playbook}", "-i", inventory, "--syntax-check"],
        installed["work"],
        installed["environ"],
    )
    assert code == 0, output
    assert f"playbook: {installed['dir'] / 'playbooks' / playbook}.yml" in output, output


def test_installed_site_yml_builds_the_dev_network_on_a_fresh_emulator(installed, emulator):
    emulator.reset()
    site = installed["dir"] / "site.yml"
    inventory = installed["dir"] / "inventories" / "dev"
    environ = dict(installed["environ"], **emulator.environ())
    argv = [VENV_BIN / "ansible-playbook", site, "-i", inventory, "--tags", "network", "-vv"]
    code, output = _run(argv, installed["work"], environ)
    assert code == 0, output[-6000:]

    # -vv prints each task's file: the roles that ran are the installed ones, never the repository's.
    task_paths = re.findall(r"^task path: (\S+?):\d+$", output, re.M)
    assert any("/roles/network/tasks/" in path for path in task_paths), output[-3000:]
    for path in task_paths:
        assert path.startswith(str(installed["dir"])), path
        assert not path.startswith(str(ROOT) + os.sep), path

    ec2 = emulator.client("ec2", REGION)
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["kumo-dev-vpc"]}])["Vpcs"]
    assert [vpc["CidrBlock"] for vpc in vpcs] == [DEV_VPC_CIDR]
    assert tags_of(vpcs[0])["ManagedBy"] == "ansible"
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}])["Subnets"]
    assert len(subnets) == 6
