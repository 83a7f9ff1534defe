#!/usr/bin/env bash
# `cfimages sync` and `cfimages export` against the loopback server
# tests/cli/bulk_server.py (latency, a rate limit with 429s, ambiguous
# upload faults): exactly once after kill -9 and a rerun, shards partition
# the set, skip rules, the journal tied to its destination, the default
# journal outside DIR, dry runs send nothing, export round trip byte for
# byte, output shape and exit statuses.
#
#   tests/cli/cli_bulk.sh [PATH-TO-cfimages]    (default build/bin/cfimages)
#
# Registered in CTest and meson as cli/bulk. Exit 77 (skipped) without
# python3. Prints one line per check, then "N passed, N failed".

set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cli="${1:-${CFIMAGES_CLI:-$root/build/bin/cfimages}}"
[[ -x "$cli" ]] || { echo "cli_bulk: $cli is not built" >&2; exit 2; }
command -v python3 >/dev/null || { echo "cli_bulk: needs python3; skipped" >&2; exit 77; }

work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
unset CLOUDFLARE_API_TOKEN CLOUDFLARE_EMAIL CLOUDFLARE_API_KEY CLOUDFLARE_ACCOUNT_ID CLOUDFLARE_BASE_URL
export XDG_STATE_HOME="$work/state"
token="cfimages-bulk-SECRET-token-3b9d1f"

passed=0
failed=0
check() {  # check NAME CONDITION-EXIT-STATUS [DETAIL]
    if [[ "$2" == 0 ]]; then passed=$((passed + 1)); echo "ok   $1"
    else failed=$((failed + 1)); echo "FAIL $1 ${3:-}"; fi
}

# start_server VAR [options]: a fresh server; VAR gets its base URL.
n_servers=0
start_server() {
    local var="$1"; shift
    n_servers=$((n_servers + 1))
    local pf="$work/port.$n_servers"
    python3 "$root/tests/cli/bulk_server.py" "$pf" --lifetime 100 "$@" &
    pids+=($!)
    for _ in $(seq 1 100); do [[ -s "$pf" ]] && break; sleep 0.05; done
    [[ -s "$pf" ]] || { echo "cli_bulk: the server did not start" >&2; exit 2; }
    printf -v "$var" 'http://127.0.0.1:%s' "$(cat "$pf")"
}

# The set: 120 PNG, JPEG and GIF files in nested folders with distinct
# bytes, plus files that must be skipped (hidden, not an image, inside a
# hidden folder).
python3 - "$work/src" <<'PY'
import os, sys
root = sys.argv[1]
magic = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a"]
for i in range(120):
    d = os.path.join(root, "a" if i % 3 == 0 else "b/c" if i % 3 == 1 else "")
    os.makedirs(d, exist_ok=True)
    ext = ["png", "jpg", "gif"][i % 3]
    with open(os.path.join(d, "img %03d.%s" % (i, ext)), "wb") as f:
        f.write(magic[i % 3] + os.urandom(500 + 37 * i))
open(os.path.join(root, "notes.txt"), "w").write("not an image")
open(os.path.join(root, "a", "fake.png"), "w").write("text with a .png name")
open(os.path.join(root, ".DS_Store"), "wb").write(magic[0] + b"hidden")
os.makedirs(os.path.join(root, ".cache"), exist_ok=True)
open(os.path.join(root, ".cache", "x.png"), "wb").write(magic[0] + b"in a hidden folder")
PY

cfi() {  # cfi BASE ARGS...: the tool against BASE, stdout/stderr to $work/out, $work/err
    local base="$1"; shift
    "$cli" --base-url "$base" --account-id acc1 --api-token "$token" "$@" >"$work/out" 2>"$work/err" </dev/null
}

# py EXPR...: evaluates a Python check with helpers; exit 0 when true.
#   summary()  the last stdout line as JSON      stats(B)  the server's /__stats
#   images(B)  {id: sha256} the server stores    local()   {relpath: sha256} of $work/src images
py() {
    python3 - "$work" "$@" <<'PY'
import hashlib, json, os, sys, urllib.request
work = sys.argv[1]
def summary():
    lines = open(os.path.join(work, "out")).read().splitlines()
    return json.loads(lines[-1])
def get(b, p): return json.load(urllib.request.urlopen(b + p))
def stats(b): return get(b, "/__stats")
def images(b): return get(b, "/__images")
def sha(p): return hashlib.sha256(open(p, "rb").read()).hexdigest()
def local(root=os.path.join(work, "src")):
    out = {}
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(".")]
        for f in files:
            p = os.path.join(d, f)
            if f.startswith(".") or f in ("notes.txt", "fake.png"): continue
            out[os.path.relpath(p, root)] = sha(p)
    return out
