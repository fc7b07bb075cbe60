#!/usr/bin/env bash
# Builds strazh_<version>_<arch>.deb from a staged tree with dpkg-deb (no
# debhelper, no new Go dependency). `make deb` runs it.
#   deploy/debian/build.sh BINARY VERSION OUTDIR
set -euo pipefail
bin="$1" version="$2" out="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
arch="$(dpkg --print-architecture)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/strazh"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}"

install -d -m 0755 "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/etc/strazh" "$pkg/lib/systemd/system" \
	"$pkg/usr/share/strazh/prometheus" "$pkg/usr/share/strazh/grafana" "$pkg/usr/share/strazh/sim" \
	"$pkg/usr/share/man/man8" "$pkg/usr/share/man/ru/man8" "$pkg/usr/share/bash-completion/completions" \
	"$pkg/usr/share/doc/strazh" "$pkg/usr/share/lintian/overrides"

install -m 0755 "$bin" "$pkg/usr/bin/strazh"
install -m 0644 "$root/config.example.yaml" "$pkg/etc/strazh/config.yaml"
# The units in deploy/ expect /usr/local/bin (a hand install); a package
# installs into /usr/bin.
for u in strazh.service strazh-backup.service strazh-backup.timer strazh-doctor.service strazh-doctor.timer; do
	# and points at the man page unless the unit names its documentation.
	sed 's#/usr/local/bin/strazh#/usr/bin/strazh#g' "$root/deploy/$u" >"$pkg/lib/systemd/system/$u"
	if ! grep -q '^Documentation=' "$pkg/lib/systemd/system/$u" && grep -q '^\[Unit\]' "$pkg/lib/systemd/system/$u"; then
		sed -i '/^\[Unit\]/a Documentation=man:strazh(8)' "$pkg/lib/systemd/system/$u"
	fi
	chmod 0644 "$pkg/lib/systemd/system/$u"
done
install -m 0644 "$root/deploy/prometheus/alerts.yml" "$root/deploy/prometheus/scrape.yml" \
	"$root/deploy/prometheus/prometheus-sim.yml" "$pkg/usr/share/strazh/prometheus/"
install -m 0644 "$root/deploy/grafana/strazh-dashboard.json" "$pkg/usr/share/strazh/grafana/"
install -m 0644 "$root/deploy/sim/config.yaml" "$pkg/usr/share/strazh/sim/"
# The configuration's JSON Schema, for editors (yaml-language-server).
install -m 0644 "$root/config/strazh.schema.json" "$pkg/usr/share/strazh/"

# The man page and completion come from the binary's own help.
LC_ALL=C "$bin" man -config-reference "$root/config.example.yaml" | gzip -9n >"$pkg/usr/share/man/man8/strazh.8.gz"
LC_ALL=ru_RU.UTF-8 "$bin" man -config-reference "$root/config.example.yaml" | gzip -9n >"$pkg/usr/share/man/ru/man8/strazh.8.gz"
LC_ALL=C "$bin" completion bash >"$pkg/usr/share/bash-completion/completions/strazh"
chmod 0644 "$pkg/usr/share/man/man8/strazh.8.gz" "$pkg/usr/share/man/ru/man8/strazh.8.gz" \
	"$pkg/usr/share/bash-completion/completions/strazh"

install -m 0644 "$here/copyright" "$pkg/usr/share/doc/strazh/copyright"
date="$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
printf 'strazh (%s) unstable; urgency=medium\n\n  * Built from the strazh repository (make deb).\n\n -- strazh maintainers <strazh@example.org>  %s\n' \
	"$version" "$date" | gzip -9n >"$pkg/usr/share/doc/strazh/changelog.gz"
chmod 0644 "$pkg/usr/share/doc/strazh/changelog.gz"
install -m 0644 "$here/lintian-overrides" "$pkg/usr/share/lintian/overrides/strazh"

echo /etc/strazh/config.yaml >"$pkg/DEBIAN/conffiles"
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$pkg/DEBIAN/"
size="$(du -k -s --exclude=DEBIAN "$pkg" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" "$here/control.in" >"$pkg/DEBIAN/control"
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/conffiles" "$pkg/DEBIAN/md5sums"
find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$out"
deb="$out/strazh_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"
