# Runs the gateway example and checks each response its header comment promises, in order.
execute_process(COMMAND "${PROGRAM}" RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "gateway_example exited with ${status}: ${errors}")
endif()
set(expected
  " 0.000s  acme #1  started"
  " 0.000s  acme #2  started"
  " 2.000s  acme #1  HTTP 200"
  " 2.000s  acme #3  started"
  " 2.000s  acme #4  started"
  " 3.000s  acme #5  HTTP 429 {\"error\":{\"message\":"
  "\"type\":\"dynamic_request_limited\",\"code\":429}}"
  "x-ratelimit-limit: 60"
  " 3.000s  acme #6  HTTP 429 "
  " 3.500s  steady #1  HTTP 503 {\"error\":{\"message\":"
  "\"type\":\"model_overloaded\",\"code\":503}}"
  " 4.000s  acme #3  HTTP 200")
set(rest "${output}")
foreach(line IN LISTS expected)
  string(FIND "${rest}" "${line}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected, after what came before: '${line}'\nthe whole output:\n${output}")
  endif()
  string(LENGTH "${line}" length)
  math(EXPR next "${at} + ${length}")
  string(SUBSTRING "${rest}" ${next} -1 rest)
endforeach()
