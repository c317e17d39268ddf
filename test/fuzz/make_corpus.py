#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets: test/fuzz/corpus/<target>/.

Small valid inputs of each format, edge cases, and the reproductions of
issue 13 that reach a reader (files named repro-*). Deterministic: running it
again rewrites the same bytes. Every file stays under 64 KiB.

    python3 test/fuzz/make_corpus.py [OUTDIR]
"""
import json
import os
import struct
import sys
import zipfile
import zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
LIMIT = 64 * 1024
BOM = b"\xef\xbb\xbf"


def put(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    assert len(data) < LIMIT, f"{target}/{name}: {len(data)} bytes"
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ------------------------------------------------------------------ prices
def prices():
    rows = "".join(f"2024-01-{1 + h // 24:02d} {h % 24:02d}:00:00,{40 + (h * 7919) % 61 + (h % 10) / 10:.2f}\n"
                   for h in range(48))
    put("prices", "valid.csv", "Date,Price\n" + rows)
    put("prices", "valid-crlf.csv", ("Date,Price\n" + rows).replace("\n", "\r\n"))
    put("prices", "valid-quoted.csv", 'Date,Price\n"2024-01-01 00:00","61.72"\n"2024-01-01 01:00", "-3.5"\n')
    put("prices", "valid-negative-blank-lines.csv", "Date,Price (EUR/MWh)\n2024-01-01,-12.5\n\n2024-01-01,0\n\n")
    put("prices", "valid-extra-columns.csv", "Date,Price,Source\n2024-01-01,61.7,x\n")
    put("prices", "header-only.csv", "Date,Price\n")
    put("prices", "empty.csv", "")
    put("prices", "no-header.csv", "2024-01-01,61.72\n")
    put("prices", "nan-inf.csv", "Date,Price\nx,nan\nx,inf\n")
    put("prices", "overflow.csv", "Date,Price\nx,1e39\n")
    put("prices", "no-comma.csv", "Date,Price\n2024-01-01 61.72\n")
    put("prices", "semicolons.csv", "Date;Price\n2024-01-01;61,72\n")
    put("prices", "long-line.csv", "Date,Price\nx," + "1" * 5000 + "\n")
    put("prices", "nul-byte.csv", b"Date,Price\nx,6\x001\n")
    # real price exports (ps_prices_load: times, JSON, sub-hourly rows, gaps)
    put("prices", "energy-charts.json", json.dumps({
        "license_info": "CC BY 4.0", "unix_seconds": [1672531200 + 3600 * h for h in range(6)],
        "price": [61.7, 55.0, None, 48.25, -1.5, 40], "unit": "EUR / MWh", "deprecated": False}))
    put("prices", "iso-times.csv", "Datetime (UTC),Price (EUR/MWhe)\n" + "".join(
        f"2023-03-26T{h:02d}:00:00Z,{50 + h}\n" for h in range(6)))
    put("prices", "iso-offsets-dst.csv", "Date,Price\n2023-03-26T01:00+01:00,50\n2023-03-26T03:00+02:00,51\n"
        "2023-03-26T04:00+0200,52\n")
    put("prices", "entsoe.csv", 'MTU (CET/CEST),"Day-ahead Price [EUR/MWh]",Currency,BZN|DE-LU\n' + "".join(
        f'"01.01.2023 {h:02d}:00 - 01.01.2023 {h + 1:02d}:00","{2.01 + h:.2f}",EUR,\n' for h in range(4))
        + '"01.01.2023 04:00 - 01.01.2023 05:00","n/e",EUR,\n')
    put("prices", "quarter-hours.csv", "Date;Day-ahead price;Intraday price\n" + "".join(
        f"2025-01-01 {q // 4:02d}:{15 * (q % 4):02d};{60 + q},5;1\n" for q in range(12)))
    put("prices", "gap.csv", "Date,Price\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n2023-01-01 05:00,3\n")
    put("prices", "duplicate-time.csv", "Date,Price\n2023-01-01 00:00,1\n2023-01-01 00:00,2\n2023-01-01 01:00,3\n")
    put("prices", "json-bad.json", '{"unix_seconds": [1, 2], "price": [1]}')
    # issue 13, item 8 and 9
    put("prices", "repro-quoted-comma.csv", 'Date,Price\nx,"61,72"\n')
    put("prices", "repro-thousands-separator.csv", "Date,Price\nx,1,234.5\n")
    put("prices", "repro-hex.csv", "Date,Price\nx,0x3d\n")
    put("prices", "repro-3e38.csv", "Date,Price\nx,3e38\n")
    put("prices", "repro-minus-3e38.csv", "Date,Price\nx,-3e38\n")
    put("prices", "repro-bom.csv", BOM + b"Date,Price\n2024-01-01,61.72\n")
    # found by scripts/fuzz: a long gap made --price-gaps fill quadratic (it
    # counted the rest of the gap at every empty hour), spans of centuries
    put("prices", "found-fill-gap-years.csv",
        "Date,Price\n2024-01-01 00:00:00,40.00\n2024-01-01 01:00:00,90.10\n2024-01-02 22:00:00,\n"
        "2029-09-02 22:00:00,72.70\n")
    put("prices", "found-span-centuries.csv", "Date,Price\n2023-03-26T01:15+01:00,50\n2523-03-26T03:00+0200,25\n")
    put("prices", "found-span-100-years.csv", "Date,Price\n2023-03-26T01:00+01:00,50\n2123-03-26T01:00+01:00,50\n")


# ------------------------------------------------------------------- sacct
HEAD = ("                         JobID      User  Partition              Submit               Start"
        "                 End ElapsedRaw      NCPUS   NNodes \n"
        "------------------------------ --------- ---------- ------------------- ------------------- "
        "------------------- ---------- ---------- -------- \n")


def row(jobid, submit, elapsed, ncpus, nnodes, user="user01", part="cpu", start="Unknown", end="Unknown"):
    return f"{jobid:>30} {user:>9} {part:>10} {submit:>19} {start:>19} {end:>19} {elapsed:>10} {ncpus:>10} {nnodes:>8} \n"


def sacct():
    jobs = [
        row(101, "2024-01-01T00:10:00", 7200, 96, 1, start="2024-01-01T00:10:01", end="2024-01-01T02:10:01"),
        row(102, "2024-01-01T00:20:00", 1800, 16, 2),
        row(103, "2024-01-01T00:25:00", 1800, 16, 2),
        row(104, "2024-01-01T01:20:00", 3600, 384, 4, user="user02", part="gpu"),
        row(105, "2024-01-01T03:00:00", 60, 0, 1),
        row(106, "2024-01-01T03:59:59", 0, 8, 0),
        row(107, "2024-01-02T00:00:00", 259200, 1536, 16),
        row(108, "2024-01-02T23:30", 600, 1920, 20),
        row("109_1", "2024-01-03T12:00:00", 45, 4, 1),
        row("109.batch", "2024-01-03T12:00:00", 45, 4, 1),
    ]
    body = "".join(jobs)
    put("sacct", "valid.log", HEAD + body)
    put("sacct", "valid-crlf.log", (HEAD + body).replace("\n", "\r\n"))
    put("sacct", "valid-compact.log",
        "JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n"
        "----- ---- --------- ------ ----- --- ---------- ----- ------\n"
        "1 u gpu 2025-04-13T16:05:00 2025-04-13T16:05:01 2025-04-13T16:35:01 1800 16 2\n"
        "4 u gpu 2025-04-13T17:00:00 2025-04-13T17:00:00 2025-04-13T18:00:00 3600 32 4\n"
        "\n"
        "2 u gpu 2025-04-13T16:10:00 2025-04-13T16:10:00 2025-04-13T16:40:00 1800 16 2\n")
    put("sacct", "leading-blank-lines.log", "\n\n" + HEAD + jobs[0])
    put("sacct", "leap-year.log", HEAD + row(1, "2024-02-29T23:00:00", 60, 1, 1) + row(2, "2000-02-29T01:00", 60, 1, 1))
    put("sacct", "leap-second.log", HEAD + row(1, "2016-12-31T23:59:60", 60, 1, 1))
    put("sacct", "span-over-ten-years.log", HEAD + row(1, "2000-01-01T00:00:00", 60, 1, 1) + row(2, "2024-01-01T00:00:00", 60, 1, 1))
    put("sacct", "year-zero-and-9999.log", HEAD + row(1, "0000-01-01T00:00:00", 60, 1, 1) + row(2, "9999-12-31T23:59:59", 60, 1, 1))
    put("sacct", "header-only.log", HEAD)
    put("sacct", "empty.log", "")
    put("sacct", "too-few-fields.log", HEAD + "1 u cpu 2024-01-01T00:00:00 x x 60 4\n")
    put("sacct", "too-many-fields.log", HEAD + "1 " * 40 + "\n")
    put("sacct", "negative-count.log", HEAD + row(1, "2024-01-01T00:00:00", 60, -4, 1))
    put("sacct", "bad-submit.log", HEAD + row(1, "2024-13-01T00:00:00", 60, 4, 1))
    put("sacct", "huge-counts.log", HEAD + row(1, "2024-01-01T00:00:00", 1 << 39, 1 << 24, 1 << 24)
        + row(2, "2024-01-01T00:00:00", 1 << 39, 1 << 24, 1))
    put("sacct", "long-line.log", HEAD + "1 u cpu " + " " * 20000 + "2024-01-01T00:00:00 x x 60 4 1\n")
    # issue 13, items 2, 7, 8, 9
    put("sacct", "repro-columns-reordered.log",
        "JobID Submit User Partition NNodes NCPUS ElapsedRaw Start End\n"
        "----- ------ ---- --------- ------ ----- ---------- ----- ---\n"
        "1 2024-01-01T00:05:00 u cpu 2 32 3600 x x\n"
        "2 2024-01-01T01:05:00 u cpu 1 4 60 x x\n")
    put("sacct", "repro-headerless.log",  # sacct -n: no header, no dashes
        "1 u cpu 2024-01-01T00:05:00 x x 3600 4 1\n"
        "2 u cpu 2024-01-01T00:06:00 x x 3600 4 1\n"
        "3 u cpu 2024-01-01T01:07:00 x x 3600 4 1\n")
    put("sacct", "repro-feb30.log", HEAD + row(1, "2024-02-30T10:00:00", 3600, 4, 1))
    put("sacct", "repro-elapsed-2pow40.log", HEAD + row(1, "2024-01-01T00:00:00", 1099511627776, 4, 1))
    put("sacct", "repro-bom.log", BOM + HEAD.encode() + row(1, "2024-01-01T00:00:00", 60, 4, 1).encode())
    # The 2,200-job hour of item 2 takes 79 KB even with the shortest rows;
    # the corpus keeps files under 64 KiB, so this hour has 1,800 jobs (item
    # 3's 1,100 and more; the crash and the hang need --job-arrival-scale 1e6
    # on top, which no reader sees).
    many = "JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n--\n" + "".join(
        f"a u c 2024-01-01T00:{i % 60:02d} x x 3600 4 1\n" for i in range(1800))
    put("sacct", "repro-1800-job-hour.log", many)
    # --parsable2 with job steps, and SWF traces (detected by ';' or the name)
    put("sacct", "parsable2-steps.log", "JobID|Submit|ElapsedRaw|NCPUS|NNodes|State\n7|2024-01-01T01:00:00|61|4|1|COMPLETED\n"
        "7.batch|2024-01-01T01:00:00|61|4|1|COMPLETED\n8|2024-01-01T02:00:00|0|8|2|FAILED|\n")
    swf = "; UnixStartTime: 1704067200\n" + "".join(
        f"{i} {i * 600} 5 {i * 977 % 90000 - 1} {i * 37 % 400 - 1} -1 -1 {i * 13 % 300} 7200 -1 1 1 1 1 1 1 -1 -1\n"
        for i in range(1, 40))
    put("sacct", "trace.swf", swf)
    put("sacct", "swf-bad-field.swf", "; x\n1 0 5 3600 x -1 -1 96 7200 -1 1 1 1 1 1 1 -1 -1\n")


# --------------------------------------------------------------- durations
def durations():
    put("durations", "valid.txt", "7-00:00:00\n  00:00:35\n00:00:00\n01:00:00\n01:00:01\n  02:30:00\n"
        "02:00:00\n1-01:00:00\n05:00\ngarbage\n")
    put("durations", "valid-crlf.txt", "00:30:00\r\n12:00:00\r\n3-04:05:06\r\n")
    put("durations", "one.txt", "00:00:01")
    put("durations", "no-durations.txt", "05:00\nUNLIMITED\n\n")
    put("durations", "empty.txt", "")
    put("durations", "bad-part.txt", "00:x0:00\n")
    put("durations", "too-long.txt", "999999999-00:00:00\n")
    put("durations", "limit.txt", "41666-15:00:00\n00:10:00\n")
    put("durations", "ten-digit-part.txt", "0000000001:00:00\n")
    put("durations", "colons.txt", "1:2:3:4\n::\n-:1:1\n1-:1:1\n")
    put("durations", "long-line.txt", "00:00:" + "0" * 20000 + "1\n")
    put("durations", "nul-byte.txt", b"01:00:00\x00junk\n02:00:00\n")
    # issue 13, item 9
    put("durations", "repro-bom.txt", BOM + b"01:00:00\n02:00:00\n")


# ----------------------------------------------------------------- actions
def actions():
    put("actions", "valid.csv", "# type,magnitude,refill\n2,10,1\n\n0,0,0\n 1 , 5 , 1 \n\t1,334,0\n")
    put("actions", "valid-crlf.csv", "2,10,1\r\n1,3,0\r\n")
    put("actions", "one-no-newline.csv", "1,1,1")
    put("actions", "comments-only.csv", "# nothing\n\n   # still nothing\n")
    put("actions", "empty.csv", "")
    put("actions", "out-of-range.csv", "2,335,1\n")
    put("actions", "negative.csv", "-1,0,0\n")
    put("actions", "two-fields.csv", "2,10\n")
    put("actions", "trailing-text.csv", "2,10,1 x\n")
    put("actions", "nul-byte.csv", b"2,10,1\x00junk\n1,2,0\n")
    # issue 13, items 8 and 9: a comment longer than 256 bytes whose tail
    # looks like an action, a row of 256+ bytes holding two actions, wrap-around
    put("actions", "repro-long-comment.csv", "#" + "x" * 254 + "0,1,0\n2,10,1\n")
    put("actions", "repro-long-line.csv", "0,1,0" + " " * 250 + "2,5,1\n")
    put("actions", "repro-wrap.csv", "2,4294967629,1\n")
    put("actions", "repro-bom.csv", BOM + b"2,10,1\n")
    # found by scripts/fuzz: a line blank up to a NUL byte, whose 256th byte
    # onwards was read as a line of its own
    put("actions", "found-nul-long-line.csv", b"\t" + b"\0" * 254 + b"0,1,0\n")


# ----------------------------------------------- checkpoints and config.json
def checkpoint_config(**drop):
    cfg = {
        "format": "powersched-checkpoint", "version": 1, "net_arch": [8, 8], "obs_dim": 10364, "nvec": [3, 335, 2],
        "ppo": {"n_steps": 64, "batch_size": 64, "n_epochs": 10, "learning_rate": 0.0003, "gamma": 0.99,
                "gae_lambda": 0.95, "clip_range": 0.2, "ent_coef": 0, "vf_coef": 0.5, "max_grad_norm": 0.5,
                "adam_eps": 1e-05},
        "weights": {"efficiency": 0.7, "price": 0.2, "idle": 0.1, "job_age": 0, "drop": 0},
        "options": {"data": {"prices": "data/prices_2023.csv", "price-rows": "0:8759", "jobs": None}},
        "params": [{"name": "pi.0.weight", "numel": 82912}, {"name": "pi.0.bias", "numel": 8}],
    }
    for k in drop:
        cfg.pop(k)
    return json.dumps(cfg, indent="\t")


def progress(**over):
    p = {"nominal_steps": 64, "num_timesteps": 64, "iteration": 1, "n_updates": 10, "adam_steps": 10,
         "action_rng": ["9273850204071584201", "8426781531183099893", "1922261203860953998", "9819065784909262756"],
         "shuffle_rng": ["16753217345285270968", "1338852967855001672", "11906080967461421393", "1270488246156713719"]}
    for k, v in over.items():
        if v is None:
            p.pop(k)
        else:
            p[k] = v
    return json.dumps(p, indent="\t")


def zip_of(entries, method=zipfile.ZIP_DEFLATED):
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
    return buf.getvalue()


def overlap_bomb(entries=1100, size=8 << 20):
    """One deflated entry of zeros and `entries` central directory records
    all pointing at it: each passes the per-entry size check, together they
    claim entries * size bytes (9 GiB here) from a 60 KB file."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    comp = co.compress(bytes(size)) + co.flush()
    size = min(size, len(comp) * 1032)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    comp = comp.compress(bytes(size)) + comp.flush()
    crc = zlib.crc32(bytes(size))
    name = b"a"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(comp), size, len(name), 0) + name + comp
    cd = b"".join(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(comp), size,
                              len(name), 0, 0, 0, 0, 0, 0) + name for _ in range(entries))
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, len(cd), len(local), 0)
    return local + cd + end


