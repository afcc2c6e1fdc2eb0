#!/usr/bin/env bash
# The Kubernetes manifests in examples/kubernetes, checked without a cluster:
# - each is validated strictly (an unknown field is an error, as a wrong type or a missing
#   required field is) against the OpenAPI schemas of every Kubernetes minor release from
#   1.25 to 1.37, by kubernetes-validate (PyPI; it ships those schemas, so validation reads
#   no network), installed at a pinned version into a throwaway virtual environment;
# - a few rules the API server or ccsim enforce that no schema says: a Job's pods restart
#   Never or OnFailure, an Indexed Job states its completions, and `--shard auto/N` in a
#   container's command line has N equal to the Job's completions (ccsim refuses an
#   `auto/N` the runner contradicts);
# - every file is shown in README.md, byte for byte, as the ```yaml block after the prose
#   that names it last, and every ```yaml block of the README is such a file: the README
#   cannot drift from what is validated.
# `kubectl` is no help here: even `create --dry-run=client` asks an API server for the
# resource's mapping and `--validate` downloads the schema from the server.
# Run from the project's root, no arguments. Set CCSIM_K8S_VENV=DIR to keep the virtual
# environment in DIR (created when missing) and run again offline. Exits non-zero, naming
# the file and field, on any failure.
set -euo pipefail
TOOL_VERSION=1.37.0
VERSIONS=(1.25.0 1.26.0 1.27.0 1.28.0 1.29.0 1.30.0 1.31.0 1.32.0 1.33.0 1.34.0 1.35.0
  1.36.0 1.37.0)
DIR=examples/kubernetes

