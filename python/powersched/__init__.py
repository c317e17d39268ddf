"""PowerSched from Python: a vector of cluster envs stepped in one C call.

    import numpy as np, powersched
    env = powersched.VecEnv(8, seed=1, prices="prices.csv", jobs="cluster.log",
                            jobs_exact_replay=True)
    obs, infos = env.reset()                   # obs: (8, 10364) float32
    actions = np.zeros((8, 3), np.int32)       # [type 0/1/2, magnitude 0..334, refill 0/1]
    obs, rewards, terminated, truncated, infos = env.step(actions)
    # infos[i]["episode"] = {field: value} when env i finished an episode

The only dependency is numpy; the library is libpowersched.so, found through
the POWERSCHED_LIB environment variable (a path to the .so), else next to this
package (installed tree), else in the source tree's build folders, else on the
system library path.

Options are the command line's scenario words (data, energy model, workload
generator, reward weights: ``powersched simulate --help``): a keyword ``foo_bar=value`` becomes
``--foo-bar value``; True becomes the bare flag, False and None are left out.
Env i is seeded with seed + i, so env 0 replays ``powersched simulate --seed
SEED`` given the same actions. Episodes are 336 steps and only truncate; the
env resets itself after the truncating step (the cluster state carries over,
spec 2.5), so the returned observation is already the next episode's first.

The arrays returned by reset() and step() are the env's own buffers, written
in place by the next call (no copies per step): copy what you keep, and do
not write into obs (the C side rewrites only the queue rows that changed).
"""

import ctypes
import os

import numpy as np

__all__ = ["VecEnv", "PowerSchedError", "load_library", "option_words", "record_fields", "version"]


class PowerSchedError(RuntimeError):
    """An error reported by libpowersched (bad option, file, action)."""


def _candidates():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))  # the source tree, from python/powersched
    name = "libpowersched.so"
    return [
        os.path.join(here, name),
        # installed: <prefix>/lib/python3/dist-packages/powersched -> <prefix>/lib
        os.path.normpath(os.path.join(here, "..", "..", "..", name)),
        os.path.join(root, "build", name),
        os.path.join(root, "build-release", name),
    ]


