#!/usr/bin/env bash
# Installs the AMAT plugin and its jars into an ImageJ 1.x or Fiji folder, and optionally runs
# the example macros there in batch mode (on a virtual display when there is no display), so a
# real installation can be tried.
#
#   scripts/install-imagej.sh DIR [--run-macros [OUTDIR]]
#
# DIR is an ImageJ folder (holding plugins/) or a Fiji.app folder (holding jars/ too). Plain
# ImageJ 1.x gets the dependencies in plugins/jars/, Fiji in jars/ (only those Fiji lacks).
# With --run-macros, IJ_JAR (default: DIR/ij.jar, else Debian's /usr/share/java/ij.jar) runs
# macros/amat-train.ijm (1 epoch), adversarial-attack.ijm and robustness-report.ijm on sample-data.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: scripts/install-imagej.sh DIR [--run-macros [OUTDIR]]}
mkdir -p "$dir/plugins"
cd "$here"
if [ ! -f target/dependency/.built ] || [ -n "$(find pom.xml plugins.config src/main -newer target/dependency/.built -print -quit)" ]; then
  mvn -B -q -DskipTests package
  touch target/dependency/.built
fi
jar=$(ls target/AMAT_-*.jar | grep -v -e sources -e javadoc -e tests | head -1)
rm -f "$dir"/plugins/AMAT_-*.jar
cp "$jar" "$dir/plugins/"
if [ -d "$dir/jars" ] && ls "$dir"/jars/imagej-legacy-*.jar >/dev/null 2>&1; then
  dest="$dir/jars"   # Fiji
else
  dest="$dir/plugins/jars"
fi
mkdir -p "$dest"
copied=0
for dep in target/dependency/*.jar; do
  name=$(basename "$dep")
  artifact=$(echo "$name" | sed -E 's/-[0-9][0-9A-Za-z.+-]*\.jar$//')
  case "$artifact" in ij|slf4j-simple) continue ;; esac
  # an artifact the installation already has (any version) is left alone
  if ls "$dest/$artifact"-[0-9]*.jar >/dev/null 2>&1 || { [ "$dest" = "$dir/jars" ] && ls "$dir/jars/$artifact"-[0-9]*.jar >/dev/null 2>&1; }; then
    continue
  fi
  cp "$dep" "$dest/"
  copied=$((copied + 1))
done
echo "installed $(basename "$jar") into $dir/plugins and $copied jar(s) into $dest"

if [ "${2:-}" = "--run-macros" ]; then
  out=${3:-$(mktemp -d)}
  mkdir -p "$out"
  ij=${IJ_JAR:-$dir/ij.jar}
  [ -f "$ij" ] || ij=/usr/share/java/ij.jar
  run() {
    local cmd=(java -Dplugins.dir="$dir" -jar "$ij" -batch "$here/macros/$1" "$2")
    if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then cmd=(xvfb-run -a "${cmd[@]}"); fi
    echo "running macros/$1"
    "${cmd[@]}"
  }
  run amat-train.ijm "$here/sample-data;$out;1"
  run adversarial-attack.ijm "$here/sample-data;$out;segmentation-amat.amat.zip"
  run robustness-report.ijm "$here/sample-data;$out;0,0.1"
  for f in segmentation-amat.amat.zip adversarial-prediction.tif noise.tif attack-results.csv report/report.html; do
    [ -s "$out/$f" ] || { echo "FAILED: the macros did not write $out/$f" >&2; exit 1; }
  done
  echo "the example macros ran in $ij and wrote their results to $out"
fi
