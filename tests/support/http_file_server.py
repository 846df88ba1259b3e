#!/usr/bin/env python3
"""Serves a folder over HTTP on 127.0.0.1 for tests and the local fleet (deploy/fleet): a stand-in
for the web server or bucket a reference store is published on.

    http_file_server.py DIR [PORT]    prints the bound port on stdout, then serves until killed

PORT 0 (the default) picks a free port. Each request is answered from the file as it is at that
moment, so publishing by writing a new file and renaming it over the old one (as docs/DEPLOY.md
says) is atomic for readers. Standard library only (Debian's /usr/bin/python3)."""

import functools
import http.server
import sys


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        sys.stderr.write("http_file_server: " + (format % args) + "\n")


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    handler = functools.partial(Quiet, directory=sys.argv[1])
    port = int(sys.argv[2]) if len(sys.argv) == 3 else 0
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(server.server_address[1], flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
