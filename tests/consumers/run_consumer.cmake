# Runs one consumer-project test:  cmake -DKIND=<kind> -DWORK_DIR=... -DSOURCE_DIR=<repo>
#   -DPREFIX=<install prefix> -DCXX=<compiler> -DGENERATOR=<cmake generator>
#   [-DBUILD_DIR=<cfimages build>] [-DMESON=..] [-DMAKE=..] [-DPKG_CONFIG=..] -P run_consumer.cmake
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
    foreach(_f include/cfimages/version.hpp share/cmake/cfimages/cfimagesConfig.cmake
               share/cmake/cfimages/cfimagesConfigVersion.cmake
               share/cmake/cfimages/cfimagesTargets.cmake share/pkgconfig/cfimages.pc)
        if(NOT EXISTS "${PREFIX}/${_f}")
            message(FATAL_ERROR "consumer/install: ${_f} was not installed")
        endif()
    endforeach()

elseif(KIND STREQUAL "find_package")
    cmake_consumer("${CONSUMERS}/find_package")

elseif(KIND STREQUAL "add_subdirectory")
    cmake_consumer("${CONSUMERS}/add_subdirectory")

elseif(KIND STREQUAL "fetchcontent")
    cmake_consumer("${CONSUMERS}/fetchcontent")

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
    run("${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${PREFIX}/share/pkgconfig"
        "${MAKE}" -C "${WORK_DIR}" "CXX=${CXX}" "PKG_CONFIG=${PKG_CONFIG}" check)

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

else()
    message(FATAL_ERROR "run_consumer.cmake: unknown KIND '${KIND}'")
endif()
