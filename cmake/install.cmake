# Install rules: the powersched binary, libpowersched (shared + static), the
# headers, a pkg-config file, the man page (generated from --help, which the
# option tables produce, so it cannot drift) and the Python binding.
#     cmake --install build [--prefix DIR]

# The man page: regenerated whenever the binary is relinked.
set(PS_MAN ${PROJECT_BINARY_DIR}/powersched.1)
add_custom_command(OUTPUT ${PS_MAN}
  COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
          sh ${PROJECT_SOURCE_DIR}/cmake/manpage.sh $<TARGET_FILE:powersched> ${PS_MAN}
  DEPENDS powersched ${PROJECT_SOURCE_DIR}/cmake/manpage.sh
  COMMENT "man page powersched.1 from --help" VERBATIM)
add_custom_target(powersched_man ALL DEPENDS ${PS_MAN})

# pkg-config: the prefix relative to the .pc file's folder.
file(RELATIVE_PATH PS_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" PS_PC_TO_PREFIX "${PS_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/powersched.pc.in ${PROJECT_BINARY_DIR}/powersched.pc @ONLY)

# Debian's python3 searches <prefix>/lib/python3/dist-packages (/usr/local too).
set(PS_PYTHON_INSTALL_DIR lib/python3/dist-packages CACHE STRING "where the Python package goes, under the prefix")

install(TARGETS powersched RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS pscore psshared
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/powersched DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/powersched.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
install(FILES ${PS_MAN} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(DIRECTORY python/powersched DESTINATION ${PS_PYTHON_INSTALL_DIR}
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
