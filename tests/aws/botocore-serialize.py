#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints what botocore's own serializers make of a request, as JSON
{"target": ..., "body": ...}, for tests to compare with what src/aws sends.

  botocore-serialize.py ttl TABLE ATTRIBUTE
  botocore-serialize.py lifecycle BUCKET
  botocore-serialize.py restore BUCKET KEY DAYS TIER
"""
import json
import sys

import botocore.serialize
import botocore.session


def serialize(service, protocol, operation, params):
    model = botocore.session.get_session().get_service_model(service)
    serializer = botocore.serialize.create_serializer(protocol, include_validation=True)
    request = serializer.serialize_to_request(params, model.operation_model(operation))
    body = request["body"]
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return {"target": request["headers"].get("X-Amz-Target"), "body": body,
            "url_path": request["url_path"], "query": request["query_string"],
            "method": request["method"], "headers": dict(request["headers"])}


def main():
    if sys.argv[1] == "ttl":
        out = serialize("dynamodb", "json", "UpdateTimeToLive", {
            "TableName": sys.argv[2],
            "TimeToLiveSpecification": {"Enabled": True, "AttributeName": sys.argv[3]},
        })
    elif sys.argv[1] == "lifecycle":
        out = serialize("s3", "rest-xml", "PutBucketLifecycleConfiguration", {
            "Bucket": sys.argv[2],
            "LifecycleConfiguration": {"Rules": [{
                "ID": "storagebox-tiering",
                "Filter": {"Prefix": ""},
                "Status": "Enabled",
                "Transitions": [
                    {"Days": 75, "StorageClass": "STANDARD_IA"},
                    {"Days": 365, "StorageClass": "GLACIER"},
                ],
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
            }]},
        })
    elif sys.argv[1] == "restore":
        out = serialize("s3", "rest-xml", "RestoreObject", {
            "Bucket": sys.argv[2],
            "Key": sys.argv[3],
            "RestoreRequest": {
                "Days": int(sys.argv[4]),
                "GlacierJobParameters": {"Tier": sys.argv[5]},
            },
        })
    else:
        raise SystemExit("unknown request " + sys.argv[1])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
