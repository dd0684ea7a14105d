"""make bench: how long Kumo takes, and how many AWS calls it makes, on the emulator.

Each configuration builds a stack on a fresh emulator of its own and runs the
scenarios on it. The configurations:

- kumo: what Kumo ships, the ``kumo.platform.fast_linear`` strategy and the
  fast path (kumo_refresh=fast: a layer as recorded is skipped);
- kumo-full: the same strategy, every layer's tasks run (kumo_refresh=full);
- plain: Ansible's plain ``linear`` strategy, every task runs, as a
  hand-written playbook of the same modules would.

The scenarios:

- build: the first converge of every layer on an empty account, with
  ansible.posix.profile_tasks on, so the slowest tasks (the waits that run
  one after another: the critical path) are printed;
- no-op: the same converge again (nothing to change);
- one layer: ``--tags alb`` on the built stack;
- plan: ``--check --diff`` on the built stack;
- release: ``playbooks/deploy.yml`` with the real ecspresso, three times: the
  first release of both services (they are created), a new release (both roll,
  static assets uploaded, CloudFront invalidated), and the same release again
  (nothing to do). Calls count ecspresso's as well as Ansible's.

Figures are wall-clock seconds on this machine, AWS API calls counted by the
emulator's request log (writes = calls whose action is not a Describe/Get/List
read), and resources in the account afterwards. The emulator answers in
milliseconds where AWS takes seconds to minutes (NAT gateways, CloudFront), so
the figures measure Kumo's own cost, not AWS's.

Usage: python bench/bench.py [--env prod] [--configs kumo,kumo-full,plain] [--out docs/BENCHMARKS.md]
"""

import argparse
import collections
import datetime
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from kumo_testlib import ROOT, Emulator, account_inventory, is_write, managed_resources, run_playbook

# configuration -> (strategy, kumo_refresh)
CONFIGS = {
    "kumo": ("kumo.platform.fast_linear", "fast"),
    "kumo-full": ("kumo.platform.fast_linear", "full"),
    "plain": ("ansible.builtin.linear", "full"),
}


# The release scenarios: (label, image tag); the static assets are the sample
# application's build (`make bench` runs `make app` first).
SAMPLE_APP_STATIC = ROOT / "examples" / "app" / "frontend" / ".next" / "static"
RELEASES = [
    ("release: first deploy, both services", "bench1"),
    ("release: new images, both services", "bench2"),
    ("release: the same images again", "bench2"),
]

PROFILE = {"ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks", "PROFILE_TASKS_TASK_OUTPUT_LIMIT": "12"}
_PROFILE_LINE = re.compile(r"^(?P<task>.+?) -+ (?P<seconds>\d+\.\d+)s$", re.M)


def slowest_tasks(output):
    """profile_tasks' closing table: (task, seconds), slowest first."""
    summary = output[output.rfind("=============") :]
    return [(m["task"].strip(), float(m["seconds"])) for m in _PROFILE_LINE.finditer(summary)]


def measure(emulator, label, **kwargs):
    emulator.clear_requests()
    start = time.monotonic()
    run = run_playbook(emulator, **kwargs)
    seconds = time.monotonic() - start
    if run.returncode != 0:
        raise SystemExit(f"{label} failed:\n{run.tail()}")
    calls = emulator.requests()
    writes = [c for c in calls if is_write(c)]
    return {
        "scenario": label,
        "seconds": seconds,
        "tasks": run.stats.get("ok", 0) + run.stats.get("skipped", 0),
        "changed": run.changed,
        "calls": len(calls),
        "writes": len(writes),
        "write_actions": sorted(f"{c['service']} {c['action']}" for c in writes),
        "top_actions": collections.Counter(f"{c['service']} {c['action']}" for c in calls).most_common(12),
        "slowest": slowest_tasks(run.output),
    }


