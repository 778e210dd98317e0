# gen-docs.awk: the command pages doc/tracuu-COMMAND.1.scd are the one source
# of tracuu's documentation. scdoc turns them into man pages; this script turns
# them into what the binary and the shell need (POSIX awk: mawk is enough):
#
#   awk -v mode=c -f doc/gen-docs.awk doc/tracuu-index.1.scd ... > help_docs.h
#       the table cli/help.c prints `tracuu help COMMAND` from
#   awk -v mode=bash -f doc/gen-docs.awk doc/tracuu-index.1.scd ... > table.bash
#       the commands, options and option values for the bash completion
#   awk -v mode=examples -f doc/gen-docs.awk doc/*.scd
#       every example: "FILE<TAB>EXIT<TAB>COMMAND" (tests/cli/test_doc_examples.sh)
#
# What the pages must look like (scdoc, plus these conventions):
#   line 1        tracuu-NAME(1)
#   # SYNOPSIS    one line; a line ending in "++" goes on with a tab-indented one
#   # DESCRIPTION paragraphs: the summary of `tracuu help NAME`
#   # OPTIONS     a term line ("*--db* _DIR_"), an optional scdoc comment
#                 "; values: a b c" (completion only), then tab-indented lines
#   # EXAMPLES    ``` blocks, one command a line; "# exit N" in a line's
#                 comment says the exit code the example test expects (else 0)
# Markup becomes plain text for the help: "*" and "_" are dropped, "\X" is X.

BEGIN { WIDTH = 80; MAXTERM = 18; n_cmds = 0 }

# Output: to the file named by -v out=FILE, else stdout.
function emit(s) { if (out != "") print s > out; else print s }

# Display width of s: UTF-8 continuation bytes take no column.
function ulen(s,   t) { t = s; gsub(/[\200-\277]/, "", t); return length(t) }

function plain(s,   out, i, c, n) {
  out = ""; n = length(s)
  for (i = 1; i <= n; i++) {
    c = substr(s, i, 1)
    if (c == "\\" && i < n) { i++; out = out substr(s, i, 1); continue }
    if (c == "*" || c == "_") continue
    out = out c
  }
  return out
}

# text wrapped at WIDTH; the first line starts at column col (after what the
# caller printed), the others after indent spaces.
function wrap(text, col, indent,   words, n, i, out, pad, w) {
  n = split(text, words, / +/); out = ""; pad = sprintf("%" indent "s", "")
  for (i = 1; i <= n; i++) {
    if (words[i] == "") continue
    w = ulen(words[i])
    if (out != "" && col + 1 + w > WIDTH) { out = out "\n" pad; col = indent }
    else if (out != "") { out = out " "; col++ }
    out = out words[i]; col += w
  }
  return out
}

