#!/bin/sh
# Usage: no_mergeable_symbols.sh OBJECT...
# Fails, naming them, if the objects define weak code symbols (nm's W and w), which the linker
# merges across files: inline functions and template instantiations become them. The GEMM path
# files (plugins/tasks/gemm_<path>.cpp) are each compiled for another instruction set, and a merged
# copy would run one path's instructions on every path. Weak data (V, v: a sanitizer's typeinfo)
# and unique objects (u) carry no instructions and are allowed.
status=0
for object in "$@"; do
  merged=$(nm -C "$object" | grep -E ' [Ww] ')
  if [ -n "$merged" ]; then
    echo "$object defines code the linker may merge with another file's copy:"
    echo "$merged"
    status=1
  fi
done
exit $status