def bench_config(env, config, workdir):
    emulator = Emulator(Path(workdir) / f"{env}-{config}")
    strategy, refresh = CONFIGS[config]
    run = {"inventory": f"inventories/{env}", "env": {"ANSIBLE_STRATEGY": strategy}, "refresh": refresh}
    try:
        build = measure(emulator, "build (first converge, all layers)", **(run | {"env": run["env"] | PROFILE}))
        rows = [build]
        resources = managed_resources(account_inventory(emulator, env))
        rows.append(measure(emulator, "no-op converge, all layers", **run))
        rows.append(measure(emulator, "one layer alone (--tags alb)", tags=["alb"], **run))
        rows.append(measure(emulator, "plan (--check --diff)", check=True, diff=True, **run))
        for label, tag in RELEASES:
            release = {"image_tag": tag, "deploy_static_dir": str(SAMPLE_APP_STATIC)}
            rows.append(measure(emulator, label, playbook="playbooks/deploy.yml", extra_vars=release, **run))
    finally:
        emulator.stop()
    for row in rows:
        row["config"] = config
    return rows, resources


def render(env, rows, resources):
    lines = [
        f"# Benchmarks ({env}, emulator)",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC by `make bench` on "
        f"{platform.machine()} with {os.cpu_count()} CPUs, Python {platform.python_version()}. "
        f"The built stack holds {resources} resources (`account_inventory` in tests/kumo_testlib.py).",
        "Seconds are wall-clock; the emulator answers at once where AWS waits (NAT gateways,",
        "CloudFront), so these measure Kumo's own overhead. Writes are API calls other than reads.",
        "",
        "Configurations: kumo = fast_linear strategy + fast path (shipped); kumo-full = fast_linear,",
        "every layer's tasks run (kumo_refresh=full); plain = Ansible's linear strategy, every task runs.",
        "",
        "| scenario | configuration | seconds | tasks | changed | API calls | calls per resource | writes |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['scenario']} | {row['config']} | {row['seconds']:.1f} | {row['tasks']} | {row['changed']} "
            f"| {row['calls']} | {row['calls'] / resources:.2f} | {row['writes']} |"
        )
    by_key = {(r["scenario"], r["config"]): r["seconds"] for r in rows}
    speedups = []
    for scenario in dict.fromkeys(r["scenario"] for r in rows):
        plain = by_key.get((scenario, "plain"))
        for config in ("kumo", "kumo-full"):
            fast = by_key.get((scenario, config))
            if fast and plain:
                speedups.append(f"- {scenario}: {config} {fast:.1f} s vs plain {plain:.1f} s ({plain / fast:.2f}x)")
    if speedups:
        lines += ["", "Speed-up over the plain configuration, measured in the same run:", "", *speedups]
    noops = [r for r in rows if r["scenario"].startswith("no-op")]
    if noops and resources:
        noop = noops[0]
        lines += [
            "",
            f"No-op converge ({noop['config']}): {noop['calls']} calls for {resources} resources, "
            f"{noop['calls'] / resources:.2f} calls per resource. "
            f"Writes: {', '.join(noop['write_actions']) or 'none'}.",
            "The most frequent calls:",
            "",
            "| call | count |",
            "|---|---:|",
            *(f"| {action} | {count} |" for action, count in noop["top_actions"]),
        ]
    builds = [r for r in rows if r["slowest"]]
    if builds:
        lines += [
            "",
            f"Critical path of the first converge ({builds[0]['config']}): the slowest tasks, which run one",
            "after another (one host, linear order), so their waits add up:",
            "",
            "| task | seconds |",
            "|---|---:|",
            *(f"| {task} | {seconds:.1f} |" for task, seconds in builds[0]["slowest"]),
        ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="prod", choices=["dev", "staging", "prod"])
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--out", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    args = parser.parse_args()
    configs = [c for c in args.configs.split(",") if c]
    unknown = set(configs) - set(CONFIGS)
    if unknown:
        parser.error(f"--configs: unknown {sorted(unknown)}; expected some of {sorted(CONFIGS)}")
    if not SAMPLE_APP_STATIC.is_dir():
        parser.error(f"no {SAMPLE_APP_STATIC.relative_to(ROOT)}: build the sample application first (make app)")
    rows, resources = [], 0
    with tempfile.TemporaryDirectory(prefix="kumo-bench-") as workdir:
        for config in configs:
            print(f"== {args.env}, {config}", flush=True)
            config_rows, resources = bench_config(args.env, config, workdir)
            for row in config_rows:
                print(
                    f"  {row['scenario']:<38} {row['seconds']:7.1f} s  {row['tasks']:4d} tasks  "
                    f"changed={row['changed']:<3d} {row['calls']:5d} calls  {row['writes']:4d} writes",
                    flush=True,
                )
            rows += config_rows
    report = render(args.env, rows, resources)
    Path(args.out).write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
