"""bench_python - env steps per second of 8 envs stepped together from Python
(powersched.VecEnv: one C call per step of all 8, observations written into a
preallocated numpy array), random actions, on the data of sim.replay: 2023
prices + exact replay of the GPU log. Prints `bench sim.python8 <v> steps/s`
(median of several runs after a warm-up; design.md, "Benchmarks").

Random actions are drawn with numpy in blocks (one call per 1024 steps, timed
with the rest), as a vectorised policy would produce them.

usage: bench_python.py SHARED_DIR   (POWERSCHED_LIB: the library to time)"""

import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import powersched  # noqa: E402

N_ENVS = 8
RUNS = 7
WARMUP = 789          # vector steps, as sim.replay's warm-up
STEPS = 12500         # vector steps per run: 100,000 env steps, as sim.replay
BLOCK = 1024


def run(env, rng, steps):
    """Steps the vector `steps` times; returns env steps per second."""
    t0 = time.perf_counter()
    done = 0
    while done < steps:
        k = min(BLOCK, steps - done)
        actions = rng.integers(0, env.action_nvec, size=(k, N_ENVS, 3), dtype=np.int32)
        for a in actions:
            env.step(a)
        done += k
    return steps * N_ENVS / (time.perf_counter() - t0)


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else "../shared"
    prices = os.path.join(shared, "data", "prices_2023.csv")
    log = os.path.join(shared, "data", "allusers-gpu-30.log")
    if not (os.path.exists(prices) and os.path.exists(log)):
        print(f"# bench sim.python8 skipped: {prices} or {log} not found")
        return 0
    env = powersched.VecEnv(N_ENVS, seed=1, prices=prices, jobs=log, jobs_exact_replay=True)
    env.reset()
    rng = np.random.default_rng(1)
    run(env, rng, WARMUP)
    rates = sorted(run(env, rng, STEPS) for _ in range(RUNS))
    print(f"# sim.python8: {N_ENVS} envs, {powersched.load_library()._name}, numpy {np.__version__}; "
          f"runs min {rates[0]:.0f} max {rates[-1]:.0f}")
    print(f"bench sim.python8 {statistics.median(rates):.0f} steps/s")
    env.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
