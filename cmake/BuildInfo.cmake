# Run at build time (cmake -P) to write build_info.cpp: the commit and the dirty flag of the tree.
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
configure_file(${IN} ${OUT} @ONLY)
