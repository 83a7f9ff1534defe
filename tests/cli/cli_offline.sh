#!/usr/bin/env bash
# Offline checks of the cfimages command-line tool: the commands that need
# no Cloudflare API (sign, verify, upload-to) and list-v2 --meta, against a
# small local HTTP server started here (python3 standard library) that
# answers fixed envelopes and records every request it gets.
#
#   tests/cli/cli_offline.sh [PATH-TO-cfimages]    (default build/bin/cfimages)
#
# Registered in CTest as cli/offline (tools/cli/CMakeLists.txt). Exit 77
# (skipped) without python3. Prints one line per check, then "N passed, N failed".

set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cli="${1:-${CFIMAGES_CLI:-$root/build/bin/cfimages}}"
[[ -x "$cli" ]] || { echo "cli_offline: $cli is not built" >&2; exit 2; }
command -v python3 >/dev/null || { echo "cli_offline: needs python3; skipped" >&2; exit 77; }

work="$(mktemp -d)"
server_pid=""
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# Secrets the output must never show: the signing key and API credentials.
key="cfimages-offline-SECRET-signing-key-9d2f41"
token="cfimages-offline-SECRET-api-token-51c7e0"
api_key="cfimages-offline-SECRET-api-key-a8b3d6"
api_email="secret-offline-77e1@example.com"
unset CLOUDFLARE_API_TOKEN CLOUDFLARE_EMAIL CLOUDFLARE_API_KEY CLOUDFLARE_ACCOUNT_ID CLOUDFLARE_BASE_URL

hash="ZWd9g1K7eljCn_KDTu_MWA"
id="083eb7b2-5392-4565-b69e-aff66acddd00"
url="https://imagedelivery.net/$hash/$id/public"

# A valid 1x1 PNG.
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82' >"$work/pixel.png"

