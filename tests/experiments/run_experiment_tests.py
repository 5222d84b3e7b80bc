#!/usr/bin/env python3
"""Experiment scripts: results independent of --jobs, the --shard/merge round trip (merged
output byte-identical to a one-machine run), a failing point that names itself while the other
points' results are still written, --csv/--json files, --strict exit statuses, and the errors of
the sharding flags.

usage: run_experiment_tests.py BLIS TESTS_DIR [--sanitized]

--sanitized (the ASan+UBSan build, tests/CMakeLists.txt) leaves out the hypothesis scripts that take
over a second in a release build (SLOW_HYPOTHESES): under the sanitizers they would take minutes
of the CI budget while running no code path the short scripts do not; the release build runs
them all.
Ends with 'N passed, N failed'.
"""
import csv as csvmodule
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
from tally import Tally  # noqa: E402
from workdir import linked_workdir  # noqa: E402


# Over a second each in a release build (mmk.lua ~10 s); run 5 times per script below.
SLOW_HYPOTHESES = ('kv_pressure.lua', 'mmk.lua', 'signal_freshness.lua')


def run(blis, root, args):
    # root: the private working directory (tests/workdir.py), never the checkout itself
    p = subprocess.run([blis] + args, cwd=root, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def main():
    blis = os.path.abspath(sys.argv[1])
    checkout = os.path.dirname(os.path.abspath(sys.argv[2]))
    with linked_workdir(checkout) as root:
        run_all(blis, root, sanitized='--sanitized' in sys.argv[3:])


def run_all(blis, root, sanitized):
    tally = Tally('experiments')
    check = tally.record

    scripts = sorted(f for f in glob.glob(os.path.join(root, 'scenarios', 'hypotheses', '*.lua'))
                     if not f.endswith('common.lua')
                     and not (sanitized and os.path.basename(f) in SLOW_HYPOTHESES))
    scripts = [os.path.relpath(f, root) for f in scripts] + ['tests/lua/experiments/two_experiments.lua']
    with tempfile.TemporaryDirectory() as tmp:
        for script in scripts:
            name = os.path.basename(script)
            s1, out1, err1 = run(blis, root, [script, '--jobs', '1', '--strict'])
            s2, out2, err2 = run(blis, root, [script, '--jobs', '2', '--strict'])
            problems = []
            if s1 != 0 or s2 != 0:
                problems.append('exit status %d / %d: %s' % (s1, s2, (err1 or err2)[-300:]))
            if out1 != out2:
                problems.append('--jobs 1 and --jobs 2 print different stdout')
            if 'CONFIRMED' not in out1:
                problems.append('no verdict printed')
            check('jobs-independent ' + name, problems)

            shards = 3
            files = []
            problems = []
            for i in range(shards):
                path = os.path.join(tmp, '%s.%d.json' % (name, i))
                status, out, err = run(blis, root, [script, '--shard', '%d/%d' % (i, shards), '--shard-out', path])
                if status != 0:
                    problems.append('shard %d failed: %s' % (i, err[-300:]))
                files.append(path)
            if not problems:
                status, merged, err = run(blis, root, ['merge'] + list(reversed(files)) + ['--strict'])
                if status != 0:
                    problems.append('merge failed (%d): %s' % (status, err[-300:]))
                elif merged != out1:
                    problems.append('merged output differs from the one-machine run')
            check('shard/merge ' + name, problems)

        # The shipped cluster launchers: a Slurm array task and an Indexed Job pod, emulated
        # through their environment variables, then merged.
        script = 'scenarios/hypotheses/prefix_caching.lua'
        _, single, _ = run(blis, root, [script, '--jobs', '2'])
        for launcher, env_of in (
                ('slurm_shard.sh', lambda i: {'SLURM_ARRAY_TASK_ID': str(i), 'SLURM_ARRAY_TASK_MAX': '2',
                                              'SLURM_CPUS_PER_TASK': '1'}),
                ('k8s_shard.sh', lambda i: {'JOB_COMPLETION_INDEX': str(i), 'BLIS_SHARDS': '3'})):
            out_dir = os.path.join(tmp, launcher)
            problems = []
            for i in range(3):
                env = dict(os.environ, BLIS=blis, BLIS_SHARD_DIR=out_dir, **env_of(i))
                p = subprocess.run(['scripts/cluster/' + launcher, script], cwd=root, env=env,
                                   capture_output=True, text=True, timeout=600)
                if p.returncode != 0:
                    problems.append('task %d failed: %s' % (i, p.stderr[-300:]))
            shards = sorted(glob.glob(os.path.join(out_dir, 'shard-*-of-3.json')))
            if len(shards) != 3:
                problems.append('%d shard files written' % len(shards))
            else:
                status, merged, err = run(blis, root, ['merge'] + shards)
                if status != 0 or merged != single:
                    problems.append('merge status %d, same output: %s' % (status, merged == single))
            check('launcher ' + launcher, problems)

        # A failing point: named with its values and file:line; the others still reported.
        csv = os.path.join(tmp, 'failing.csv')
        status, out, err = run(blis, root, ['tests/lua/experiments/failing_point.lua', '--csv', csv])
        problems = []
        if status != 1:
            problems.append('exit status %d, expected 1' % status)
        for needle in ('point 2 (instances=4 seed=1)', 'point 3 (instances=4 seed=2)',
                       'tests/lua/experiments/failing_point.lua:4: instance 3 is not allowed'):
            if needle not in err:
                problems.append('stderr lacks %r' % needle)
        if '2          2' not in out.replace('\t', ' ') and ' 2 ' not in out:
            problems.append('the table lacks the 2-instance results')
        if not os.path.exists(csv):
            problems.append('--csv file not written')
        else:
            rows = list(csvmodule.reader(open(csv, newline='')))
            if len(rows) != 5 or rows[1][:3] != ['0', '2', '1'] or 'instance 3 is not allowed' not in rows[3][-1]:
                problems.append('--csv rows: %r' % rows)
        check('failing point', problems)

        # --json writes every experiment's results (the second with a -2 suffix).
        js = os.path.join(tmp, 'two.json')
        status, out, err = run(blis, root, ['tests/lua/experiments/two_experiments.lua', '--json', js])
        problems = []
        if status != 0:
            problems.append('exit status %d' % status)
        for path in (js, os.path.join(tmp, 'two-2.json')):
            if not os.path.exists(path) or '"points"' not in open(path).read():
                problems.append('%s not written' % os.path.basename(path))
        check('--json files', problems)

        # --strict: a refuted claim is exit status 3; without it, 0.
        s_plain, out, _ = run(blis, root, ['tests/lua/experiments/refuted.lua'])
        s_strict, _, _ = run(blis, root, ['tests/lua/experiments/refuted.lua', '--strict'])
        check('--strict', [] if (s_plain, s_strict) == (0, 3) and 'REFUTED' in out
              else ['exit statuses %d / %d' % (s_plain, s_strict)])

        # --csv, --json and --shard-out through symlinks: each link stays a link and its target
        # (created when missing) holds the file; a planted NAME.tmp symlink is left alone.
        problems = []
        links = {}
        for kind in ('csv', 'json', 'shard'):
            link, real = os.path.join(tmp, 'link.' + kind), os.path.join(tmp, 'real.' + kind)
            os.symlink(real, link)
            links[kind] = (link, real)
        victim = os.path.join(tmp, 'victim')
        with open(victim, 'w') as f:
            f.write('secret')
        os.symlink(victim, links['csv'][0] + '.tmp')
        script = 'tests/lua/experiments/refuted.lua'
        s1, _, err1 = run(blis, root, [script, '--csv', links['csv'][0], '--json', links['json'][0]])
        s2, _, err2 = run(blis, root, [script, '--shard', '0/1', '--shard-out', links['shard'][0]])
        if (s1, s2) != (0, 0):
            problems.append('exit statuses %d / %d: %s' % (s1, s2, (err1 + err2)[-300:]))
        for kind, (link, real) in sorted(links.items()):
            if not os.path.islink(link):
                problems.append('the %s link was replaced' % kind)
            if not os.path.isfile(real) or os.path.getsize(real) == 0:
                problems.append('the %s target was not written' % kind)
        if open(victim).read() != 'secret':
            problems.append('the planted .tmp symlink was followed')
        check('files through symlinks', problems)

        # Sharding mistakes.
        script = 'tests/lua/experiments/refuted.lua'
        a = os.path.join(tmp, 'r0.json')
        b = os.path.join(tmp, 'r1.json')
        run(blis, root, [script, '--shard', '0/2', '--shard-out', a])
        run(blis, root, [script, '--shard', '1/2', '--shard-out', b])
        cases = [
            ([script, '--shard', '2/2'], '--shard needs I/N with 0 <= I < N'),
            (['merge', a], 'shard 1/2 is missing'),
            (['merge', a, a], 'are both shard 0/2'),
            (['merge', a, os.path.join(tmp, 'two.json')], 'not a shard file'),
        ]
        for args, message in cases:
            status, _, err = run(blis, root, args)
            check('error: ' + ' '.join(os.path.basename(x) for x in args),
                  [] if status == 1 and message in err else ['status %d, stderr %r' % (status, err[-300:])])
    tally.finish()


if __name__ == '__main__':
    main()
