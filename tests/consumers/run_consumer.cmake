# Runs one consumer-project test:  cmake -DKIND=<kind> -DWORK_DIR=... -DSOURCE_DIR=<repo>
#   -DPREFIX=<install prefix> -DCXX=<compiler> -DGENERATOR=<cmake generator>
#   [-DBUILD_DIR=<cfimages build>] [-DMESON=..] [-DMAKE=..] [-DPKG_CONFIG=..] [-DVERSION=..]
#   -P run_consumer.cmake
# Prints "CFIMAGES_SKIP: <why>" (CTest SKIP_REGULAR_EXPRESSION) when a prerequisite
# is absent; fails with a message on any error.
cmake_minimum_required(VERSION 3.21)

set(CONSUMERS "${CMAKE_CURRENT_LIST_DIR}")

function(run)
    string(REPLACE ";" " " _pretty "${ARGN}")
    message(STATUS "$ ${_pretty}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "consumer/${KIND}: command failed (${_rc}): ${_pretty}")
    endif()
endfunction()

# A macro, so that return() ends the script rather than the helper.
macro(skip why)
    message("CFIMAGES_SKIP: ${why}")
    return()
endmacro()

# Runs a command that must fail, with `expect` in its output.
function(run_failing expect)
    string(REPLACE ";" " " _pretty "${ARGN}")
    message(STATUS "$ ${_pretty}   (must fail, saying: ${expect})")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
    if(_rc EQUAL 0)
        message(FATAL_ERROR "consumer/${KIND}: succeeded but must fail: ${_pretty}\n${_out}")
    endif()
    string(FIND "${_out}" "${expect}" _at)
    if(_at EQUAL -1)
        message(FATAL_ERROR "consumer/${KIND}: failed without saying '${expect}':\n${_out}")
    endif()
endfunction()

# Configure, build and run a CMake consumer project.
function(cmake_consumer src)
    set(_b "${WORK_DIR}/build")
    run("${CMAKE_COMMAND}" -S "${src}" -B "${_b}" -G "${GENERATOR}"
        "-DCMAKE_CXX_COMPILER=${CXX}" -DCMAKE_BUILD_TYPE=None
        "-DCMAKE_PREFIX_PATH=${PREFIX}" "-DCFIMAGES_SOURCE_DIR=${SOURCE_DIR}"
        ${ARGN})
    run("${CMAKE_COMMAND}" --build "${_b}")
    run("${_b}/consumer")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

if(KIND STREQUAL "install")
    file(REMOVE_RECURSE "${PREFIX}")
    run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}")
    set(_files include/cfimages/version.hpp share/cmake/cfimages/cfimagesConfig.cmake
               share/cmake/cfimages/cfimagesConfigVersion.cmake
               share/cmake/cfimages/cfimagesTargets.cmake share/pkgconfig/cfimages.pc
               share/doc/cfimages/LICENSE)
    # Each adapter built is a component, with its own targets and .pc file.
    foreach(_comp IN ITEMS beast curl)
        if(EXISTS "${PREFIX}/include/cfimages/${_comp}.hpp")
            list(APPEND _files share/cmake/cfimages/cfimages-${_comp}Targets.cmake
                               share/pkgconfig/cfimages-${_comp}.pc)
        endif()
    endforeach()
    # The tool comes with its man page and completion scripts.
    if(EXISTS "${PREFIX}/bin/cfimages")
        list(APPEND _files share/man/man1/cfimages.1 share/bash-completion/completions/cfimages
                           share/zsh/site-functions/_cfimages)
    endif()
    # The Doxygen reference, when Doxygen was there to build it.
    if(EXISTS "${BUILD_DIR}/doxygen/html/index.html")
        list(APPEND _files share/doc/cfimages/html/index.html)
    endif()
    foreach(_f IN LISTS _files)
        if(NOT EXISTS "${PREFIX}/${_f}")
            message(FATAL_ERROR "consumer/install: ${_f} was not installed")
        endif()
    endforeach()
    foreach(_pc IN ITEMS "beast|Libs: -lssl -lcrypto -pthread" "curl|Libs: -lcurl")
        string(REPLACE "|" ";" _pc "${_pc}")
        list(GET _pc 0 _comp)
        list(GET _pc 1 _libs)
        if(EXISTS "${PREFIX}/share/pkgconfig/cfimages-${_comp}.pc")
            file(READ "${PREFIX}/share/pkgconfig/cfimages-${_comp}.pc" _text)
            string(FIND "${_text}" "\n${_libs}\n" _at)
            if(_at EQUAL -1)
                message(FATAL_ERROR "consumer/install: cfimages-${_comp}.pc lacks '${_libs}'")
            endif()
        endif()
    endforeach()
    message(STATUS "consumer/install: all of ${_files} installed")

