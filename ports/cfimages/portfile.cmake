# vcpkg overlay port for cfimages, building the source tree it lives in:
#
#   vcpkg install "cfimages[beast,curl]" --overlay-ports=<cfimages>/ports
#
# In a registry, take the sources from a release tag instead:
#   vcpkg_from_git(OUT_SOURCE_PATH SOURCE_PATH URL <repository> REF v${VERSION})
# The library is header-only: one release configuration, nothing to build,
# everything installed by the project's own install rules.
set(VCPKG_BUILD_TYPE release)
set(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../..")

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
    FEATURES
        beast CFIMAGES_BEAST
        curl  CFIMAGES_CURL)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        ${FEATURE_OPTIONS}
        -DCFIMAGES_INSTALL=ON
        -DCFIMAGES_BUILD_TESTS=OFF
        -DCFIMAGES_CLI=OFF
        -DCFIMAGES_EXAMPLES=OFF
        -DCFIMAGES_HEADER_CHECK=OFF
        -DCFIMAGES_BENCH=OFF
        -DCFIMAGES_FUZZ=OFF
        -DCMAKE_DISABLE_FIND_PACKAGE_Doxygen=ON)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/cfimages)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
