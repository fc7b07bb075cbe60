#!/usr/bin/env bash
# Validates the deploy/ files; CI runs it through `make deploy-check`.
#   promtool check rules / test rules on the Prometheus alerts, check config
#   on the scrape example,
#   the Grafana dashboard: well-formed JSON, and every PromQL query parses,
#   every strazh_* metric used exists in a metrics.go under moderation/ (or cmd/strazh/tokens.go, cmd/strazh/*_metrics.go).
# Needs promtool (Debian/Ubuntu: apt-get install prometheus) and python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
rules="$here/prometheus/alerts.yml"
tests="$here/prometheus/alerts_test.yml"
dashboard="$here/grafana/strazh-dashboard.json"

fail() { echo "deploy/check.sh: $*" >&2; exit 1; }

command -v promtool >/dev/null 2>&1 ||
	fail "promtool not found: install it (Debian/Ubuntu: apt-get install -y prometheus; or the prometheus release tarball) and re-run"
command -v python3 >/dev/null 2>&1 || fail "python3 not found"

echo "== promtool $(promtool --version 2>&1 | head -n1)"
echo "== promtool check rules"
promtool check rules "$rules"
echo "== promtool test rules"
promtool test rules "$tests"
echo "== promtool check config (scrape example)"
promtool check config "$here/prometheus/scrape.yml"
echo "== promtool check config (prometheus-sim.yml, for strazh sim)"
promtool check config "$here/prometheus/prometheus-sim.yml"

echo "== dashboard JSON"
python3 -m json.tool "$dashboard" >/dev/null || fail "$dashboard is not valid JSON"

# The dashboard's queries, as recording rules, so promtool parses the PromQL.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 - "$dashboard" "$rules" "$tmp/dashboard-queries.yml" "$root"/moderation/metrics.go "$root"/moderation/*/metrics.go "$root"/cmd/strazh/tokens.go "$root"/cmd/strazh/*_metrics.go <<'PY'
import json, os, re, sys
dash_path, rules_path, out = sys.argv[1:4]
metrics_files = [p for p in sys.argv[4:] if os.path.exists(p)]
dash = json.load(open(dash_path))
problems = []

def walk(panels):
    for p in panels:
        yield p
        yield from walk(p.get("panels", []))

exprs = []
for p in walk(dash.get("panels", [])):
    ds = p.get("datasource") or {}
    if ds and ds.get("uid") != "${DS_PROMETHEUS}":
        problems.append("panel %r: datasource must be ${DS_PROMETHEUS}" % p.get("title"))
    for t in p.get("targets", []):
        if t.get("expr"):
            exprs.append((p.get("title"), t["expr"]))
if not any(i.get("name") == "DS_PROMETHEUS" for i in dash.get("__inputs", [])):
    problems.append("__inputs lacks DS_PROMETHEUS")

with open(out, "w") as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, (_, e) in enumerate(exprs):
        e = (e.replace("$__rate_interval", "5m").replace("$__range", "1h")
              .replace("$account", ".*"))
        f.write("      - record: dashboard:q%d\n        expr: %s\n" % (i, json.dumps(e)))

# Metric names used by the dashboard and the alerts must exist in the daemon.
if metrics_files:
    src = "".join(open(p).read() for p in metrics_files)
    known = {"strazh_" + n for n in re.findall(r'Name:\s*"([a-z0-9_]+)"', src)}
    known |= set(re.findall(r'"(strazh_[a-z0-9_]+)"', src))  # full names
    hist = {"strazh_" + n for n in re.findall(r'HistogramOpts\{[^}]*?Name:\s*"([a-z0-9_]+)"', src)}
    known |= {m + s for m in hist for s in ("_bucket", "_sum", "_count")}
    used = set()
    for _, e in exprs:
        used |= set(re.findall(r"\bstrazh_[a-z0-9_]+", e))
    used |= set(re.findall(r"\bstrazh_[a-z0-9_]+", open(rules_path).read()))
    for m in sorted(used - known):
        problems.append("metric %s is not defined in any metrics.go under moderation/ nor cmd/strazh/tokens.go or *_metrics.go" % m)
    if not problems:
        print("%d dashboard queries; %d strazh metrics used, all defined" % (len(exprs), len(used)))
else:
    print("%d dashboard queries (no metrics.go found: metric names not cross-checked)" % len(exprs))

if problems:
    sys.stderr.write("".join("deploy/check.sh: %s\n" % p for p in problems))
    sys.exit(1)
PY
echo "== dashboard queries parse"
promtool check rules "$tmp/dashboard-queries.yml"

# The units: systemd-analyze verify needs the binaries the Exec lines name,
# so the copies point at /bin/true.
if command -v systemd-analyze >/dev/null 2>&1; then
	echo "== systemd-analyze verify"
	for u in strazh.service strazh-backup.service strazh-backup.timer strazh-doctor.service strazh-doctor.timer; do
		sed 's|/usr/local/bin/strazh|/bin/true|g' "$here/$u" >"$tmp/$u"
	done
	grep -q '^ExecStartPre=.*strazh check' "$here/strazh.service" || fail "strazh.service: ExecStartPre= must run strazh check"
	systemd-analyze verify "$tmp/strazh.service" "$tmp/strazh-backup.service" "$tmp/strazh-backup.timer" \
		"$tmp/strazh-doctor.service" "$tmp/strazh-doctor.timer"
else
	echo "== systemd-analyze not found: units not verified"
fi

echo "deploy: all checks passed"
