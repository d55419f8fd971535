#!/usr/bin/env python3
"""Write crates/model/services/<service>/service.json from an installed botocore.

The copy keeps the shapes, constraints, operations and error lists of one
served service's botocore model and drops every documentation string.
Structure members become an ordered list, so that the model's member order
(which validation reports follow) survives any JSON parser.

Usage: python scripts/extract-model.py SERVICE [output-path]
       python scripts/extract-model.py --all
SERVICE is a botocore service name (partnercentral-account,
partnercentral-selling, ...); --all rewrites every served service (every
folder under crates/model/services). Run with the python of a venv that has
the pinned botocore, e.g. tests/sdk/python/.venv/bin/python.
"""
import gzip
import json
import os
import sys

import botocore

SERVICES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "model", "services")


def served():
    """The services pcentral serves: one folder each under crates/model/services."""
    return sorted(d for d in os.listdir(SERVICES_DIR) if os.path.isdir(os.path.join(SERVICES_DIR, d)))


def strip_docs(value):
    if isinstance(value, dict):
        return {k: strip_docs(v) for k, v in value.items() if k != "documentation"}
    if isinstance(value, list):
        return [strip_docs(v) for v in value]
    return value


def botocore_model(service):
    """botocore's service-2.json of `service` (its newest API version)."""
    base = os.path.join(os.path.dirname(botocore.__file__), "data", service)
    if not os.path.isdir(base):
        sys.exit(f"botocore {botocore.__version__} has no service {service}")
    version = sorted(os.listdir(base))[-1]
    with gzip.open(os.path.join(base, version, "service-2.json.gz")) as f:
        return json.load(f)


def extract(service, out):
    model = botocore_model(service)
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
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {out}: {len(operations)} operations, {len(shapes)} shapes (botocore {botocore.__version__})")


def main():
    args = sys.argv[1:]
    if args == ["--all"]:
        for service in served():
            extract(service, os.path.join(SERVICES_DIR, service, "service.json"))
        return
    if not args or len(args) > 2 or args[0].startswith("-"):
        sys.exit(__doc__)
    service = args[0]
    out = args[1] if len(args) > 1 else os.path.join(SERVICES_DIR, service, "service.json")
    extract(service, out)


if __name__ == "__main__":
    main()
