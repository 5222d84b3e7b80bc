#!/usr/bin/env python3
"""The HTML reports render in Debian's headless Chromium (issue #14, item 3).

Writes a run's report (3 instances, two SLO classes, a model named like markup) and an
experiment's report (a numeric and a named axis, 3 seeds) into a temporary directory, then for
each: loads it in `chromium --headless`, dumps the DOM and checks the plots' elements (every
<svg> by id, its series paths, bands, bars, axis labels), captures the console and checks it
has no message (a control page that logs an error proves the capture works), screenshots it and
checks the PNG's size and that it holds the series colours (it is not blank). Installs the
`chromium` package when it is missing (apt-get, with sudo when not root). Writes nothing outside
its temporary directory (chromium's profile and HOME included).

usage: run_html_test.py BLIS SOURCE_DIR
"""
import html.parser
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

WIDTH, HEIGHT = 1600, 3000

RUN_SCENARIO = r'''
return blis.scenario{
  instances = 3,
  model = { name = "<script>alert('x')</script> & \"m\"", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  engine = { kv_blocks = 3000 },
  routing = { policy = "least-loaded" },
  workload = blis.workload.spec{
    version = "2", seed = 7, aggregate_rate = 60, num_requests = 900,
    clients = {
      { id = "chat", rate_fraction = 0.7, slo_class = "interactive",
        arrival = { process = "poisson" },
        input_distribution = { type = "gaussian", params = { mean = 300, std_dev = 80, min = 10, max = 900 } },
        output_distribution = { type = "gaussian", params = { mean = 120, std_dev = 40, min = 2, max = 400 } } },
      { id = "docs", rate_fraction = 0.3, slo_class = "batch",
        arrival = { process = "poisson" },
        input_distribution = { type = "gaussian", params = { mean = 1500, std_dev = 300, min = 100, max = 3000 } },
        output_distribution = { type = "gaussian", params = { mean = 60, std_dev = 20, min = 2, max = 200 } } },
    },
  },
}
'''

EXPERIMENT = r'''
local ex = blis.experiment{
  name = "rate sweep <b>&</b>",
  base = blis.scenario{
    instances = 2,
    model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
    engine = { kv_blocks = 4000 },
    workload = blis.workload.distribution{ rate = 10, requests = 120 },
  },
  vary = {
    rate = { 10, 20, 40 },
    routing = { rr = { policy = "round-robin" }, ["least<loaded>"] = { policy = "least-loaded" } },
  },
  seeds = { 1, 2, 3 },
  collect = { "ttft_ms.mean", "e2e_ms.p99" },
}
ex:run()
'''

CONTROL = '<!DOCTYPE html><html><body><script>console.error("blis-console-control")</script></body></html>\n'


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def ensure_chromium():
    found = shutil.which("chromium")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], check=True, env=env)
    found = shutil.which("chromium")
    if not found:
        fail("chromium is not on the PATH after installing it")
    return found


class Chromium:
    def __init__(self, binary, tmp):
        self.binary, self.tmp = binary, tmp
        self.env = dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=tmp, XDG_CACHE_HOME=tmp, TMPDIR=tmp)

    def run(self, page, *extra):
        profile = tempfile.mkdtemp(prefix="profile-", dir=self.tmp)
        cmd = [self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-extensions", "--disable-sync", "--enable-logging=stderr", "--v=0",
               "--user-data-dir=" + profile, "--window-size=%d,%d" % (WIDTH, HEIGHT),
               "--hide-scrollbars", *extra, "file://" + page]
        out = subprocess.run(cmd, capture_output=True, text=True, env=self.env, timeout=60, cwd=self.tmp)
        return out

    def dom_and_console(self, page):
        """The DOM after loading `page`, and the console messages chromium logged meanwhile."""
        out = self.run(page, "--dump-dom")
        if out.returncode != 0:
            fail("chromium --dump-dom failed on %s:\n%s" % (page, out.stderr[-2000:]))
        return out.stdout, [line for line in out.stderr.splitlines() if ":CONSOLE" in line]

    def screenshot(self, page, png):
        out = self.run(page, "--screenshot=" + png)
        if out.returncode != 0 or not os.path.exists(png):
            fail("chromium --screenshot failed on %s:\n%s" % (page, out.stderr[-2000:]))


