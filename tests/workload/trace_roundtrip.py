#!/usr/bin/env python3
"""Trace v2 round trips: a run exported with --export-workload (or a scenario's export =
{ workload = ... }) and replayed from that file must print byte-identical stdout, for every kind
of workload blis generates; exporting the replay must give the same files again.

usage: trace_roundtrip.py BLIS TESTS_DIR
Ends with 'N passed, N failed'.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
from tally import Tally  # noqa: E402
from workdir import linked_workdir  # noqa: E402

MODEL = ['--model', 'meta-llama/llama-3.1-8b-instruct']
EXAMPLES = 'tests/fixtures/reference/examples/'
DEFAULTS = ['--defaults-filepath', 'tests/fixtures/reference/defaults.yaml']

# name -> (run arguments that make the workload, arguments for both runs)
CLI_CASES = {
    'spec_multiturn': (['--workload-spec', EXAMPLES + 'multiturn-chat-demo.yaml'], ['--num-instances', '2']),
    'spec_prefix_groups': (['--workload-spec', EXAMPLES + 'prefix-affinity-demo.yaml'],
                           ['--num-instances', '4', '--routing-policy', 'weighted',
                            '--routing-scorers', 'prefix-affinity:3,queue-depth:2']),
    'spec_prefix_groups_one_instance': (['--workload-spec', EXAMPLES + 'prefix-affinity-demo.yaml'],
                                        ['--total-kv-blocks', '3000']),
    # KV pressure: prefix-cache evictions and preemptions (the horizon bounds the livelock, §5.6)
    'preemptions': (['--prefix-tokens', '256', '--rate', '50', '--num-requests', '150', '--prompt-tokens', '300',
                     '--output-tokens', '300'],
                    ['--total-kv-blocks', '2500', '--horizon', '60000000', '--alpha-coeffs', '232.46,1.75,3357.44',
                     '--beta-coeffs', '5752.7,17.25,5.99']),
    'servegen': (['--workload-spec', EXAMPLES + 'servegen-language.yaml'], ['--num-instances', '2']),
    'inference_perf': (['--workload-spec', EXAMPLES + 'inference-perf-shared-prefix.yaml', '--num-requests', '3000'],
                       ['--num-instances', '2', '--routing-policy', 'prefix-affinity']),
    'distribution_prefix': (['--rate', '40', '--num-requests', '300', '--prefix-tokens', '300'],
                            ['--num-instances', '3', '--routing-policy', 'least-loaded']),
    'preset': (['--workload', 'chatbot', '--rate', '15', '--num-requests', '150'], []),
    'horizon_cut': (['--rate', '80', '--num-requests', '400'], ['--horizon', '2000000']),
    # explicit token ids (a legacy CSV trace with shared prefixes): sharing found by the exporter
    'csv_trace_literal': (['--workload', 'traces', '--workload-traces-filepath',
                           'tests/fixtures/parity/cases/traces_shared_prefix_smallkv/trace.csv'],
                          ['--total-kv-blocks', '1200', '--alpha-coeffs', '232.46,1.75,3357.44',
                           '--beta-coeffs', '5752.7,17.25,5.99',
                           '--horizon', '600000000']),  # bounds a KV livelock should replay diverge
}

SCENARIOS = {
    'lua_generator': 'tests/lua/workloads/generator.lua',
    'lua_multiturn_spec': 'tests/lua/workloads/multiturn_scenario.lua',
    'lua_token_lists': 'tests/lua/workloads/generator_lists.lua',
}


def run(blis, root, args):
    # root: the private working directory (tests/workdir.py), never the checkout itself
    p = subprocess.run([blis] + args, cwd=root, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def main():
    blis = os.path.abspath(sys.argv[1])
    checkout = os.path.dirname(os.path.abspath(sys.argv[2]))
    with linked_workdir(checkout) as root:
        run_all(blis, root)


def run_all(blis, root):
    tally = Tally('trace round trips')
    with tempfile.TemporaryDirectory() as tmp:
        def check(name, original, replay, reexport):
            problems = []
            status, out, err = run(blis, root, original)
            if status != 0:
                problems.append('the original run failed: ' + err[-300:])
            status2, out2, err2 = run(blis, root, replay)
            if status2 != 0:
                problems.append('the replay failed: ' + err2[-300:])
            elif out2 != out:
                problems.append('the replay printed different stdout')
            if reexport is not None and not problems:
                first, second = reexport
                for ext in ('.yaml', '.csv'):
                    if read(first + ext) != read(second + ext):
                        problems.append('exporting the replay gave a different %s file' % ext)
            tally.record(name, problems)

        for name, (workload, common) in sorted(CLI_CASES.items()):
            first = os.path.join(tmp, name)
            second = os.path.join(tmp, name + '_again')
            original = ['run'] + MODEL + DEFAULTS + common + workload + ['--export-workload', first + '.yaml']
            replay = (['run'] + MODEL + DEFAULTS + common + ['--workload-trace', first + '.yaml']
                      + ['--export-workload', second + '.yaml'])
            check(name, original, replay, (first, second))

        for name, scenario in sorted(SCENARIOS.items()):
            trace = os.path.join(tmp, name + '.yaml')
            exporting = os.path.join(tmp, name + '_export.lua')
            replaying = os.path.join(tmp, name + '_replay.lua')
            # Both print the reference's blocks: the human report's header names the workload,
            # which differs between a run and its replay by design; the figures must not.
            with open(exporting, 'w') as f:
                f.write('local s = dofile(%r)\ns.export = { workload = %r }\ns.format = "reference"\nreturn s\n'
                        % (scenario, trace))
            with open(replaying, 'w') as f:
                f.write('local s = dofile(%r)\ns.workload = blis.workload.trace_v2{ path = %r }\n'
                        's.format = "reference"\nreturn s\n' % (scenario, trace))
            check(name, [exporting], [replaying], None)
    tally.finish()


if __name__ == '__main__':
    main()
