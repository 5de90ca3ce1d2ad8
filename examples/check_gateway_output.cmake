# Runs the gateway example and checks every response it prints, in order: each "HTTP <code>" line
# and the request it answers, the error types of the failures, and the limit their headers show.
execute_process(COMMAND "${PROGRAM}" RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "gateway_example exited with ${status}: ${errors}")
endif()
string(REGEX MATCHALL "[0-9.]+s  [a-z]+ #[0-9]+  HTTP [0-9]+" responses "${output}")
set(expected
  "2.000s  acme #1  HTTP 200"
  "2.000s  acme #2  HTTP 200"
  "3.000s  acme #5  HTTP 429"
  "3.500s  steady #1  HTTP 503"
  "4.000s  acme #3  HTTP 200"
  "4.000s  acme #4  HTTP 200")
if(NOT responses STREQUAL expected)
  message(FATAL_ERROR "responses:\n  ${responses}\nexpected:\n  ${expected}\nthe whole output:\n${output}")
endif()
string(REGEX MATCHALL "\"type\":\"[a-z_]+\"" types "${output}")
set(expected_types "\"type\":\"dynamic_request_limited\"" "\"type\":\"model_overloaded\"")
if(NOT types STREQUAL expected_types)
  message(FATAL_ERROR "error types: ${types}; expected: ${expected_types}")
endif()
# Every response, a 200 too, carries the headers: six responses (#6 was withdrawn unanswered), each
# showing 60 RPM.
string(REGEX MATCHALL "x-ratelimit-limit: [0-9]+" limits "${output}")
list(LENGTH limits shown)
list(REMOVE_DUPLICATES limits)
if(NOT shown EQUAL 6 OR NOT limits STREQUAL "x-ratelimit-limit: 60")
  message(FATAL_ERROR "limits shown: ${limits} (${shown} times); expected 60 RPM on each of the six responses")
endif()
if(NOT output MATCHES "1\\.000s  acme #6  client gone: withdrawn from the buffer")
  message(FATAL_ERROR "acme #6 was not withdrawn at 1 s:\n${output}")
endif()
