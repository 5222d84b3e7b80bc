"""Rows, the printed table and summary, the JSON report and the docs/accuracy.md table.

A row is one (experiment, simulator, stage, metric) with the real and the predicted value and
the signed % error. Summary figures follow accuracy_summary_by_simulator.csv: per simulator and
metric, the median over experiments of the |% error| on the whole run (stage 'summary').
"""
import acc_stats



def make_rows(exp, real, predictions):
    """predictions: {sim: {stage: {metric: value}}}"""
    rows = []
    for sim, by_stage in sorted(predictions.items()):
        for stage in sorted(real, key=lambda s: (s != 'summary', s)):
            for m in exp['metrics']:
                pred = by_stage.get(stage, {}).get(m)
                if acc_stats.is_request_metric(m):
                    # already an error (mean per-request |APE|); no real value to compare
                    if pred is not None:
                        rows.append({'experiment': exp['id'], 'model': exp['model'], 'sim': sim, 'stage': stage,
                                     'metric': m, 'real': None, 'predicted': None, 'error_pct': pred})
                    continue
                r = real[stage].get(m)
                if r is None or pred is None:
                    continue
                rows.append({'experiment': exp['id'], 'model': exp['model'], 'sim': sim, 'stage': stage,
                             'metric': m, 'real': r, 'predicted': pred, 'error_pct': acc_stats.ape(r, pred)})
    return rows


def source(row):
    """the data source (A, B, C) of a row: medians are taken within one, since the sources differ
    in workload (inference-perf regenerated vs replayed requests) and in which peers they have"""
    return row['experiment'].split('/', 1)[0]


def _median(vals):
    return acc_stats.percentile(vals, 50) if vals else None


def summary(rows, key):
    """{(sim, key(row), metric): median |error|} over whole-run rows"""
    groups = {}
    for r in rows:
        if r['stage'] != 'summary' or r['error_pct'] is None:
            continue
        groups.setdefault((r['sim'], key(r), r['metric']), []).append(abs(r['error_pct']))
    return {k: (_median(v), len(v)) for k, v in sorted(groups.items())}


def fmt(v, pct=False):
    if v is None:
        return '-'
    return ('%+.1f%%' % v) if pct else ('%.1f' % v)


def fmt_error(row):
    # per-request error metrics are |errors| already (no real value): no sign
    return fmt(row['error_pct'], pct=True) if row['real'] is not None else fmt(row['error_pct']) + '%'


def table_lines(rows, stages=True):
    lines = ['%-48s %-26s %-7s %-20s %12s %12s %10s' % ('experiment', 'simulator', 'stage', 'metric',
                                                         'real', 'predicted', 'error')]
    for r in rows:
        if not stages and r['stage'] != 'summary':
            continue
        lines.append('%-48s %-26s %-7s %-20s %12s %12s %10s' % (
            r['experiment'][:48], r['sim'][:26], r['stage'], r['metric'], fmt(r['real']), fmt(r['predicted']),
            fmt_error(r)))
    return lines


def summary_lines(rows):
    lines = ['', 'median |error| per data source, simulator and metric (whole run; n = experiments)']
    for (sim, src, m), (med, n) in sorted(summary(rows, source).items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
        lines.append('  %-2s %-34s %-20s %10.1f%%  n=%d' % (src, sim, m, med, n))
    lines += ['', 'median |error| per simulator, model and metric (means and per-request errors)']
    for (sim, model, m), (med, n) in summary(rows, lambda r: r['model']).items():
        if not m.endswith(('_mean', '_mape')):
            continue
        lines.append('  %-34s %-44s %-20s %10.1f%%  n=%d' % (sim, model[:44], m, med, n))
    return lines


def markdown(rows, blocked, runs):
    """the generated part of docs/accuracy.md"""
    out = ['### Whole-run error per experiment', '',
           '| experiment | simulator | metric | real | predicted | error |', '|---|---|---|---:|---:|---:|']
    for r in rows:
        if r['stage'] == 'summary':
            out.append('| %s | %s | %s | %s | %s | %s |' % (r['experiment'], r['sim'], r['metric'], fmt(r['real']),
                                                            fmt(r['predicted']), fmt_error(r)))
    out += ['', '### Median |error| per data source, simulator and metric (whole run)', '',
            '| source | simulator | metric | median \\|error\\| | n |', '|---|---|---|---:|---:|']
    for (sim, src, m), (med, n) in sorted(summary(rows, source).items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
        out.append('| %s | %s | %s | %.1f%% | %d |' % (src, sim, m, med, n))
    out += ['', '### Per-stage error (blis)', '',
            '| experiment | simulator | stage | metric | real | predicted | error |',
            '|---|---|---|---|---:|---:|---:|']
    for r in rows:
        if r['stage'] != 'summary' and r['sim'].startswith('blis:'):
            out.append('| %s | %s | %s | %s | %s | %s | %s |' % (r['experiment'], r['sim'], r['stage'], r['metric'],
                                                                 fmt(r['real']), fmt(r['predicted']),
                                                                 fmt_error(r)))
    # no wall-clock times here (they are in the JSON): regenerating the page must not change it
    out += ['', '### blis runs', '', '| experiment | latency model | requests simulated (completed / injected) | '
            'command |', '|---|---|---:|---|']
    for (eid, lm), info in sorted(runs.items()):
        out.append('| %s | %s | %s / %s | `%s` |' % (eid, lm, info['completed'], info['injected'],
                                                   ' '.join(info['command'])))
    out += ['', '### Blocked: experiments (or latency models) blis cannot run today', '',
            '| experiment | model | GPU | why |', '|---|---|---|---|']
    for exp in blocked:
        out.append('| %s | %s | %s TP%d | %s |' % (exp['id'], exp['model'], exp['gpu'], exp['tp'],
                                                   '<br>'.join(exp['blocked'])))
    return out
