# cmake/version_stamp.cmake on a scratch git repository: the version names the commit, gains
# "-dirty" when a tracked file is edited, loses it at the next commit, names the commit whether or
# not a tag is on or behind it, is the project version alone in a tree without .git, and the
# generated file is not rewritten when the version did not change (which is what keeps a no-op
# build from recompiling).
#
#   cmake -DSCRIPT=cmake/version_stamp.cmake -DTEMPLATE=sim/version.cc.in -DGIT_EXECUTABLE=git
#         -DWORK_DIR=<scratch folder> -P version_stamp_test.cmake
cmake_minimum_required(VERSION 3.22)

set(repo "${WORK_DIR}/repo")
set(output "${WORK_DIR}/version.cc")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${repo}")

function(git)
  execute_process(COMMAND "${GIT_EXECUTABLE}" -c user.name=test -c user.email=test@example.com
                          -c init.defaultBranch=main -c commit.gpgsign=false ${ARGN}
                  WORKING_DIRECTORY "${repo}" RESULT_VARIABLE result OUTPUT_VARIABLE out
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "git ${ARGN} failed: ${err}")
  endif()
  set(git_out "${out}" PARENT_SCOPE)
endfunction()

# Runs the script on `source_dir` and checks that the generated Version() returns `expected`.
function(expect_version source_dir expected)
  execute_process(COMMAND "${CMAKE_COMMAND}" "-DSOURCE_DIR=${source_dir}" -DPROJECT_VERSION=9.9.9
                          "-DGIT_EXECUTABLE=${GIT_EXECUTABLE}" "-DTEMPLATE=${TEMPLATE}"
                          "-DOUTPUT=${output}" -P "${SCRIPT}"
                  RESULT_VARIABLE result ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "version_stamp.cmake failed: ${err}")
  endif()
  file(READ "${output}" text)
  string(FIND "${text}" "return \"${expected}\";" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "expected version \"${expected}\" in:\n${text}")
  endif()
endfunction()

function(head_commit)
  git(rev-parse --short=12 HEAD)
  set(head "${git_out}" PARENT_SCOPE)
endfunction()

file(WRITE "${repo}/a.txt" "one\n")
git(init -q)
git(add a.txt)
git(commit -q -m first)
head_commit()
expect_version("${repo}" "9.9.9+g${head}")

# The same version again: the file keeps its old time stamp, so nothing that includes it rebuilds.
execute_process(COMMAND touch -d "2001-01-01 00:00:00" "${output}")
expect_version("${repo}" "9.9.9+g${head}")
file(TIMESTAMP "${output}" year "%Y")
if(NOT year STREQUAL "2001")
  message(FATAL_ERROR "the generated file was rewritten although the version had not changed")
endif()

# A file that is not tracked leaves the tree clean; an edit to a tracked one does not.
file(WRITE "${repo}/untracked.txt" "x\n")
expect_version("${repo}" "9.9.9+g${head}")
file(WRITE "${repo}/a.txt" "two\n")
expect_version("${repo}" "9.9.9+g${head}-dirty")

git(commit -q -a -m second)
set(first "${head}")
head_commit()
if(head STREQUAL first)
  message(FATAL_ERROR "the second commit has the first one's hash")
endif()
expect_version("${repo}" "9.9.9+g${head}")

# A release tag changes nothing: still the commit, not `git describe`'s "v1.0" on the tagged commit
# or "v1.0-1-g<commit>" after it.
git(tag -a v1.0 -m "release 1.0")
expect_version("${repo}" "9.9.9+g${head}")
file(WRITE "${repo}/a.txt" "three\n")
git(commit -q -a -m third)
head_commit()
expect_version("${repo}" "9.9.9+g${head}")

# An unpacked tarball has no .git, even inside another repository: the project version alone.
file(MAKE_DIRECTORY "${repo}/unpacked")
file(WRITE "${repo}/unpacked/a.txt" "one\n")
expect_version("${repo}/unpacked" "9.9.9")
# And without git at all.
set(GIT_EXECUTABLE "GIT_EXECUTABLE-NOTFOUND")
expect_version("${repo}" "9.9.9")

file(REMOVE_RECURSE "${WORK_DIR}")
