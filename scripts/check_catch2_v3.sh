#!/usr/bin/env bash
# The plugin SDK against Catch2 v3, checked by hand: Debian 12 ships Catch2 v2 only, so the test
# suite (tests/sdk/install_test.cpp) exercises v2. This builds Catch2 3.7.1 from Debian 13's source
# package (its SHA-256 checked) into a private prefix, installs the current build of lrlab beside
# it, scaffolds the three example plugins with `lrlab new-plugin`, fills them in from
# docs/examples/plugins, and builds and runs each one's tests with Catch2 v3 found first.
#
#   scripts/check_catch2_v3.sh [WORKDIR]      (after scripts/build.sh; needs network to Debian's archive)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LRLAB_BUILD_DIR:-$root/build}"
work="${1:-$(mktemp -d /tmp/lrlab-catch2-v3-XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
url=http://deb.debian.org/debian/pool/main/c/catch2/catch2_3.7.1.orig.tar.gz
sha=c991b247a1a0d7bb9c39aa35faf0fe9e19764213f28ffba3109388e62ee0269c
jobs="$(nproc)"

echo "== Catch2 3.7.1 into $work/catch2"
[[ -f "$work/catch2.tar.gz" ]] || curl -fsSL "$url" -o "$work/catch2.tar.gz"
echo "$sha  $work/catch2.tar.gz" | sha256sum -c --quiet -
if [[ ! -f "$work/catch2/lib/cmake/Catch2/Catch2Config.cmake" ]]; then
  tar xzf "$work/catch2.tar.gz" -C "$work"
  cmake -S "$work/Catch2-3.7.1" -B "$work/catch2-build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DCATCH_INSTALL_DOCS=OFF -DCATCH_INSTALL_EXTRAS=ON -DCMAKE_INSTALL_PREFIX="$work/catch2" >/dev/null
  cmake --build "$work/catch2-build" -j"$jobs" >/dev/null
  cmake --install "$work/catch2-build" >/dev/null
fi

echo "== lrlab from $build into $work/lrlab"
cmake --install "$build" --prefix "$work/lrlab" >/dev/null

for pair in schedule:my_staircase policy:halve_on_worse task:small_bowl; do
  kind="${pair%%:*}" name="${pair#*:}"
  echo "== $kind $name"
  rm -rf "${work:?}/$name"
  (cd "$work" && "$work/lrlab/bin/lrlab" new-plugin "$kind" "$name" >/dev/null)
  cp "$root/docs/examples/plugins/$name/"* "$work/$name/"
  cmake -S "$work/$name" -B "$work/$name/build" -DCMAKE_PREFIX_PATH="$work/catch2;$work/lrlab" >/dev/null
  grep -q "^Catch2_DIR:PATH=$work/catch2/" "$work/$name/build/CMakeCache.txt" ||
    { echo "Catch2 v3 was not the one found:"; grep '^Catch2_DIR' "$work/$name/build/CMakeCache.txt"; exit 1; }
  cmake --build "$work/$name/build" -j"$jobs" >/dev/null
  grep -rq "LRLAB_CATCH2_MAJOR=3" "$work/$name/build" || { echo "the test was not compiled for Catch2 v3"; exit 1; }
  ctest --test-dir "$work/$name/build" --output-on-failure
done
echo "The SDK builds and passes its example plugins' tests with Catch2 3.7.1."
