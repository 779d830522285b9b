#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Signs generated requests with botocore and prints them as JSON.

Run by test-sigv4-botocore at test time (nothing it prints is checked in):
the C side signs the same inputs with src/aws and compares. The generator is
seeded, so a failure can be replayed; pass a count to change the size.
"""
import base64
import datetime
import json
import random
import sys
from urllib.parse import quote

import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

FIXED = datetime.datetime(2024, 2, 29, 23, 59, 58)


class FixedDateTime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return FIXED


class FakeDateTimeModule:
    datetime = FixedDateTime


# botocore reads the clock inside add_auth; pin it.
botocore.auth.datetime = FakeDateTimeModule

KEYS = [
    "plain.txt", "a b", "two  spaces", "ünïcødé/文件.bin", "plus+sign", "100%", "%41",
    "tilde~", "a//b", "//lead", "trail/", "q?x=1", "h#y", "semi;colon=eq&amp", "..", "./x",
    "a/../b", "*star", "(paren)", "excl!", "'quote'", "emoji 😀", "back\\slash", "comma,",
    "at@sign", "dollar$", "colon:x", "brackets[]", "braces{}", "caret^", "pipe|", "`tick`",
    "<lt>", "tab\tkey", "owner/0123456789abcdef",
]
GENERIC_PATHS = [
    "/", "", "/a b", "/foo/../bar", "//x//", "/%41", "/ü", "/a/./b/", "/x/y/..", "/~user",
    "/p+q", "/semi;colon", "/:colon", "/%2F", "/a%20b",
]
QUERY_PARAMS = [
    ("list-type", "2"), ("prefix", "a b"), ("prefix", "ü/x"), ("max-keys", "3"),
    ("uploads", None), ("flag", ""), ("a", "1"), ("a", "0"), ("a", "1"), ("plus", "1+2"),
    ("slash", "x/y"), ("tilde", "~"), ("star", "*"), ("eq", "a=b"), ("amp", "a&b"),
    ("continuation-token", "1/2+3=="), ("uploadId", "VXBsb2FkIElE"), ("partNumber", "7"),
    ("ñ", "ç"), ("Z", "z"), ("z", "Z"),
]
HEADER_VALUES = [
    "v", "  leading", "trailing  ", "a   b    c", "x\t\ty", "é unicode", "", "a, b",
    "MiXeD CaSe", "q=\"quoted  value\"", "1234567890",
]
HEADER_NAMES = ["X-Amz-Meta-Foo", "Content-Type", "x-custom", "X-Amz-Target", "My-Header",
                "Range", "If-Match", "Cache-Control", "x-amz-meta-name", "Content-MD5"]
GENERIC_HOSTS = ["http://dynamodb.us-east-1.amazonaws.com",
                 "https://dynamodb.eu-west-1.amazonaws.com",
                 "http://localhost:8000", "http://127.0.0.1:9000", "http://[::1]:4567",
                 "https://example.com:8443"]
S3_HOSTS = ["http://s3.eu-west-1.amazonaws.com", "http://127.0.0.1:4569",
            "https://bucket.s3.us-east-1.amazonaws.com", "http://localhost:9000"]
TOKENS = [None, None, "FQoGZXIvYXdzEJr//////////wEaDM+token/with+chars=="]


def enc(s, safe="/~"):
    return quote(s, safe=safe)


def make_query(rng):
    pairs = rng.sample(QUERY_PARAMS, rng.randint(0, 4))
    if rng.random() < 0.2 and pairs:
        pairs.append(pairs[0])  # a repeated parameter
    parts = []
    for k, v in pairs:
        if v is None:
            parts.append(enc(k, safe="-_.~"))
        else:
            parts.append(enc(k, safe="-_.~") + "=" + enc(v, safe="-_.~"))
    return "&".join(parts)


def make_case(rng, i):
    service = rng.choice(["s3", "s3", "dynamodb", "execute-api"])
    s3 = service == "s3"
    region = rng.choice(["us-east-1", "eu-west-1", "ap-southeast-2"])
    token = rng.choice(TOKENS)
    method = rng.choice(["GET", "PUT", "POST", "DELETE", "HEAD"])
    if s3:
        base = rng.choice(S3_HOSTS)
        key = rng.choice(KEYS)
        path = ("/" if "bucket." in base else "/my-bucket/") + enc(key)
    else:
        base = rng.choice(GENERIC_HOSTS)
        raw = rng.choice(GENERIC_PATHS)
        path = raw if "%" in raw else enc(raw, safe="/~%")
    query = make_query(rng)
    headers = []
    for _ in range(rng.randint(0, 4)):
        headers.append((rng.choice(HEADER_NAMES), rng.choice(HEADER_VALUES)))
    if rng.random() < 0.15 and headers:
        headers.append((headers[0][0].lower(), rng.choice(HEADER_VALUES)))
    body = b""
    if method in ("PUT", "POST") and rng.random() < 0.7:
        body = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300)))
    unsigned = False
    if s3 and base.startswith("https") and body and rng.random() < 0.5:
        unsigned = True
        headers = [h for h in headers if h[0].lower() != "content-md5"]
        headers.append(("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="))

    url = base + path + ("?" + query if query else "")
    request = AWSRequest(method=method, url=url, data=body)
    for name, value in headers:
        request.headers[name] = value  # HTTPHeaders appends: duplicates survive
    if unsigned:
        request.context["has_streaming_input"] = True
    credentials = Credentials("AKIDEXAMPLE%d" % i, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY%d" % i,
                              token)
    signer = S3SigV4Auth(credentials, service, region) if s3 else SigV4Auth(credentials, service,
                                                                              region)
    signer.add_auth(request)

    case = {
        "name": "%03d-%s-%s" % (i, service, method.lower()),
        "mode": "header",
        "service": service,
        "region": region,
        "access_key_id": credentials.access_key,
        "secret_access_key": credentials.secret_key,
        "token": token,
        "timestamp": int(FIXED.replace(tzinfo=datetime.timezone.utc).timestamp()),
        "method": method,
        "base": base,
        "path": path,
        "query": query,
        "headers": headers,
        "body": base64.b64encode(body).decode(),
        "unsigned_payload": unsigned,
        "expected_authorization": request.headers["Authorization"],
        "expected_content_sha256": request.headers.get("X-Amz-Content-SHA256"),
    }
    return case


def make_presign_case(rng, i):
    region = rng.choice(["us-east-1", "eu-west-1"])
    token = rng.choice(TOKENS)
    base = rng.choice(S3_HOSTS)
    key = rng.choice(KEYS)
    path = ("/" if "bucket." in base else "/my-bucket/") + enc(key)
    query = rng.choice(["", "versionId=3HL4kqtJlcpXroDTDmJ%2Bjm",
                        "response-content-type=text%2Fplain"])
    url = base + path + ("?" + query if query else "")
    request = AWSRequest(method="GET", url=url)
    credentials = Credentials("AKIDPRESIGN%d" % i, "presign/secret+%d" % i, token)
    expires = rng.choice([60, 900, 3600, 604800])
    S3SigV4QueryAuth(credentials, "s3", region, expires=expires).add_auth(request)
    signature = request.url.rsplit("X-Amz-Signature=", 1)[1]
    return {
        "name": "%03d-s3-presign" % i,
        "mode": "presign",
        "service": "s3",
        "region": region,
        "access_key_id": credentials.access_key,
        "secret_access_key": credentials.secret_key,
        "token": token,
        "timestamp": int(FIXED.replace(tzinfo=datetime.timezone.utc).timestamp()),
        "method": "GET",
        "base": base,
        "path": path,
        "query": query,
        "expires": expires,
        "expected_url": request.url,
        "expected_signature": signature,
    }


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    rng = random.Random(20240229)
    cases = [make_case(rng, i) for i in range(count)]
    cases += [make_presign_case(rng, count + i) for i in range(count // 8)]
    json.dump(cases, sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
