# Run by `cmake --install` (dist/install.cmake): the files outside the prefix's usr/ tree,
# placed where the binary looks for them (src/app/paths.h). MW_SOURCE_DIR is set before.
get_filename_component(mw_name "${CMAKE_INSTALL_PREFIX}" NAME)
if(mw_name STREQUAL "usr")
  get_filename_component(mw_root "${CMAKE_INSTALL_PREFIX}" DIRECTORY)
  if(mw_root STREQUAL "/")
    set(mw_root "")
  endif()
else()
  set(mw_root "${CMAKE_INSTALL_PREFIX}")
endif()
file(INSTALL "${MW_SOURCE_DIR}/conf/" DESTINATION "${mw_root}/etc/mailward")
file(MAKE_DIRECTORY "$ENV{DESTDIR}${mw_root}/etc/mailward/local.d"
                    "$ENV{DESTDIR}${mw_root}/etc/mailward/lua.local.d"
                    "$ENV{DESTDIR}${mw_root}/var/lib/mailward")
file(INSTALL "${MW_SOURCE_DIR}/dist/logrotate/mailward" DESTINATION "${mw_root}/etc/logrotate.d")
file(INSTALL "${MW_SOURCE_DIR}/dist/systemd/mailward.service"
     DESTINATION "${mw_root}/lib/systemd/system")