function start_page(   name) {
  name = $0; sub(/\(.*/, "", name); sub(/^tracuu-?/, "", name)
  cmd = name; page = FILENAME; section = ""; in_code = 0; para = ""; term = ""; n_opts = 0
  synopsis = ""; summary = ""; examples = ""; values_line = ""
}

function flush_para() {
  if (para == "") return
  summary = summary (summary == "" ? "" : "\n\n") wrap(para, 0, 0); para = ""
}

function flush_option() {
  if (term == "") return
  n_opts++; opt_term[n_opts] = term; opt_desc[n_opts] = desc; opt_values[n_opts] = values_line
  term = ""; desc = ""; values_line = ""
}

function end_page(   i, w, pad, out, t) {
  flush_para(); flush_option()
  if (cmd == "" || page ~ /\.5\.scd$/) return
  w = 0
  for (i = 1; i <= n_opts; i++) if (ulen(opt_term[i]) > w && ulen(opt_term[i]) <= MAXTERM) w = ulen(opt_term[i])
  out = ""
  for (i = 1; i <= n_opts; i++) {
    t = "  " opt_term[i]
    if (ulen(opt_term[i]) > w) t = t "\n" sprintf("%" (w + 4) "s", "")
    else t = t sprintf("%" (w - ulen(opt_term[i]) + 2) "s", "")
    out = out t wrap(opt_desc[i], w + 4, w + 4) "\n"
  }
  n_cmds++
  c_name[n_cmds] = cmd; c_syn[n_cmds] = synopsis; c_sum[n_cmds] = summary
  c_opts[n_cmds] = out; c_ex[n_cmds] = examples
  c_nopt[n_cmds] = n_opts
  for (i = 1; i <= n_opts; i++) {
    c_term[n_cmds, i] = opt_term[i]; c_val[n_cmds, i] = opt_values[i]
  }
  cmd = ""
}

FNR == 1 { if (NR > 1) end_page(); start_page(); next }

/^```/ { in_code = !in_code; next }

in_code {
  if (section == "EXAMPLES") {
    examples = examples "  " $0 "\n"
    ex_exit = 0
    if (match($0, /# exit [0-9]+/)) ex_exit = substr($0, RSTART + 7, RLENGTH - 7)
    if (mode == "examples") emit(FILENAME "\t" ex_exit "\t" $0)
  }
  next
}

/^# / { flush_para(); flush_option(); section = substr($0, 3); next }

section == "SYNOPSIS" && /[^ \t]/ {
  line = $0; cont = sub(/\+\+$/, "", line)
  if (line ~ /^\t/) { sub(/^\t+/, "", line); line = sprintf("%" (ulen("tracuu " cmd) + 1) "s", "") line }
  synopsis = synopsis plain(line) (cont ? "\n" : "")
  next
}

section == "DESCRIPTION" {
  if ($0 ~ /^[ \t]*$/) flush_para()
  else para = para (para == "" ? "" : " ") plain($0)
  next
}

section == "OPTIONS" {
  if ($0 ~ /^[ \t]*$/) { flush_option(); next }
  if ($0 ~ /^; values:/) { values_line = substr($0, 11); next }
  if ($0 ~ /^\t/) { line = $0; sub(/^\t+/, "", line); desc = desc (desc == "" ? "" : " ") plain(line); next }
  flush_option(); term = plain($0); desc = ""
  next
}

# A C string literal, one source line per line of s.
function cstr(s,   lines, n, i, out, l) {
  n = split(s, lines, "\n"); out = ""
  for (i = 1; i <= n; i++) {
    if (i == n && lines[i] == "") break
    l = lines[i]
    gsub(/\\/, "\\\\", l); gsub(/"/, "\\\"", l); gsub(/\?/, "\\?", l)
    out = out (out == "" ? "" : "\n     ") "\"" l (i < n ? "\\n" : "") "\""
  }
  return out == "" ? "\"\"" : out
}

function emit_c(   i) {
  emit("/* do not edit; generated by doc/gen-docs.awk from doc/tracuu-*.1.scd */")
  emit("static const command_doc docs[] = {")
  for (i = 1; i <= n_cmds; i++)
    emit(sprintf("    {\"%s\",\n     %s,\n     %s,\n     %s,\n     %s},", c_name[i], cstr(c_syn[i]),
                 cstr(c_sum[i]), cstr(c_opts[i]), cstr(c_ex[i])))
  emit("};")
}

function emit_bash(   i, j, k, n_names, names, cmds, opts, takes, name, v) {
  emit("# do not edit; generated by doc/gen-docs.awk from doc/tracuu-*.1.scd")
  cmds = ""
  for (i = 1; i <= n_cmds; i++) cmds = cmds (cmds == "" ? "" : " ") c_name[i]
  emit("_tracuu_commands='" cmds " help'")
  for (i = 1; i <= n_cmds; i++) {
    opts = "--help"; takes = ""
    for (j = 1; j <= c_nopt[i]; j++) {
      # "--db DIR", "--color[=WHEN]", or "--db, --store, ... VALUE": options
      # that all take the value named after the last one.
      n_names = split(c_term[i, j], names, /, /)
      for (k = 1; k <= n_names; k++) {
        name = names[k]; sub(/[ [].*/, "", name)
        opts = opts " " name
        if (names[n_names] ~ /^[^ []+ /) takes = takes " " name
        v = c_val[i, j]
        if (v != "") emit("_tracuu_values[" c_name[i] name "]='" v "'")
      }
    }
    emit("_tracuu_options[" c_name[i] "]='" opts "'")
    emit("_tracuu_takes_value[" c_name[i] "]='" takes "'")
  }
}

END {
  end_page()
  if (mode == "c") emit_c()
  else if (mode == "bash") emit_bash()
}
