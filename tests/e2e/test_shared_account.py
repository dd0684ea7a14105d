"""Two environments in one account: prod converges, then dev beside it, then
dev is torn down, all on one emulator. After each step the account's
services are prod's and work (its GuardDuty detector is enabled, the AWS
Config recorder records, its CloudTrail trail logs), the account's ECR
repositories are there, prod's resources are what a converge of prod alone
made, and a converge of prod changes nothing. Dev's resources beside prod are
what a converge of dev alone makes: the dev stack the other suites read, on
an emulator of its own (in the dev group, so it is built once).

Staging is not in it: with kumo_account_services manage it adopts prod's
detector and recorder beside prod, so its resources there rightly differ from
those it makes alone; a staging that shares prod's account sets leave (README).

make test-all tells the story. make test does not: with
it (and dev's rolling story on the demo's stack) make test's pytest took 32
minutes on two cores, against 21 before (this story's setup alone 502 s), over
the 30-minute budget.
"""

import pytest

from kumo_testlib import account_inventory, exhaustive, run_playbook, shared_repositories

pytestmark = [pytest.mark.e2e, exhaustive, pytest.mark.xdist_group(name="dev")]

REPOSITORIES = ["kumo/backend", "kumo/frontend"]


def account_services(emulator):
    """What the account holds once per region, and prod's trail."""
    guardduty = emulator.client("guardduty")
    detectors = [guardduty.get_detector(DetectorId=detector) for detector in guardduty.list_detectors()["DetectorIds"]]
    config = emulator.client("config")
    return {
        "detectors": [(d["Status"], d.get("Tags", {}).get("Name")) for d in detectors],
        "recorders": [
            (r["name"], r["recording"])
            for r in config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
        ],
        "prod_trail_logging": emulator.client("cloudtrail").get_trail_status(Name="kumo-prod-trail")["IsLogging"],
        "repositories": shared_repositories(emulator),
    }


def converge(emulator, env):
    run = run_playbook(emulator, inventory=f"inventories/{env}")
    assert run.returncode == 0, f"converge of {env}:\n{run.tail()}"
    return run


@pytest.fixture(scope="module")
def shared(stacks, emulator_factory):
    stacks["dev"].converged()
    emulator = emulator_factory("shared-account")
    converge(emulator, "prod")
    story = {"prod_alone": account_inventory(emulator, "prod"), "dev_alone": stacks["dev"].built, "steps": []}

    def step(name):
        story["steps"].append(
            {
                "name": name,
                "services": account_services(emulator),
                "prod": account_inventory(emulator, "prod"),
                "prod_again": run_playbook(emulator, inventory="inventories/prod"),
            }
        )

    step("prod converged")
    converge(emulator, "dev")
    story["dev_beside_prod"] = account_inventory(emulator, "dev")
    step("dev converged beside prod")
    down = run_playbook(
        emulator,
        playbook="playbooks/teardown.yml",
        inventory="inventories/dev",
        extra_vars={"kumo_teardown_keep_logs": False, "teardown_confirm": "dev"},
    )
    assert down.returncode == 0, f"teardown of dev:\n{down.tail()}"
    story["dev_left"] = {kind: names for kind, names in account_inventory(emulator, "dev").items() if names}
    step("dev torn down")
    return story


def test_after_each_step_the_account_services_are_prods_and_work(shared):
    assert [step["name"] for step in shared["steps"]] == [
        "prod converged",
        "dev converged beside prod",
        "dev torn down",
    ]
    for step in shared["steps"]:
        services = step["services"]
        assert services["detectors"] == [("ENABLED", "kumo-prod-guardduty")], step["name"]
        assert services["recorders"] == [("kumo-prod-config", True)], step["name"]
        assert services["prod_trail_logging"] is True, step["name"]
        assert services["repositories"] == REPOSITORIES, step["name"]


def test_after_each_step_prod_is_as_built_alone_and_a_converge_changes_nothing(shared):
    for step in shared["steps"]:
        assert step["prod"] == shared["prod_alone"], step["name"]
        again = step["prod_again"]
        assert again.returncode == 0, (step["name"], again.tail())
        assert again.changed == 0, (step["name"], again.changed_tasks())


def test_dev_beside_prod_is_what_it_is_alone(shared):
    assert shared["dev_beside_prod"] == shared["dev_alone"]


def test_a_teardown_of_dev_beside_prod_leaves_nothing_of_dev(shared):
    assert shared["dev_left"] == {}