elseif(KIND STREQUAL "find_package")
    # The codec alone needs Boost.JSON and nothing else: OpenSSL and libcurl
    # are made unfindable, and the consumer still configures, builds and runs.
    cmake_consumer("${CONSUMERS}/find_package"
        -DCMAKE_DISABLE_FIND_PACKAGE_OpenSSL=ON -DCMAKE_DISABLE_FIND_PACKAGE_CURL=ON)

elseif(KIND STREQUAL "find_package_components")
    if(NOT EXISTS "${PREFIX}/share/cmake/cfimages/cfimages-beastTargets.cmake" OR
       NOT EXISTS "${PREFIX}/share/cmake/cfimages/cfimages-curlTargets.cmake")
        skip("the beast and curl components were not built (Boost, OpenSSL or libcurl missing)")
    endif()
    cmake_consumer("${CONSUMERS}/find_package_components")
    set(_cfg "${CMAKE_COMMAND}" -S "${CONSUMERS}/find_package_components" -G "${GENERATOR}"
        "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_PREFIX_PATH=${PREFIX}"
        "-DCFIMAGES_SOURCE_DIR=${SOURCE_DIR}" -DCMAKE_DISABLE_FIND_PACKAGE_CURL=ON)
    run_failing("component curl: needs libcurl" ${_cfg} -B "${WORK_DIR}/required" -DMODE=required_curl)
    run(${_cfg} -B "${WORK_DIR}/optional" -DMODE=optional_curl)
    run_failing("component nosuch: not installed with this cfimages"
        ${_cfg} -B "${WORK_DIR}/unknown" -DMODE=unknown)

elseif(KIND STREQUAL "add_subdirectory")
    cmake_consumer("${CONSUMERS}/add_subdirectory")

elseif(KIND STREQUAL "fetchcontent")
    cmake_consumer("${CONSUMERS}/fetchcontent")
    # Inside a parent project cfimages installs nothing (CFIMAGES_INSTALL is
    # off unless the parent turns it on).
    run("${CMAKE_COMMAND}" --install "${WORK_DIR}/build" --prefix "${WORK_DIR}/parent-prefix")
    if(EXISTS "${WORK_DIR}/parent-prefix/include/cfimages" OR EXISTS "${WORK_DIR}/parent-prefix/share/cmake/cfimages")
        message(FATAL_ERROR "consumer/fetchcontent: the parent's install installed cfimages")
    endif()

elseif(KIND STREQUAL "default_build_type")
    # Configured as a user would, with no build type: Release, so that
    # `cmake --install` installs an optimised tool.
    run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
        "-DCMAKE_CXX_COMPILER=${CXX}" -DCFIMAGES_BUILD_TESTS=OFF -DCFIMAGES_BEAST=OFF
        -DCFIMAGES_CURL=OFF -DCFIMAGES_CLI=OFF -DCFIMAGES_EXAMPLES=OFF -DCFIMAGES_HEADER_CHECK=OFF)
    file(STRINGS "${WORK_DIR}/build/CMakeCache.txt" _type REGEX "^CMAKE_BUILD_TYPE:")
    file(STRINGS "${WORK_DIR}/build/CMakeCache.txt" _install REGEX "^CFIMAGES_INSTALL:")
    if(NOT _type STREQUAL "CMAKE_BUILD_TYPE:STRING=Release" OR NOT _install STREQUAL "CFIMAGES_INSTALL:BOOL=ON")
        message(FATAL_ERROR "consumer/default_build_type: got '${_type}' and '${_install}', "
                            "want Release and CFIMAGES_INSTALL on at top level")
    endif()

elseif(KIND STREQUAL "meson_subproject")
    if(NOT MESON)
        skip("meson not found")
    endif()
    # The consumer is copied out so the repository itself never holds the
    # (self-referencing) subprojects/cfimages link.
    set(_src "${WORK_DIR}/src")
    file(COPY "${CONSUMERS}/meson_subproject/" DESTINATION "${_src}")
    file(MAKE_DIRECTORY "${_src}/subprojects")
    file(CREATE_LINK "${SOURCE_DIR}" "${_src}/subprojects/cfimages" SYMBOLIC)
    run("${CMAKE_COMMAND}" -E env "CXX=${CXX}"
        "${MESON}" setup "${WORK_DIR}/build" "${_src}" --buildtype=plain)
    run("${MESON}" compile -C "${WORK_DIR}/build")
    run("${WORK_DIR}/build/consumer")

