"""A FAKE ecspresso v2 for the deploy tests (the real binary cannot be built here).

It is not ecspresso. It accepts the command line kumo.platform.ecspresso builds
(``--config <file> [--envfile f] [--ext-str k=v] <command> [flags]``), records
every call (argv, the AWS_* environment, and the configuration and definition
files it was given) as JSON lines in ``calls.jsonl`` next to itself, and does
against AWS_ENDPOINT_URL, with boto3, the part of ecspresso the deploy relies on:

- ``version`` prints ``ecspresso v2.6.3`` (``FAKE_ECSPRESSO_VERSION`` overrides).
- ``diff`` prints a unified diff when the task definition file is not what the
  service runs or the service definition's settings differ (a missing service
  differs); nothing when they match. The comparison is "every value in the local
  file equals the remote one", a simplification of ecspresso's normalised diff.
- ``deploy`` registers the task definition and creates the service (when missing)
  or updates it, then (unless ``--no-wait``) waits until the service is stable
  with the same waiter AWS CLI ``ecs wait services-stable`` uses: one deployment,
  runningCount == desiredCount. ``FAKE_ECSPRESSO_FAIL_DEPLOY=<service>[,...]``
  (or ``all``) makes the deploy of those services fail after the update, as a
  deployment that never becomes stable does.
- ``rollback`` puts the service on the highest ACTIVE revision of its family below
  the current one, waits, and deregisters the rolled-back revision
  (``--deregister-task-definition``, the default, ignored with ``--no-wait``).
- ``scale --tasks N`` sets the desired count; ``status`` prints the service.
- ``--dry-run`` (deploy, rollback, scale) prints what would happen, changes nothing.
- ``verify`` and ``render`` succeed without calling AWS.

Install it with ``install(directory)``, which writes an executable ``ecspresso``.
"""

import difflib
import json
import os
import pathlib
import stat
import sys

SERVICE_KEYS = [
    "capacityProviderStrategy",
    "deploymentConfiguration",
    "healthCheckGracePeriodSeconds",
    "loadBalancers",
    "desiredCount",
]


def install(directory):
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    binary = directory / "ecspresso"
    binary.write_text(f"#!{sys.executable}\n" + pathlib.Path(__file__).read_text())
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP)
    return binary


def calls(directory):
    path = pathlib.Path(directory) / "calls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def parse(argv):
    options, command, flags, i = {"envfile": [], "ext_str": {}}, None, [], 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--config", "--envfile", "--ext-str", "--ext-code"):
            value = argv[i + 1]
            if arg == "--config":
                options["config"] = value
            elif arg == "--envfile":
                options["envfile"].append(value)
            else:
                key, val = value.split("=", 1) if "=" in value else (value, "")
                options["ext_str"][key] = val
            i += 2
            continue
        if command is None and not arg.startswith("-"):
            command = arg
        else:
            flags.append(arg)
        i += 1
    return options, command, flags


def subset(local, remote):
    if isinstance(local, dict):
        return isinstance(remote, dict) and all(subset(v, remote.get(k)) for k, v in local.items())
    if isinstance(local, list):
        return isinstance(remote, list) and len(local) == len(remote) and all(map(subset, local, remote))
    if isinstance(local, (int, float)) and isinstance(remote, (int, float, str)):
        return str(local) == str(remote)
    if isinstance(local, str) and isinstance(remote, (int, float)):
        return local == str(remote)
    return local == remote


def unified(remote, local, remote_name, local_name):
    before = json.dumps(remote, indent=2, sort_keys=True, default=str).splitlines() if remote is not None else []
    after = json.dumps(local, indent=2, sort_keys=True).splitlines()
    return "\n".join(difflib.unified_diff(before, after, remote_name, local_name, lineterm="")) + "\n"


def fail(message):
    sys.stderr.write(f"Error: {message}\n")
    return 1


def wait_stable(ecs, cluster, service_name, log):
    import botocore.exceptions

    log("Waiting for service stable...(it will take a few minutes)")
    try:
        ecs.get_waiter("services_stable").wait(
            cluster=cluster,
            services=[service_name],
            WaiterConfig={"Delay": 1, "MaxAttempts": int(os.environ.get("FAKE_ECSPRESSO_WAIT_ATTEMPTS", "20"))},
        )
    except botocore.exceptions.WaiterError as e:
        return f"failed to wait for service stable: {e}"
    log("Service is stable now. Completed!")
    return None


def previous_revision(ecs, current):
    family = current.rsplit("/", 1)[-1].rsplit(":", 1)[0]
    revision = int(current.rsplit(":", 1)[-1])
    arns = ecs.list_task_definitions(familyPrefix=family, status="ACTIVE", sort="DESC")["taskDefinitionArns"]
    older = [
        a for a in arns if a.rsplit("/", 1)[-1].rsplit(":", 1)[0] == family and int(a.rsplit(":", 1)[-1]) < revision
    ]
    # the emulator may ignore sort=DESC: take the highest revision below the current one
    return max(older, key=lambda a: int(a.rsplit(":", 1)[-1])) if older else None