# ---- the local server ----------------------------------------------------------
# Answers every POST with an image envelope (POST to /refuse: a 400 with
# error 5408) and every GET with an empty v2 list page. Appends each request
# as one JSON line {method, path, headers, body(latin-1)} to requests.jsonl.
cat >"$work/server.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
log_path, port_path = sys.argv[1], sys.argv[2]
IMAGE = {"id": "2cdc28f0-017a-49c4-9ed7-87056c83901a", "filename": "pixel.png", "meta": {},
         "requireSignedURLs": False, "uploaded": "2024-01-02T03:04:05.000Z", "draft": False,
         "variants": ["https://imagedelivery.net/h/2cdc28f0-017a-49c4-9ed7-87056c83901a/public"]}
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def record(self, body):
        with open(log_path, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "headers": [[k, v] for k, v in self.headers.items()],
                                "body": body.decode("latin-1")}) + "\n")
    def answer(self, status, doc):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_POST(self):
        self.record(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        if self.path.startswith("/refuse"):
            self.answer(400, {"success": False, "messages": [], "result": None,
                              "errors": [{"code": 5408, "message": "Upload URL expired"}]})
        else:
            self.answer(200, {"success": True, "errors": [], "messages": [], "result": IMAGE})
    def do_GET(self):
        self.record(b"")
        if "/images/v1/silent" in self.path:
            import time; time.sleep(20)  # never answers in time (the thread ends with the server)
            return
        if "/accounts/repeating/images/v2" in self.path:
            # Hands back the same continuation token on every page (a mock
            # serving a fixed example does).
            self.answer(200, {"success": True, "errors": [], "messages": [],
                              "result": {"images": [IMAGE], "continuation_token": "same"}})
            return
        if "/images/v1/huge-meta" in self.path:
            # Numbers beyond a double's range, as a server may store them.
            data = ('{"success":true,"errors":[],"messages":[],"result":{"id":"huge-meta",'
                    '"meta":{"n":1e400,"list":[1,-1e400,2.5],"ok":1},"requireSignedURLs":false,'
                    '"uploaded":"2024-01-02T03:04:05.000Z","variants":[]}}').encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.answer(200, {"success": True, "errors": [], "messages": [],
                          "result": {"images": [IMAGE], "continuation_token": None}})
ThreadingHTTPServer.daemon_threads = True
srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(port_path + ".tmp", "w") as f: f.write(str(srv.server_address[1]))
import os; os.rename(port_path + ".tmp", port_path)
srv.serve_forever()
PY
python3 "$work/server.py" "$work/requests.jsonl" "$work/port" &
server_pid=$!
for _ in $(seq 1 100); do [[ -s "$work/port" ]] && break; sleep 0.1; done
[[ -s "$work/port" ]] || { echo "cli_offline: the local server did not start" >&2; exit 2; }
local_base="http://127.0.0.1:$(cat "$work/port")"

passed=0
failed=0
n=0
failures=()

# expect NAME STATUS CHECK -- ARGS...
#   CHECK: a Python expression over `d` (stdout as JSON, or None), `out`,
#          `err`, `reqs` (requests the server recorded during this run) and
#          `key`; "-" for none. Every run also fails if a secret shows up in
#          stdout or stderr, if a failing run's stderr does not start with
#          "error ", or if stdout is not one line of strict JSON (RFC 8259:
#          Python's NaN / Infinity extensions refused) when it is not empty.
#   Extra environment for the run: set EXPECT_ENV="A=1 B=2" (no spaces in values).
expect() {
    local name="$1" want="$2" check="$3"
    shift 4
    n=$((n + 1))
    local out="$work/$n.out" err="$work/$n.err" rc before=0
    [[ -f "$work/requests.jsonl" ]] && before=$(wc -l <"$work/requests.jsonl")
    # shellcheck disable=SC2086
    env ${EXPECT_ENV:-} "$cli" "$@" >"$out" 2>"$err" </dev/null
    rc=$?
    local why
    if [[ "$rc" != "$want" ]]; then
        why="exit status $rc, expected $want"
    else
        why="$(python3 - "$out" "$err" "$want" "$check" "$work/requests.jsonl" "$before" \
            "$key" "$token" "$api_key" "$api_email" <<'PY'
import json, os, sys
out_path, err_path, want, check, log_path, before = sys.argv[1:7]
secrets = sys.argv[7:]
out = open(out_path, encoding="utf-8", errors="replace").read()
err = open(err_path, encoding="utf-8", errors="replace").read()
reqs = []
if os.path.exists(log_path):
    reqs = [json.loads(l) for l in open(log_path).read().splitlines()[int(before):]]
problems = []
for s in secrets:
    if s in out or s in err:
        problems.append("a secret appears in the output")
d = None
if out and not out.startswith("usage:"):
    try:
        def not_json(literal):
            raise ValueError("%s is not JSON (RFC 8259)" % literal)
        d = json.loads(out, parse_constant=not_json)
        if out.count("\n") != 1 or not out.endswith("\n"):
            problems.append("stdout is not exactly one line of JSON")
    except Exception as e:
        problems.append("stdout is not one JSON document: %s" % e)
if want != "0" and not err.startswith("error "):
    problems.append("stderr does not start with 'error <code>: <message>'")
if check != "-" and not problems:
    try:
        ok = eval(check, {"d": d, "out": out, "err": err, "reqs": reqs, "key": secrets[0], "json": json})
    except Exception as e:
        ok = False
        problems.append("check raised %r" % e)
    if not ok and not problems:
        problems.append("check failed: " + check)
print("; ".join(problems))
PY
)"
    fi
    if [[ -z "$why" ]]; then
        passed=$((passed + 1))
        printf 'ok   %s\n' "$name"
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf 'FAIL %s: %s\n' "$name" "$why"
        printf '     stdout: %s\n' "$(head -c 400 "$out")"
        printf '     stderr: %s\n' "$(head -c 400 "$err")"
    fi
}

# The expected signature, computed independently (Python's hmac).
golden_sig="$(python3 -c '
import hmac, hashlib, sys
path, key = sys.argv[1], sys.argv[2]
print(hmac.new(key.encode(), (path + "?exp=2000000000").encode(), hashlib.sha256).hexdigest())
' "/$hash/$id/public" "$key")"
signed="$url?exp=2000000000&sig=$golden_sig"

echo "== cli offline ($cli, local server $local_base)"

