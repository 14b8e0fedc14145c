#!/usr/bin/env bash
# The benchmark, in one run, on one generated corpus: nianbao against the Python script an analyst would
# otherwise write, per core and on every core, and against the floor of only reading the files.
#
#   bench/run.sh [N] [BIG]     N reports (default 1000); peak memory also at BIG reports (default 100000)
#
# What it measures (every figure on the same corpus, DIR/reports, made by `examples/corpus`):
#   per core   CPU time (user + system) per report of `bulk -j 1`, of the script in one process
#              (bench/baseline.py bulk) and of the parse-only floor (examples/parse_only: read + decode + parse into
#              the document model, nothing else). CPU time, not wall time, because the machine may be shared:
#              it is what one core spends, whatever else runs.
#   all cores  wall time of `bulk -j $(nproc)` against `bulk -j 1`, and of the script as one process per core
#              (each takes every nproc-th file). Beside them, what the machine itself gives to work that shares
#              nothing: nproc copies of the parse-only floor at once, against one copy alone.
#   convert    `convert --format xlsx` (one workbook per report) against the script writing one workbook per
#              report with openpyxl; per core, CPU time per report.
#   memory     peak RSS of `bulk` at N and at BIG reports. BIG is N's files again under other names (symbolic
#              links to the same files, BIG/N of each), so the disk holds the corpus once.
#   truth      `corpus check`: every cell bulk wrote against the generator's truth, per input shape.
#
# Needs a Rust toolchain, python3 with pandas, lxml, openpyxl, python-docx and pdfplumber
# (pip install pandas lxml openpyxl python-docx pdfplumber), and GNU time (/usr/bin/time). Each timing is the best
# of RUNS runs (default 3), the script's of SCRIPT_RUNS runs (default RUNS: the script takes minutes a run). WORK
# (default target/bench) holds the corpus and the outputs; BUILD=0 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
big="${2:-100000}"
runs="${RUNS:-3}"
script_runs="${SCRIPT_RUNS:-$runs}"
cores="$(nproc)"
work="${WORK:-$PWD/target/bench}"

[ "${BUILD:-1}" = 0 ] || cargo build --release --quiet --bin nianbao --example corpus --example parse_only
bin="$PWD/target/release/nianbao"
corpus_bin="$PWD/target/release/examples/corpus"
floor_bin="$PWD/target/release/examples/parse_only"
python3 -c 'import pandas, lxml, openpyxl, docx, pdfplumber' 2>/dev/null ||
  { echo "bench: python3 needs pandas lxml openpyxl python-docx pdfplumber" >&2; exit 2; }

corpus="$work/corpus-$n"
if [ ! -f "$corpus/truth_cells.csv" ]; then
  rm -rf "$corpus"
  "$corpus_bin" generate "$corpus" "$n"
fi
reports="$corpus/reports"
times="$work/times.tsv"
rounds="$work/rounds.tsv"
: >"$times"
: >"$rounds"

