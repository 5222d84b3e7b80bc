"""A private working directory for a test: a fresh temporary directory holding a symlink to each
entry of a source directory (the repository root, or the reference's working directory), so
relative paths read the checkout while every file a test writes by a plain name lands in the
temporary directory, which is removed afterwards. Tests never write into the checkout."""
import contextlib
import os
import shutil
import tempfile


def link_entries(source, into, skip=()):
    for name in sorted(os.listdir(source)):
        if name == '.git' or name.startswith('build') or name in skip:
            continue
        os.symlink(os.path.join(source, name), os.path.join(into, name))


def make_linked_workdir(source):
    work = tempfile.mkdtemp(prefix='blis-test-')
    link_entries(source, work)
    return work


@contextlib.contextmanager
def linked_workdir(source, with_siblings=False):
    """with_siblings: the directory is made inside a temporary copy of source's parent (its
    other entries linked too), so paths like ../x read the same as from source."""
    if not with_siblings:
        work = make_linked_workdir(source)
        top = work
    else:
        top = tempfile.mkdtemp(prefix='blis-test-')
        parent, name = os.path.split(os.path.abspath(source))
        link_entries(parent, top, skip=(name,))
        work = os.path.join(top, name)
        os.mkdir(work)
        link_entries(source, work)
    try:
        yield work
    finally:
        shutil.rmtree(top)
