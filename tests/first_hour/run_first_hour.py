#!/usr/bin/env python3
"""A new user's first hour, as a test (issue #14): docs/first-hour.md followed to the letter.

The binary is installed as the page says (`make install PREFIX=$HOME/.local` is
`cmake --install BUILD --prefix PREFIX`, with HOME a temporary folder), then the page's code blocks
run in order in an empty folder outside the checkout, with the installed `blis` on the PATH and no
BLIS_DATA: a ```lua NAME block writes the file NAME there; each `blis ...` line of a ```sh block
runs and must exit 0 with output and no "error" on stderr (a file it is asked to write with
--requests-csv, --timeseries, --html, --json or --csv must exist, with more than a header line);
every line of a ```text block must appear, as written, in the output of the command before it.
The page must also give the install and PATH lines the test mirrors. A page that runs no command
fails: the test must not pass by finding nothing.

usage: run_first_hour.py CMAKE BUILD_DIR SOURCE_DIR
Ends with 'N passed, N failed'.
"""
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
from command_checks import success_problems  # noqa: E402
from tally import Tally  # noqa: E402

INSTALL_LINE = 'make install PREFIX=$HOME/.local'
PATH_LINE = 'export PATH=$HOME/.local/bin:$PATH'
OUTPUT_FLAGS = ('--requests-csv', '--timeseries', '--html', '--json', '--csv')


def blocks(text):
    """(info string, [lines]) for each fenced code block, in order."""
    out, info, lines = [], None, []
    for line in text.splitlines():
        if line.startswith('```'):
            if info is None:
                info, lines = line[3:].strip(), []
            else:
                out.append((info, lines))
                info = None
            continue
        if info is not None:
            lines.append(line)
    return out


def written_files(words):
    files = []
    for i, w in enumerate(words):
        for flag in OUTPUT_FLAGS:
            if w == flag and i + 1 < len(words):
                files.append(words[i + 1])
            elif w.startswith(flag + '='):
                files.append(w.split('=', 1)[1])
    return files


def main():
    cmake, build, source = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    page = open(os.path.join(source, 'docs', 'first-hour.md')).read()
    tally = Tally('first hour')
    tally.record('the page gives the install and PATH lines',
                 [] if INSTALL_LINE in page and PATH_LINE in page else ['missing %r or %r' % (INSTALL_LINE, PATH_LINE)])
    with tempfile.TemporaryDirectory() as tmp:
        home = os.path.join(tmp, 'home')
        prefix = os.path.join(home, '.local')
        work = os.path.join(tmp, 'work')
        os.makedirs(work)
        p = subprocess.run([cmake, '--install', build, '--prefix', prefix], capture_output=True, text=True)
        tally.record('install', [] if p.returncode == 0 else [p.stderr[-400:]])
        env = {k: v for k, v in os.environ.items() if k not in ('BLIS_DATA', 'BLIS_DATA_DIR')}
        env.update(HOME=home, PATH=os.path.join(prefix, 'bin') + os.pathsep + env.get('PATH', ''), BLIS_NO_PROGRESS='1')
        last, ran = None, 0
        for info, lines in blocks(page):
            words = info.split()
            if words[:1] == ['lua'] and len(words) == 2:
                with open(os.path.join(work, words[1]), 'w') as f:
                    f.write('\n'.join(lines) + '\n')
            elif words[:1] == ['sh']:
                for line in lines:
                    if not line.startswith('blis '):
                        continue
                    # $HOME as the reader's shell expands it (HOME is the test's own folder)
                    argv = [w.replace('$HOME', home) for w in shlex.split(line, comments=True)]
                    p = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=600)
                    ran += 1
                    last = (line, p.stdout)
                    problems = success_problems(p)
                    for name in written_files(argv):
                        path = os.path.join(work, name)
                        if not os.path.isfile(path) or len(open(path).read().splitlines()) < 2:
                            problems.append('%s was not written (or holds only a header)' % name)
                    tally.record(line, problems)
            elif words[:1] == ['text'] and last is not None:
                command, out = last
                missing = [l for l in lines if l.strip() and l.rstrip() not in out]
                tally.record('the output of `%s` shown on the page' % command,
                             ['not in the output: %r' % l for l in missing[:5]])
        tally.record('the page runs commands', [] if ran else ['no blis command found'])
    tally.finish()


if __name__ == '__main__':
    main()
