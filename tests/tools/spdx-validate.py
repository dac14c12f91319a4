#!/usr/bin/python3
"""Check an SPDX 2.3 JSON document: against a JSON schema, then the rules of
the SPDX 2.3 specification the schema does not express (identifiers, dates,
the namespace, relationships between elements that exist).

Usage: spdx-validate.py SCHEMA DOCUMENT
Prints "valid" and exits 0, or one line per problem and exits 1.
"""
import json
import re
import sys

import jsonschema

ID = re.compile(r"^SPDXRef-[A-Za-z0-9.-]+$")
CREATED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
CREATOR = re.compile(r"^(Tool|Organization|Person): \S.*$")
NAMESPACE = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s#]+$")


def problems(schema, doc):
    validator = jsonschema.Draft7Validator(schema)
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
        yield "schema: %s: %s" % ("/".join(map(str, e.path)) or "(document)", e.message)
    if not isinstance(doc, dict):
        return
    if doc.get("spdxVersion") != "SPDX-2.3":
        yield "spdxVersion is not SPDX-2.3"
    if doc.get("dataLicense") != "CC0-1.0":
        yield "dataLicense is not CC0-1.0"
    if doc.get("SPDXID") != "SPDXRef-DOCUMENT":
        yield "the document's SPDXID is not SPDXRef-DOCUMENT"
    if not NAMESPACE.match(str(doc.get("documentNamespace", ""))):
        yield "documentNamespace is not a URI without '#'"
    info = doc.get("creationInfo", {})
    if not CREATED.match(str(info.get("created", ""))):
        yield "creationInfo.created is not YYYY-MM-DDThh:mm:ssZ"
    for c in info.get("creators", []):
        if not CREATOR.match(str(c)):
            yield "creator %r is not 'Tool: ', 'Organization: ' or 'Person: '" % c
    ids = {"SPDXRef-DOCUMENT"}
    for p in doc.get("packages", []):
        i = p.get("SPDXID", "")
        if not ID.match(i):
            yield "package id %r is not SPDXRef-[A-Za-z0-9.-]+" % i
        if i in ids:
            yield "package id %r is used twice" % i
        ids.add(i)
    for r in doc.get("relationships", []):
        for k in ("spdxElementId", "relatedSpdxElement"):
            if r.get(k) not in ids:
                yield "relationship %s %r names no element" % (k, r.get(k))


def main():
    if len(sys.argv) != 3:
        print("usage: spdx-validate.py SCHEMA DOCUMENT", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    with open(sys.argv[2]) as f:
        doc = json.load(f)
    found = list(problems(schema, doc))
    for p in found:
        print(p)
    if not found:
        print("valid")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
