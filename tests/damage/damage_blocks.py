#!/usr/bin/env python3
"""damage_blocks.py SRC DST SEED: copies the Xapian glass database SRC to DST
and damages 1 to 8 random blocks of its tables, deterministically from SEED,
the ways a disk or a bad copy damages them: a block zeroed, filled with
random bytes, replaced by another block of the same table (structure that
looks right in the wrong place), a few bytes changed, or the tail of a
block overwritten. Prints one line per damage ("table block kind").
Used by tests/cli/test_damaged_index.sh."""
import os
import random
import shutil
import sys

BLOCK = 8192  # glass's default block size (tracuu never changes it)
TABLES = ("postlist.glass", "termlist.glass", "docdata.glass", "position.glass")


def main():
    src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    r = random.Random(seed)
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    tables = [t for t in TABLES if os.path.getsize(os.path.join(dst, t)) >= BLOCK]
    for _ in range(r.randint(1, 8)):
        table = r.choice(tables)
        path = os.path.join(dst, table)
        blocks = os.path.getsize(path) // BLOCK
        b = r.randrange(blocks)
        kind = r.choice(("zero", "random", "copy", "bytes", "tail"))
        with open(path, "r+b") as f:
            if kind == "zero":
                f.seek(b * BLOCK)
                f.write(bytes(BLOCK))
            elif kind == "random":
                f.seek(b * BLOCK)
                f.write(r.randbytes(BLOCK))
            elif kind == "copy":
                f.seek(r.randrange(blocks) * BLOCK)
                data = f.read(BLOCK)
                f.seek(b * BLOCK)
                f.write(data)
            elif kind == "bytes":
                for _ in range(r.randint(1, 16)):
                    f.seek(b * BLOCK + r.randrange(BLOCK))
                    f.write(bytes([r.randrange(256)]))
            else:
                at = r.randrange(16, BLOCK)
                f.seek(b * BLOCK + at)
                f.write(r.randbytes(r.randint(1, min(64, BLOCK - at))))
        print(table, b, kind)


if __name__ == "__main__":
    main()
