#!/usr/bin/env python3
"""Write crates/model/service.json from an installed botocore.

The copy keeps the shapes, constraints, operations and error lists of the
partnercentral-account model and drops every documentation string. Structure
members become an ordered list, so that the model's member order (which
validation reports follow) survives any JSON parser.

Usage: python scripts/extract-model.py [output-path]   (run with the python of
a venv that has the pinned botocore, e.g. tests/sdk/python/.venv/bin/python)
"""
import gzip
import json
import os
import sys

import botocore

SERVICE = "partnercentral-account"
VERSION = "2025-04-04"


def strip_docs(value):
    if isinstance(value, dict):
        return {k: strip_docs(v) for k, v in value.items() if k != "documentation"}
    if isinstance(value, list):
        return [strip_docs(v) for v in value]
    return value


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "crates", "model", "service.json")
    path = os.path.join(os.path.dirname(botocore.__file__), "data", SERVICE, VERSION, "service-2.json.gz")
    with gzip.open(path) as f:
        model = json.load(f)
    shapes = {}
    for name, shape in model["shapes"].items():
        shape = strip_docs(shape)
        if "members" in shape:
            shape["members"] = [dict(name=n, **m) for n, m in shape["members"].items()]
        shapes[name] = shape
    operations = {}
    for name, op in model["operations"].items():
        op = strip_docs(op)
        op.pop("http", None)
        op.pop("name", None)
        operations[name] = op
    doc = {
        "botocore_version": botocore.__version__,
        "metadata": model["metadata"],
        "operations": operations,
        "shapes": shapes,
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {out}: {len(operations)} operations, {len(shapes)} shapes (botocore {botocore.__version__})")


if __name__ == "__main__":
    main()