# ---- sign ------------------------------------------------------------------------
expect "sign --exp: golden URL (HMAC-SHA256 of path?exp=..., as Python computes it)" 0 \
    "d == {'url': '$signed', 'expires': 2000000000}" -- sign "$url" --key "$key" --exp 2000000000
expect "sign --key=KEY form, query kept and signed" 0 \
    "d['url'].startswith('$url?w=1&exp=2000000000&sig=') and len(d['url'].rsplit('=',1)[1]) == 64" -- \
    sign "$url?w=1" "--key=$key" --exp 2000000000
expect "sign --expires-in 3600 reads the clock" 0 \
    "abs(d['expires'] - 3600 - __import__('time').time()) < 60" -- sign "$url" --key "$key" --expires-in 3600
expect "sign custom-domain URL" 0 "'/cdn-cgi/imagedelivery/' in d['url'] and '&sig=' in d['url']" -- \
    sign "https://img.example.com/cdn-cgi/imagedelivery/$hash/$id/public" --key "$key" --exp 2000000000
expect "sign --exp in the past: signed, with a warning" 0 "'warning:' in err and d['expires'] == 1000" -- \
    sign "$url" --key "$key" --exp 1000
expect "sign refuses a custom ID (exit 2)" 2 'err.startswith("error invalid_argument: image_id:")' -- \
    sign "https://imagedelivery.net/$hash/my/custom-id/public" --key "$key" --exp 2000000000
expect "sign refuses a flexible variant (exit 2)" 2 'err.startswith("error invalid_argument: variant:")' -- \
    sign "https://imagedelivery.net/$hash/$id/w=400,h=300" --key "$key" --exp 2000000000
expect "sign refuses an already signed URL (exit 2)" 2 'err.startswith("error invalid_argument:")' -- \
    sign "$signed" --key "$key" --exp 2000000000
expect "sign refuses a URL that is not a delivery URL (exit 2)" 2 'err.startswith("error invalid_argument:")' -- \
    sign "https://example.com/x.png" --key "$key" --exp 2000000000
expect "usage: sign without --key" 2 'err.startswith("error usage: missing required option --key")' -- \
    sign "$url" --exp 2000000000
expect "usage: sign with an empty --key" 2 'err.startswith("error usage: --key")' -- sign "$url" --key "" --exp 2000000000
expect "usage: sign with --exp and --expires-in" 2 'err.startswith("error usage: give exactly one")' -- \
    sign "$url" --key "$key" --exp 2000000000 --expires-in 60
expect "usage: sign with neither --exp nor --expires-in" 2 'err.startswith("error usage: give exactly one")' -- \
    sign "$url" --key "$key"
expect "usage: sign --expires-in 0" 2 'err.startswith("error usage: --expires-in")' -- sign "$url" --key "$key" --expires-in 0
expect "usage: sign --exp not a number" 2 'err.startswith("error usage: --exp")' -- sign "$url" --key "$key" --exp soon
expect "usage: sign without URL" 2 'err.startswith("error usage: missing argument URL")' -- sign --key "$key" --exp 1
expect "usage: mistyped --kye=KEY does not echo the key" 2 'err.startswith("error usage: unknown option --kye")' -- \
    sign "$url" "--kye=$key" --exp 1

# ---- verify ----------------------------------------------------------------------
expect "verify the golden URL (--now before exp)" 0 'd == {"valid": True, "expires": 2000000000}' -- \
    verify "$signed" --key "$key" --now 1900000000
expect "verify with the clock" 0 'd["valid"] is True' -- verify "$signed" --key "$key"
# Round trip through the tool: sign, then verify what it printed.
n=$((n + 1))
rt="$("$cli" sign "$url?a=b" --key "$key" --expires-in 600 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')"
if [[ -n "$rt" ]] && "$cli" verify "$rt" --key "$key" >/dev/null 2>&1; then
    passed=$((passed + 1)); echo "ok   round trip: sign --expires-in then verify (exit 0)"
else
    failed=$((failed + 1)); failures+=("round trip"); echo "FAIL round trip: sign --expires-in then verify"
