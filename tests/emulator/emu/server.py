"""The HTTP side: one handler for every request (identify, latency, faults, quotas, injected
errors, the scenario's answer or the upstream), the proxy to the upstream, the request log and
the /__emulator/ control endpoints."""

import http.client
import json
import socket
import struct
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import registry, restjson, rpcv2, services  # noqa: F401  (services: registers them all)
from .faults import Faults
from .model import MODELS, load_models
from .quotas import Quotas
from .request import HOP_BY_HOP, Query, identify
from .responses import error_response, server_error_response, throttle_response
from .scenario import Scenario
from .stats import Stats


class Emulator:
    def __init__(self, args, scenario):
        self.args = args
        self.scenario = scenario
        self.faults = Faults(args.faults, args.seed)
        self.quotas = Quotas() if args.enforce_quotas else None
        self.stats = Stats()
        self.latency = args.latency_ms / 1000.0
        self.log_lock = threading.Lock()
        self.log = open(args.log, "a", buffering=1) if args.log else None
        up = urllib.parse.urlsplit(args.upstream) if args.upstream else None
        self.upstream = (up.hostname, up.port or 80) if up else None
        self.local = threading.local()

    def upstream_conn(self, fresh=False):
        c = getattr(self.local, "conn", None)
        if c is None or fresh:
            if c is not None:
                c.close()
            c = http.client.HTTPConnection(self.upstream[0], self.upstream[1], timeout=120)
            self.local.conn = c
        return c

    def write_log(self, entry):
        if self.log:
            line = json.dumps(entry, separators=(",", ":"))
            with self.log_lock:
                self.log.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "msgready-emulator"
    sys_version = ""

    def log_message(self, fmt, *args):  # no stderr access log (headers never logged)
        pass

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            raw = bytearray()
            while True:
                line = self.rfile.readline()
                raw += line
                n = int(line.split(b";")[0].strip() or b"0", 16)
                if n == 0:
                    while True:
                        t = self.rfile.readline()
                        raw += t
                        if t in (b"\r\n", b"\n", b""):
                            break
                    break
                raw += self.rfile.read(n + 2)
            return bytes(raw), True
        n = int(self.headers.get("Content-Length") or 0)
        return (self.rfile.read(n) if n else b""), False

    def _send(self, status, headers, body, head=False):
        self.send_response(status)
        has_len = False
        for k, v in headers:
            if k.lower() == "content-length":
                has_len = True
            self.send_header(k, v)
        if not has_len:
            self.send_header("Content-Length", str(len(body)))
        # Headers and body in one send (no Nagle / delayed-ACK stall).
        self._headers_buffer.append(b"\r\n")
        if body and not head:
            self._headers_buffer.append(body)
        self.flush_headers()

    def _reset(self):
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    def handle_one(self):
        emu = self.server.emu
        split = urllib.parse.urlsplit(self.path)
        path, qs = split.path, split.query
        body, chunked = self._read_body()
        if path.startswith("/__emulator/"):
            return self._control(emu, path)
        query = Query(qs)
        req = identify(self.command, path, query, self.headers, body, emu.args.default_region)
        if req.protocol and req.protocol.startswith("json") and body:
            try:
                req.body_json = json.loads(body)
            except ValueError:
                req.body_json = {}
        elif req.protocol == "rest-json" and body and self.command == "POST":
            try:
                req.body_json = json.loads(body)
            except ValueError:
                req.body_json = None
        bad_cbor = None
        if req.protocol == "rpc-v2-cbor":
            req.body_json, bad_cbor = rpcv2.decode_cbor_request(body, chunked, self.headers)
        key = (req.region, req.service, req.operation)
        if emu.latency:
            time.sleep(emu.latency)
        fault, extra = emu.faults.draw(key)
        if extra:
            time.sleep(extra)
        if fault == "spike":
            fault = None
        param = registry.request_key(req, body)
        proxied = False
        owned = registry.owned(emu.scenario, req)
        if fault == "reset":
            self._log(emu, req, 0, False, "reset")
            self._reset()
            return
        if fault == "throttle":
            resp = throttle_response(req)
        elif fault in ("5xx-500", "5xx-503", "5xx-burst"):
            resp = server_error_response(req, 500 if fault == "5xx-500" else 503)
            fault = "5xx" if fault != "5xx-burst" else fault
        elif emu.quotas is not None and not emu.quotas.take(key):
            fault = "quota"
            resp = throttle_response(req)
        else:
            inj = emu.scenario.injected_error(req.region, req.service, req.operation, param)
            if inj is not None:
                fault = "injected"
                resp = error_response(req, int(inj["status"]), inj["code"], inj["message"])
            elif bad_cbor:
                resp = error_response(req, 400, "SerializationException", bad_cbor)
            elif owned:
                answer = registry.answerer(req) or restjson.answer
                resp = answer(emu.scenario, req)
            elif emu.upstream and req.protocol == "rpc-v2-cbor":
                proxied = True
                resp = rpcv2.bridge(req, self.headers,
                                    lambda *a: self._proxy(emu, *a))
            elif emu.upstream:
                proxied = True
                resp = self._proxy(emu, body, chunked)
                if resp is None:
                    return
            elif req.protocol == "rpc-v2-cbor":
                resp = error_response(req, 404, "UnknownOperationException",
                                      "operation %s not in the scenario and no upstream" % req.operation)
            else:
                resp = (404, [("Content-Type", "text/html; charset=utf-8")],
                        b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"
                        b"<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n")
        status, headers, rbody = resp
        self._log(emu, req, status, proxied, fault)
        self._send(status, headers, rbody, head=self.command == "HEAD")

    def _log(self, emu, req, status, proxied, fault):
        entry = {"service": req.service, "region": req.region, "operation": req.operation,
                 "method": self.command, "path": req.path, "status": status,
                 "proxied": proxied, "fault": fault, "credential": req.access_key}
        if req.role_arn:
            entry["role_arn"] = req.role_arn
        emu.stats.record(entry, req.protocol)
        emu.write_log(entry)

    def _proxy(self, emu, body, chunked, method=None, path=None, headers=None):
        if headers is None:
            headers = [(k, v) for k, v in self.headers.items()
                       if k.lower() not in HOP_BY_HOP or (chunked and k.lower() == "transfer-encoding")]
        for attempt in (0, 1):
            conn = emu.upstream_conn(fresh=attempt == 1)
            try:
                conn.putrequest(method or self.command, path or self.path, skip_host=True,
                                skip_accept_encoding=True)
                for k, v in headers:
                    conn.putheader(k, v)
                conn.endheaders(body if body else None)
                r = conn.getresponse()
                data = r.read()
                out = [(k, v) for k, v in r.getheaders()
                       if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
                if self.command == "HEAD":
                    cl = r.getheader("Content-Length")
                    if cl is not None:
                        out.append(("Content-Length", cl))
                if r.will_close:
                    conn.close()
                    emu.local.conn = None
                return r.status, out, data
            except (http.client.HTTPException, OSError):
                conn.close()
                emu.local.conn = None
                if attempt == 1:
                    return 502, [("Content-Type", "text/plain")], b"upstream unreachable"
        return None

    def _control(self, emu, path):
        if path == "/__emulator/stats" and self.command == "GET":
            self._send(200, [("Content-Type", "application/json")],
                       json.dumps(emu.stats.snapshot()).encode())
        elif path == "/__emulator/reset-stats" and self.command == "POST":
            with emu.stats.lock:
                emu.stats.reset()
            self._send(200, [("Content-Type", "application/json")], b"{}")
        else:
            self._send(404, [("Content-Type", "text/plain")], b"unknown control path")

    def _dispatch(self):
        try:
            self.handle_one()
        except (ConnectionError, BrokenPipeError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _dispatch


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


def run(args):
    """Loads the scenario and the models, prints the one banner line, serves until killed."""
    with open(args.scenario) as f:
        scenario = Scenario(json.load(f), registry.scenario_answered(), registry.always_answered())
    MODELS.update(load_models())
    emu = Emulator(args, scenario)
    server = Server((args.host, args.port), Handler)
    server.emu = emu
    print("listening http://%s:%d" % (args.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
