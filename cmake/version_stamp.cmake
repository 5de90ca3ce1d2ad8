# Writes OUTPUT, the source of ratesim::Version(), from TEMPLATE (sim/version.cc.in) with
# @RATESIM_VERSION@ set to the version of the tree in SOURCE_DIR: "<PROJECT_VERSION>+g<commit>" in a
# git checkout, with "-dirty" when tracked files differ from that commit; PROJECT_VERSION alone in a
# tree without .git (a source tarball) or where git is missing.
#
# The ratesim_version target (sim/CMakeLists.txt) runs it at every build, so that a build after a
# commit or an edit names them, where a version fixed when CMake configured would not. configure_file
# leaves OUTPUT untouched when its text would not change, so an unchanged version recompiles nothing.
#
#   cmake -DSOURCE_DIR=... -DPROJECT_VERSION=... -DGIT_EXECUTABLE=... -DTEMPLATE=... -DOUTPUT=...
#         -P version_stamp.cmake
# GIT_EXECUTABLE may be empty or *-NOTFOUND.
cmake_minimum_required(VERSION 3.22)

foreach(required SOURCE_DIR PROJECT_VERSION TEMPLATE OUTPUT)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "version_stamp.cmake needs -D${required}=...")
  endif()
endforeach()

set(RATESIM_VERSION "${PROJECT_VERSION}")
# .git is a folder in a clone and a file in a worktree. A tarball has neither, and must not take the
# commit of some repository it happens to be unpacked in.
if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
  # Only read: a build running beside `git commit` must not hold the index lock the commit needs
  # (git status would otherwise write back the index it refreshed).
  set(ENV{GIT_OPTIONAL_LOCKS} 0)
  # The commit itself, not `git describe`, which names a tag once there is one ("v1.0" on the
  # tagged commit, "v1.0-3-g<commit>" after it) and would make "+gv1.0-3-g<commit>" of the version.
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD
                  WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rev_parse_result
                  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rev_parse_result EQUAL 0 AND commit)
    set(RATESIM_VERSION "${PROJECT_VERSION}+g${commit}")
    # What `git describe --dirty` calls dirty: a tracked file changed, staged or not. Untracked
    # files (the build folder among them) are not part of the commit either way.
    execute_process(COMMAND "${GIT_EXECUTABLE}" status --porcelain --untracked-files=no
                    WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE status_result
                    OUTPUT_VARIABLE changes ERROR_QUIET)
    if(NOT status_result EQUAL 0 OR changes)
      string(APPEND RATESIM_VERSION "-dirty")  # when in doubt, do not claim a clean commit
    endif()
  endif()
endif()
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
