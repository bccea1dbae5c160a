#!/bin/sh
# Usage: no_mergeable_symbols.sh OBJECT...
# Fails, naming them, if the objects define symbols the linker merges across files: weak (W, V, w,
# v) or GNU unique (u) ones, which inline functions, template instantiations and inline variables
# become. The GEMM path files (plugins/tasks/gemm_<path>.cpp) are each compiled for another
# instruction set: a merged copy would run one path's instructions on every path.
status=0
for object in "$@"; do
  merged=$(nm -C "$object" | grep -E ' [uVvWw] ')
  if [ -n "$merged" ]; then
    echo "$object defines symbols the linker may merge with another file's copy:"
    echo "$merged"
    status=1
  fi
done
exit $status
