#!/usr/bin/env python3
"""The sandbox and the run limits (docs/safety.md), with the reliability findings of issue #12
(tests/safety/findings/): the sandbox probe in both modes, sandbox = false, blis merge refusing
malformed shards and foreign scripts before running anything, a looping experiment point
reported as failed while the others finish, SIGTERM during a sweep keeping the finished points,
and number parsing under a German locale. Every run works in its own temporary directory.

usage: run_safety_tests.py BLIS TESTS_DIR
Ends with 'N passed, N failed'.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tally import Tally  # noqa: E402

FINDINGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'findings')


def run(blis, cwd, args, env=None, timeout=120):
    p = subprocess.run([blis] + args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    return p.returncode, p.stdout, p.stderr


def fresh_dir(parent, name, files):
    d = os.path.join(parent, name)
    os.mkdir(d)
    for f in files:
        shutil.copy(os.path.join(FINDINGS, f), d)
        os.chmod(os.path.join(d, f), 0o644)
    return d


def probe_lines(err):
    return dict(line.split('=', 1) for line in err.splitlines() if '=' in line and ':' in line.split('=', 1)[1][:4])


def main():
    blis = os.path.abspath(sys.argv[1])
    tally = Tally('safety')
    check = tally.record
    with tempfile.TemporaryDirectory() as tmp:
        # The probe: everything dangerous blocked by default, nothing written, nothing run.
        d = fresh_dir(tmp, 'probe', ['sandbox_probe.lua'])
        status, _, err = run(blis, d, ['sandbox_probe.lua'])
        lines = probe_lines(err)
        problems = [] if status == 0 else ['exit status %d' % status]
        for name in ('os.execute', 'io.open_read', 'io.open_write', 'io.popen', 'require_ffi', 'ffi.C.getpid',
                     'ffi.C.system', 'debug', 'debug.sethook', 'package.loadlib', 'os.getenv', 'os.remove',
                     'os.exit', 'math.random'):
            if not lines.get(name, '').startswith('ERR:'):
                problems.append('%s not blocked: %r' % (name, lines.get(name)))
        if 'os.execute' in lines and '--unsafe' not in lines['os.execute']:
            problems.append('the message does not say how to open the sandbox')
        if sorted(os.listdir(d)) != ['sandbox_probe.lua']:
            problems.append('files appeared: %r' % sorted(os.listdir(d)))
        check('sandbox probe, default', problems)

        d = fresh_dir(tmp, 'probe_unsafe', ['sandbox_probe.lua'])
        status, _, err = run(blis, d, ['sandbox_probe.lua', '--unsafe'])
        lines = probe_lines(err)
        problems = [] if status == 0 else ['exit status %d' % status]
        for name in ('os.execute', 'io.open_write', 'io.popen', 'require_ffi', 'ffi.C.getpid', 'debug.sethook'):
            if not lines.get(name, '').startswith('OK:'):
                problems.append('%s blocked under --unsafe: %r' % (name, lines.get(name)))
        if not os.path.exists(os.path.join(d, 'hostile_written.txt')):
            problems.append('--unsafe did not let the probe write its file')
        check('sandbox probe, --unsafe', problems)

        d = fresh_dir(tmp, 'sandbox_false', ['sandbox_false.lua'])
        status, _, err = run(blis, d, ['sandbox_false.lua'])
        problems = [] if status == 0 else ['exit status %d: %s' % (status, err[-300:])]
        if 'top level: os.getenv blocked' not in err or 'report hook: os.getenv reachable' not in err:
            problems.append('stderr %r' % err[-300:])
        if not os.path.exists(os.path.join(d, 'report_written.txt')):
            problems.append('the report hook could not write after sandbox = false')
        check('sandbox = false opens after loading', problems)

        # blis merge: every malformed shard is an error naming the file and key; nothing runs.
        merge_files = ['evil.lua', 'small.lua', 'shard_ok_1of2.json', 'shard_runs_named_script.json',
                       'shard_shards_zero.json', 'shard_shards_negative.json', 'shard_points_3e8.json']
        cases = [
            (['shard_runs_named_script.json'], 'shard_runs_named_script.json: "script_hash" is missing'),
            (['shard_shards_zero.json', 'shard_ok_1of2.json'], 'shard_shards_zero.json: "shards" must be a whole'),
            (['shard_shards_negative.json', 'shard_ok_1of2.json'], 'shard_shards_negative.json: "shards" must be'),
            (['shard_points_3e8.json', 'shard_ok_1of2.json'], 'shard_points_3e8.json: "points" must be a whole'),
        ]
        for i, (args, message) in enumerate(cases):
            d = fresh_dir(tmp, 'merge%d' % i, merge_files)
            status, out, err = run(blis, d, ['merge'] + args)
            problems = [] if status == 1 and message in err else ['status %d, stderr %r' % (status, err[-300:])]
            if os.path.exists(os.path.join(d, 'evil_ran.txt')):
                problems.append('evil.lua ran')
            check('merge ' + ' '.join(args), problems)

        # A real round trip, then the same shards pointed at another script: refused before it runs.
        d = fresh_dir(tmp, 'roundtrip', ['small.lua', 'evil.lua'])
        problems = []
        for i in range(2):
            status, _, err = run(blis, d, ['small.lua', '--shard', '%d/2' % i, '--shard-out', 's%d.json' % i])
            if status != 0:
                problems.append('shard %d: %s' % (i, err[-300:]))
        status, merged, err = run(blis, d, ['merge', 's0.json', 's1.json'])
        status1, whole, _ = run(blis, d, ['small.lua'])
        if status != status1 or merged != whole:
            problems.append('merged output differs from a one-machine run (%d/%d): %s' % (status, status1, err[-200:]))
        for i in range(2):
            path = os.path.join(d, 's%d.json' % i)
            with open(path) as f:
                text = f.read().replace('"script": "small.lua"', '"script": "evil.lua"')
            with open(path, 'w') as f:
                f.write(text)
        status, _, err = run(blis, d, ['merge', 's0.json', 's1.json'])
        if status != 1 or 'is not the one the shards ran' not in err:
            problems.append('foreign script: status %d, stderr %r' % (status, err[-300:]))
        if os.path.exists(os.path.join(d, 'evil_ran.txt')):
            problems.append('evil.lua ran')
        check('merge checks the script before running it', problems)

        # A point looping in compiled code fails; the others finish (default limits, --jobs 2).
        d = fresh_dir(tmp, 'loop', ['experiment_loop_point.lua'])
        status, out, err = run(blis, d, ['experiment_loop_point.lua', '--jobs', '2', '--csv', 'r.csv'])
        problems = [] if status == 1 else ['exit status %d' % status]
        if 'point 1 (routing=loop seed=1)' not in err or 'worker thread was abandoned' not in err:
            problems.append('the looping point is not reported: %r' % err[-400:])
        if 'ok                  1' not in out:
            problems.append('the good point is missing from the table: %r' % out)
        if not os.path.exists(os.path.join(d, 'r.csv')):
            problems.append('no --csv file')
        check('experiment_loop_point.lua --jobs 2', problems)

        # SIGTERM during the sweep: the finished point is printed and written, exit 143.
        d = fresh_dir(tmp, 'sigterm', ['experiment_loop_point.lua'])
        # A large budget keeps the watchdog off the looping point (100 s per call) until the signal.
        p = subprocess.Popen([blis, 'experiment_loop_point.lua', '--jobs', '2', '--csv', 'r.csv',
                              '--lua-instruction-limit', '1000000000'], cwd=d,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(8)  # the good and the failing point take well under a second
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=60)
        problems = [] if p.returncode == 143 else ['exit status %d' % p.returncode]
        if 'ok                  1' not in out:
            problems.append('the finished point is missing: %r' % out)
        if 'interrupted by SIGTERM' not in err:
            problems.append('stderr %r' % err[-400:])
        csv_path = os.path.join(d, 'r.csv')
        if not os.path.exists(csv_path) or 'interrupted by SIGTERM' not in open(csv_path).read():
            problems.append('the --csv file does not hold the interrupted sweep')
        check('SIGTERM keeps the finished points', problems)

        # os.setlocale("de_DE.UTF-8") (allowed by --unsafe) must not change how numbers read.
        if shutil.which('localedef') is None:
            print('skip setlocale_csv.lua: localedef is missing (apt-get install locales)')
        else:
            d = fresh_dir(tmp, 'locale', ['setlocale_csv.lua', 'single_request.csv'])
            locales = os.path.join(tmp, 'locales')
            os.mkdir(locales)
            made = subprocess.run(['localedef', '-i', 'de_DE', '-f', 'UTF-8', os.path.join(locales, 'de_DE.UTF-8')],
                                  capture_output=True, text=True)
            if not os.path.isdir(os.path.join(locales, 'de_DE.UTF-8')):
                print('skip setlocale_csv.lua: localedef could not build de_DE.UTF-8: %s' % made.stderr[-200:])
            else:
                env = dict(os.environ, LOCPATH=locales)
                status, out, err = run(blis, d, ['setlocale_csv.lua', '--unsafe'], env=env)
                status_c, out_c, _ = run(blis, d, ['setlocale_csv.lua', '--unsafe'])
                problems = [] if status == 0 else ['exit status %d: %s' % (status, err[-300:])]
                if out != out_c:
                    problems.append('the output differs from the C locale run')
                check('setlocale_csv.lua under de_DE.UTF-8', problems)
    tally.finish()


if __name__ == '__main__':
    main()
