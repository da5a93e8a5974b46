#!/usr/bin/env bash
# What embedding the dashboard (Sources/BackpropService/Dashboard) and the OpenAPI document
# (Sources/BackpropService/OpenAPI/openapi.json) costs at build time, two ways, in two scratch
# packages holding copies of exactly those files (BENCHMARKS.md, "Embedding files (issue 17)"):
#   A  SwiftPM `.embedInCode` resources (a [UInt8] array literal per file: swift-package-manager#6923)
#   B  the EmbedFiles build-tool plugin the package uses (raw string literals)
# Per round, interleaved: a clean debug build, a rebuild after a dashboard file changed, and a
# rebuild after a Swift file of the target changed. Prints wall and CPU (user+system) seconds of
# each `swift build`; the medians are the figures. Hold the bench lock:
#   flock BENCH_LOCK Benchmarks/embed-build-cost.sh [ROUNDS]      (default 3)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
work=$(mktemp -d /tmp/embed-build-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT
dashboard=$root/Sources/BackpropService/Dashboard
openapi=$root/Sources/BackpropService/OpenAPI/openapi.json

for variant in A B; do
  mkdir -p "$work/$variant/Sources/Lib/OpenAPI" "$work/$variant/Sources/Main"
  cp -R "$dashboard" "$work/$variant/Sources/Lib/Dashboard"
  cp "$openapi" "$work/$variant/Sources/Lib/OpenAPI/"
  echo 'import Lib
print(Files.total)' > "$work/$variant/Sources/Main/main.swift"
done

# A: every file an .embedInCode resource, read through PackageResources.
python3 - "$work/A" <<'PY'
import os, sys
base = sys.argv[1]
files = sorted(os.listdir(f"{base}/Sources/Lib/Dashboard"))
ident = lambda name: name.replace(".", "_").replace("-", "_")
resources = ",\n    ".join(['.embedInCode("OpenAPI/openapi.json")'] + [f'.embedInCode("Dashboard/{f}")' for f in files])
open(f"{base}/Package.swift", "w").write(f'''// swift-tools-version:6.1
import PackageDescription
let package = Package(name: "A", targets: [
  .target(name: "Lib", resources: [
    {resources}]),
  .executableTarget(name: "Main", dependencies: ["Lib"]),
], swiftLanguageModes: [.v6])
''')
entries = ",\n        ".join(f'PackageResources.{ident(f)}.count' for f in files)
open(f"{base}/Sources/Lib/Files.swift", "w").write(f'''public enum Files {{
    public static var total: Int {{
        [
        {entries},
        PackageResources.openapi_json.count,
        ].reduce(0, +)
    }}
}}
''')
PY

# B: the package's own plugin and tool.
mkdir -p "$work/B/Plugins"
cp -R "$root/Plugins/EmbedFiles" "$root/Plugins/EmbedFilesPlugin" "$work/B/Plugins/"
cat > "$work/B/Package.swift" <<'SWIFT'
// swift-tools-version:6.1
import PackageDescription
let package = Package(name: "B", targets: [
  .executableTarget(name: "EmbedFiles", path: "Plugins/EmbedFiles"),
  .plugin(name: "EmbedFilesPlugin", capability: .buildTool(), dependencies: ["EmbedFiles"]),
  .target(name: "Lib", exclude: ["Dashboard", "OpenAPI"], plugins: ["EmbedFilesPlugin"]),
  .executableTarget(name: "Main", dependencies: ["Lib"]),
], swiftLanguageModes: [.v6])
SWIFT
cat > "$work/B/Sources/Lib/Files.swift" <<'SWIFT'
public enum Files {
    public static var total: Int {
        (DashboardFiles.contents.values.map(\.utf8.count) + OpenAPIFiles.contents.values.map(\.utf8.count)).reduce(0, +)
    }
}
SWIFT

timed() {  # LABEL: one `swift build` of the variant, its wall and CPU seconds
  /usr/bin/time -f "$1 wall=%e cpu=%U+%S" swift build --package-path "$work/$variant" >/dev/null 2>"$work/err" \
    || { cat "$work/err"; exit 1; }
  tail -1 "$work/err"
}
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
for round in $(seq "$rounds"); do
  for variant in A B; do
    rm -rf "$work/$variant/.build"
    timed "$variant clean round=$round"
    echo "// edit $round" >> "$work/$variant/Sources/Lib/Dashboard/format.js"
    timed "$variant asset-edit round=$round"
    echo "// edit $round" >> "$work/$variant/Sources/Lib/Files.swift"
    timed "$variant swift-edit round=$round"
    echo "load: $(uptime)"
  done
done
for variant in A B; do "$work/$variant/.build/debug/Main" | sed "s/^/$variant embeds bytes: /"; done