class PlotCounter(html.parser.HTMLParser):
    """Per <svg id>: counts of elements by class, the text of its labels; and any fetching attribute."""

    def __init__(self):
        super().__init__()
        self.svgs, self.current, self.depth, self.fetches, self.label = {}, None, 0, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href", "xlink:href"):
            if key in a:
                self.fetches.append("%s %s=%s" % (tag, key, a[key]))
        if tag == "svg":
            self.current = a.get("id", "")
            self.svgs[self.current] = {"classes": {}, "labels": [], "tags": {}}
            self.depth = 0
        if self.current is None:
            return
        self.depth += 1
        svg = self.svgs[self.current]
        svg["tags"][tag] = svg["tags"].get(tag, 0) + 1
        for c in a.get("class", "").split():
            svg["classes"][c] = svg["classes"].get(c, 0) + 1
        self.label = "axis-label" in a.get("class", "") or "plot-title" in a.get("class", "")

    def handle_endtag(self, tag):
        if self.current is not None:
            self.depth -= 1
            if tag == "svg":
                self.current = None

    def handle_data(self, data):
        if self.current is not None and self.label and data.strip():
            self.svgs[self.current]["labels"].append(data.strip())
            self.label = False


def check_plots(dom, expected, what):
    p = PlotCounter()
    p.feed(dom)
    if p.fetches:
        fail("%s: the page would fetch: %s" % (what, p.fetches[:3]))
    if "<script" in dom.lower():
        fail("%s: the page holds a <script> element" % what)
    for svg_id, want in expected.items():
        svg = p.svgs.get(svg_id)
        if svg is None:
            fail("%s: no <svg id=%r> (found: %s)" % (what, svg_id, sorted(p.svgs)))
        for cls, count in want.get("classes", {}).items():
            got = svg["classes"].get(cls, 0)
            if got != count:
                fail("%s: <svg id=%r> has %d elements of class %r, expected %d" % (what, svg_id, got, cls, count))
        for label in want.get("labels", []):
            if label not in svg["labels"]:
                fail("%s: <svg id=%r> has no label %r (labels: %s)" % (what, svg_id, label, svg["labels"]))
        if svg["classes"].get("tick-label", 0) < 4:
            fail("%s: <svg id=%r> has fewer than 4 tick labels" % (what, svg_id))
    return p


