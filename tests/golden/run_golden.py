#!/usr/bin/env python3
"""Golden transcripts: run blis and compare stdout, stderr and exit status with recorded files.

usage: run_golden.py BLIS TESTS_DIR [--update] [--once]

Each directory golden/cases/<name>/ holds `args` (one argument per line; the word BLIS_ROOT is
replaced by the repository root, TMP by the case's temporary directory) and the expected
`stdout`, `stderr` and `status`. Every run of a case happens in a fresh temporary directory
holding a symlink to each top-level entry of the repository, so relative paths such as
tests/fixtures/... read the checkout while a file a case writes (results.json, a trace) lands in
the temporary directory, which is removed afterwards; the temporary path is shown as TMP in the
compared output. Optional files:
  setup   lines run in the temporary directory before blis:  mkdir DIR | write PATH TEXT... |
          link PATH TARGET | chmod PATH OCTAL
  expect  lines checked after blis:  link PATH TARGET (PATH is still a symlink to TARGET) |
          contains PATH TEXT... | equals PATH TEXT... | mode PATH OCTAL | absent PATH | only NAME...
          (the temporary directory holds exactly these names besides the repository links)
Every case also runs twice and must print byte-identical stdout (determinism), and no case may
change what /dev/stdout, /dev/stderr or /dev/null are: a case that does (a blis that renames
over /dev/stdout, as root) fails, and the runner puts the device path back. golden/equivalent/<name> lists two case
names whose stdout must be identical (a scenario file and its `blis run` equivalent). --update
rewrites the expectations (stdout, stderr, status; never setup or expect). --once skips the
determinism rerun: the sanitizer build passes it (tests/CMakeLists.txt), where a run costs ~6x a
release one and the release build's golden test already reruns every case.
Ends with 'N passed, N failed'.
"""
import os
import shutil
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
from tally import Tally  # noqa: E402
from workdir import make_linked_workdir  # noqa: E402

DEVICES = ('/dev/stdout', '/dev/stderr', '/dev/null')


def device_identity():
    """What each standard device path is (kind, inode, link text, device number, mode)."""
    seen = {}
    for path in DEVICES:
        try:
            st = os.lstat(path)
            seen[path] = (stat.S_IFMT(st.st_mode), st.st_ino,
                          os.readlink(path) if stat.S_ISLNK(st.st_mode) else None, st.st_rdev,
                          stat.S_IMODE(st.st_mode))
        except OSError as e:
            seen[path] = ('missing', e.errno)
    return seen


def restore_devices(before):
    """Puts back a device path a broken blis replaced (possible only as root): a failing case must
    not leave the machine's /dev/stdout a regular file for every later test and program."""
    now = device_identity()
    for path, was in before.items():
        if now[path] == was or was[0] == 'missing':
            continue
        if os.path.lexists(path):
            os.remove(path)
        if was[0] == stat.S_IFLNK:
            os.symlink(was[2], path)
        elif was[0] == stat.S_IFCHR:
            os.mknod(path, stat.S_IFCHR | was[4], was[3])


def check_devices_at_start():
    """An earlier run (of an older blis) may have replaced one: every later result would be wrong."""
    problems = []
    for path in DEVICES:
        if os.path.isfile(path) and not os.path.islink(path):
            problems.append('%s is a regular file, left by an earlier run; restore it (as root) with: '
                            'rm %s && ln -s /proc/self/fd/%d %s' % (path, path, DEVICES.index(path) + 1, path)
                            if path != '/dev/null' else '/dev/null is a regular file, left by an earlier run')
    return problems


def run_setup(work, lines):
    for line in lines:
        if not line.strip():
            continue
        op, path, *rest = line.split(' ')
        target = os.path.join(work, path)
        if op == 'mkdir':
            os.makedirs(target)
        elif op == 'write':
            with open(target, 'w') as f:
                f.write(' '.join(rest) + '\n')
        elif op == 'link':
            os.symlink(rest[0], target)
        elif op == 'chmod':
            os.chmod(target, int(rest[0], 8))
        else:
            raise SystemExit('unknown setup line: %r' % line)


