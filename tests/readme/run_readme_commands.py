#!/usr/bin/env python3
"""Every `build/blis ...` command of README.md runs as written from the repo root (issue #14:
"Every command in README works as written"). The commands are the lines of the README's fenced
code blocks whose first word is `build/blis` (a trailing `# comment` dropped). Each runs in a
fresh temporary directory holding a symlink to each top-level entry of the checkout (the repo
root as the command sees it; a file it writes, like run.yaml, lands in the temporary directory),
with `build/blis` replaced by the binary under test, and must exit 0 with output on stdout and no
"error" on stderr. A README with no such command fails: the test must not pass by finding nothing.

usage: run_readme_commands.py BLIS SOURCE_DIR
Ends with 'N passed, N failed'.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
from tally import Tally  # noqa: E402
from workdir import make_linked_workdir  # noqa: E402


def readme_commands(text):
    """The `build/blis` lines of the fenced code blocks, in order, as argument lists."""
    commands = []
    in_block = False
    for line in text.splitlines():
        if line.startswith('```'):
            in_block = not in_block
            continue
        if not in_block:
            continue
        if not line.startswith('build/blis '):
            continue
        words = shlex.split(line, comments=True)
        if words[0] == 'build/blis':
            commands.append(words)
    return commands


def main():
    blis = os.path.abspath(sys.argv[1])
    source = os.path.abspath(sys.argv[2])
    tally = Tally('readme commands')
    commands = readme_commands(open(os.path.join(source, 'README.md')).read())
    tally.record('README.md has build/blis commands', [] if commands else ['none found'])
    env = {k: v for k, v in os.environ.items() if k not in ('BLIS_DATA', 'BLIS_DATA_DIR')}
    for words in commands:
        name = ' '.join(words)
        work = make_linked_workdir(source)
        try:
            p = subprocess.run([blis] + words[1:], cwd=work, capture_output=True, text=True, timeout=600, env=env)
        finally:
            shutil.rmtree(work)
        problems = []
        if p.returncode != 0:
            problems.append('exit status %d: %s' % (p.returncode, p.stderr[-400:]))
        elif not p.stdout.strip():
            problems.append('printed nothing on stdout')
        elif re.search(r'\berror\b', p.stderr):
            problems.append('stderr: %s' % p.stderr[-400:])
        tally.record(name, problems)
    tally.finish()


if __name__ == '__main__':
    main()
