#!/usr/bin/env bash
# A prebuilt HiGHS for `--features highs-prebuilt`: installs PyPI's highsbox (HiGHS's own binary
# distribution: libhighs.so and headers, pinned to the highspy version the benchmark script
# uses), writes a pkg-config file for it under target/, and prints the environment to build and
# run with. Saves compiling HiGHS's C++ (about 15 minutes on two cores); libclang is still
# needed. Usage: eval "$(scripts/highs-prebuilt.sh)"; cargo build --release --features highs-prebuilt
set -euo pipefail
cd "$(dirname "$0")/.."
version="${HIGHS_VERSION:-1.15.1}"
python3 -c "import highsbox" 2>/dev/null || python3 -m pip install -q "highsbox==$version" >&2
lib=$(python3 -c 'import highsbox; print(highsbox.highs_lib_dir())')
include=$(python3 -c 'import highsbox; print(highsbox.highs_include_dir())')
have=$(python3 -c 'import importlib.metadata as m; print(m.version("highsbox"))')
mkdir -p target/highs-pkgconfig
cat > target/highs-pkgconfig/highs.pc <<PC
libdir=$lib
includedir=$include

Name: HiGHS
Description: HiGHS from PyPI's highsbox $have
Version: $have
Libs: -L\${libdir} -lhighs
Cflags: -I\${includedir}
PC
echo "export PKG_CONFIG_PATH=\"$PWD/target/highs-pkgconfig\${PKG_CONFIG_PATH:+:\$PKG_CONFIG_PATH}\""
echo "export LD_LIBRARY_PATH=\"$lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\""