fi
expect "verify a tampered URL (variant changed): exit 1" 1 \
    'd["valid"] is False and d["reason"].startswith("sig: does not match") and err.startswith("error invalid: sig:")' -- \
    verify "${signed/\/public?/\/thumbnail?}" --key "$key" --now 1900000000
expect "verify a tampered exp: exit 1" 1 'd["valid"] is False and d["reason"].startswith("sig:")' -- \
    verify "${signed/exp=2000000000/exp=2000000001}" --key "$key" --now 1900000000
expect "verify with the wrong key: exit 1" 1 'd["valid"] is False and d["reason"].startswith("sig:")' -- \
    verify "$signed" --key "another-key-entirely" --now 1900000000
# Redaction scrubs secrets, not words (issue 14): a value shorter than 8
# characters is no Cloudflare credential but an ordinary word, and is not
# scrubbed, so the tool's own text and the URL it signs come out whole;
# longer values are scrubbed wherever they appear, also inside longer text.
expect "verify --key wrong: the reason is not garbled by redaction" 1 \
    'd["reason"] == "sig: does not match (wrong key, or the URL was changed after signing)" and "(wrong key," in err and "redacted" not in out + err' -- \
    verify "$signed" --key wrong --now 1900000000
public_sig="d[\"url\"] == \"$url?exp=2000000000&sig=\" + __import__(\"hmac\").new(b\"public\", b\"/$hash/$id/public?exp=2000000000\", \"sha256\").hexdigest()"
expect "sign --key public: the signed URL keeps its variant name" 0 "$public_sig" -- \
    sign "$url" --key public --exp 2000000000
expect "a long secret is scrubbed also inside longer text" 0 \
    'd["url"].startswith("https://imagedelivery.net/'"$hash/$id"'/<redacted>x?exp=2000000000&sig=")' -- \
    --api-token "$token" sign "https://imagedelivery.net/$hash/$id/${token}x" --key "$key" --exp 2000000000
expect "verify expired (--now == exp): exit 1" 1 \
    'd == {"valid": False, "reason": "exp: expired at 2000000000 (now 2000000000)"} and err.startswith("error invalid: exp:")' -- \
    verify "$signed" --key "$key" --now 2000000000
expect "verify expired (--now past exp): exit 1" 1 'd["reason"].startswith("exp: expired")' -- \
    verify "$signed" --key "$key" --now 2100000000
expect "verify an unsigned URL: exit 1" 1 'd["reason"].startswith("sig: missing")' -- \
    verify "$url" --key "$key" --now 1900000000
expect "verify a malformed sig: exit 1" 1 'd["reason"].startswith("sig: must be 64")' -- \
    verify "$url?exp=2000000000&sig=XYZ" --key "$key" --now 1900000000
expect "verify a URL that is not a delivery URL: exit 2" 2 'err.startswith("error invalid_argument:") and d is None' -- \
    verify "https://example.com/x.png?exp=1&sig=00" --key "$key" --now 1
expect "usage: verify without --key" 2 'err.startswith("error usage: missing required option --key")' -- verify "$signed"
expect "usage: verify --now not a number" 2 'err.startswith("error usage: --now")' -- verify "$signed" --key "$key" --now later
expect "usage: verify with --exp" 2 'err.startswith("error usage: unknown option --exp")' -- \
    verify "$signed" --key "$key" --exp 1

# ---- upload-to -------------------------------------------------------------------
no_creds='not any(k.lower() in ("authorization", "x-auth-key", "x-auth-email", "cookie", "proxy-authorization") for r in reqs for k, v in r["headers"])'
multipart='r["method"] == "POST" and any(k.lower() == "content-type" and v.startswith("multipart/form-data; boundary=") for k, v in r["headers"]) and "name=\"file\"; filename=\"pixel.png\"" in r["body"] and "Content-Type: image/png" in r["body"] and open("'"$work"'/pixel.png","rb").read().decode("latin-1") in r["body"]'
expect "upload-to without credentials configured" 0 \
    "len(reqs) == 1 and [True for r in reqs if $multipart] and reqs[0]['path'] == '/upload/slot-1?x=1' and $no_creds and d['id'] and d['draft'] is False" -- \
    upload-to "$local_base/upload/slot-1?x=1" --file "$work/pixel.png"
