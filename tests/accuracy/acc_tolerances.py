"""Tolerance bands: for each blis (experiment, latency model, stage, metric) the largest |% error|
accepted. --update-tolerances writes band = |current error| + margin, so a change that makes blis
less accurate fails the check and one that makes it more accurate passes (then tighten the bands
by updating again)."""
import json

MARGIN_PCT = 1.0       # percentage points, absolute
MARGIN_REL = 0.05      # plus 5% of the current error, so large errors get proportionally more room


def key(row):
    return '%s|%s|%s|%s' % (row['experiment'], row['sim'], row['stage'], row['metric'])


def band(err):
    return round(abs(err) + MARGIN_PCT + MARGIN_REL * abs(err), 2)


def update(rows, path, previous=None):
    """rewrite the bands of the rows given; bands of experiments not run this time are kept"""
    bands = dict(previous or {})
    for r in rows:
        if r['sim'].startswith('blis:') and r['error_pct'] is not None:
            bands[key(r)] = band(r['error_pct'])
    with open(path, 'w') as f:
        about = ('max |%% error| per experiment|simulator|stage|metric; band = |error| + %.1f pp + %d%% of |error|. '
                 'Rewrite: run_accuracy.py --update-tolerances' % (MARGIN_PCT, MARGIN_REL * 100))
        json.dump({'_about': about,
                   'bands': dict(sorted(bands.items()))}, f, indent=1)
        f.write('\n')


class ToleranceError(Exception):
    pass


def load(path):
    try:
        with open(path) as f:
            bands = json.load(f)['bands']
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ToleranceError('%s: not a tolerances file (%s)' % (path, e))
    bad = [k for k, v in bands.items() if not isinstance(v, (int, float)) or v < 0]
    if bad:
        raise ToleranceError('%s: band of %s is not a non-negative number' % (path, bad[0]))
    return bands


def check(rows, bands, ran_experiments):
    """failure messages: an error outside its band, or a banded metric of an experiment that ran
    but produced no value (blis lost the ability to predict it)"""
    seen = {key(r): r for r in rows if r['sim'].startswith('blis:')}
    failures = []
    for k, limit in sorted(bands.items()):
        exp = k.split('|', 1)[0]
        if exp not in ran_experiments:
            continue
        r = seen.get(k)
        if r is None or r['error_pct'] is None:
            failures.append('%s: no value (band %.2f%%)' % (k, limit))
        elif abs(r['error_pct']) > limit:
            failures.append('%s: |error| %.2f%% exceeds its band %.2f%%' % (k, abs(r['error_pct']), limit))
    return failures