def checkpoints():
    tensor = struct.pack("<8f", *[0.5 * i for i in range(8)])
    good = [("config.json", checkpoint_config()), ("progress.json", progress()),
            ("policy/pi.0.bias.bin", tensor), ("optimizer/pi.0.bias.exp_avg.bin", tensor)]
    put("checkpoint", "valid.zip", zip_of(good))
    put("checkpoint", "valid-stored.zip", zip_of(good, zipfile.ZIP_STORED))
    put("checkpoint", "not-a-checkpoint.zip", zip_of([("hello.txt", "hello\n")]))
    put("checkpoint", "empty-file.zip", b"")
    put("checkpoint", "empty-archive.zip", zip_of([]))
    put("checkpoint", "not-a-zip.zip", "PK but not really\n")
    z = bytearray(zip_of(good, zipfile.ZIP_STORED))
    z[z.find(b"powersched-checkpoint")] ^= 1  # the CRC no longer matches
    put("checkpoint", "crc-mismatch.zip", bytes(z))
    put("checkpoint", "truncated.zip", zip_of(good)[:-30])
    # issue 13, item 6
    put("checkpoint", "repro-overlapping-entries.zip", overlap_bomb())
    put("checkpoint", "repro-no-ppo.zip", zip_of([("config.json", checkpoint_config(ppo=1)), ("progress.json", progress())]))
    put("checkpoint", "repro-counters-missing.zip",
        zip_of([("config.json", checkpoint_config()), ("progress.json", progress(iteration=None, n_updates=None))]))
    put("checkpoint", "repro-counters-huge.zip",
        zip_of([("config.json", checkpoint_config()), ("progress.json", progress(nominal_steps=1e300, n_updates=9.3e18))]))


