#!/usr/bin/env bash
# The instruction-count gate (README: "The instruction-count gate").
#
#   tests/perf/gate.sh            # fails when a benchmark costs more than the margin over
#                                 # benches/instructions-baseline.toml
#   tests/perf/gate.sh --update   # rewrites the baseline from the counts of this build
#
# Runs benches/instructions.rs under callgrind (gungraun) and compares each benchmark's
# instruction count (Ir) with the committed baseline. Instructions do not depend on the
# machine's load, so the gate cannot flake on a shared CI machine; they do depend on the
# code, the compiler and Cargo.lock, so a change that moves them on purpose updates the
# baseline in the same commit. Prints, for every benchmark, the baseline, the count now,
# the change in %, the contacts simulated and the instructions per contact.
#
# Needs valgrind (Debian: `apt-get install valgrind`) and python3. Installs gungraun's
# runner, `gungraun-runner`, at the version Cargo.lock gives the `gungraun` library, into
# ${CARGO_TARGET_DIR:-target}/gungraun-runner (once; skipped when already there).
set -euo pipefail
cd "$(dirname "$0")/../.."

# The margin, in percent: the one place it is stated.
MARGIN_PERCENT=3
BASELINE=benches/instructions-baseline.toml

update=0
case "${1:-}" in
  "") ;;
  --update) update=1 ;;
  -h | --help)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "usage: tests/perf/gate.sh [--update]" >&2
    exit 2
    ;;
esac

# The counts are those of Cargo.toml's release profile (the bench profile inherits it):
# profile overrides from the environment (a developer's CARGO_PROFILE_RELEASE_LTO=false)
# would measure another build than the baseline's.
for var in $(compgen -e | grep '^CARGO_PROFILE_' || true); do
  echo "gate: ignoring $var (the baseline is of Cargo.toml's profile)" >&2
  unset "$var"
done

if ! command -v valgrind >/dev/null 2>&1; then
  echo "gate: valgrind is not installed (Debian: apt-get install valgrind)" >&2
  exit 1
fi

