"""What a documented command must do when it succeeds, shared by the tests that run the docs'
commands (readme/run_doc_commands.py, first_hour/run_first_hour.py)."""
import re


def success_problems(p):
    """A finished subprocess that should have worked: exit 0, something on stdout, no error on
    stderr. The list of what went wrong (empty when nothing did)."""
    if p.returncode != 0:
        return ['exit status %d: %s' % (p.returncode, p.stderr[-400:])]
    if not p.stdout.strip():
        return ['printed nothing on stdout']
    if re.search(r'\berror\b', p.stderr):
        return ['stderr: %s' % p.stderr[-400:]]
    return []
