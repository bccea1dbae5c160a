#!/usr/bin/env python3
"""The README's "Experiments" section shows experiments/quickstart.json: the first JSON block after
that heading must be the file, byte for byte, so that what a newcomer reads is what the first
command runs.  Usage: readme_spec.py SOURCE_DIR"""
import re
import sys
from pathlib import Path


def main() -> int:
    source = Path(sys.argv[1])
    readme = (source / "README.md").read_text()
    at = readme.find("\n## Experiments\n")
    if at < 0:
        print("README.md has no '## Experiments' section")
        return 1
    block = re.search(r"```json\n(.*?)```", readme[at:], re.S)
    if not block:
        print("README.md's Experiments section has no ```json block")
        return 1
    spec = (source / "experiments" / "quickstart.json").read_text()
    if block.group(1) != spec:
        print("README.md's Experiments spec differs from experiments/quickstart.json: copy the file into the README")
        return 1
    print("README.md's Experiments spec is experiments/quickstart.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