# gungraun-runner: the version of the gungraun library in Cargo.lock.
version=$(awk '$0 == "name = \"gungraun\"" { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if [ -z "$version" ]; then
  echo "gate: Cargo.lock has no gungraun package (is it a dev-dependency?)" >&2
  exit 1
fi
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$target"
root=$(cd "$target" && pwd)/gungraun-runner
runner=$root/bin/gungraun-runner
if [ "$("$runner" --version 2>/dev/null || true)" != "gungraun-runner $version" ]; then
  echo "gate: installing gungraun-runner $version into $root" >&2
  # Its own build folder, removed afterwards: none of its artifacts mix with the project's.
  # A debug build: the runner only starts valgrind and reads its files, and builds in half
  # the time (1 min 26 s against 2 min 44 s here; the same counts).
  CARGO_TARGET_DIR="$root/build" cargo install --quiet --locked --force --debug \
    gungraun-runner --version "$version" --root "$root"
  rm -rf "$root/build"
fi

# gungraun's files (callgrind outputs, one summary.json per benchmark) in a folder of this
# run's own, so that no earlier run's files are read.
home=$(mktemp -d "${TMPDIR:-/tmp}/ccsim-gate.XXXXXX")
trap 'rm -rf "$home"' EXIT
# The benchmarks' teardowns print "ccsim-gate: <name> contacts N" on stderr, shown with
# --nocapture=stderr and kept in the log.
if ! GUNGRAUN_RUNNER=$runner cargo bench --bench instructions -- \
  --home="$home" --save-summary=json --nocapture=stderr 2>&1 | tee "$home/bench.log"; then
  echo "gate: FAILED: the benchmarks did not build or run (see above)" >&2
  exit 1
fi

python3 - "$home" "$BASELINE" "$MARGIN_PERCENT" "$update" <<'EOF'
import json, pathlib, re, sys

home, baseline_path, margin, update = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"

# This run's counts: callgrind's Ir of each benchmark, keyed by its function's name.
now = {}
for path in sorted(pathlib.Path(home).rglob("summary.json")):
    summary = json.loads(path.read_text())
    name = summary["function_name"]
    for profile in summary["profiles"]:
        if profile["tool"] == "Callgrind":
            values = profile["data"]["total"]["metrics"]["Ir"]["values"]
            now[name] = int(values["new"])
if not now:
    sys.exit("gate: the benchmarks wrote no summary (see gungraun's output above)")

contacts = {}
for line in pathlib.Path(home, "bench.log").read_text().splitlines():
    m = re.match(r"ccsim-gate: (\S+) contacts (\d+)", line)
    if m:
        contacts[m.group(1)] = int(m.group(2))

# The baseline: `name = count` lines (a TOML table of integers); comments ignored.
baseline = {}
if baseline_path.exists():
    for line in baseline_path.read_text().splitlines():
        m = re.match(r"\s*([A-Za-z0-9_]+)\s*=\s*([0-9_]+)\s*(#.*)?$", line)
        if m:
            baseline[m.group(1)] = int(m.group(2).replace("_", ""))
elif not update:
    sys.exit(f"gate: {baseline_path} is missing: run tests/perf/gate.sh --update and commit it")

def per_contact(name):
    return f"{now[name] / contacts[name]:,.0f}" if contacts.get(name) else "-"

print()
print(f"Instruction counts (callgrind Ir) against {baseline_path}; margin +{margin} %")
header = f"{'benchmark':<30} {'baseline':>14} {'now':>14} {'change':>9} {'contacts':>9} {'Ir/contact':>10}"
print(header)
print("-" * len(header))
over, cheaper, new = [], [], []
for name in sorted(set(now) | set(baseline), key=lambda n: (n not in now, n)):
    if name not in now:
        print(f"{name:<30} {baseline[name]:>14,} {'gone':>14}")
        continue
    c = f"{contacts[name]:,}" if name in contacts else "-"
    if name not in baseline:
        new.append(name)
        print(f"{name:<30} {'-':>14} {now[name]:>14,} {'new':>9} {c:>9} {per_contact(name):>10}")
        continue
    change = (now[name] - baseline[name]) / baseline[name] * 100
    verdict = ""
    # Integer arithmetic: over the margin when now > baseline × (100 + margin) / 100.
    if now[name] * 100 > baseline[name] * (100 + margin):
        over.append(f"{name} {change:+.2f} %")
        verdict = "  OVER"
    elif now[name] * 100 < baseline[name] * (100 - margin):
        cheaper.append(f"{name} {change:+.2f} %")
    print(f"{name:<30} {baseline[name]:>14,} {now[name]:>14,} {change:>+7.2f} % {c:>9} {per_contact(name):>10}{verdict}")
print()

gone = sorted(set(baseline) - set(now))
if update:
    lines = [
        "# Instruction counts (callgrind Ir) of benches/instructions.rs: the baseline of the",
        "# CI gate tests/perf/gate.sh, which fails when a benchmark costs more than its margin",
        "# over these. Written by `tests/perf/gate.sh --update`: a change that moves them on",
        "# purpose (or a new Rust toolchain or Cargo.lock) commits the new counts with it.",
        "# The comments (contacts simulated, instructions per contact) are not read.",
        "",
    ]
    for name in sorted(now):
        note = f"  # {contacts[name]:,} contacts, {per_contact(name)} per contact" if name in contacts else ""
        lines.append(f"{name} = {now[name]}{note}")
    baseline_path.write_text("\n".join(lines) + "\n")
    print(f"gate: wrote {baseline_path} ({len(now)} benchmarks); commit it with the change")
    sys.exit(0)

failures = []
if over:
    failures.append(f"{len(over)} of {len(now)} benchmarks cost more than +{margin} % over the baseline: " + ", ".join(over))
if new:
    failures.append("not in the baseline: " + ", ".join(new))
if gone:
    failures.append("in the baseline but not run: " + ", ".join(gone))
# The closing line counts benchmarks: within the margin passed, the others failed.
failed = len(over) + len(new) + len(gone)
closing = f"instructions: {len(now) + len(gone) - failed} passed, {failed} failed"
if failures:
    print("gate: FAILED: " + "; ".join(failures) + ".")
    print(f"gate: if the change is deliberate, run `tests/perf/gate.sh --update` and commit {baseline_path} in the same commit.")
    print(closing)
    sys.exit(1)
if cheaper:
    print(f"gate: note: more than {margin} % cheaper than the baseline: " + ", ".join(cheaper)
          + "; `tests/perf/gate.sh --update` keeps the gain from being given back unnoticed.")
print(f"gate: passed: {len(now)} benchmarks within +{margin} % of the baseline.")
print(closing)
EOF
