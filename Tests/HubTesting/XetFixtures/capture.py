"""Regenerates the fixtures in this folder: what hf_xet (the real client, from the test venv)
uploads for two generated files, captured by a loopback stand-in for the CAS that stores the
bodies. `mixed` mixes random bytes, text and a float32 ramp (chunk schemes 0 and 2); `text` is
text only (scheme 1). Run: .venv/bin/python Tests/HubTesting/XetFixtures/capture.py
The Swift tests (`XetFixture`) rebuild the files from the xorbs and check the hashes hf_xet declared."""
import hashlib, http.server, json, os, random, struct, threading, time

import hf_xet

HERE = os.path.dirname(os.path.abspath(__file__))


def generated(name):
    rng = random.Random(7)
    if name == "mixed":
        data = bytes(rng.getrandbits(8) for _ in range(20000))
        data += b"modelhub xet fixture line 0\n" * 6000
        data += b"".join(struct.pack("<f", i * 0.001) for i in range(40000))
        data += bytes(rng.getrandbits(8) for _ in range(30000))
        return data
    return b"".join(b"%d the quick brown fox jumps over the lazy dog %d\n" % (i, i * 7919 % 1000) for i in range(3000))


def capture(name):
    bodies = {}

    class CAS(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path.startswith("/v1/xorbs/"):
                bodies["xorb"] = body
                answer = {"was_inserted": True}
            elif self.path.startswith("/v1/shards"):
                bodies["shard"] = body
                answer = {"result": 1}
            else:  # xorb grants and v2 shards: not offered, so the client falls back
                return self.reply(404, {})
            self.reply(200, answer)

        def do_GET(self):
            self.reply(404, {})  # global dedup: nothing known

        def reply(self, status, answer):
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CAS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    data = generated(name)
    [info] = hf_xet.upload_bytes(
        [data], "http://127.0.0.1:%d" % server.server_address[1], ("token", int(time.time()) + 3600), None, None, "model")
    server.shutdown()
    for kind in ("xorb", "shard"):
        with open(os.path.join(HERE, "%s.%s" % (name, kind)), "wb") as out:
            out.write(bodies[kind])
    print(name, "file hash", info.hash, "sha256", hashlib.sha256(data).hexdigest(), "size", len(data))


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    for name in ("mixed", "text"):
        capture(name)