shopt -s nullglob
files=("$DIR"/*.yaml "$DIR"/*.yml)
if [ ${#files[@]} -eq 0 ]; then
  echo "no manifest in $DIR" >&2
  exit 1
fi

if [ -n "${CCSIM_K8S_VENV:-}" ]; then
  venv=$CCSIM_K8S_VENV
else
  venv=$(mktemp -d /tmp/ccsim-k8s-venv.XXXXXX)
  trap 'rm -rf "$venv"' EXIT
fi
if [ "$("$venv/bin/kubernetes-validate" --version 2>/dev/null || true)" != "$TOOL_VERSION" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==$TOOL_VERSION"
fi
echo "kubernetes-validate $TOOL_VERSION: ${#files[@]} manifest file(s)," \
  "Kubernetes ${VERSIONS[0]} to ${VERSIONS[-1]}, strict"

# The schemas. kubernetes-validate only warns, and exits 0, for a kind or apiVersion it has
# no schema for (a misspelled `kind: Jb`): any line but an INFO pass is a failure here.
args=(--strict)
for v in "${VERSIONS[@]}"; do args+=(-k "$v"); done
failed=0
for f in "${files[@]}"; do
  status=0
  out=$("$venv/bin/kubernetes-validate" "${args[@]}" "$f" 2>&1) || status=$?
  bad=$(grep -v '^INFO .* passed for resource ' <<<"$out" || true)
  if [ "$status" -ne 0 ] || [ -n "$bad" ]; then
    # One line per message, with the Kubernetes versions that gave it.
    echo "$f: not valid:" >&2
    awk -v all="${#VERSIONS[@]}" '
      match($0, / (against|for kubernetes) version [0-9.]+/) {
        v = substr($0, RSTART, RLENGTH); sub(/.* /, "", v)
        key = substr($0, 1, RSTART - 1) substr($0, RSTART + RLENGTH)
        if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
        vs[key] = (key in vs) ? vs[key] ", " v : v; count[key]++
        next
      }
      { order[++n] = $0 }
      END {
        for (i = 1; i <= n; i++) {
          k = order[i]
          if (!(k in count)) { print "  " k; continue }
          w = (count[k] == all) ? "every version" : "Kubernetes " vs[k]
          print "  " k " [" w "]"
        }
      }' <<<"${bad:-$out}" >&2
    failed=1
  else
    echo "$f: valid: $(($(grep -c '' <<<"$out") / ${#VERSIONS[@]})) resource(s)," \
      "each against ${#VERSIONS[@]} Kubernetes versions"
  fi
done

# The rules no schema holds, and the README.
"$venv/bin/python" - "${files[@]}" <<'PY' || failed=1
import difflib, re, sys, yaml

files = sys.argv[1:]
errors = []

for path in files:
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    if not docs:
        errors.append(f"{path}: holds no resource")
    for doc in docs:
        if doc.get("kind") != "Job":
            continue
        name = f"{path}: Job {doc.get('metadata', {}).get('name')}"
        spec = doc.get("spec") or {}
        pod = (spec.get("template") or {}).get("spec") or {}
        policy = pod.get("restartPolicy")
        if policy not in ("Never", "OnFailure"):
            errors.append(f"{name}: spec.template.spec.restartPolicy is {policy!r}: "
                          "a Job's must be Never or OnFailure")
        indexed = spec.get("completionMode") == "Indexed"
        if indexed and spec.get("completions") is None:
            errors.append(f"{name}: an Indexed Job needs spec.completions")
        for c in pod.get("containers") or []:
            words = [str(w) for w in (c.get("command") or []) + (c.get("args") or [])]
            for i, w in enumerate(words):
                m = None
                if w == "--shard" and i + 1 < len(words):
                    m = re.fullmatch(r"auto/(\d+)", words[i + 1])
                elif w.startswith("--shard="):
                    m = re.fullmatch(r"auto/(\d+)", w[len("--shard="):])
                if not m:
                    continue
                n = int(m.group(1))
                if not indexed:
                    errors.append(f"{name}: container {c.get('name')}: --shard auto/{n} "
                                  "needs completionMode: Indexed (the index is the shard)")
                elif spec.get("completions") != n:
                    errors.append(f"{name}: container {c.get('name')}: --shard auto/{n} "
                                  f"but spec.completions is {spec.get('completions')}")

# README.md: each ```yaml block is the file that the prose before it names last.
mention = re.compile(r"examples/kubernetes/[\w.-]+\.ya?ml")
lines = open("README.md").read().split("\n")
shown, named, i = set(), None, 0
while i < len(lines):
    line = lines[i]
    if not line.startswith("```"):
        found = mention.findall(line)
        if found:
            named = found[-1]
        i += 1
        continue
    start, fence = i, line.strip()
    i += 1
    body = []
    while i < len(lines) and lines[i].strip() != "```":
        body.append(lines[i])
        i += 1
    i += 1
    if fence != "```yaml":
        continue
    where = f"README.md:{start + 1}"
    if named is None:
        errors.append(f"{where}: a ```yaml block, but no examples/kubernetes file named before it")
        continue
    try:
        want = open(named).read()
    except OSError as e:
        errors.append(f"{where}: the ```yaml block after {named}: {e.strerror}")
        continue
    got = "\n".join(body) + "\n"
    shown.add(named)
    if got != want:
        diff = list(difflib.unified_diff(want.splitlines(), got.splitlines(), named,
                                         f"{where} (```yaml block)", lineterm=""))
        errors.append(f"{where}: the ```yaml block differs from {named}:\n"
                      + ("\n".join("    " + d for d in diff)
                         or "    (in line endings or the final newline)"))
    named = None
for path in files:
    if path not in shown:
        errors.append(f"README.md: shows no ```yaml block of {path} (name the file, then the block)")

for e in errors:
    print(e, file=sys.stderr)
if errors:
    sys.exit(1)
print(f"README.md: its ```yaml blocks are the {len(files)} file(s); the Job rules hold")
PY

if [ "$failed" -ne 0 ]; then
  echo "FAILED: the Kubernetes manifests (tests/kubernetes/validate.sh)" >&2
  exit 1
fi
echo "ok: the Kubernetes manifests"