elseif(KIND STREQUAL "makefile_pkgconfig")
    if(NOT MAKE OR NOT PKG_CONFIG)
        skip("make or pkg-config not found")
    endif()
    file(COPY "${CONSUMERS}/makefile_pkgconfig/" DESTINATION "${WORK_DIR}")
    if(NOT EXISTS "${PREFIX}/share/pkgconfig/cfimages-beast.pc" OR
       NOT EXISTS "${PREFIX}/share/pkgconfig/cfimages-curl.pc")
        skip("cfimages-beast.pc or cfimages-curl.pc not installed (an adapter was not built)")
    endif()
    run("${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${PREFIX}/share/pkgconfig"
        "${MAKE}" -C "${WORK_DIR}" "CXX=${CXX}" "PKG_CONFIG=${PKG_CONFIG}"
        "ADAPTERS=${CONSUMERS}/adapters/adapters.cpp" check)

elseif(KIND STREQUAL "single_header")
    set(_single "${SOURCE_DIR}/single_include")
    if(NOT EXISTS "${_single}/cfimages/cfimages.hpp")
        skip("single_include/cfimages/cfimages.hpp not generated yet (tools/amalgamate.py)")
    endif()
    # Deliberately no CMake: one compiler call with only -I single_include.
    run("${CXX}" -std=c++17 -Wall -Wextra -Wpedantic -Werror "-I${_single}"
        "${CONSUMERS}/single_header/main.cpp" "${CONSUMERS}/single_header/boost_json.cpp"
        -o "${WORK_DIR}/consumer")
    run("${WORK_DIR}/consumer")

elseif(KIND STREQUAL "vcpkg")
    # The overlay port (ports/cfimages) installed by vcpkg, then used by the
    # components consumer through vcpkg's toolchain file.
    find_program(_vcpkg vcpkg HINTS "$ENV{VCPKG_ROOT}")
    if(NOT _vcpkg)
        skip("vcpkg is not installed (Debian 12 has no vcpkg package, and it is not on npm; "
             "put vcpkg on PATH or set VCPKG_ROOT to run this test)")
    endif()
    get_filename_component(_root "${_vcpkg}" DIRECTORY)
    if(DEFINED ENV{VCPKG_ROOT})
        set(_root "$ENV{VCPKG_ROOT}")
    endif()
    run("${_vcpkg}" install "cfimages[beast,curl]" "--overlay-ports=${SOURCE_DIR}/ports"
        "--x-install-root=${WORK_DIR}/installed" --classic)
    cmake_consumer("${CONSUMERS}/find_package_components"
        "-DCMAKE_TOOLCHAIN_FILE=${_root}/scripts/buildsystems/vcpkg.cmake"
        "-DVCPKG_INSTALLED_DIR=${WORK_DIR}/installed" -DVCPKG_MANIFEST_MODE=OFF)

elseif(KIND STREQUAL "conan")
    # conanfile.py: `conan create` packages this tree, then the components
    # consumer finds it through Conan's CMakeDeps and toolchain.
    find_program(_conan conan)
    if(NOT _conan)
        skip("conan is not installed (Debian 12 has no conan package and it is published on PyPI, "
             "which this machine cannot reach; put conan 2 on PATH to run this test)")
    endif()
    set(ENV{CONAN_HOME} "${WORK_DIR}/conan-home")
    run("${_conan}" profile detect --force)
    run("${_conan}" create "${SOURCE_DIR}" --build=missing
        -o "cfimages/*:beast=True" -o "cfimages/*:curl=True")
    file(WRITE "${WORK_DIR}/conanfile.txt"
        "[requires]\ncfimages/${VERSION}\n[options]\ncfimages/*:beast=True\ncfimages/*:curl=True\n"
        "[generators]\nCMakeDeps\nCMakeToolchain\n")
    run("${_conan}" install "${WORK_DIR}" --output-folder "${WORK_DIR}/deps" --build=missing
        -o "cfimages/*:beast=True" -o "cfimages/*:curl=True")
    cmake_consumer("${CONSUMERS}/find_package_components"
        "-DCMAKE_TOOLCHAIN_FILE=${WORK_DIR}/deps/conan_toolchain.cmake")

else()
    message(FATAL_ERROR "run_consumer.cmake: unknown KIND '${KIND}'")
endif()
