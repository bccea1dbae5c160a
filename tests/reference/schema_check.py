#!/usr/bin/env python3
"""`lrlab schema` checked by an independent validator (Debian's python3-jsonschema).

1. The schema is a valid draft-07 JSON Schema.
2. Every spec in experiments/ validates against it (the specs lrlab runs).
3. Every bad spec of the bad-input table (tests/data/bad_specs.json) that the schema can catch is
   rejected by it; those it cannot catch (they need more than one value at a time) are listed
   there with the reason, and lrlab itself rejects them (tests/e2e/bad_input_test.cpp).

Usage: schema_check.py PATH/TO/lrlab SOURCE_DIR
"""
import glob
import json
import os
import subprocess
import sys

import jsonschema


def main():
    lrlab, source = sys.argv[1], sys.argv[2]
    schema = json.loads(subprocess.run([lrlab, "schema"], check=True, capture_output=True, text=True).stdout)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    failures = []

    # experiments/gallery/ included (docs/gallery.md's specs).
    specs = sorted(glob.glob(os.path.join(source, "experiments", "**", "*.json"), recursive=True))
    assert specs, "no specs in experiments/"
    # A build without the torch plugin (no LibTorch; the sanitizer builds) has no torchscript task in
    # its schema: the torchscript specs are left out there, and checked where the plugin is built.
    has_torch = '"torchscript"' in json.dumps(schema)
    skipped = 0
    for path in specs:
        with open(path) as f:
            spec = json.load(f)
        if not has_torch and spec.get("task", {}).get("type") == "torchscript":
            skipped += 1
            continue
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(spec)]
        if errors:
            failures.append(f"{os.path.relpath(path, source)} should validate but: " + "; ".join(errors[:5]))
    print(f"{len(specs) - skipped} specs in experiments/ validate"
          + (f" ({skipped} torchscript specs left out: this build has no torch plugin)" if skipped else ""))

    with open(os.path.join(source, "tests", "data", "bad_specs.json")) as f:
        table = json.load(f)
    good = "\n".join(table["good"])
    if list(validator.iter_errors(json.loads(good))):
        failures.append("the table's good spec should validate")
    rejected = skipped = 0
    for case in table["cases"]:
        if "spec" in case:
            text = case["spec"]
        elif "truncate" in case:
            text = good[: case["truncate"]]
        else:
            src, dst = case["replace"]
            assert src in good, case["what"]
            text = good.replace(src, dst, 1)
        if case["schema"] is not True:
            skipped += 1
            print(f"  not for a schema: {case['what']} ({case['schema']})")
            continue
        try:
            spec = json.loads(text)
        except json.JSONDecodeError:
            rejected += 1  # not JSON: an editor flags it before any schema
            continue
        if list(validator.iter_errors(spec)):
            rejected += 1
        else:
            failures.append(f"bad spec accepted by the schema: {case['what']}")
    print(f"{rejected} bad specs rejected by the schema, {skipped} left to lrlab validate")

    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
