# `cmake --install`: the same files as the Debian package (scripts/package.sh), under any
# prefix. The binary finds its files from its own location (src/app/paths.h):
#   <prefix>/bin/mailward
#   <prefix>/share/mailward/{rules,lualib,web}
#   <prefix>/share/man/man8/mailward*.8.gz         (from the --help texts)
#   <root>/etc/mailward/{mailward.toml, outbound_model.json, local.d/, lua.local.d/}
#   <root>/etc/logrotate.d/mailward
#   <root>/lib/systemd/system/mailward.service
#   <root>/var/lib/mailward/                       (state; the package gives it to _mailward)
# <root> is the prefix's parent when the prefix is a usr/ directory (/usr: /etc, /var and
# /lib/systemd/system as on Debian 12), else the prefix itself: where the binary looks.
include(GNUInstallDirs)

install(TARGETS mailward RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/rules ${CMAKE_SOURCE_DIR}/lualib ${CMAKE_SOURCE_DIR}/web
        DESTINATION ${CMAKE_INSTALL_DATADIR}/mailward)
# etc/, var/ and the unit depend on the prefix given at install time (--prefix): a script.
install(CODE "set(MW_SOURCE_DIR \"${CMAKE_SOURCE_DIR}\")")
install(SCRIPT ${CMAKE_SOURCE_DIR}/dist/install_system.cmake)

# Manual pages, one per command, made from the binary's --help texts after it is built.
find_program(MW_MAN_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(MW_MAN_PYTHON3)
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/man/mailward.8.gz
    COMMAND ${MW_MAN_PYTHON3} ${CMAKE_SOURCE_DIR}/scripts/manpages.py
            $<TARGET_FILE:mailward> ${CMAKE_BINARY_DIR}/man
    DEPENDS mailward ${CMAKE_SOURCE_DIR}/scripts/manpages.py
    COMMENT "Manual pages from the --help texts")
  add_custom_target(manpages ALL DEPENDS ${CMAKE_BINARY_DIR}/man/mailward.8.gz)
  install(DIRECTORY ${CMAKE_BINARY_DIR}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man8
          FILES_MATCHING PATTERN "*.8.gz")
endif()
