"""The Python binding against `powersched simulate`: same seed, same actions,
identical episode records (every column of --episodes-csv), for env 0 and
env 1 (seeded seed + 1) of a vector, on data that needs nothing from
../shared; then the API's contract: layout, determinism, errors.

usage: test_powersched.py POWERSCHED FIXTURES_DIR OUT_DIR
(libpowersched is found as the package says: POWERSCHED_LIB, or the build folders)"""

import csv
import math
import os
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    print("skipped: numpy is not installed for", sys.executable, "(Debian: python3-numpy, scripts/setup)")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import powersched  # noqa: E402

EPISODES = 2
STEPS = EPISODES * 336
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run_binding(n, seed, options, actions):
    """Steps n envs through actions (STEPS, n, 3); returns each env's records."""
    records = [[] for _ in range(n)]
    with powersched.VecEnv(n, seed=seed, **options) as env:
        obs, _ = env.reset()
        for t in range(STEPS):
            obs, rewards, terminated, truncated, infos = env.step(actions[t])
            check(not terminated.any(), f"step {t}: terminated")
            for i in range(n):
                ends = (t + 1) % 336 == 0
                check(bool(truncated[i]) == ends, f"step {t} env {i}: truncated {truncated[i]}")
                check(("episode" in infos[i]) == ends, f"step {t} env {i}: episode info")
                if ends:
                    records[i].append(infos[i]["episode"])
    return records


def run_cli(ps, seed, options, actions, out_dir, tag):
    path = os.path.join(out_dir, f"{tag}_actions.csv")
    np.savetxt(path, actions, fmt="%d", delimiter=",")
    out = os.path.join(out_dir, f"{tag}_episodes.csv")
    cmd = [ps, "simulate", "--episodes", str(EPISODES), "--seed", str(seed), "--policy", "actions:" + path,
           "--episodes-csv", out] + powersched.option_words(options)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(out, newline="") as f:
        return list(csv.DictReader(f))


