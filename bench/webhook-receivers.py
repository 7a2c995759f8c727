#!/usr/bin/env python3
"""Three webhook receivers for bench/run-api.sh WEBHOOKS=1: one answers at once (204), one after
2 s (slow), one with 500 (failing, so every event is retried). Prints their URLs, one a line, then
serves until killed. Usage: webhook-receivers.py <first port>"""
import sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

def handler(delay, status):
    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if delay:
                time.sleep(delay)
            self.send_response(status)
            self.end_headers()
        def log_message(self, *args):
            pass
    return Hook

port = int(sys.argv[1])
for offset, (delay, status) in enumerate([(0, 204), (2, 204), (0, 500)]):
    server = ThreadingHTTPServer(("127.0.0.1", port + offset), handler(delay, status))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"http://127.0.0.1:{port + offset}/hook", flush=True)
threading.Event().wait()
