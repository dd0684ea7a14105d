"""botocore_preload, run as the fast_linear strategy runs it: its source
executed in a fresh interpreter (it patches botocore for the whole process)."""

import subprocess
import sys
import textwrap

from kumo_testlib import ROOT

SOURCE = ROOT / "plugins" / "module_utils" / "botocore_preload.py"


def run(check):
    program = SOURCE.read_text() + textwrap.dedent(check)
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_every_listed_service_loads_and_new_sessions_share_the_warm_loader():
    loaded, shared, warm = run(
        """
        import boto3
        print(preload() == len(SERVICES))
        one, two = boto3.session.Session(), boto3.session.Session()
        loader = one._session.get_component("data_loader")
        print(loader is two._session.get_component("data_loader"))
        print(("ec2", "service-2") in {key[1:3] for key in loader._cache})
        """
    )
    assert (loaded, shared, warm) == ("True", "True", "True")


def test_without_preload_each_session_has_its_own_loader():
    [separate] = run(
        """
        import boto3
        one, two = boto3.session.Session(), boto3.session.Session()
        print(one._session.get_component("data_loader") is not two._session.get_component("data_loader"))
        """
    )
    assert separate == "True"
