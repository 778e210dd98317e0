"""phapdien_text.py DIR MB: the first MB megabytes (10^6 bytes) of the
phapdien CSV files of DIR (../shared/corpus/phapdien), in name order, cut
after the last whole line, on standard output: real Vietnamese text of a
given size for tests/cli/test_analyze_large_input.sh and bench/bench_analyze.sh."""
import glob
import sys

want, text = int(sys.argv[2]) * 1000000, b""
for path in sorted(glob.glob(sys.argv[1] + "/*.csv")):
    with open(path, "rb") as f:
        text += f.read()
    if len(text) >= want:
        break
text = text[:want]
sys.stdout.buffer.write(text[: text.rindex(b"\n") + 1])
