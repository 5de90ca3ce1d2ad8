# Builds examples/gateway.cc as a gateway would, outside ratesim's build, against the engine
# installed with `cmake --install` and found with find_package(ratesim), and runs it: fails if a
# header, a dependency or the package's files are missing. Then configures the same gateway with
# ratesim's source tree added by add_subdirectory, which must bring the engine alone
# (tests/install_consumer/CMakeLists.txt); not built, as that build is the in-tree one.
# In: BUILD_DIR, SOURCE_DIR, WORK_DIR, GENERATOR, CXX_COMPILER, FLAGS (compile and link flags, for a
# sanitizer build).
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${what} failed (${status}):\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

function(configure_gateway mode)
  run("configuring the gateway (${mode})" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/install_consumer"
      -B "${WORK_DIR}/${mode}" -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
      -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS=${FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${FLAGS}"
      "-DGATEWAY_SOURCE=${SOURCE_DIR}/examples/gateway.cc" ${ARGN})
endfunction()

run("cmake --install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix")
configure_gateway(find_package "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix")
run("building the gateway" "${CMAKE_COMMAND}" --build "${WORK_DIR}/find_package")
find_program(gateway NAMES gateway PATHS "${WORK_DIR}/find_package" NO_DEFAULT_PATH NO_CACHE REQUIRED)
run("running the gateway" "${gateway}")
foreach(answer "HTTP 200" "HTTP 429" "HTTP 503" "x-ratelimit-reset")
  string(FIND "${output}" "${answer}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the gateway built against the installed engine printed no '${answer}':\n${output}")
  endif()
endforeach()

configure_gateway(add_subdirectory "-DRATESIM_SOURCE_DIR=${SOURCE_DIR}")
