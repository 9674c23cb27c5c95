"""A tiny authoritative DNS server for tests, on loopback (UDP and TCP), standard library only.

Usage: python tests/emulator/dns_server.py ZONE.json
Prints `listening 127.0.0.1:PORT` once ready (UDP and TCP on the same port).

ZONE.json: {"records": [{"name": "x._domainkey.acme.example", "type": "CNAME",
"value": "x.dkim.amazonses.com"}, {"name": "bounce.acme.example", "type": "MX", "value":
"10 feedback-smtp.us-east-1.amazonses.com"}, {"name": "_dmarc.acme.example", "type": "TXT",
"value": "v=DMARC1; p=none"}]}. A name with no records at all answers NXDOMAIN; a name with
records of other types answers NOERROR with no answer.
"""

import json
import socket
import socketserver
import struct
import sys
import threading

TYPES = {"A": 1, "CNAME": 5, "MX": 15, "TXT": 16}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        raw = label.encode()
        out += bytes([len(raw)]) + raw
    return out + b"\x00"


def parse_question(msg):
    labels, i = [], 12
    while msg[i]:
        n = msg[i]
        labels.append(msg[i + 1 : i + 1 + n].decode(errors="replace"))
        i += 1 + n
    qtype, _qclass = struct.unpack("!HH", msg[i + 1 : i + 5])
    return ".".join(labels).lower(), qtype, msg[12 : i + 5]


def rdata(kind, value):
    if kind == "CNAME":
        return encode_name(value)
    if kind == "MX":
        pref, host = value.split(None, 1)
        return struct.pack("!H", int(pref)) + encode_name(host)
    if kind == "TXT":
        raw = value.encode()
        return b"".join(bytes([len(c)]) + c for c in (raw[i : i + 255] for i in range(0, len(raw), 255)))
    if kind == "A":
        return socket.inet_aton(value)
    raise ValueError(kind)


class Zone:
    def __init__(self, path):
        with open(path) as f:
            self.records = json.load(f)["records"]

    def answer(self, msg):
        (qid,) = struct.unpack("!H", msg[:2])
        name, qtype, question = parse_question(msg)
        matching = [r for r in self.records if r["name"].lower().rstrip(".") == name]
        answers = [r for r in matching if TYPES.get(r["type"]) == qtype]
        rcode = 0 if matching else 3
        # QR, AA, RD copied, RA; rcode.
        flags = 0x8000 | 0x0400 | (struct.unpack("!H", msg[2:4])[0] & 0x0100) | 0x0080 | rcode
        out = struct.pack("!HHHHHH", qid, flags, 1, len(answers), 0, 0) + question
        for r in answers:
            data = rdata(r["type"], r["value"])
            out += b"\xc0\x0c" + struct.pack("!HHIH", TYPES[r["type"]], 1, 60, len(data)) + data
        return out


def main():
    zone = Zone(sys.argv[1])
    udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), None)
    port = udp.server_address[1]

    class Udp(socketserver.BaseRequestHandler):
        def handle(self):
            data, sock = self.request
            try:
                sock.sendto(zone.answer(data), self.client_address)
            except Exception:  # a malformed query gets no answer
                pass

    class Tcp(socketserver.StreamRequestHandler):
        def handle(self):
            while True:
                head = self.rfile.read(2)
                if len(head) < 2:
                    return
                (n,) = struct.unpack("!H", head)
                reply = zone.answer(self.rfile.read(n))
                self.wfile.write(struct.pack("!H", len(reply)) + reply)

    udp.RequestHandlerClass = Udp
    tcp = socketserver.ThreadingTCPServer(("127.0.0.1", port), Tcp)
    for server in (udp, tcp):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening 127.0.0.1:{port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
