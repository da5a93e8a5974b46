#!/usr/bin/env bash
# Fails when a function compiled for AVX2 (BackpropAVX2) or AVX-512 (BackpropAVX512) has the same
# symbol as a function of another module. Generic specialisations and inlinable bodies are
# emitted into every module that uses them, with the same name for the same type arguments, and
# the linker keeps one copy of them: a copy compiled for x86-64-v4 could then run on an AVX2-only
# CPU (SIGILL), or baseline code on the AVX-512 path. Each kernel module therefore gives the
# generic helpers a type of its own (its `Rounding`); this script checks that none slipped through.
#
# scripts/check-kernel-symbols.sh [BIN_PATH]   (default: swift build --show-bin-path)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-$(swift build --show-bin-path)}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Defined code symbols (strong, weak and local-but-named) of the object files of one module.
symbols() {
  local objects=("$bin/$1.build"/*.o)
  [ -e "${objects[0]}" ] || { echo "check-kernel-symbols: no object files in $bin/$1.build" >&2; exit 2; }
  # Sanitizer builds add their own per-object constructors (asan.module_ctor, tsan.module_ctor…)
  # and instrumentation globals to every module: not our code, and never merged across modules.
  nm --defined-only "${objects[@]}" 2>/dev/null \
    | awk '$2 ~ /^[TtWw]$/ && $3 !~ /^(asan|tsan|msan|sancov)\./ && $3 !~ /^__(asan|tsan|msan|sancov|odr_asan)/ { print $3 }' \
    | sort -u
}

symbols BackpropAVX2 > "$work/avx2"
symbols BackpropAVX512 > "$work/avx512"
: > "$work/others"
for dir in "$bin"/*.build; do
  module=$(basename "$dir" .build)
  case "$module" in BackpropAVX2|BackpropAVX512) continue ;; esac
  compgen -G "$dir/*.o" > /dev/null || continue
  symbols "$module" >> "$work/others"
done
sort -u -o "$work/others" "$work/others"

shared=$( { comm -12 "$work/avx2" "$work/avx512"; comm -12 "$work/avx2" "$work/others"; comm -12 "$work/avx512" "$work/others"; } | sort -u)
if [ -n "$shared" ]; then
  echo "check-kernel-symbols: code compiled for AVX2/AVX-512 shares symbols with another module (the linker keeps one copy):"
  if command -v swift > /dev/null; then echo "$shared" | swift demangle --simplified; else echo "$shared"; fi
  exit 1
fi
echo "check-kernel-symbols: $(wc -l < "$work/avx2") AVX2 and $(wc -l < "$work/avx512") AVX-512 symbols, none shared"
