#!/usr/bin/env bash
# Checks a built strazh .deb: its metadata and file list (dpkg-deb), the
# conffile, the unit's paths, and lintian (pedantic, info tags shown;
# overrides are in deploy/debian/lintian-overrides, each with its reason).
#   deploy/debian/check.sh strazh_<version>_<arch>.deb
set -euo pipefail
deb="$1"
fail() { echo "deploy/debian/check.sh: $*" >&2; exit 1; }

info="$(dpkg-deb --info "$deb")"
contents="$(dpkg-deb --contents "$deb" | awk '{print $6}')"
for f in ./usr/bin/strazh ./etc/strazh/config.yaml ./lib/systemd/system/strazh.service \
	./lib/systemd/system/strazh-backup.service ./lib/systemd/system/strazh-backup.timer \
	./lib/systemd/system/strazh-doctor.service ./lib/systemd/system/strazh-doctor.timer \
	./usr/share/strazh/prometheus/alerts.yml ./usr/share/strazh/prometheus/prometheus-sim.yml \
	./usr/share/strazh/grafana/strazh-dashboard.json ./usr/share/strazh/sim/config.yaml \
	./usr/share/man/man8/strazh.8.gz ./usr/share/man/ru/man8/strazh.8.gz \
	./usr/share/bash-completion/completions/strazh ./usr/share/doc/strazh/copyright; do
	grep -qxF "$f" <<<"$contents" || fail "$deb lacks $f"
done
conffiles="$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)"
[ "$conffiles" = "/etc/strazh/config.yaml" ] || fail "conffiles: $conffiles"
grep -q '^ Package: strazh$' <<<"$info" || fail "control: no Package: strazh"
unit="$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./lib/systemd/system/strazh.service)"
grep -q '^ExecStart=/usr/bin/strazh run' <<<"$unit" || fail "the unit does not start /usr/bin/strazh"
! grep -q /usr/local <<<"$unit" || fail "the unit still names /usr/local"
# The packaged binary's man page renders without warnings.
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/man/man8/strazh.8.gz | gunzip |
	LC_ALL=C.UTF-8 MANROFFSEQ='' man --warnings -l - 2>&1 >/dev/null | grep . && fail "man page warnings" || true
echo "== dpkg-deb: metadata, files, conffile and unit as expected"

# Unpacked into a throw-away root (no maintainer scripts run): the binary
# runs and the shipped conffile passes strazh check.
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends --force-not-root --unpack "$deb" >/dev/null
[ "$(dpkg --root="$root" -s strazh | sed -n 's/^Status: //p')" = "install ok unpacked" ] || fail "dpkg --unpack"
"$root/usr/bin/strazh" version
# (--unpack leaves a conffile as .dpkg-new until it is configured)
out="$("$root/usr/bin/strazh" check -config "$root/etc/strazh/config.yaml.dpkg-new" 2>&1)" ||
	{ echo "$out"; fail "the shipped /etc/strazh/config.yaml fails strazh check"; }
echo "== unpacked in a throw-away root: strazh runs, its conffile passes strazh check"

if command -v lintian >/dev/null 2>&1; then
	echo "== lintian --pedantic"
	out="$(lintian --pedantic --display-info --fail-on error,warning,info,pedantic "$deb" 2>&1)" || { echo "$out"; fail "lintian"; }
	echo "${out:-lintian: clean}"
else
	echo "WARNING: lintian not installed (apt-get install -y lintian); package not linted" >&2
fi
echo "deb: all checks passed"
