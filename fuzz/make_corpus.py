#!/usr/bin/env python3
"""Writes the hand-made seed inputs under fuzz/corpus/<target>/.

The committed corpora are this script's output plus a few inputs that a
short fuzzing run found to add coverage (files named by their SHA-1).
Rerun it after changing an input layout; it only rewrites seed-*.
"""
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# Must match the tables in the targets.
PARSE_STATUSES = [200, 201, 202, 204, 206, 299, 100, 199, 300, 301, 304, 400, 401, 403, 404, 405,
                  408, 409, 413, 415, 422, 429, 500, 502, 503, 504, 599, 600, 0, -1, 999, 2147483647]
ERROR_STATUSES = [400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 429, 500, 502, 503, 504, 200,
                  0, -1, 100, 302, 599, 600, 999]
PARSERS = ["create", "list", "get", "edit", "remove", "blob", "keys_list", "keys_update", "keys_remove",
           "stats", "variants_list", "variant_get", "variant_create", "variant_edit", "variant_remove",
           "list_v2", "direct_upload", "batch_token"]
HEADER_BITS = ["content-type", "cf-images", "retry-after", "retry-after-ms", "x-should-retry"]

IMAGE = ('{"id":"083eb7b2-5392-4565-b69e-aff66acddd00","filename":"logo.png","creator":null,'
         '"meta":{"key":"value"},"requireSignedURLs":true,"uploaded":"2014-01-02T02:20:00.123Z",'
         '"variants":["https://imagedelivery.net/MTt4OTd0b0w5aj/083eb7b2-5392-4565-b69e-aff66acddd00/thumbnail",'
         '"https://imagedelivery.net/MTt4OTd0b0w5aj/083eb7b2-5392-4565-b69e-aff66acddd00/hero"],"draft":false}')
VARIANT = ('{"id":"hero","options":{"fit":"scale-down","height":768,"metadata":"none","width":1366},'
           '"neverRequireSignedURLs":true}')


def env(result):
    return '{"success":true,"errors":[],"messages":[],"result":' + result + '}'


RESULTS = {
    "create": env(IMAGE),
    "list": env('{"images":[' + IMAGE + ',' + IMAGE + ']}'),
    "get": env(IMAGE),
    "edit": env(IMAGE),
    "remove": env('{}'),
    "keys_list": env('{"keys":[{"name":"default","value":"Oix0bbNaT8Rge9PuyxUBrjI6zrgnsyJ5"}]}'),
    "keys_update": env('{"keys":[{"name":"default","value":"Oix0bbNaT8Rge9PuyxUBrjI6zrgnsyJ5"},{"name":"k2"}]}'),
    "keys_remove": env('{"keys":[]}'),
    "stats": env('{"count":{"allowed":100000,"current":1000}}'),
    "variants_list": env('{"variants":{"hero":' + VARIANT + ',"thumb":{"options":{"fit":"cover",'
                         '"width":1366.0,"height":768}}}}'),
    "variant_get": env('{"variant":' + VARIANT + '}'),
    "variant_create": env('{"variant":' + VARIANT + '}'),
    "variant_edit": env('{"variant":' + VARIANT + '}'),
    "variant_remove": '{"success":true,"errors":[],"messages":[],"result":null}',
    "list_v2": env('{"continuation_token":"iD0bxlWFSVUWsDHbzIqvDkgBW4otifAAuGXLz1n8BQA","images":[' + IMAGE + ']}'),
    "direct_upload": env('{"id":"e22e9e6b-c02b-42fd-c405-6c32af5fe600",'
                         '"uploadURL":"https://upload.imagedelivery.net/FxUufywByo0m2v3xhKSiU8/e22e9e6b-c02b-42fd-c405-6c32af5fe600"}'),
    "batch_token": env('{"token":"eyJhbGciOiJIUzI1NiJ9.e30.x","expiresAt":"2024-04-02T15:49:16.123456Z"}'),
}

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

