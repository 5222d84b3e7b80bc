#!/usr/bin/env python3
"""Runs the libFuzzer harnesses of tests/fuzz (docs/safety.md, "Fuzzing").

    run_fuzz.py BUILD_DIR [--seconds N] [--harness NAME ...] [--keep DIR]

For each harness: first every file of tests/fuzz/regressions/<harness>/ once (inputs that
crashed it before), then fuzzing for N seconds starting from tests/fuzz/corpus/<harness>/ (and
its dictionary tests/fuzz/dict/<harness>.dict, when there is one), one process under
nice, ASan+UBSan, a 10-second limit per input and 2 GB of memory. New corpus inputs go to a
temporary directory (or --keep DIR/<harness>); the repository is never written. A crash, hang,
leak or sanitizer report fails the run and leaves the input in
<artifact dir>/<harness>/ — copy it to tests/fuzz/regressions/<harness>/ with the fix.

Prints each harness's executions and the total; exit status 1 if any harness failed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESSES = ["workload_spec", "policy_bundle", "defaults_registry", "hf_config", "hardware_config",
             "csv_records", "csv_trace", "trace_v2", "shard_file", "scenario_table", "run_flags",
             "empirical_file", "model_shape", "gpu_catalog", "physics_coefficients",
             "inference_perf_config", "fit_lifecycle_metrics", "fit_aggregate_table", "fit_trace_observed",
             "fit_experiment_config"]
COMMON_FLAGS = ["-rss_limit_mb=2048", "-timeout=10", "-max_len=16384", "-print_final_stats=1"]
ENV = dict(os.environ,
           ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=0",
           UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")


def files_in(directory):
    if not os.path.isdir(directory):
        return []
    return sorted(os.path.join(directory, f) for f in os.listdir(directory)
                  if os.path.isfile(os.path.join(directory, f)))


def run(cmd, log_path):
    with open(log_path, "w") as log:
        return subprocess.run(["nice", "-n", "10"] + cmd, stdout=log, stderr=subprocess.STDOUT, env=ENV).returncode


def tail(path, lines=40):
    with open(path, errors="replace") as f:
        return "".join(f.readlines()[-lines:])


def fuzz_one(build_dir, harness, seconds, work, artifacts):
    binary = os.path.join(build_dir, "tests", "fuzz", "fuzz_" + harness)
    if not os.access(binary, os.X_OK):
        return False, 0, f"{binary} is missing (build the fuzz_harnesses target)"
    os.makedirs(artifacts, exist_ok=True)
    flags = COMMON_FLAGS + ["-artifact_prefix=" + artifacts + os.sep]
    dictionary = os.path.join(HERE, "dict", harness + ".dict")
    if os.path.exists(dictionary):
        flags.append("-dict=" + dictionary)

    regressions = files_in(os.path.join(HERE, "regressions", harness))
    if regressions:
        log = os.path.join(work, harness + ".regressions.log")
        if run([binary] + flags + regressions, log) != 0:
            return False, 0, "a regression input fails again:\n" + tail(log)

    corpus = os.path.join(work, "corpus", harness)
    os.makedirs(corpus, exist_ok=True)
    log = os.path.join(work, harness + ".log")
    # One process (no -jobs): the machine running it is usually shared.
    status = run([binary] + flags + [f"-max_total_time={seconds}", corpus, os.path.join(HERE, "corpus", harness)],
                 log)
    text = open(log, errors="replace").read()
    executions = sum(int(n) for n in re.findall(r"stat::number_of_executed_units:\s*(\d+)", text))
    if status != 0 or re.search(r"ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:", text):
        return False, executions, tail(log)
    return True, executions, ""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build_dir")
    parser.add_argument("--seconds", type=int, default=6, help="fuzzing time per harness (default 6)")
    parser.add_argument("--harness", action="append", choices=HARNESSES, help="only these (repeatable)")
    parser.add_argument("--keep", help="keep each harness's new corpus inputs in DIR/<harness>")
    parser.add_argument("--artifacts", help="where crashing inputs go (default: a directory under /tmp)")
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    harnesses = args.harness or HARNESSES

    work = tempfile.mkdtemp(prefix="blis-fuzz-")
    artifacts_root = os.path.abspath(args.artifacts) if args.artifacts else os.path.join(work, "artifacts")
    failed = []
    total = 0
    started = time.monotonic()
    print(f"{'harness':<18} {'executions':>12} {'seconds':>8}  result", flush=True)
    try:
        for harness in harnesses:
            t0 = time.monotonic()
            ok, executions, detail = fuzz_one(build_dir, harness, args.seconds, work,
                                              os.path.join(artifacts_root, harness))
            total += executions
            result = "ok" if ok else "FAILED"
            print(f"{harness:<18} {executions:>12} {time.monotonic() - t0:>8.0f}  {result}", flush=True)
            if not ok:
                failed.append(harness)
                print(detail, file=sys.stderr)
                print(f"crashing inputs: {os.path.join(artifacts_root, harness)}/ "
                      f"(add them to tests/fuzz/regressions/{harness}/ with the fix)", file=sys.stderr)
            if args.keep:
                keep = os.path.join(os.path.abspath(args.keep), harness)
                os.makedirs(keep, exist_ok=True)
                for f in files_in(os.path.join(work, "corpus", harness)):
                    shutil.copy(f, keep)
        print(f"{'total':<18} {total:>12} {time.monotonic() - started:>8.0f}  "
              f"{'ok' if not failed else 'FAILED: ' + ' '.join(failed)}", flush=True)
    finally:
        if not failed and not args.artifacts:
            shutil.rmtree(work, ignore_errors=True)
        elif failed:
            print(f"logs: {work}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