def configs():
    put("config", "valid-checkpoint.json", checkpoint_config())
    put("config", "valid-checkpoint-with-progress.json", checkpoint_config() + "\0" + progress())
    put("config", "valid-net-arch-64.json", checkpoint_config().replace("[\n\t\t8,\n\t\t8\n\t]", "[64]"))
    session = {"weights_prefix": "e0.7_p0.2_i0.1_a0.0_d0.0", "seed": "1", "seed_given": True,
               "options": {"train": {"session": "s"}, "data": {"prices": "data/prices_2023.csv", "price-rows": "0:8759",
                                                               "jobs": None}}}
    put("config", "valid-session.json", json.dumps(session, indent="\t"))
    session["options"]["data"]["price-rows"] = None
    session["options"]["data"]["prices"] = None
    put("config", "valid-session-synthetic.json", json.dumps(session))
    session["options"]["data"]["price-rows"] = "12:x"
    put("config", "bad-price-rows.json", json.dumps(session))
    put("config", "not-json.json", "{\"options\": ")
    put("config", "empty.json", "")
    put("config", "array.json", "[1, 2, 3]")
    put("config", "deep.json", "[" * 2000 + "]" * 2000)
    put("config", "wrong-version.json", checkpoint_config().replace('"version": 1', '"version": 2'))
    # issue 13, item 6
    put("config", "repro-no-ppo.json", checkpoint_config(ppo=1))
    put("config", "repro-counters-missing.json", checkpoint_config() + "\0" + progress(iteration=None, n_updates=None))
    put("config", "repro-counters-huge.json", checkpoint_config() + "\0" + progress(nominal_steps=1e300, n_updates=9.3e18))
    # found by scripts/fuzz: a missing or non-numeric reward weight read as NaN
    put("config", "found-weight-missing.json", checkpoint_config().replace('"price": 0.2,', ''))
    put("config", "found-weight-text.json", checkpoint_config().replace('"efficiency": 0.7', '"efficiency": "0.7"'))


if __name__ == "__main__":
    prices()
    sacct()
    durations()
    actions()
    checkpoints()
    configs()
    for t in sorted(os.listdir(OUT)):
        files = os.listdir(os.path.join(OUT, t))
        print(f"{t}: {len(files)} files, {sum(os.path.getsize(os.path.join(OUT, t, f)) for f in files)} bytes")