ERRORS = [
    # (status, headers, body)
    (404, {"cf-images": "err=5404"}, b"ERROR 5404: Image not found"),
    (404, {"cf-images": "err=5404"}, b"ERROR 5404"),
    (404, {}, b"error: 9422: Unknown\nsecond line"),
    (502, {"content-type": "text/html"},
     b"<html><head><title>502 Bad Gateway</title></head><body><center>cloudflare</center></body></html>"),
    (503, {"content-type": "text/html"}, b"<!DOCTYPE html><html><title>Maintenance</title>"),
    (400, {"content-type": "application/json"},
     b'{"success":false,"errors":[{"code":"5400","message":"Bad request: invalid id"}],"messages":[],"result":null}'),
    (200, {"content-type": "application/json"},
     b'{"success":false,"errors":[{"code":5455,"message":"Unsupported image type","documentation_url":'
     b'"https://developers.cloudflare.com/images","source":{"pointer":"/file"}}],"messages":["m"],"result":null}'),
    (200, {}, b'{"success":false,"errors":[],"messages":[]}'),
    (429, {"retry-after": "3", "retry-after-ms": "1500"},
     b'{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}]}'),
    (503, {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT", "x-should-retry": "true"}, b"Service Unavailable"),
    (500, {"x-should-retry": "false"}, b""),
    (401, {}, b'{"success":false,"errors":["Authentication error",{"code":10000.0,"message":"auth"}]}'),
    (200, {}, b""),
    (200, {}, b"null"),
    (200, {}, b"[]"),
    (200, {}, b'{"success":true,"result":[]}'),
    (200, {}, b'{"success":"yes","result":{}}'),
    (204, {}, b""),
    (413, {"cf-images": "err=5413"}, b"Payload too large"),
    # Not the v4 envelope, as real hosts answer (issue 11).
    (403, {"content-type": "application/json"}, b'{"code":"103","message":"forbidden endpoint"}'),
    (415, {"content-type": "application/json"}, b'{"code":5550}'),
    (400, {}, b'{"success":false,"message":"metadata must be an object"}'),
    (400, {}, b'{"success":false,"errors":{"code":5400,"message":"Bad request"},"messages":[]}'),
    (429, {}, b"error code: 1015"),
]


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def parse_input(parser, status, headers, body):
    flags = 0
    hb = b""
    for bit, name in enumerate(HEADER_BITS):
        if name in headers:
            flags |= 1 << bit
            v = headers[name].encode()
            hb += bytes([len(v)]) + v
    return bytes([PARSERS.index(parser), PARSE_STATUSES.index(status), flags]) + hb + body


def error_input(status, headers, body, code=None):
    flags = 0
    hb = b""
    for bit, name in enumerate(["cf-images", "retry-after", "retry-after-ms"]):
        if name in headers:
            flags |= 1 << bit
            v = headers[name].encode()
            hb += bytes([len(v)]) + v
    if code is not None:
        flags |= 8
        hb += struct.pack(">I", code - 1)
    return bytes([ERROR_STATUSES.index(status), flags]) + hb + body


def main():
    for target in ["fuzz_parse_responses", "fuzz_error_body", "fuzz_encoding", "fuzz_delivery", "fuzz_signing",
                   "fuzz_meta_filter"]:
        d = os.path.join(HERE, "corpus", target)
        if os.path.isdir(d):
            for f in os.listdir(d):
                if f.startswith("seed-"):
                    os.remove(os.path.join(d, f))

    for p in PARSERS:
        if p == "blob":
            write("fuzz_parse_responses", "ok-blob", parse_input("blob", 200, {"content-type": "image/png"}, PNG))
            write("fuzz_parse_responses", "ok-blob-json",
                  parse_input("blob", 200, {"content-type": "application/json"}, RESULTS["get"].encode()))
        else:
            write("fuzz_parse_responses", "ok-" + p, parse_input(p, 200, {"content-type": "application/json"},
                                                                  RESULTS[p].encode()))
    for i, (status, headers, body) in enumerate(ERRORS):
        parser = PARSERS[i % len(PARSERS)]
        write("fuzz_parse_responses", "err-%02d-%s" % (i, parser), parse_input(parser, status, headers, body))
        es = status if status in ERROR_STATUSES else 500
        hs = {k: v for k, v in headers.items() if k in ("cf-images", "retry-after", "retry-after-ms")}
        write("fuzz_error_body", "err-%02d" % i, error_input(es, hs, body))
    write("fuzz_error_body", "template", error_input(404, {}, b"Image not found", code=5404))
    write("fuzz_error_body", "template-html", error_input(502, {"cf-images": "err=9"}, b"<html>x</html>", code=7))
    write("fuzz_error_body", "strings",
          error_input(400, {}, b'{"success":false,"errors":[" padded ",{"code":" 42abc","message":"a\\nb"}],'
                               b'"messages":[{"code":1e300}]}'))

    enc = [
        (0, b"a/b"), (0, b"..."), (0, b"%2F?#&=+ \x00\xff"), (0, b"083eb7b2-5392-4565-b69e-aff66acddd00"),
        (0, b"a//b"), (0, "caf\u00e9/\u65e5\u672c".encode()),
        (1, b"2014-01-02T02:20:00.123Z"), (1, b"2014-01-02T02:20:00+01:00"), (1, b"1970-01-01t00:00:00.000000001z"),
        (1, b"2016-12-31T23:59:60Z"), (1, b"9999-12-31T23:59:59.999999Z"), (1, b"0000-01-01 00:00:00-23:59"),
        (2, struct.pack("<q", 1700000000123456789)), (2, struct.pack("<q", -1)),
        (3, b"\x10 multi\r\nline\t\ttext  "), (3, b"\x01" + b"x" * 400),
        (4, PNG), (4, b"\xff\xd8\xff\xe0"), (4, b"RIFF\x00\x00\x00\x00WEBPVP8 "), (4, b"\x00\x00\x00\x1cftypavif"),
        (4, b"\xef\xbb\xbf  <?xml version=\"1.0\"?><svg/>"),
        (5, b"\x03file\x04a.pngimage/png\x89PNG body --cfimages-0123 \x02id\x05a\"b\\c"),
        # IDs are counted in characters, and must be UTF-8 (issue 11).
        (0, ("photos/" + "\u00e9" * 1017).encode()), (0, "\u00e9".encode() * 1025), (0, b"caf\xc3"),
        (0, b"a\xed\xa0\x80/b"),
    ]
    for i, (mode, data) in enumerate(enc):
        write("fuzz_encoding", "%02d" % i, bytes([mode]) + data)

    urls = [
        b"https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/083eb7b2-5392-4565-b69e-aff66acddd00/public",
        b"https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/a/b%2Fc/100%25/w=400,h=300,fit=cover",
        b"https://images.example.com:8443/cdn-cgi/imagedelivery/ZWd9g1K7eljCn_KDTu_MWA/id/thumb?exp=1&sig=00",
        b"HTTPS://ImageDelivery.NET/h/%2e%2E/public",
        b"https://imagedelivery.net/h/id/background=%23fff,trim=1;2;3;4,gravity=0.5x0.25",
        b"https://user@imagedelivery.net/h/id/v",
    ]
    for i, u in enumerate(urls):
        write("fuzz_delivery", "url-%02d" % i, b"\x00" + u)
    flex = [b"w=400,h=300,fit=cover", b"width=1,height=12000,quality=100,format=baseline-jpeg,dpr=1.5",
            b"g=face,zoom=0.5,sharpen=10,blur=250,rotate=90,flip=hv,background=%23ff00ff,metadata=keep",
            b"anim=false,brightness=0.5,contrast=100,gamma=1e-3,saturation=0,trim=0;0;0;12000,compression=fast",
            b"gravity=0x1,f=auto,q=1", b"w=1,w=2"]
    for i, f in enumerate(flex):
        write("fuzz_delivery", "flex-%02d" % i, b"\x03" + f)

    signed = [
        b"https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/083eb7b2-5392-4565-b69e-aff66acddd00/public"
        b"?exp=1700000000&sig=" + b"0" * 64,
        b"https://images.example.com/cdn-cgi/imagedelivery/h/083eb7b2539245656b69eaff66acddd00/v?a=1&exp=9&sig=ab",
        b"https://imagedelivery.net/h/id/v?exp=1&exp=2&sig=",
    ]
    for i, u in enumerate(signed):
        write("fuzz_signing", "verify-%02d" % i,
              b"\x00" + b"k3y\\X" + u + struct.pack("<q", 1600000000))
    for i in range(4):
        write("fuzz_signing", "tamper-%02d" % i,
              b"\x01" + hashlib.sha256(b"seed%d" % i).digest() + b"secret-key-%d" % i)

    filters = [b"status[eq]=active", b"meta.a.b.c[in]=x|y|z", b"size[gte:number]=-1.5e3", b"ok[eq:boolean]=true",
               b"x y[eq:string]=a&b=c#d", b"tag[in:string]=a||b", b"[eq]=1", b"a..b[lt]=1", b"f[zz]=1", b"a[eq]=x]=y",
               # Documented typed operators (issue 11: only eq and in are).
               b"size[eq:number]=-1.5e3", b"ratings[in:number]=4|5|1E+2"]
    for i, f in enumerate(filters):
        write("fuzz_meta_filter", "parse-%02d" % i, b"\x00" + f)
    for i in range(3):
        write("fuzz_meta_filter", "list-%02d" % i, b"\x01" + hashlib.sha256(b"meta%d" % i).digest() * 2)

    # fuzz_page_decode: byte 0 modulo 3 = v2 page, v1 page, one image; then
    # the body. Answers the one-pass reader takes, and near misses it must
    # hand on.
    utf8_image = IMAGE.replace("logo.png", "caf\u00e9 \u65e5\u672c.png")
    pages = {
        "plain": env('{"images":[' + IMAGE + ',' + IMAGE + '],"continuation_token":"tok"}'),
        "null-images": env('{"images":null,"continuation_token":null}'),
        "empty": env('{"images":[]}'),
        "utf8": env('{"images":[' + utf8_image + ']}'),
        "escaped": env('{"images":[' + IMAGE.replace("logo.png", "lo\\u0067o\\/.png") + ']}'),
        "nested-meta": env('{"images":[{"id":"a","meta":{"a":{"b":[1,-2,true,null,"x",{}]},"a":3},'
                           '"unknown":[{"x":[1.5e3]}],"variants":[],"draft":null}]}'),
        "duplicate-id": env('{"images":[{"id":"a","id":"b"}]}'),
        "extra-result": env('{"images":[],"total":3}'),
        "success-false": '{"success":false,"errors":[{"code":5404,"message":"nope"}],"result":null}',
        "bad-date": env('{"images":[{"id":"a","uploaded":"2024-13-01T00:00:00Z"}]}'),
        "big-int": env('{"images":[{"id":"a","meta":{"n":123456789012345678901}}]}'),
    }
    for name, body in pages.items():
        write("fuzz_page_decode", "v2-" + name, b"\x00" + body.encode())
        write("fuzz_page_decode", "v1-" + name, b"\x01" + body.encode())
    images = {
        "plain": env(IMAGE),
        "escaped": env(IMAGE.replace("logo.png", "lo\\u0067o\\/.png")),
        "duplicate-id": env('{"id":"a","id":"b"}'),
        "no-id": env('{"filename":"x"}'),
    }
    for name, body in images.items():
        write("fuzz_page_decode", "image-" + name, b"\x02" + body.encode())


if __name__ == "__main__":
    main()
