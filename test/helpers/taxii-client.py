"""Reads a node's TAXII 2.1 server with the OASIS TAXII 2.1 client (taxii2client.v21, vendored in
../shared/vendor/cti-taxii-client, used as it is) and prints what it got as JSON.

usage: taxii-client.py DISCOVERY_URL USER PASSWORD PAGE_SIZE [ADDED_AFTER]

For every collection of every API root: every object (match[version]=last, paged with `next`), every
version of every object (match[version]=all, paged), the manifest (paged), the objects added after
ADDED_AFTER (paged), and Get an Object and Get Object Versions for each entente-* object.
"""
import json
import sys

from taxii2client.v21 import Server, as_pages


def paged(func, per_request, **kwargs):
    pages, items = [], []
    for envelope in as_pages(func, per_request=per_request, **kwargs):
        got = envelope.get("objects", [])
        pages.append(len(got))
        items.extend(got)
    return pages, items


def main():
    url, user, password, page_size = sys.argv[1:5]
    added_after = sys.argv[5] if len(sys.argv) > 5 else None
    per_request = int(page_size)
    server = Server(url, user=user, password=password)
    out = {"title": server.title, "api_roots": []}
    for root in server.api_roots:
        r = {"title": root.title, "versions": root.versions, "collections": []}
        for c in root.collections:
            pages, objects = paged(c.get_objects, per_request)
            all_pages, all_versions = paged(c.get_objects, per_request, version="all")
            _, manifest = paged(c.get_manifest, per_request)
            entry = {
                "id": c.id,
                "alias": c.alias,
                "title": c.title,
                "can_read": c.can_read,
                "can_write": c.can_write,
                "pages": pages,
                "objects": objects,
                "all_pages": all_pages,
                "all_versions": all_versions,
                "manifest": manifest,
                "single": {},
                "versions": {},
            }
            if added_after:
                entry["after_pages"], entry["after"] = paged(c.get_objects, per_request, added_after=added_after)
            for o in objects:
                if o["type"].startswith("entente-"):
                    entry["single"][o["id"]] = c.get_object(o["id"]).get("objects", [])
                    entry["versions"][o["id"]] = c.object_versions(o["id"]).get("versions", [])
            r["collections"].append(entry)
        out["api_roots"].append(r)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
