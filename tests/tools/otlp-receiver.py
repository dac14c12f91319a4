#!/usr/bin/env python3
"""A loopback OTLP/HTTP receiver for the agent's tests.

    otlp-receiver.py DIR [--answers 503,503,200] [--hang] [--port N]

Listens on 127.0.0.1 (port N, default a free one; written to DIR/port), prints "ready"
on stdout, and for each POST saves the request: DIR/req-NNNN-STATUS.body
(the body as received), DIR/req-NNNN-STATUS.pb (gunzipped when
Content-Encoding is gzip) and DIR/req-NNNN-STATUS.headers (the path, then
the headers). It answers with the next status of --answers (the last one
again once they are used up; default 200), 404 to a path other than
/v1development/profiles; with --hang it reads the request and never
answers.
"""
import argparse
import gzip
import http.server
import os
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--answers", default="200")
    ap.add_argument("--hang", action="store_true")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    answers = [int(a) for a in args.answers.split(",")]
    lock = threading.Lock()
    state = {"n": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state["n"] += 1
                n = state["n"]
            if args.hang:
                status = 0
            elif self.path != "/v1development/profiles":
                status = 404
            else:
                status = answers[min(n, len(answers)) - 1]
            base = os.path.join(args.dir, "req-%04d-%03d" % (n, status))
            with open(base + ".headers", "w") as f:
                f.write(self.path + "\n")
                for k, v in self.headers.items():
                    f.write("%s: %s\n" % (k, v))
            with open(base + ".body", "wb") as f:
                f.write(body)
            data = body
            if self.headers.get("Content-Encoding") == "gzip":
                data = gzip.decompress(body)
            with open(base + ".pb.tmp", "wb") as f:
                f.write(data)
            os.rename(base + ".pb.tmp", base + ".pb")
            if args.hang:
                while True:
                    time.sleep(3600)
            self.send_response(status)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    with open(os.path.join(args.dir, "port.tmp"), "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(os.path.join(args.dir, "port.tmp"), os.path.join(args.dir, "port"))
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
