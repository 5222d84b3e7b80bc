#!/usr/bin/env python3
"""The installed blis, used from a folder outside the checkout (issue #14, "Installable"):
`cmake --install BUILD --prefix TMP/prefix`, then, with the working directory a fresh folder
holding only a copy of tests/install/anywhere.lua (a scenario with no paths that requires the
shipped scripts.scorers.queue_depth and scripts.admission.token_bucket) and no BLIS_DATA set:
  - the layout: PREFIX/bin/blis, share/blis/model_configs/defaults.yaml, share/blis/scripts/...;
  - the scenario runs, and prints what build/blis prints for it from the repo root;
  - `blis run --model meta-llama/llama-3.1-8b-instruct --rate 10 --num-requests 200` runs on the
    shipped defaults.yaml and prints what the reference-style run with that file named prints;
  - the universal flags and `--k v` parameters work there;
  - BLIS_DATA pointing elsewhere is obeyed (the run fails, naming the paths tried), and
    BLIS_DATA and BLIS_DATA_DIR naming different folders is one clear error.
Everything is written under one temporary directory.

usage: run_install_test.py CMAKE BUILD_DIR BLIS SOURCE_DIR
Ends with 'N passed, N failed'.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
from tally import Tally  # noqa: E402

RUN_ARGS = ['run', '--model', 'meta-llama/llama-3.1-8b-instruct', '--rate', '10', '--num-requests', '200']


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ('BLIS_DATA', 'BLIS_DATA_DIR')}
    env.update(extra)
    return env


def run(binary, args, cwd, env=None):
    p = subprocess.run([binary] + args, cwd=cwd, capture_output=True, text=True, timeout=300,
                       env=env if env is not None else clean_env())
    return p.returncode, p.stdout, p.stderr


def status_problems(what, status, err):
    return [] if status == 0 else ['%s: exit status %d: %s' % (what, status, err[-400:])]


def main():
    cmake, build_dir, build_blis, source = (os.path.abspath(a) for a in sys.argv[1:5])
    tally = Tally('install')
    with tempfile.TemporaryDirectory(prefix='blis-install-') as tmp:
        prefix = os.path.join(tmp, 'prefix')
        p = subprocess.run([cmake, '--install', build_dir, '--prefix', prefix], capture_output=True, text=True,
                           timeout=300)
        tally.record('cmake --install', [] if p.returncode == 0 else ['exit %d: %s' % (p.returncode, p.stderr)])
        blis = os.path.join(prefix, 'bin', 'blis')
        share = os.path.join(prefix, 'share', 'blis')
        expected = [blis, os.path.join(share, 'model_configs', 'defaults.yaml'),
                    os.path.join(share, 'model_configs', 'gpus.yaml'),
                    os.path.join(share, 'model_configs', 'physics', 'default.yaml'),
                    os.path.join(share, 'scripts', 'scorers', 'queue_depth.lua'),
                    os.path.join(share, 'scripts', 'admission', 'token_bucket.lua')]
        tally.record('installed layout', ['missing %s' % os.path.relpath(f, tmp) for f in expected
                                          if not os.path.isfile(f)])
        if not os.path.isfile(blis):
            tally.finish()

        # A folder outside the checkout with only the scenario in it.
        elsewhere = os.path.join(tmp, 'elsewhere')
        os.mkdir(elsewhere)
        shutil.copy(os.path.join(source, 'tests', 'install', 'anywhere.lua'), elsewhere)

        # The reference's blocks: the same numbers whichever defaults.yaml path the header names.
        status, out, err = run(blis, ['anywhere.lua', '--format', 'reference'], elsewhere)
        problems = status_problems('installed blis anywhere.lua', status, err)
        # The same scenario from the repo root with the build tree's blis: the same numbers.
        ref_status, ref_out, ref_err = run(build_blis, [os.path.join(source, 'tests', 'install', 'anywhere.lua'),
                                                        '--format', 'reference'], source)
        problems += status_problems('build/blis from the repo root', ref_status, ref_err)
        if '"completed_requests": ' not in out or 'Rejected Requests: ' not in out:
            problems.append('no results block: %r' % out[:300])
        elif out != ref_out:
            problems.append('stdout differs from build/blis run from the repo root')
        # The human report says which defaults file the coefficients came from: the installed one.
        status, human, err = run(blis, ['anywhere.lua'], elsewhere)
        problems += status_problems('installed blis anywhere.lua (human report)', status, err)
        installed_defaults = os.path.join(share, 'model_configs', 'defaults.yaml')
        if 'coefficients %s (' % installed_defaults not in human:
            problems.append('the human report does not name %s: %r' % (installed_defaults, human[:400]))
        tally.record('a scenario outside the checkout requires the shipped scripts', problems)

        status, out, err = run(blis, RUN_ARGS, elsewhere)
        problems = status_problems('installed blis run', status, err)
        ref_status, ref_out, ref_err = run(build_blis, RUN_ARGS + ['--defaults-filepath', 'model_configs/defaults.yaml'],
                                           source)
        problems += status_problems('build/blis run --defaults-filepath', ref_status, ref_err)
        if '"completed_requests": 200' not in out:
            problems.append('not 200 completed requests: %r' % out[:300])
        elif out != ref_out:
            problems.append('stdout differs from the run with --defaults-filepath model_configs/defaults.yaml')
        tally.record('blis run --model ... from elsewhere reads the shipped defaults.yaml', problems)

        # Universal flags and --k v, in the same folder; --results-path writes there.
        status, out, err = run(blis, ['anywhere.lua', '--requests', '50', '--seed', '9', '--results-path', 'r.json',
                                      '--format', 'reference'], elsewhere)
        problems = status_problems('universal flags', status, err)
        if '"completed_requests": ' not in out:
            problems.append('no results block')
        if not os.path.isfile(os.path.join(elsewhere, 'r.json')):
            problems.append('--results-path r.json was not written')
        else:
            os.remove(os.path.join(elsewhere, 'r.json'))
        status, help_out, err = run(blis, ['anywhere.lua', '--help'], elsewhere)
        for text in ('--requests=300', '--seed N', '--horizon US', '--results-path FILE'):
            if text not in help_out:
                problems.append('--help lacks %r' % text)
        tally.record('--requests 50 --seed 9 --results-path r.json, and --help', problems)

        # BLIS_DATA names the data folder, and then only it is searched.
        empty = os.path.join(tmp, 'empty-data')
        os.mkdir(empty)
        status, out, err = run(blis, RUN_ARGS, elsewhere, env=clean_env(BLIS_DATA=empty))
        problems = [] if status == 1 else ['exit status %d' % status]
        wanted = ('blis: error: failed to read defaults file "defaults.yaml" (no defaults file was named, and none '
                  'was found: tried defaults.yaml, %s/defaults.yaml; name one with defaults_file or '
                  '--defaults-filepath, or set BLIS_DATA to blis\'s model_configs folder)\n' % empty)
        if err != wanted:
            problems.append('stderr %r' % err)
        status, out, err = run(blis, RUN_ARGS, elsewhere,
                               env=clean_env(BLIS_DATA=os.path.join(share, 'model_configs'), BLIS_DATA_DIR=empty))
        if status != 1 or 'name different data folders; set only BLIS_DATA' not in err:
            problems.append('conflicting BLIS_DATA/BLIS_DATA_DIR: exit %d, %r' % (status, err))
        status, out, err = run(blis, RUN_ARGS, elsewhere, env=clean_env(BLIS_DATA_DIR=os.path.join(share, 'model_configs')))
        problems += status_problems('BLIS_DATA_DIR alone', status, err)
        tally.record('BLIS_DATA, its older name BLIS_DATA_DIR, and both at once', problems)

        leftovers = sorted(set(os.listdir(elsewhere)) - {'anywhere.lua'})
        tally.record('nothing else written in the scenario folder', ['left %s' % leftovers] if leftovers else [])
    tally.finish()


if __name__ == '__main__':
    main()
