#!/usr/bin/env bash
# A real one-node Slurm cluster (Debian's slurm-wlm and munge, started here as root in a
# scratch folder): submits examples/slurm/sweep.sbatch, the README's recipe, as the job
# array it declares, waits for it, merges the parts with `ccsim merge` and checks that the
# merge equals the single sweep value for value. Usage: tests/slurm/run.sh PATH/TO/ccsim
# (run from the project's root). Exits non-zero on any difference or failure.
set -euo pipefail
ccsim=$(realpath "$1")
root=$(pwd)
work=$(mktemp -d /tmp/ccsim-slurm.XXXXXX)
host=$(hostname -s)
cleanup() {
  [ -f "$work/slurmd.pid" ] && kill "$(cat "$work/slurmd.pid")" 2>/dev/null || true
  [ -f "$work/slurmctld.pid" ] && kill "$(cat "$work/slurmctld.pid")" 2>/dev/null || true
  [ -n "${munged_pid:-}" ] && kill "$munged_pid" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$work"/{state,spool,munge,bin}
ln -s "$ccsim" "$work/bin/ccsim"
# munge: its own key and socket in the scratch folder.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/seed"
munged_pid=$(cat "$work/munge/munged.pid")
cat > "$work/slurm.conf" <<CONF
ClusterName=ccsim
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldPort=16817
SlurmdPort=16818
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld
slurmd
for _ in $(seq 60); do
  if sinfo -h -o %T 2>/dev/null | grep -q idle; then break; fi
  sleep 1
done
sinfo -h -o "%P %T %D" | grep -q idle || { echo "slurm: the node never became idle" >&2; cat "$work"/*.log >&2; exit 1; }
# The recipe, from a copy of the project's scenarios, as the README submits it.
run=$work/run
mkdir -p "$run"
cp -r "$root/scenarios" "$run/"
cd "$run"
PATH="$work/bin:$PATH" sbatch --wait --quiet "$root/examples/slurm/sweep.sbatch" || {
  echo "slurm: the array job failed" >&2; cat slurm-*.out "$work"/*.log >&2; exit 1; }
ls parts/sweep-*.toml | wc -l | grep -qx 4 || { echo "slurm: expected 4 parts" >&2; ls parts >&2; exit 1; }
"$ccsim" merge parts/sweep-*.toml --json > merged.json
"$ccsim" sweep scenarios/validation/erlang_c.toml --set group.agents.agents=104..116:4 \
  --replications 8 --quiet --json > single.json
python3 - <<'PY'
import json
merged, single = json.load(open("merged.json")), json.load(open("single.json"))
assert merged == single, "the merged sweep differs from the single sweep"
print(f"slurm: 4 array tasks merged to the single sweep ({len(single['points'])} points), value for value")
PY
