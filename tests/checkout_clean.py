#!/usr/bin/env python3
"""The checkout is the same after the tests as before: no test writes into it.

usage: checkout_clean.py snapshot|compare SOURCE_DIR STATE_FILE

`snapshot` (a ctest fixture setup, run first) records `git status --porcelain --ignored
--untracked-files=all` of SOURCE_DIR, leaving out the build directories; `compare` (the fixture
cleanup, run after every test) fails naming each path that appeared, disappeared or changed
state. Outside a git checkout both steps pass with a note.
"""
import os
import subprocess
import sys


def status(source):
    try:
        p = subprocess.run(['git', 'status', '--porcelain', '--ignored', '--untracked-files=all'],
                           cwd=source, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    if p.returncode != 0:
        return None, p.stderr.strip()
    lines = [line for line in p.stdout.splitlines() if not line[3:].startswith('build')]
    return sorted(lines), None


def main():
    mode, source, state_file = sys.argv[1:4]
    lines, why = status(source)
    if lines is None:
        print('not checked (no git checkout: %s)' % why)
        return 0
    if mode == 'snapshot':
        with open(state_file, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        print('%d paths not clean before the tests' % len(lines))
        return 0
    before = set(open(state_file).read().splitlines()) - {''}
    after = set(lines)
    changed = sorted(after - before) + ['(gone) ' + line for line in sorted(before - after)]
    for line in changed:
        print('the tests changed the checkout: %s' % line)
    print('checkout unchanged' if not changed else '%d paths changed' % len(changed))
    return 1 if changed else 0


if __name__ == '__main__':
    sys.exit(main())