def png_pixels(path):
    """(width, height, set of RGB colours) of an 8-bit RGB or RGBA PNG, un-filtered with the stdlib."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % path)
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour_type = header[0], header[1], header[2], header[3]
    if depth != 8 or colour_type not in (2, 6):
        fail("%s: unexpected PNG format (depth %d, colour type %d)" % (path, depth, colour_type))
    bpp = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(height):
        base = y * (stride + 1)
        filt, line = raw[base], bytearray(raw[base + 1:base + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if filt == 1:
                line[i] = (line[i] + a) & 255
            elif filt == 2:
                line[i] = (line[i] + b) & 255
            elif filt == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif filt == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 3 == 0:
            for x in range(0, stride, bpp):
                colours.add(bytes(line[x:x + 3]))
        prev = line
    return width, height, colours


def check_screenshot(png, what):
    width, height, colours = png_pixels(png)
    if (width, height) != (WIDTH, HEIGHT):
        fail("%s: screenshot is %dx%d, expected %dx%d" % (what, width, height, WIDTH, HEIGHT))
    if len(colours) < 16:
        fail("%s: the screenshot has only %d colours: blank?" % (what, len(colours)))
    for name, rgb in (("blue", b"\x4e\x79\xa7"), ("orange", b"\xf2\x8e\x2b")):
        if rgb not in colours:
            fail("%s: the screenshot shows no %s series (%s)" % (what, name, rgb.hex()))


def main():
    if len(sys.argv) != 3:
        fail("usage: run_html_test.py BLIS SOURCE_DIR")
    blis, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    browser = ensure_chromium()
    with tempfile.TemporaryDirectory(prefix="blis-html-") as tmp:
        chrome = Chromium(browser, tmp)
        scenario, experiment = os.path.join(tmp, "run.lua"), os.path.join(tmp, "sweep.lua")
        with open(scenario, "w") as f:
            f.write(RUN_SCENARIO)
        with open(experiment, "w") as f:
            f.write(EXPERIMENT)
        run_html, ex_html = os.path.join(tmp, "run.html"), os.path.join(tmp, "sweep.html")
        for cmd in ([blis, scenario, "--html", run_html], [blis, experiment, "--jobs", "2", "--html", ex_html]):
            out = subprocess.run(cmd, capture_output=True, text=True, cwd=source, env=dict(os.environ, HOME=tmp))
            if out.returncode != 0:
                fail("%s exited %d:\n%s" % (" ".join(cmd), out.returncode, out.stderr))

        control = os.path.join(tmp, "control.html")
        with open(control, "w") as f:
            f.write(CONTROL)
        if not any("blis-console-control" in line for line in chrome.dom_and_console(control)[1]):
            fail("the console capture saw nothing of the control page's console.error")

        cdf = {"classes": {"line": 1}}
        per_instance = {"classes": {"line": 3, "legend-entry": 3}}
        run_expected = {
            "cdf-ttft": dict(cdf, labels=["TTFT CDF", "TTFT (ms)", "share of requests at or below"]),
            "cdf-itl": dict(cdf, labels=["inter-token latency (ms)"]),
            "cdf-e2e": dict(cdf, labels=["E2E latency (ms)"]),
            "ts-queue": dict(per_instance, labels=["simulated time (s)", "requests waiting"]),
            "ts-running": per_instance,
            "ts-kv": dict(per_instance, labels=["GPU KV blocks in use (%)"]),
            "ts-throughput": {"classes": {"line": 2}, "labels": ["tokens/s"]},
            "ts-completions": {"classes": {"line": 1}},
            "slo-ttft": {"classes": {"line": 2, "legend-entry": 2}, "labels": ["TTFT target (ms)"]},
            "slo-e2e": {"classes": {"line": 2}},
            "slo-completed": {"classes": {"bar": 2}},
        }
        ex_expected = {
            "ex1-m1-a1": {"classes": {"line": 2, "band": 2}, "labels": ["rate", "ttft_ms.mean"]},
            "ex1-m1-a2": {"classes": {"bar": 6, "whisker": 6}, "labels": ["routing"]},
            "ex1-m2-a1": {"classes": {"line": 2, "band": 2}, "labels": ["e2e_ms.p99"]},
            "ex1-m2-a2": {"classes": {"bar": 6}},
        }
        for page, expected, what in ((run_html, run_expected, "run report"), (ex_html, ex_expected, "experiment report")):
            dom, console = chrome.dom_and_console(page)
            check_plots(dom, expected, what)
            if what == "run report" and "&lt;script&gt;alert" not in dom:
                fail("run report: the model's markup-like name is not shown as text")
            if console:
                fail("%s: the console is not empty:\n%s" % (what, "\n".join(console[:5])))
            png = os.path.join(tmp, os.path.basename(page) + ".png")
            chrome.screenshot(page, png)
            check_screenshot(png, what)
            if os.environ.get("BLIS_HTML_KEEP"):  # for looking at the pages: a folder the caller names
                for path in (page, png):
                    shutil.copy(path, os.environ["BLIS_HTML_KEEP"])
    print("html: run and experiment reports render in headless Chromium with every plot, no console message")


if __name__ == "__main__":
    main()
