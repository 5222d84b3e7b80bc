"""The pass/fail bookkeeping every test runner here shares: a line per case ('ok   name' or
'FAIL name: problem; problem'), then 'LABEL: N passed, N failed', and the exit status ctest reads."""
import sys


class Tally:
    def __init__(self, label):
        self.label = label
        self.passed = 0
        self.failed = 0

    def record(self, name, problems):
        """problems: a list of what went wrong (empty when the case passed)."""
        if problems:
            self.failed += 1
            print('FAIL %s: %s' % (name, '; '.join(problems)), flush=True)
        else:
            self.passed += 1
            print('ok   %s' % name, flush=True)

    def finish(self):
        print('%s: %d passed, %d failed' % (self.label, self.passed, self.failed))
        sys.exit(1 if self.failed else 0)
