# Run at build time (cmake -P) to write build_info.cpp: the commit and the dirty flag of the tree,
# and the hash of the uncommitted changes to the sources of the lrlab binary (part of the build's
# numerics, which a resume compares: src/lrlab/inputs.hpp).
execute_process(COMMAND git rev-parse HEAD WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0 OR NOT GIT_COMMIT)
  set(GIT_COMMIT "unknown")
endif()
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE _status OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(_status)
  set(GIT_DIRTY true)
else()
  set(GIT_DIRTY false)
endif()
execute_process(COMMAND git diff HEAD -- framework cmake CMakeLists.txt WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE _diff ERROR_QUIET RESULT_VARIABLE _rc)
if(_rc EQUAL 0 AND _diff)
  string(SHA256 SOURCE_CHANGES "${_diff}")
else()
  set(SOURCE_CHANGES "")
endif()
configure_file(${IN} ${OUT} @ONLY)