EXPECT_ENV="CLOUDFLARE_API_TOKEN=$token CLOUDFLARE_EMAIL=$api_email CLOUDFLARE_API_KEY=$api_key CLOUDFLARE_ACCOUNT_ID=023e105f4ecef8ad9ca31a8372d0c353" \
expect "upload-to with credentials in the environment sends none" 0 \
    "len(reqs) == 1 and [True for r in reqs if $multipart] and $no_creds and d['filename'] == 'pixel.png'" -- \
    upload-to "$local_base/upload/slot-2" --file "$work/pixel.png"
expect "upload-to with --api-token given sends none" 0 "len(reqs) == 1 and $no_creds" -- \
    --api-token "$token" --account-id 023e105f4ecef8ad9ca31a8372d0c353 upload-to "$local_base/upload/slot-3" --file "$work/pixel.png"
expect "upload-to --api-email/--api-key given sends none" 0 "len(reqs) == 1 and $no_creds" -- \
    upload-to "$local_base/upload/slot-4" --file "$work/pixel.png" --api-email "$api_email" --api-key "$api_key"
expect "upload-to refused by the server (error 5408): exit 1" 1 'err.startswith("error 5408:") and len(reqs) == 1' -- \
    upload-to "$local_base/refuse" --file "$work/pixel.png"
expect "upload-to is not retried" 1 'len(reqs) == 1' -- --max-retries 5 upload-to "$local_base/refuse" --file "$work/pixel.png"
expect "upload-to a URL with user info: exit 2, nothing sent" 2 'err.startswith("error invalid_argument:") and not reqs' -- \
    upload-to "http://user:pw@127.0.0.1:1/x" --file "$work/pixel.png"
expect "upload-to an ftp URL: exit 2" 2 'err.startswith("error invalid_argument:") and not reqs' -- \
    upload-to "ftp://127.0.0.1/x" --file "$work/pixel.png"
expect "upload-to a missing file: exit 2 naming it, nothing sent" 2 \
    'err.startswith("error usage: --file: cannot open ") and "no-such.png" in err and not reqs' -- \
    upload-to "$local_base/upload/slot-5" --file "$work/no-such.png"
expect "upload-to a directory: exit 2, nothing sent" 2 'err.startswith("error usage: --file: cannot read ") and not reqs' -- \
    upload-to "$local_base/upload/slot-6" --file "$work"
printf 'not an image' >"$work/text.txt"
expect "upload-to a file of unknown type: exit 2" 2 'err.startswith("error invalid_argument:") and not reqs' -- \
    upload-to "$local_base/upload/x" --file "$work/text.txt"
expect "usage: upload-to without --file" 2 'err.startswith("error usage: missing required option --file")' -- \
    upload-to "$local_base/upload/x"
expect "usage: upload-to with a missing file" 2 'err.startswith("error usage: --file")' -- \
    upload-to "$local_base/upload/x" --file "$work/nope.png"
expect "upload-to a closed port: transport, exit 3" 3 'err.startswith("error transport:")' -- \
    --timeout 5 upload-to "http://127.0.0.1:9/x" --file "$work/pixel.png"

# ---- settings: options and environment through config_from_env --------------------
acct=023e105f4ecef8ad9ca31a8372d0c353
hdr="(lambda r, n: [v for k, v in r['headers'] if k.lower() == n.lower()])"
EXPECT_ENV="CLOUDFLARE_API_TOKEN=$token CLOUDFLARE_ACCOUNT_ID=$acct CLOUDFLARE_BASE_URL=$local_base//" \
expect "environment only: token, account and base URL (trailing slashes dropped)" 0 \
    "len(reqs) == 1 and reqs[0]['path'] == '/accounts/$acct/images/v2' and $hdr(reqs[0], 'Authorization') == ['Bearer $token']" -- \
    images list-v2