def same(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


def compare(tag, rows, records):
    check(len(rows) == EPISODES and len(records) == EPISODES, f"{tag}: episodes {len(rows)} / {len(records)}")
    fields = powersched.record_fields()
    for e, (row, rec) in enumerate(zip(rows, records)):
        check(list(row) == fields, f"{tag}: CSV columns differ from the record fields")
        bad = [k for k in fields if not same(float(row[k]), rec[k])]
        check(not bad, f"{tag} episode {e + 1}: differ in {bad[:5]}"
              + (f" e.g. {bad[0]} cli {row[bad[0]]} binding {rec[bad[0]]!r}" if bad else ""))


def parity(ps, fixtures, out_dir):
    scenarios = {
        "legacy": (5, {"efficiency_weight": 0.5, "price_weight": 0.3, "idle_weight": 0.2}),
        "replay": (11, {"jobs": os.path.join(fixtures, "env_timing.log"), "jobs_exact_replay": True,
                        "drop_weight": 0.1}),
        "hourly": (3, {"hourly_jobs": os.path.join(fixtures, "two_bins.log"), "workload_gen": None}),
    }
    rng = np.random.default_rng(20240601)
    for tag, (seed, options) in scenarios.items():
        failed = len(failures)
        actions = rng.integers(0, [3, 335, 2], size=(STEPS, 2, 3), dtype=np.int32)
        records = run_binding(2, seed, options, actions)
        for i in range(2):  # env i is `simulate --seed seed + i`
            rows = run_cli(ps, seed + i, options, actions[:, i], out_dir, f"{tag}{i}")
            compare(f"{tag} env {i}", rows, records[i])
        if len(failures) == failed:
            print(f"{tag}: env 0 and env 1 match simulate --seed {seed} / {seed + 1} over {EPISODES} episodes")


def contract():
    env = powersched.VecEnv(3, seed=7)
    check(env.observation_size == 10364, f"observation_size {env.observation_size}")
    check(env.action_nvec == [3, 335, 2], f"action_nvec {env.action_nvec}")
    parts = list(env.obs_layout.items())
    check([k for k, _ in parts][:2] == ["backlog_size", "job_queue"], "layout order")
    check(sum(s.stop - s.start for _, s in parts) == env.observation_size, "layout covers the observation")
    check(env.obs_layout["job_queue"] == slice(1, 10001) and env.obs_layout["predicted_prices"].stop == 10364,
          f"layout {env.obs_layout}")
    fields = env.record_fields
    check(len(fields) >= 50 and fields[0] == "episode" and fields[27] == "total_reward", f"record fields {fields}")
    obs, infos = env.reset()
    check(obs.shape == (3, 10364) and obs.dtype == np.float32 and infos == [{}, {}, {}], "reset result")
    twin = powersched.VecEnv(3, seed=7)
    twin.reset()
    acts = np.random.default_rng(1).integers(0, [3, 335, 2], size=(50, 3, 3))
    for a in acts:
        o1, r1 = (x.copy() for x in env.step(a)[:2])
        o2, r2 = (x.copy() for x in twin.step(a)[:2])
        check(np.array_equal(o1, o2) and np.array_equal(r1, r2), "same seed, same actions: same trajectory")
    check(not np.array_equal(o1[0], o1[1]), "env 0 and env 1 differ (seed + i)")
    before = env.obs.copy()
    for bad in ([[0, 0, 0], [0, 335, 0], [0, 0, 0]], [[3, 0, 0]] * 3, [[0, 0, 2]] * 3, [[-1, 0, 0]] * 3):
        try:
            env.step(np.array(bad))
            check(False, f"action {bad} accepted")
        except powersched.PowerSchedError as e:
            check("invalid action" in str(e), f"message: {e}")
    check(np.array_equal(before, env.obs), "a refused step changes nothing")
    o1 = env.step(acts[0])[0].copy()
    o2 = twin.step(acts[0])[0].copy()
    check(np.array_equal(o1, o2), "a refused step did not advance the env")
    try:
        env.step(np.zeros((2, 3), np.int32))
        check(False, "wrong action shape accepted")
    except ValueError:
        pass
    # (n, 4) actions: timed 0 is the (n, 3) action; timed 7 is past the levels
    for a in acts[1:5]:
        o1 = env.step(np.hstack([a, np.zeros((3, 1), np.int64)]))[0].copy()
        o2 = twin.step(a)[0].copy()
        check(np.array_equal(o1, o2), "timed 0 steps as the untimed action")
    try:
        env.step(np.array([[1, 0, 0, 7]] * 3))
        check(False, "timed 7 accepted")
    except powersched.PowerSchedError as e:
        check("(timed 7)" in str(e) and "timed 0..6" in str(e), f"message: {e}")
    env.close()
    twin.close()


def errors(fixtures):
    cases = [({"no_such_option": 1}, "--no-such-option"),
             ({"prices": "/nonexistent/prices.csv"}, "/nonexistent/prices.csv"),
             ({"jobs_exact_replay": True}, "--jobs"),
             ({"efficiency_weight": "abc"}, "--efficiency-weight"),
             ({"workload_gen": "nonsense"}, "nonsense")]
    for options, needle in cases:
        try:
            powersched.VecEnv(1, **options)
            check(False, f"{options} accepted")
        except powersched.PowerSchedError as e:
            check(needle in str(e), f"{options}: message '{e}' does not name {needle}")
    try:
        powersched.VecEnv(0)
        check(False, "0 envs accepted")
    except powersched.PowerSchedError:
        pass
    env = powersched.VecEnv(1, hourly_jobs=os.path.join(fixtures, "two_bins.log"), workload_gen="poisson")
    check("precedence" in env.warnings or "takes precedence" in env.warnings, f"warnings: {env.warnings!r}")


def main():
    ps, fixtures, out_dir = sys.argv[1:4]
    os.makedirs(out_dir, exist_ok=True)
    print("libpowersched", powersched.version(), "numpy", np.__version__, "python", sys.version.split()[0])
    parity(ps, fixtures, out_dir)
    contract()
    errors(fixtures)
    print(f"FAILED: {len(failures)} checks" if failures else "python binding: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
