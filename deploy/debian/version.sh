#!/bin/sh
# The package version: the latest git tag without its "v" when there is
# one, else 0.0~git<commit date>.<hash> (a Debian version starts with a
# digit; a bare hash may not).
if v=$(git describe --tags 2>/dev/null); then
	v=${v#v}
	case "$v" in [0-9]*) echo "$v" | tr - . ; exit 0 ;; esac
fi
echo "0.0~git$(git log -1 --format=%cd --date=format:%Y%m%d 2>/dev/null).$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