EXPECT_ENV="CLOUDFLARE_API_TOKEN=$token CLOUDFLARE_ACCOUNT_ID=$acct" \
expect "--api-email/--api-key hide the environment's token" 0 \
    "len(reqs) == 1 and $hdr(reqs[0], 'X-Auth-Key') == ['$api_key'] and not $hdr(reqs[0], 'Authorization')" -- \
    --api-email "$api_email" --api-key "$api_key" --base-url "$local_base" images list-v2
EXPECT_ENV="CLOUDFLARE_ACCOUNT_ID=$acct CLOUDFLARE_API_KEY=$api_key" \
expect "CLOUDFLARE_API_KEY without CLOUDFLARE_EMAIL: named, exit 2, nothing sent" 2 \
    'err.startswith("error usage: CLOUDFLARE_EMAIL: required with CLOUDFLARE_API_KEY") and not reqs' -- images list-v2
EXPECT_ENV="CLOUDFLARE_ACCOUNT_ID=$acct CLOUDFLARE_BASE_URL=ftp://example.com" \
expect "a bad CLOUDFLARE_BASE_URL is named" 2 \
    'err.startswith("error usage: CLOUDFLARE_BASE_URL: must start with https:// or http://")' -- \
    --api-token "$token" images list-v2
expect "a bad --base-url is named as the option" 2 \
    'err.startswith("error usage: --base-url: must start with https:// or http://")' -- \
    --api-token "$token" --account-id "$acct" --base-url ftp://example.com images list-v2

# ---- images list-v2 --meta ---------------------------------------------------------
creds=(--api-token "$token" --account-id 023e105f4ecef8ad9ca31a8372d0c353 --base-url "$local_base")
expect "list-v2 --meta (three filters) on the wire" 0 \
    "len(reqs) == 1 and reqs[0]['path'] == '/accounts/023e105f4ecef8ad9ca31a8372d0c353/images/v2?creator=c&meta.status[eq]=active&meta.region.name[in]=eu|us&meta.priority[eq:number]=5' and len(d['images']) == 1" -- \
    "${creds[@]}" images list-v2 --creator c --meta 'status[eq]=active' --meta 'meta.region.name[in]=eu|us' --meta 'priority[eq:number]=5'
expect "list-v2 --meta encodes what must be encoded" 0 \
    "reqs[0]['path'].endswith('images/v2?meta.a%20b[eq:string]=x%26y%3D1')" -- \
    "${creds[@]}" images list-v2 '--meta=a b[eq:string]=x&y=1'
expect "list-v2 --meta with --all" 0 "len(reqs) == 1 and 'meta.k[eq:boolean]=true' in reqs[0]['path']" -- \
    "${creds[@]}" images list-v2 --all --meta 'k[eq:boolean]=true'
expect "list-v2 --meta unknown operator: exit 2, nothing sent" 2 \
    'err.startswith("error invalid_argument: meta: unknown operator") and not reqs' -- \
    "${creds[@]}" images list-v2 --meta 'status[like]=x'
expect "list-v2 --meta not field[op]=value: exit 2" 2 'err.startswith("error invalid_argument: meta: must look like") and not reqs' -- \
    "${creds[@]}" images list-v2 --meta 'status=active'
expect "list-v2 --meta eq:number with a non-number: exit 2, says which --meta" 2 \
    'err.startswith("error invalid_argument: meta") and "(--meta number 2)" in err and not reqs' -- \
    "${creds[@]}" images list-v2 --meta 'a[eq]=1' --meta 'priority[eq:number]=high'
expect "list-v2 --meta range operator (not documented by Cloudflare): exit 2, nothing sent" 2 \
    'err.startswith("error invalid_argument: meta: operator '"'"'gte'"'"' is not in Cloudflare'"'"'s list-v2 documentation") and not reqs' -- \
    "${creds[@]}" images list-v2 --meta 'priority[gte]=5'
expect "list-v2 --meta in with 11 values: exit 2" 2 'err.startswith("error invalid_argument: meta") and not reqs' -- \
    "${creds[@]}" images list-v2 --meta 's[in]=1|2|3|4|5|6|7|8|9|10|11'