# once NAME OUT COMMAND...: runs COMMAND once and keeps, over NAME's runs so far, the least wall time, the least CPU
# time and the most peak memory (each figure's best case, and memory's worst: a run slowed by the machine says
# nothing of the tool, a run that needed more memory does).
# OUT (the command's output directory, or - for none) is removed before the run, untimed: every tool writes into a
# fresh directory, as on a first export, and no run pays for deleting the files of the run before (replacing a
# 30 MB file costs the file system tens of milliseconds, whoever asks).
declare -A best_wall best_cpu peak_kb
once() {
  local name="$1" out="$2"
  shift 2
  [ "$out" = - ] || rm -rf "$out"
  /usr/bin/time -o "$work/time.out" -f '%e %U %S %M' "$@" >/dev/null 2>"$work/stderr.out" ||
    { [ $? -le 2 ] || { cat "$work/stderr.out" >&2; exit 1; }; }
  read -r wall user sys kb < <(tail -n 1 "$work/time.out")
  [ -z "${round:-}" ] || printf '%s\t%s\t%s\t%s\n' "$round" "$name" "$wall" "$(python3 -c "print(round($user + $sys, 2))")" >>"$rounds"
  read -r best_wall[$name] best_cpu[$name] peak_kb[$name] < <(python3 -c "
cpu = $user + $sys
old = '${best_wall[$name]:-} ${best_cpu[$name]:-} ${peak_kb[$name]:-}'.split()
new = ($wall, round(cpu, 2), $kb)
print(*(new if not old else (min(new[0], float(old[0])), min(new[1], float(old[1])), max(new[2], int(old[2])))))
")
}

# kept NAME: appends NAME's figures (NAME least-wall least-cpu most-peak_kb) to $times.
kept() {
  local line="$1	${best_wall[$1]}	${best_cpu[$1]}	${peak_kb[$1]}"
  echo "$line" >>"$times"
  echo "  $line" >&2
}

# best NAME OUT COMMAND...: the best of $runs runs of COMMAND.
best() {
  for ((r = 0; r < runs; r++)); do once "$@"; done
  kept "$1"
}

# The script on every core: one process per core, each over every nproc-th file.
script_all_cores() {
  local mode="$1" out="$2"
  for ((k = 0; k < cores; k++)); do python3 bench/baseline.py "$mode" "$out" "$reports" "$k/$cores" & done
  wait
}

echo "corpus: $n reports, $(du -sh --apparent-size "$reports" | cut -f1), on $cores cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))" >&2
echo "timing (name, wall s, cpu s, peak KiB), best of $runs:" >&2
# nproc copies of the parse-only floor at once: how much faster the machine does work that shares nothing on
# every core than on one.
floors_together() {
  for ((k = 0; k < cores; k++)); do "$floor_bin" "$reports" >/dev/null & done
  wait
}
export -f floors_together
export floor_bin reports cores

# The floor and bulk on one and on every core take turns, run after run, so that a machine whose speed drifts
# (a shared or virtual one) slows them all alike: the ratios are taken within each round (rounds.tsv) as well as
# between the best figures.
for ((r = 0; r < runs; r++)); do
  round=$r
  once floor - "$floor_bin" "$reports"
  once bulk_j1 "$work/out-j1" "$bin" bulk "$reports" -o "$work/out-j1" --force -j 1
  once "bulk_j$cores" "$work/out-jn" "$bin" bulk "$reports" -o "$work/out-jn" --force -j "$cores"
  once "floor_x$cores" - bash -c floors_together
done
round=
kept floor
kept bulk_j1
kept "bulk_j$cores"
kept "floor_x$cores"
runs=$script_runs best script_1 "$work/out-py1" python3 bench/baseline.py bulk "$work/out-py1" "$reports" 0/1
export -f script_all_cores
export reports cores
runs=$script_runs best "script_$cores" "$work/out-pyn" bash -c "script_all_cores bulk $work/out-pyn"
mapfile -t files < <(find "$reports" -type f | sort)
best convert_xlsx "$work/out-conv" "$bin" convert "${files[@]}" -o "$work/out-conv" --format xlsx --force
runs=$script_runs best script_convert "$work/out-pyconv" python3 bench/baseline.py convert "$work/out-pyconv" "$reports" 0/1

# Peak memory at BIG reports: N's files under BIG names (links), in directories of 1000.
if [ "$big" -gt 0 ]; then
  links="$work/links-$big"
  if [ ! -d "$links" ] || [ "$(find "$links" -type l | wc -l)" -ne "$big" ]; then
    rm -rf "$links"
    python3 - "$reports" "$links" "$big" <<'EOF'
import os, sys
src, dst, big = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs)
for i in range(big):
    f = files[i % len(files)]
    sub = os.path.join(dst, f"{i // 1000:04d}")
    os.makedirs(sub, exist_ok=True)
    os.symlink(f, os.path.join(sub, f"{i:07d}{os.path.splitext(f)[1]}"))
EOF
  fi
  runs=1 best "bulk_j${cores}_big" "$work/out-big" "$bin" bulk "$links" -o "$work/out-big" --force -j "$cores"
fi

echo >&2
"$corpus_bin" check "$corpus" "$work/out-j1" || true
cmp -s "$work/out-j1/cells.csv" "$work/out-jn/cells.csv" && echo "bulk -j 1 and -j $cores: identical cells.csv" ||
  echo "bulk -j 1 and -j $cores: cells.csv DIFFER"
echo
python3 bench/table.py "$times" "$n" "$big" "$cores" "$rounds"