def main():
    import boto3

    here = pathlib.Path(__file__).resolve().parent
    options, command, flags = parse(sys.argv[1:])
    if command == "version":
        with open(here / "calls.jsonl", "a", encoding="utf-8") as log:
            log.write(json.dumps({"argv": sys.argv[1:], "command": command, "flags": flags, "env": {}}) + "\n")
        print(f"ecspresso {os.environ.get('FAKE_ECSPRESSO_VERSION', 'v2.6.3')}")
        return 0
    import yaml

    config_path = pathlib.Path(options["config"])
    config = yaml.safe_load(config_path.read_text())
    base = config_path.parent
    taskdef = json.loads((base / config["task_definition"]).read_text())
    servicedef = json.loads((base / config["service_definition"]).read_text())
    with open(here / "calls.jsonl", "a", encoding="utf-8") as log:
        record = {
            "argv": sys.argv[1:],
            "command": command,
            "flags": flags,
            "env": {k: v for k, v in os.environ.items() if k.startswith("AWS_")},
            "config": config,
            "task_definition": taskdef,
            "service_definition": servicedef,
        }
        log.write(json.dumps(record) + "\n")

    if command in ("verify", "render"):
        if command == "render":
            print(yaml.safe_dump(config) if flags == ["config"] else json.dumps(config))
        return 0

    ecs = boto3.client("ecs", region_name=config["region"], endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
    cluster, service_name = config["cluster"], config["service"]
    found = ecs.describe_services(cluster=cluster, services=[service_name])["services"]
    service = next((s for s in found if s["status"] != "INACTIVE"), None)
    dry_run = "--dry-run" in flags
    wait = "--no-wait" not in flags

    def log(message):
        sys.stderr.write(f"{service_name}/{cluster} {message}{' (DRY RUN)' if dry_run else ''}\n")

    if command == "diff":
        output = ""
        local_service = {k: servicedef[k] for k in SERVICE_KEYS if k in servicedef}
        if service is None:
            output += unified(None, local_service, "", config["service_definition"])
            output += unified(None, taskdef, "", config["task_definition"])
        else:
            if not subset(local_service, service):
                remote = {k: service.get(k) for k in local_service}
                output += unified(remote, local_service, service["serviceArn"], config["service_definition"])
            remote_td = ecs.describe_task_definition(taskDefinition=service["taskDefinition"], include=["TAGS"])
            remote_td = dict(remote_td["taskDefinition"], tags=remote_td.get("tags", []))
            if not subset(taskdef, remote_td):
                output += unified(remote_td, taskdef, service["taskDefinition"], config["task_definition"])
        sys.stdout.write(output)
        return 0

    if command == "status":
        if service is None:
            return fail(f"service {service_name} is not found")
        print(f"Service: {service_name}\nCluster: {cluster}\nTaskDefinition: {service['taskDefinition']}")
        for d in service.get("deployments", []):
            print(
                f"  {d['status']} {d['taskDefinition'].rsplit('/', 1)[-1]} desired:{d['desiredCount']} "
                f"pending:{d['pendingCount']} running:{d['runningCount']} {d.get('rolloutState', '')}"
            )
        return 0

    if command == "deploy":
        log("Starting deploy")
        if dry_run:
            log("task definition would be registered; service would be " + ("updated" if service else "created"))
            return 0
        registered = ecs.register_task_definition(**taskdef)["taskDefinition"]["taskDefinitionArn"]
        log(f"Task definition is registered {registered}")
        settings = {k: v for k, v in servicedef.items() if k != "tags"}
        if service is None:
            settings.setdefault("desiredCount", 1)
            ecs.create_service(
                cluster=cluster,
                serviceName=service_name,
                taskDefinition=registered,
                tags=servicedef.get("tags", []),
                **settings,
            )
            log("Service is created")
        else:
            update = {k: settings[k] for k in SERVICE_KEYS + ["placementStrategy"] if k in settings}
            if "--force-new-deployment" in flags:
                update["forceNewDeployment"] = True
            ecs.update_service(cluster=cluster, service=service_name, taskDefinition=registered, **update)
            log("Updating service tasks...")
        failing = {name.strip() for name in os.environ.get("FAKE_ECSPRESSO_FAIL_DEPLOY", "").split(",") if name}
        if failing & {"all", service_name, service_name.rsplit("-", 1)[-1]}:
            return fail(
                f"deploy failed: failed to wait for service stable: {service_name} deployment failed: "
                "tasks failed to start (FAKE_ECSPRESSO_FAIL_DEPLOY)"
            )
        if wait:
            problem = wait_stable(ecs, cluster, service_name, log)
            if problem:
                return fail(f"deploy failed: {problem}")
        log("Service is deployed.")
        return 0

    if service is None:
        return fail(f"{command} failed: service {service_name} is not found")

    if command == "rollback":
        current = service["taskDefinition"]
        target = previous_revision(ecs, current)
        if target is None:
            return fail(f"rollback failed: no previous revision of {current} is found")
        log(f"Rolling back to {target.rsplit('/', 1)[-1]}")
        if dry_run:
            return 0
        ecs.update_service(cluster=cluster, service=service_name, taskDefinition=target)
        if wait:
            problem = wait_stable(ecs, cluster, service_name, log)
            if problem:
                return fail(f"rollback failed: {problem}")
            if "--no-deregister-task-definition" not in flags:
                ecs.deregister_task_definition(taskDefinition=current)
                log(f"{current.rsplit('/', 1)[-1]} was deregistered successfully")
        return 0

    if command == "scale":
        tasks = int(flags[flags.index("--tasks") + 1])
        log(f"Scaling to {tasks} tasks")
        if dry_run:
            return 0
        ecs.update_service(cluster=cluster, service=service_name, desiredCount=tasks)
        if wait:
            problem = wait_stable(ecs, cluster, service_name, log)
            if problem:
                return fail(f"scale failed: {problem}")
        return 0

    return fail(f"fake ecspresso: command {command!r} is not faked")


if __name__ == "__main__":
    sys.exit(main())