expect "list-v2 six --meta filters: exit 2" 2 'err.startswith("error invalid_argument: meta") and not reqs' -- \
    "${creds[@]}" images list-v2 --meta 'a[eq]=1' --meta 'b[eq]=1' --meta 'c[eq]=1' --meta 'd[eq]=1' --meta 'e[eq]=1' --meta 'f[eq]=1'
expect "list-v2 --meta six levels deep: exit 2" 2 'err.startswith("error invalid_argument: meta") and not reqs' -- \
    "${creds[@]}" images list-v2 --meta 'a.b.c.d.e.f[eq]=1'
expect "list-v2 bad --meta needs no credentials to be refused" 2 'err.startswith("error invalid_argument: meta")' -- \
    images list-v2 --meta 'x[nope]=1'

# ---- JSON in, JSON out ---------------------------------------------------------------
# Metadata that JSON cannot carry is refused before anything is sent; a number
# the server sent beyond a double's range is printed as null, with a warning.
expect "images get: meta with 1e400 prints strict JSON, null, and warns" 0 \
    'd["meta"] == {"n": None, "list": [1, None, 2.5], "ok": 1} and "warning: meta.n:" in err and "warning: meta.list[1]:" in err and "Infinity" not in out' -- \
    "${creds[@]}" images get huge-meta
expect "images update --metadata with 1e400: exit 2, nothing sent" 2 \
    'err.startswith("error invalid_argument: metadata.n: must be a finite number") and not reqs' -- \
    "${creds[@]}" images update some-id --metadata '{"n":1e400}'
expect "images upload --metadata with -1e400 deep inside: exit 2, nothing sent" 2 \
    'err.startswith("error invalid_argument: metadata.a[1]: must be a finite number") and not reqs' -- \
    "${creds[@]}" images upload --file "$work/pixel.png" --metadata '{"a":[0,-1e400]}'
expect "direct-upload --metadata with 1e400: exit 2, nothing sent" 2 \
    'err.startswith("error invalid_argument: metadata.x: must be a finite number") and not reqs' -- \
    "${creds[@]}" direct-upload --metadata '{"x":1E999}'

# ---- --timeout bounds the whole command; --all stops a server that repeats itself ----
t0=$(date +%s%N)
expect "--timeout 1 against a silent server: exit 3 in about a second, naming --timeout" 3 \
    '"timed out after 1000 ms (--timeout)" in err and "ClientOptions" not in err' -- \
    "${creds[@]}" --timeout 1 images get silent
elapsed_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if (( elapsed_ms < 2500 )); then passed=$((passed + 1)); echo "ok   --timeout 1: the command took ${elapsed_ms} ms (< 2500)"
else failed=$((failed + 1)); failures+=("timeout-wall"); echo "FAIL --timeout 1: the command took ${elapsed_ms} ms"; fi
expect "images list-v2 --all: a repeated token stops the walk; output and warning agree" 0 \
    'len(d["images"]) == 1 and "printing the 1 images of the first 1 page(s)" in err and len(reqs) == 2' -- \
    --base-url "$local_base" --account-id repeating --api-token "$token" images list-v2 --all

# ---- help --------------------------------------------------------------------------
expect "cfimages --help lists sign, verify, upload-to" 0 \
    '"\n  sign URL --key KEY" in out and "\n  verify URL" in out and "\n  upload-to URL --file PATH" in out' -- --help
expect "sign --help" 0 'out.startswith("usage: cfimages [global options] sign URL --key KEY (--expires-in SECONDS | --exp UNIX)")' -- sign --help
expect "verify --help" 0 'out.startswith("usage: cfimages [global options] verify URL --key KEY [--now UNIX]") and "exit 1" in out' -- verify --help
expect "upload-to --help" 0 'out.startswith("usage: cfimages [global options] upload-to URL --file PATH") and "no credentials" in out' -- upload-to --help
expect "images list-v2 --help shows --meta" 0 '"--meta FILTER" in out and "eq:boolean" in out' -- images list-v2 --help
expect "sign --help with --key given does not print it" 0 'out.startswith("usage:")' -- sign "$url" --key "$key" --help

echo "cli offline: ${#failures[@]} failing${failures:+: ${failures[*]}}"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
