# cmake -DCLI=<cfimages> -DOUT=<dir> -P generate_docs.cmake
# Writes OUT/cfimages.1 (`cfimages man`), OUT/cfimages.bash and OUT/_cfimages
# (`cfimages completion bash|zsh`); fails when the tool does.
cmake_minimum_required(VERSION 3.21)
file(MAKE_DIRECTORY "${OUT}")
foreach(_job IN ITEMS "cfimages.1|man" "cfimages.bash|completion;bash" "_cfimages|completion;zsh")
    string(REPLACE "|" ";" _parts "${_job}")
    list(POP_FRONT _parts _file)
    execute_process(COMMAND "${CLI}" ${_parts}
        OUTPUT_FILE "${OUT}/${_file}.tmp" RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "generate_docs: ${CLI} ${_parts} failed (${_rc})")
    endif()
    file(RENAME "${OUT}/${_file}.tmp" "${OUT}/${_file}")
endforeach()