def err(): return open(os.path.join(work, "err")).read()
def out(): return open(os.path.join(work, "out")).read()
ok = eval(sys.argv[2])
if not ok:
    print("  check failed:", sys.argv[2], file=sys.stderr)
    print("  stdout:", out()[-600:], file=sys.stderr)
    print("  stderr:", err()[-600:], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

summary_keys='list(summary().keys()) == ["files","uploaded","already_present","skipped","failed","seconds"]'

# ---- usage errors: exit 2, nothing sent ----------------------------------------
start_server U
cfi "$U" sync "$work/src" --shard 4/3; check "usage: --shard 4/3 exits 2" "$([[ $? == 2 ]]; echo $?)"
py "'shard' in err() and err().startswith('error usage:')"; check "usage: the message names --shard" $?
cfi "$U" sync "$work/nowhere"; check "usage: a missing DIR exits 2" "$([[ $? == 2 ]]; echo $?)"
cfi "$U" sync "$work/src" --require-signed-urls; check "usage: --require-signed-urls with custom IDs exits 2" "$([[ $? == 2 ]]; echo $?)"
cfi "$U" sync "$work/src" --metadata '[1]'; check "usage: --metadata not an object exits 2" "$([[ $? == 2 ]]; echo $?)"
cfi "$U" sync "$work/src" --concurrency 0; check "usage: --concurrency 0 exits 2" "$([[ $? == 2 ]]; echo $?)"
py "stats('$U')['stats'].get('requests', 0) == 0"; check "usage: nothing was sent" $?

# ---- dry run: the plan, nothing sent, no journal --------------------------------
cfi "$U" sync "$work/src" --dry-run --journal "$work/dry.journal"
check "dry run: exit 0" "$([[ $? == 0 ]]; echo $?)"
py "summary()['uploaded'] == 120 and summary()['skipped'] == 3 and summary()['files'] == 123 and $summary_keys"
check "dry run: the summary counts what would be done" $?
py "sum(1 for l in out().splitlines()[:-1] if json.loads(l)['action'] == 'upload') == 120"
check "dry run: one plan line per file" $?
py "stats('$U')['stats'].get('requests', 0) == 0 and not os.path.exists(os.path.join(work, 'dry.journal'))"
check "dry run: sends nothing, creates no journal" $?

# ---- kill -9 part way, rerun: every file stored exactly once with its bytes -----
start_server S --rate 40 --faults 0.04 --seed 7
"$cli" --base-url "$S" --account-id acc1 --api-token "$token" sync "$work/src" --prefix p/ \
    --journal "$work/s.journal" --concurrency 8 --progress never >"$work/killed.out" 2>&1 </dev/null &
victim=$!
sleep 1.5
kill -9 "$victim" 2>/dev/null; wait "$victim" 2>/dev/null
py "0 < stats('$S')['images'] < 120"; check "kill -9: the first run was cut part way" $?
cfi "$S" sync "$work/src" --prefix p/ --journal "$work/s.journal" --concurrency 8
check "rerun: exit 0" "$([[ $? == 0 ]]; echo $?)"
py "summary()['failed'] == 0 and summary()['uploaded'] + summary()['already_present'] == 120 and summary()['skipped'] == 3 and $summary_keys"
check "rerun: every file uploaded or already present, none failed" $?
py "sorted(stats('$S')['stores'].values()) == [1] * 120"; check "exactly once: each ID stored once" $?
py "images('$S') == {'p/' + k: v for k, v in local().items()}"; check "exactly once: every file's bytes, under prefix + path" $?
py "stats('$S')['stats'].get('faults', 0) > 0"; check "the server did fail some uploads ambiguously" $?
before=$(python3 -c "import json,urllib.request;print(json.load(urllib.request.urlopen('$S/__stats'))['stats']['requests'])")
cfi "$S" sync "$work/src" --prefix p/ --journal "$work/s.journal"
py "summary()['already_present'] == 120 and summary()['uploaded'] == 0 and stats('$S')['stats']['requests'] == $before"
check "third run: the journal holds everything, nothing sent" $?
# Without the journal: a 409 for every file is 'already present', not a failure.
cfi "$S" sync "$work/src" --prefix p/ --journal "$work/fresh.journal" --concurrency 16
check "409: exit 0" "$([[ $? == 0 ]]; echo $?)"
py "summary()['already_present'] == 120 and summary()['failed'] == 0"; check "409: counted as already present" $?

# ---- journal tied to its destination ---------------------------------------------
"$cli" --base-url "$S" --account-id acc2 --api-token "$token" sync "$work/src" --prefix p/ \
    --journal "$work/s.journal" >"$work/out" 2>"$work/err" </dev/null
check "journal: another account is refused (exit 2)" "$([[ $? == 2 ]]; echo $?)"
py "'another' in err() and 'acc1' in err()"; check "journal: the error names the journal's destination" $?
start_server S2
cfi "$S2" sync "$work/src" --prefix p/ --journal "$work/s.journal"
check "journal: another base URL is refused (exit 2)" "$([[ $? == 2 ]]; echo $?)"
py "stats('$S2')['stats'].get('requests', 0) == 0"; check "journal: nothing sent to the other destination" $?

# ---- default journal: outside DIR, the same for the same DIR and destination ----
cfi "$S2" sync "$work/src" --progress json
py "summary()['uploaded'] + summary()['already_present'] == 120 and summary()['failed'] == 0"; check "default journal: first run stores everything" $?
py "len(os.listdir(os.path.join(work, 'state/cfimages/journals'))) == 1"; check "default journal: under XDG_STATE_HOME" $?
py "not any(f.endswith('.journal') for d, _, fs in os.walk(os.path.join(work, 'src')) for f in fs)"
check "default journal: nothing written inside DIR" $?
py "all(json.loads(l)['files_total'] == 123 for l in err().splitlines())"; check "--progress json: JSON objects on stderr" $?
cfi "$S2" sync "$work/src/"
py "summary()['already_present'] == 120 and summary()['uploaded'] == 0"; check "default journal: found again on rerun" $?
py "err() == ''"; check "not a terminal: no progress line" $?

# ---- shards partition the set -----------------------------------------------------
start_server P --faults 0
for k in 1 2 3; do
    cfi "$P" sync "$work/src" --shard "$k/3" --journal "$work/shard$k.journal"
    cp "$work/out" "$work/shard$k.out"
done
py "sorted(stats('$P')['stores'].values()) == [1] * 120 and images('$P') == local()"
check "shards: 1/3, 2/3, 3/3 together store every file once" $?
py "sum(json.loads(open(os.path.join(work, 'shard%d.out' % k)).read().splitlines()[-1])['files'] for k in (1, 2, 3)) == 123"
check "shards: their file counts add up to the set" $?
py "all(20 <= json.loads(open(os.path.join(work, 'shard%d.out' % k)).read().splitlines()[-1])['uploaded'] <= 60 for k in (1, 2, 3))"
check "shards: each takes a fair part" $?

# ---- batch tokens: uploads go to the batch host with a batch token -----------------
start_server B --faults 0
CFIMAGES_BATCH_BASE_URL="$B" cfi "$B" sync "$work/src" --batch-tokens 2 --journal "$work/batch.journal" --concurrency 4
check "batch: exit 0" "$([[ $? == 0 ]]; echo $?)"
py "stats('$B')['stats'].get('batch_token', 0) >= 2 and stats('$B')['stats'].get('with batch token', 0) >= 100 and images('$B') == local()"
check "batch: tokens asked for, uploads sent with them, every file stored" $?

# ---- export round trip, byte for byte ---------------------------------------------
cfi "$P" export "$work/exported" --journal "$work/export.journal"
check "export: exit 0" "$([[ $? == 0 ]]; echo $?)"
py "summary()['uploaded'] == 120 and summary()['files'] == 120 and summary()['failed'] == 0 and $summary_keys"
check "export: the summary" $?
py "local(os.path.join(work, 'exported')) == local()"; check "export: every image, byte for byte, at DIR/<id>" $?
py "not any('.cfimages-partial' in f for d, _, fs in os.walk(os.path.join(work, 'exported')) for f in fs)"
check "export: no temporary files left" $?
cfi "$P" export "$work/exported" --journal "$work/export.journal"
py "summary()['already_present'] == 120 and summary()['uploaded'] == 0"; check "export: a rerun writes nothing again" $?

# ---- failures: one line each, exit 1 --------------------------------------------------
mkdir -p "$work/big"
python3 -c "import sys; open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + b'\0' * (10 * 1024 * 1024))" "$work/big/huge.png"
cp "$work/src/a/img 000.png" "$work/big/ok.png"
cfi "$P" sync "$work/big" --journal "$work/big.journal"
check "failure: exit 1" "$([[ $? == 1 ]]; echo $?)"
py "summary()['failed'] == 1 and summary()['uploaded'] == 1"; check "failure: counted" $?
py "err().startswith('error invalid_argument: ') and 'huge.png: ' in err() and len(err().splitlines()) == 1"
check "failure: 'error <code>: <path>: <message>' on stderr" $?
py "'$token' not in out() + err()"; check "no credential in the output" $?

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
