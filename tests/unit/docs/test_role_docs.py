"""Role READMEs are generated from the argument specs and must be current."""

import subprocess
import sys

from kumo_testlib import ROOT


def test_every_role_readme_matches_its_argument_spec():
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "role_docs.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
