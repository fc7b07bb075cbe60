#!/usr/bin/env bash
# Runs every fuzz target for a short time (FUZZTIME, default 5s); CI runs
# it through `make fuzz`. The seed corpus is committed under each
# package's testdata/fuzz/FuzzXxx/; a crash leaves its input there, to be
# kept as a seed once fixed. Prints each target's time and fails on the
# first target that fails.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-5s}"
targets=(
	./rules/normalize:FuzzNormalize
	./rules:FuzzEngine_Evaluate
	./rules:FuzzLoad
	./config:FuzzParse
	./moderation/review:FuzzUpdates
	./moderation/review:FuzzRender
	./moderation/store:FuzzDecodeDecision
	./moderation/store:FuzzFolder_NoFalseNegative
	./cmd/strazh:FuzzAdminRequest
	./connectors/vk:FuzzLongPollAnswer
	./connectors/vk:FuzzDecodeCursor
	./connectors/max:FuzzDecodeCursor
	./connectors/meta:FuzzHub_Deliver
	./duration:FuzzParse
)

# Every FuzzXxx in the repository must be listed above.
listed=$(printf '%s\n' "${targets[@]#*:}" | sort)
found=$(grep -rhoE --include='*_test.go' '^func (Fuzz[A-Za-z0-9_]+)' . | sed 's/^func //' | sort)
if [ "$listed" != "$found" ]; then
	echo "scripts/fuzz.sh: the target list differs from the FuzzXxx functions in the tree:" >&2
	diff <(echo "$listed") <(echo "$found") >&2 || true
	exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for t in "${targets[@]}"; do
	pkg="${t%%:*}" name="${t#*:}" log="$tmp/$name.log"
	start=$(date +%s%N)
	# A short minimisation: inputs grown from the large seeds (3,000-emoji
	# texts) would otherwise be minimised for up to a minute each.
	run() { go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 2s "$pkg" >"$log" 2>&1; }
	if ! run; then
		# Go's fuzzing coordinator can report a bare "context deadline
		# exceeded" when -fuzztime ends while a worker is busy (go.dev/issue/75804,
		# fixed in Go 1.27): no input was found then. Such a run, and only
		# such, is tried once more; a real finding names its failing input.
		if grep -q 'context deadline exceeded' "$log" && ! grep -qE 'Failing input written|panic:|^ +[a-zA-Z0-9_]+\.go:[0-9]+:' "$log"; then
			echo "note $pkg $name: the fuzz deadline race (go.dev/issue/75804), no input found; running it again" >&2
			run || { cat "$log" >&2; echo "FAIL $pkg $name (the input is saved under $pkg/testdata/fuzz/$name/)" >&2; exit 1; }
		else
			cat "$log" >&2
			echo "FAIL $pkg $name (the input is saved under $pkg/testdata/fuzz/$name/)" >&2
			exit 1
		fi
	fi
	ms=$((($(date +%s%N) - start) / 1000000))
	execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || echo '?')
	printf 'ok   %-22s %-20s %3d.%ds  %s execs\n' "$pkg" "$name" $((ms / 1000)) $((ms % 1000 / 100)) "$execs"
done
