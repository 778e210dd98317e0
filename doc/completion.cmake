# cmake -DTABLE=t.bash -DIN=tracuu.bash -DOUT=out -P completion.cmake: the
# completion functions with the generated table in place of the @TABLE@ line.
cmake_minimum_required(VERSION 3.25)
file(READ ${TABLE} table)
file(READ ${IN} text)
string(REPLACE "# @TABLE@\n" "${table}" text "${text}")
file(WRITE ${OUT} "${text}")
