#!/bin/sh
# Builds the fuzzers and runs one: Fuzz/run.sh fuzz-csv|fuzz-validators [SECONDS]
# New inputs go to .build/corpus/TARGET (not committed); the seeds in Corpus/TARGET are only read.
# A crash leaves the input in .build/artifacts/TARGET/.
set -eu
cd "$(dirname "$0")"
target=${1:?usage: run.sh fuzz-csv|fuzz-validators [SECONDS]}
seconds=${2:-600}
swift build -c release --toolset toolset.json --product "$target"
mkdir -p ".build/corpus/$target" ".build/artifacts/$target"
dictionary=""
if [ "$target" = fuzz-csv ]; then dictionary="-dict=csv.dict"; fi
exec ".build/release/$target" $dictionary -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix=".build/artifacts/$target/" ".build/corpus/$target" "Corpus/$target"
