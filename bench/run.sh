#!/usr/bin/env bash
# Side-by-side benchmark: bulk conversion of N report pages to CSV with nianbao (`bulk` into long CSVs, and
# `convert` into one CSV per table) and with the pandas.read_html
# script an analyst would otherwise write. Needs: a release build, python3 with pandas and lxml
# (pip install pandas lxml), and hyperfine (apt-get install hyperfine) for timing; /usr/bin/time for memory.
#
# Usage: bench/run.sh [N]     (default N=2000; the corpus cycles through fixtures/html/*.html)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"

cargo build --release --quiet
bin="$PWD/target/release/nianbao"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/corpus"
fixtures=(fixtures/html/*.html)
for ((i = 0; i < n; i++)); do
  src="${fixtures[i % ${#fixtures[@]}]}"
  cp "$src" "$work/corpus/$(printf '%05d' "$i")_$(basename "$src")"
done
echo "corpus: $n pages ($(du -sh "$work/corpus" | cut -f1)) on $(nproc) cores"

nianbao_cmd="rm -rf $work/out_n && $bin convert $work/corpus/*.html -o $work/out_n --format csv 2>/dev/null"
bulk_cmd="rm -rf $work/out_b && $bin bulk $work/corpus -o $work/out_b 2>/dev/null"
pandas_cmd="rm -rf $work/out_p && python3 bench/pandas_read_html.py $work/out_p $work/corpus/*.html 2>/dev/null"

if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 1 --runs 5 -i \
    --command-name "nianbao bulk (long CSV)" "$bulk_cmd" \
    --command-name "nianbao convert --format csv" "$nianbao_cmd" \
    --command-name "pandas.read_html + to_csv" "$pandas_cmd"
else
  echo "hyperfine not found: one timed run each"
  time bash -c "$bulk_cmd"
  time bash -c "$nianbao_cmd"
  time bash -c "$pandas_cmd"
fi

# Peak memory at two corpus sizes: it should stay flat as the number of reports grows.
if [ -x /usr/bin/time ]; then
  files=("$work"/corpus/*.html)
  for size in $((n / 4)) "$n"; do
    for cmd in convert bulk; do
      rm -rf "$work/out_m"
      if [ "$cmd" = convert ]; then extra=(--format csv); else extra=(); fi
      kb=$(/usr/bin/time -f '%M' "$bin" "$cmd" "${files[@]:0:$size}" -o "$work/out_m" "${extra[@]}" 2>&1 >/dev/null | tail -1)
      echo "nianbao $cmd peak memory for $size reports: ${kb} KiB"
    done
  done
fi
