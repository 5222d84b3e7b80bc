#!/usr/bin/env python3
"""Every blis command of README.md and docs/*.md runs as written from the repo root (issue #14:
"Every command in README and docs works as written from the repo root").

A command is a line of a code block (fenced, or indented by four spaces) that starts with `build/blis ` or `blis ` (after an
optional `$ ` prompt), joined with the lines a trailing backslash continues, a trailing `# comment`
dropped. `blis` is the installed form of `build/blis`: both run the binary under test. Lines that
describe a command rather than give one are not run, and are counted: usage lines (with `[`, `|`,
`...` or an upper-case placeholder such as FILE, A.lua or SHARD.json, or the reader's own file
as its first argument, named my_*: `blis fit my_runs.lua`) and output lines
(`blis compare: ...`, `blis: error: ...`).

The commands of one code block run in order in one fresh temporary directory holding a symlink to
each top-level entry of the checkout (the repo root as the command sees it; a file a command
writes, like sim.yaml, lands in the temporary directory, where the next command of the block
finds it, as a reader following the doc would), and each must exit 0 with output on stdout and no "error" on stderr -- unless the
block shows `blis: error:` output after it before the next command, when it must exit 1 with an
error on stderr (the docs show what a mistake prints). docs/first-hour.md is left to its own test
(tests/first_hour), which follows it outside the checkout with an installed blis. Docs with no command at all fail the test:
it must not pass by finding nothing.

usage: run_doc_commands.py BLIS SOURCE_DIR
Ends with 'N passed, N failed'.
"""
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
from command_checks import success_problems  # noqa: E402
from tally import Tally  # noqa: E402
from workdir import make_linked_workdir  # noqa: E402

# Pages whose commands another test runs in the setting the page describes: docs/first-hour.md
# works in an empty folder outside the checkout with an installed blis (tests/first_hour).
OWN_TEST = {os.path.join('docs', 'first-hour.md')}

PLACEHOLDER = re.compile(r'(^|[\s=/])([A-Z][A-Z0-9_]*(\.[a-z]+)?)(\s|$)')


def is_description(line):
    """A usage line or a line of output, not a command to run."""
    words = line.split()
    if len(words) > 1 and words[1].endswith(':'):
        return True  # output: "blis compare: ...", "blis: error: ..."
    if any(t in line for t in ('[', '|', '...', '──')) or PLACEHOLDER.search(line) is not None:
        return True
    return any(w.startswith('my_') for w in words[1:2] + words[2:3])  # the reader's own file: "blis fit my_runs.lua"


def doc_commands(text):
    """(line number, command text, expects an error, block) for each command of the code blocks:
    fenced ones, and indented ones (four spaces) outside fences, each a block of its own lines."""
    found = []
    fence = 0        # fences seen so far: the id of the fenced block a line is in
    in_fence = False
    indented = None  # the first line of the indented block a line is in
    pending = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith('```'):
            in_fence = not in_fence
            fence += 1
            pending = None
            continue
        if not in_fence:
            if not raw.startswith('    ') or not line:
                indented = None
                pending = None
                continue
            indented = indented or number
        block = fence if in_fence else ('indented', indented)
        if pending is not None:
            pending[1] += ' ' + line.rstrip('\\').strip()
            if not line.endswith('\\'):
                found.append(pending)
                pending = None
            continue
        if line.startswith('blis: error:') and found and found[-1][3] == block:
            found[-1][2] = True
            continue
        command = line[2:] if line.startswith('$ ') else line
        if command.startswith('blis ') or command.startswith('build/blis '):
            entry = [number, command.rstrip('\\').strip(), False, block]
            if command.endswith('\\'):
                pending = entry
            else:
                found.append(entry)
    return [tuple(entry) for entry in found]


def main():
    blis = os.path.abspath(sys.argv[1])
    source = os.path.abspath(sys.argv[2])
    tally = Tally('doc commands')
    env = {k: v for k, v in os.environ.items() if k not in ('BLIS_DATA', 'BLIS_DATA_DIR')}
    env['BLIS_NO_PROGRESS'] = '1'
    described = 0
    for doc in ['README.md'] + sorted(os.path.relpath(p, source) for p in glob.glob(os.path.join(source, 'docs', '*.md'))):
        if doc in OWN_TEST:
            continue
        commands = doc_commands(open(os.path.join(source, doc)).read())
        if doc == 'README.md':
            tally.record('README.md has blis commands', [] if commands else ['none found'])
        work, work_block = None, None
        for number, text, expects_error, block in commands:
            if is_description(text.split(' #')[0]):
                described += 1
                continue
            words = shlex.split(text, comments=True)
            name = '%s:%d: %s' % (doc, number, ' '.join(words))
            if block != work_block:
                if work:
                    shutil.rmtree(work)
                work, work_block = make_linked_workdir(source), block
            p = subprocess.run([blis] + words[1:], cwd=work, capture_output=True, text=True, timeout=600, env=env)
            problems = []
            if expects_error:
                if p.returncode != 1 or 'error' not in p.stderr:
                    problems.append('the doc shows an error; got exit status %d, stderr %r' % (p.returncode, p.stderr[-300:]))
            else:
                problems = success_problems(p)
            tally.record(name, problems)
        if work:
            shutil.rmtree(work)
    print('(%d usage and output lines not run)' % described)
    tally.finish()


if __name__ == '__main__':
    main()
