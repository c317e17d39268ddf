# The public API (label "api"): the installed library with pkg-config and the
# examples, and the Python binding against `powersched simulate`. Not in
# sanitizer builds: plain cc programs and python cannot load an ASan library.
if(NOT PS_SANITIZE)
  add_test(NAME api_install
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/api_install_test.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/api_install_out ${CMAKE_COMMAND} ${CMAKE_C_COMPILER} ${PKG_CONFIG_EXECUTABLE})
  set_tests_properties(api_install PROPERTIES LABELS "api")

  add_test(NAME api_python
    COMMAND ${PROJECT_SOURCE_DIR}/python/with-numpy ${PROJECT_SOURCE_DIR}/python/test_powersched.py
            $<TARGET_FILE:powersched> ${CMAKE_CURRENT_SOURCE_DIR}/fixtures ${CMAKE_CURRENT_BINARY_DIR}/api_python_out)
  set_tests_properties(api_python PROPERTIES LABELS "api" SKIP_RETURN_CODE 77
                       ENVIRONMENT POWERSCHED_LIB=$<TARGET_FILE:psshared>)
endif()

# The C API against the env it wraps (in "unit": the sanitizer build runs it).
ps_unit_test(test_api)
