# cmake -DSCDOC=scdoc -DIN=page.scd -DOUT=page.1 -P scdoc.cmake: scdoc reads
# standard input only; this keeps the build free of shell redirections.
cmake_minimum_required(VERSION 3.25)
get_filename_component(dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
execute_process(COMMAND ${SCDOC} INPUT_FILE ${IN} OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "scdoc failed on ${IN}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
