# tracuu analyze on a multi-MB text (issue 19: 5 MB took 8 s and 1.1 GB,
# every token gathered as a json-c object before a byte was printed; the
# output now streams). What must hold on a large input:
#   1. analyze --json of the whole text is the analyses of its pieces (cut at
#      line ends), each token's pos and every start/end shifted by the piece's
#      place: nothing lost, repeated or reordered at any size;
#   2. each ref's and date's "text" is the input's bytes [start, end);
#   3. the plain output says the same as --json, line for line;
#   4. a full stdout stops it with exit 6 and one line.
# The text is 2 MB of real legal articles (../shared phapdien).
. "$(dirname "$0")/lib.sh"

src_dir=$TRACUU_SHARED/corpus/phapdien
if ! ls "$src_dir"/*.csv >/dev/null 2>&1; then
  echo "$TEST_NAME: skipped: no $src_dir"
  exit 77
fi
# 2 MB, cut after a line end.
python3 "$TRACUU_SRC/tests/text/phapdien_text.py" "$src_dir" 2 >"$TMP/text"

"$TRACUU" analyze --json <"$TMP/text" >"$TMP/whole.json" 2>"$TMP/err"
RC=$? ERR=$(cat "$TMP/err")
expect_rc 0 "analyze --json of 2 MB"
"$TRACUU" analyze <"$TMP/text" >"$TMP/whole.txt" 2>"$TMP/err"
RC=$? ERR=$(cat "$TMP/err")
expect_rc 0 "analyze of 2 MB"

# The pieces: 8, each cut after the first line end past its eighth.
python3 - "$TMP" 8 <<'EOF'
import sys
tmp, n = sys.argv[1], int(sys.argv[2])
data = open(tmp + "/text", "rb").read()
cuts = [0] + [data.index(b"\n", len(data) * i // n) + 1 for i in range(1, n)] + [len(data)]
for i in range(n):
    open("%s/piece%d" % (tmp, i), "wb").write(data[cuts[i]:cuts[i + 1]])
EOF
for i in 0 1 2 3 4 5 6 7; do
  "$TRACUU" analyze --json <"$TMP/piece$i" >"$TMP/piece$i.json" || fail "analyze --json of piece $i"
done

python3 - "$TMP" 8 >"$TMP/checks" <<'EOF'
import json, sys
tmp, n = sys.argv[1], int(sys.argv[2])
data = open(tmp + "/text", "rb").read()
whole = json.load(open(tmp + "/whole.json", encoding="utf-8"))
# 1. the pieces, shifted, make the whole
merged, pos, at = {"tokens": [], "refs": [], "dates": []}, 0, 0
for i in range(n):
    piece = json.load(open("%s/piece%d.json" % (tmp, i), encoding="utf-8"))
    for t in piece["tokens"]:
        t["pos"] += pos
    for key in merged:
        for x in piece[key]:
            x["start"] += at
            x["end"] += at
        merged[key] += piece[key]
    pos += len(piece["tokens"])
    at += len(open("%s/piece%d" % (tmp, i), "rb").read())
for key in merged:
    a, b = whole[key], merged[key]
    bad = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
    print("pieces %s: %s" % (key, "same" if a == b else
          "%d vs %d items, first difference at %s" % (len(a), len(b), bad)))
print("counts: %s" % ("many" if len(whole["tokens"]) > 200000 and len(whole["refs"]) > 500
                      and len(whole["dates"]) > 500 else "too few: %s" % {k: len(v) for k, v in whole.items()}))
# 2. the text of refs and dates is the input's bytes
wrong = [x for key in ("refs", "dates") for x in whole[key]
         if x["text"].encode("utf-8") != data[x["start"]:x["end"]]]
print("texts: %s" % ("input bytes" if not wrong else "%d differ, first %s" % (len(wrong), wrong[0])))
# 3. the plain output, line for line
lines = ["%d\t%s\t%s\t%s\t%d\t%d%s" % (t["pos"], t["exact"], t["folded"], t["kind"], t["start"],
         t["end"], "\tstopword" if t["stopword"] else "") for t in whole["tokens"]]
lines += ["ref\t%s\t%s%s" % (r["text"], r["canonical"], "\town" if r["own"] else "") for r in whole["refs"]]
lines += ["date\t%s\t%s" % (d["text"], d["iso"]) for d in whole["dates"]]
plain = open(tmp + "/whole.txt", encoding="utf-8").read().split("\n")
bad = next((i for i, (x, y) in enumerate(zip(lines + [""], plain)) if x != y), None)
print("plain: %s" % ("as json" if lines + [""] == plain else
      "%d lines vs %d, first difference at line %s" % (len(plain), len(lines) + 1, bad)))
EOF
expect_eq "$(sed -n 1p "$TMP/checks")" "pieces tokens: same" "the tokens of the pieces make the whole"
expect_eq "$(sed -n 2p "$TMP/checks")" "pieces refs: same" "the refs of the pieces make the whole"
expect_eq "$(sed -n 3p "$TMP/checks")" "pieces dates: same" "the dates of the pieces make the whole"
expect_eq "$(sed -n 4p "$TMP/checks")" "counts: many" "a large input gives many tokens, refs and dates"
expect_eq "$(sed -n 5p "$TMP/checks")" "texts: input bytes" "the text of refs and dates"
expect_eq "$(sed -n 6p "$TMP/checks")" "plain: as json" "the plain output says what --json says"

# 4. A full stdout: exit 6 and one line, in both forms.
for form in "" --json; do
  # shellcheck disable=SC2086 # no flag or one
  "$TRACUU" analyze $form <"$TMP/text" >/dev/full 2>"$TMP/err"
  RC=$? ERR=$(cat "$TMP/err")
  expect_rc 6 "a full stdout $form"
  expect_eq "$ERR" "tracuu: cannot write to standard output: No space left on device" \
    "a full stdout $form: the message"
done

finish