def _declare(lib):
    c = ctypes
    P = c.c_void_p
    sigs = {
        "ps_vec_create": (P, [c.c_int, c.c_int, c.POINTER(c.c_char_p), c.c_char_p, c.c_size_t]),
        "ps_vec_free": (None, [P]),
        "ps_vec_num_envs": (c.c_int, [P]),
        "ps_vec_obs_size": (c.c_int, [P]),
        "ps_vec_action_nvec": (None, [P, P]),
        "ps_vec_obs_part": (c.c_int, [P, c.c_int, c.POINTER(c.c_char_p), c.POINTER(c.c_int), c.POINTER(c.c_int)]),
        "ps_vec_reset": (c.c_int, [P, P]),
        "ps_vec_reset_seed": (c.c_int, [P, c.c_uint64, P]),
        "ps_vec_step": (c.c_int, [P, P, P, P, P, P, P]),
        "ps_vec_step_timed": (c.c_int, [P, P, P, P, P, P, P]),
        "ps_vec_error": (c.c_char_p, [P]),
        "ps_vec_warnings": (c.c_char_p, [P]),
        "ps_record_field_count": (c.c_int, []),
        "ps_record_field_name": (c.c_char_p, [c.c_int]),
        "ps_version": (c.c_char_p, []),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


_lib = None


def load_library():
    """The loaded libpowersched (ctypes.CDLL), found as the module says."""
    global _lib
    if _lib is not None:
        return _lib
    env = os.environ.get("POWERSCHED_LIB")
    tried = []
    paths = [env] if env else [p for p in _candidates() if os.path.exists(p)] + ["libpowersched.so.0", "libpowersched.so"]
    for path in paths:
        try:
            _lib = _declare(ctypes.CDLL(path))
            return _lib
        except OSError as e:
            tried.append(f"{path}: {e}")
    looked = [f"POWERSCHED_LIB={env}"] if env else _candidates() + ["the system library path"]
    raise PowerSchedError("cannot load libpowersched.so; looked in: " + ", ".join(looked)
                          + ("; errors: " + "; ".join(tried) if tried else "")
                          + " (build it with cmake, or set POWERSCHED_LIB to the .so)")


def record_fields():
    """Names of the episode record's fields, in order (spec 10.2)."""
    lib = load_library()
    return [lib.ps_record_field_name(i).decode() for i in range(lib.ps_record_field_count())]


def version():
    return load_library().ps_version().decode()


def option_words(options):
    """Keyword options as command-line words: {"jobs_exact_replay": True,
    "seed": 3} -> ["--jobs-exact-replay", "--seed", "3"]."""
    words = []
    for key, value in options.items():
        if value is None or value is False:
            continue
        words.append("--" + key.replace("_", "-"))
        if value is not True:
            words.append(str(value))
    return words


def _ptr(a):
    return a.ctypes.data_as(ctypes.c_void_p)


class VecEnv:
    """n envs over one loaded scenario, stepped together (Gymnasium-style API)."""

    def __init__(self, n, seed=0, **options):
        self._vec = None
        self._lib = lib = load_library()
        words = option_words(options) + ["--seed", str(int(seed))]
        argv = (ctypes.c_char_p * len(words))(*[w.encode() for w in words])
        err = ctypes.create_string_buffer(512)
        vec = lib.ps_vec_create(int(n), len(words), argv, err, len(err))
        if not vec:
            raise PowerSchedError(err.value.decode())
        self._vec = vec
        self.num_envs = int(n)
        self.warnings = lib.ps_vec_warnings(vec).decode()
        self.observation_size = lib.ps_vec_obs_size(vec)
        nvec = np.zeros(3, np.int32)
        lib.ps_vec_action_nvec(vec, _ptr(nvec))
        self.action_nvec = nvec.tolist()
        self.obs_layout = self._layout()
        self.record_fields = record_fields()
        self._allocate(n)

    def _layout(self):
        name, off, length = ctypes.c_char_p(), ctypes.c_int(), ctypes.c_int()
        layout, part = {}, 0
        while self._lib.ps_vec_obs_part(self._vec, part, ctypes.byref(name), ctypes.byref(off), ctypes.byref(length)) == 0:
            layout[name.value.decode()] = slice(off.value, off.value + length.value)
            part += 1
        return layout

    def _allocate(self, n):
        """The buffers the C side writes, and their pointers, made once."""
        self.obs = np.zeros((n, self.observation_size), np.float32)
        self.rewards = np.zeros(n, np.float32)
        self.terminals = np.zeros(n, np.bool_)
        self.truncations = np.zeros(n, np.bool_)
        self.records = np.zeros((n, len(self.record_fields)), np.float64)
        self._actions = np.zeros((n, 3), np.int32)
        self._actions_timed = np.zeros((n, 4), np.int32)
        outs = (_ptr(self.obs), _ptr(self.rewards), _ptr(self.terminals), _ptr(self.truncations), _ptr(self.records))
        self._step_args = (self._vec, _ptr(self._actions)) + outs
        self._step_args_timed = (self._vec, _ptr(self._actions_timed)) + outs

    def _check(self, rc):
        if rc != 0:
            raise PowerSchedError(self._lib.ps_vec_error(self._vec).decode())

    def reset(self, seed=None):
        """Starts a new episode in every env (seed: env i gets seed + i)."""
        if seed is None:
            self._check(self._lib.ps_vec_reset(self._vec, self._step_args[2]))
        elif not 0 <= int(seed) < 2**64:
            raise ValueError(f"seed must be in 0..2**64-1, got {seed}")
        else:
            self._check(self._lib.ps_vec_reset_seed(self._vec, int(seed), self._step_args[2]))
        return self.obs, [{} for _ in range(self.num_envs)]

    def step(self, actions):
        """actions: (n, 3) integers [type, magnitude, refill], or (n, 4) with
        timed 0..6 last (job-timing's per-job holding at a level; 0: none).
        Returns (obs, rewards, terminated, truncated, infos); infos[i]["episode"]
        holds env i's finished episode."""
        timed = np.shape(actions) == self._actions_timed.shape
        buf = self._actions_timed if timed else self._actions
        if actions is not buf:
            if np.shape(actions) != buf.shape:
                raise ValueError(f"actions: expected shape {self._actions.shape} or {self._actions_timed.shape}, "
                                 f"got {np.shape(actions)}")
            buf[...] = actions  # values are checked in C: a bad one raises, nothing steps
        if timed:
            ended = self._lib.ps_vec_step_timed(*self._step_args_timed)
        else:
            ended = self._lib.ps_vec_step(*self._step_args)  # finished episodes, or -1
        if ended < 0:
            self._check(ended)
        infos = [{} for _ in range(self.num_envs)]
        if ended:
            for i in np.flatnonzero(self.truncations | self.terminals):
                infos[i]["episode"] = dict(zip(self.record_fields, self.records[i].tolist()))
        return self.obs, self.rewards, self.terminals, self.truncations, infos

    @property
    def actions(self):
        """The action buffer step() reads: fill it in place and pass it back
        to save a copy."""
        return self._actions

    @property
    def actions_timed(self):
        """The same for (n, 4) actions with timed last."""
        return self._actions_timed

    def close(self):
        if self._vec:
            self._lib.ps_vec_free(self._vec)
            self._vec = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()
