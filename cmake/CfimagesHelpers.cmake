# Helpers shared by the top-level CMakeLists.txt and the optional subdirectories.
include_guard(GLOBAL)

# cfimages_check_version(<version.hpp>)
# Fails the configure step when CFIMAGES_VERSION_STRING differs from PROJECT_VERSION.
function(cfimages_check_version header)
    file(STRINGS "${header}" _line REGEX "^#define CFIMAGES_VERSION_STRING ")
    if(NOT _line MATCHES "\"([0-9]+\\.[0-9]+\\.[0-9]+)\"")
        message(FATAL_ERROR "cfimages: no CFIMAGES_VERSION_STRING in ${header}")
    endif()
    if(NOT CMAKE_MATCH_1 STREQUAL PROJECT_VERSION)
        message(FATAL_ERROR "cfimages: ${header} says ${CMAKE_MATCH_1}, "
                            "CMakeLists.txt says ${PROJECT_VERSION}; make them agree")
    endif()
endfunction()

# cfimages_add_optional_subdirectory(<dir> <option>)
# Adds <dir> when <option> is ON and <dir>/CMakeLists.txt exists, so the build works
# while parts of the tree are still being written (and in trimmed source copies).
function(cfimages_add_optional_subdirectory dir opt)
    if(${opt} AND EXISTS "${PROJECT_SOURCE_DIR}/${dir}/CMakeLists.txt")
        message(STATUS "cfimages: adding ${dir} (${opt}=ON)")
        add_subdirectory("${PROJECT_SOURCE_DIR}/${dir}" "${PROJECT_BINARY_DIR}/${dir}")
    elseif(${opt})
        message(STATUS "cfimages: ${dir} not present, skipped")
    endif()
endfunction()

# cfimages_add_header_check(<target>)
# One generated translation unit per public header (core, and each adapter whose
# target exists), each including its header twice: proves every header is
# self-contained and include-guarded, under the project's warning flags.
function(cfimages_add_header_check target)
    set(_roots "${PROJECT_SOURCE_DIR}/include")
    set(_links cfimages::cfimages)
    foreach(_adapter IN ITEMS beast curl)
        if(TARGET cfimages::${_adapter} AND IS_DIRECTORY "${PROJECT_SOURCE_DIR}/adapters/${_adapter}/include")
            list(APPEND _roots "${PROJECT_SOURCE_DIR}/adapters/${_adapter}/include")
            list(APPEND _links cfimages::${_adapter})
        endif()
    endforeach()
    set(_sources "")
    foreach(_root IN LISTS _roots)
        file(GLOB_RECURSE _headers CONFIGURE_DEPENDS RELATIVE "${_root}" "${_root}/*.hpp")
        list(SORT _headers)
        foreach(_h IN LISTS _headers)
            string(MAKE_C_IDENTIFIER "${_h}" _id)
            set(_tu "${PROJECT_BINARY_DIR}/header_check/${_id}.cpp")
            file(CONFIGURE OUTPUT "${_tu}"
                CONTENT "// Generated: ${_h} must compile on its own, twice.\n#include <${_h}>\n#include <${_h}>\n"
                @ONLY)
            list(APPEND _sources "${_tu}")
        endforeach()
    endforeach()
    add_library(${target} OBJECT ${_sources})
    target_link_libraries(${target} PRIVATE ${_links} cfimages::warnings)
    # Only compiling matters here, not the code: skip the optimiser.
    if(NOT MSVC)
        target_compile_options(${target} PRIVATE -O0)
    endif()
endfunction()