def check_expect(work, root, lines):
    problems = []
    for line in lines:
        if not line.strip():
            continue
        op, path, *rest = line.split(' ')
        target = os.path.join(work, path)
        text = ' '.join(rest)
        if op == 'link':
            if not os.path.islink(target):
                problems.append('%s is no longer a symlink' % path)
            elif os.readlink(target) != rest[0]:
                problems.append('%s now points to %s' % (path, os.readlink(target)))
        elif op in ('contains', 'equals'):
            content = open(target).read() if os.path.isfile(target) else None
            if content is None:
                problems.append('%s was not written' % path)
            elif op == 'contains' and text not in content:
                problems.append('%s lacks %r' % (path, text))
            elif op == 'equals' and content != text + '\n':
                problems.append('%s holds %r' % (path, content[:200]))
        elif op == 'mode':
            mode = stat.S_IMODE(os.lstat(target).st_mode)
            if mode != int(rest[0], 8):
                problems.append('%s has mode %o' % (path, mode))
        elif op == 'absent':
            if os.path.lexists(target):
                problems.append('%s exists' % path)
        elif op == 'only':
            names = set(os.listdir(work)) - set(os.listdir(root))
            if sorted(names) != sorted([path] + rest):
                problems.append('the temporary directory holds %s' % sorted(names))
        else:
            raise SystemExit('unknown expect line: %r' % line)
    return problems


def lines_of(case, name):
    path = os.path.join(case, name)
    return open(path).read().splitlines() if os.path.exists(path) else []


def run(blis, root, case):
    """Runs one case in a fresh directory: (stdout, stderr, status, problems from `expect`)."""
    work = make_linked_workdir(root)
    try:
        run_setup(work, lines_of(case, 'setup'))
        args = [a.replace('BLIS_ROOT', root).replace('TMP', work) for a in lines_of(case, 'args')]
        p = subprocess.run([blis] + args, cwd=work, capture_output=True, text=True, timeout=300)
        problems = check_expect(work, root, lines_of(case, 'expect'))
        return p.stdout.replace(work, 'TMP'), p.stderr.replace(work, 'TMP'), p.returncode, problems
    finally:
        shutil.rmtree(work)


def main():
    blis = os.path.abspath(sys.argv[1])
    tests = os.path.abspath(sys.argv[2])
    update = '--update' in sys.argv
    once = '--once' in sys.argv
    root = os.path.dirname(tests)
    cases_dir = os.path.join(tests, 'golden', 'cases')
    tally = Tally('golden')
    outputs = {}
    tally.record('standard devices before the cases', check_devices_at_start())
    devices = device_identity()
    for name in sorted(os.listdir(cases_dir)):
        case = os.path.join(cases_dir, name)
        out, err, status, problems = run(blis, root, case)
        outputs[name] = out
        if update:
            open(os.path.join(case, 'stdout'), 'w').write(out)
            open(os.path.join(case, 'stderr'), 'w').write(err)
            open(os.path.join(case, 'status'), 'w').write('%d\n' % status)
        if out != open(os.path.join(case, 'stdout')).read():
            problems.append('stdout differs')
        if err != open(os.path.join(case, 'stderr')).read():
            problems.append('stderr differs: %r' % err[-400:])
        if status != int(open(os.path.join(case, 'status')).read()):
            problems.append('exit status %d' % status)
        if not once:
            again, _, _, _ = run(blis, root, case)
            if again != out:
                problems.append('a second run printed different stdout (not deterministic)')
        if device_identity() != devices:
            problems.append('replaced one of %s (put back)' % ', '.join(DEVICES))
            restore_devices(devices)
            devices = device_identity()  # the restored paths are new inodes
        tally.record(name, problems)
    equivalent_dir = os.path.join(tests, 'golden', 'equivalent')
    for name in sorted(os.listdir(equivalent_dir)):
        a, b = open(os.path.join(equivalent_dir, name)).read().split()
        same = outputs.get(a) is not None and outputs.get(a) == outputs.get(b) and bool(outputs.get(a))
        tally.record('equivalent ' + name, [] if same else ['%s and %s print different stdout' % (a, b)])
    tally.finish()


if __name__ == '__main__':
    main()
