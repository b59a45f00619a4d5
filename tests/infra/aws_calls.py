"""Recorded local AWS calls -> the IAM requests they are on AWS, against production ARNs.

A recorded call (infra/local/iam_record.py) names local resources: DynamoDB Local's table,
moto's queue URLs, bucket, topics and SES identity. Each is mapped to the production
resource of the same logical role, found in the synthesized template by the physical name
the shared definition (infra/definition.py) gives it, and its ARN is resolved from the
template's intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub) with fixed pseudo parameters.

A call becomes one or more IAM requests: the action the operation authorizes as (a
TransactWriteItems is a PutItem/UpdateItem/... per item, an UploadPart is s3:PutObject), on
each resource it touches, plus the KMS use it implies when that resource is encrypted with a
customer-managed key (the service calls KMS with the caller's permissions, so the caller's
role needs the key, and `kms:ViaService` says which service asked). Which KMS actions each
operation implies follows the services' documentation (SQS: producers GenerateDataKey +
Decrypt, consumers Decrypt; SNS publishers GenerateDataKey + Decrypt; S3 PutObject
GenerateDataKey, multipart also Decrypt, GetObject Decrypt; Secrets Manager Decrypt;
DynamoDB reads Decrypt, writes Decrypt/Encrypt/GenerateDataKey as aws-cdk-lib's grants).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from infra.definition import RESOURCES
from tests.infra.iam_policy import Request
from tests.infra.queries import PSEUDO, of_type, props, ref_target

ACCOUNT = PSEUDO["AWS::AccountId"]
REGION = PSEUDO["AWS::Region"]
STREAM_LABEL = "2026-01-01T00:00:00.000"

#: boto3 service name -> IAM service prefix
PREFIX = {"dynamodbstreams": "dynamodb", "sesv2": "ses"}
#: operations that authorize as another action
ACTION_OF = {
    ("sqs", "SendMessageBatch"): "SendMessage",
    ("sqs", "DeleteMessageBatch"): "DeleteMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "ChangeMessageVisibility",
    ("s3", "CreateMultipartUpload"): "PutObject",
    ("s3", "UploadPart"): "PutObject",
    ("s3", "CompleteMultipartUpload"): "PutObject",
    ("s3", "HeadObject"): "GetObject",
    ("s3", "ListParts"): "ListMultipartUploadParts",
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "DeleteObjects"): "DeleteObject",
    ("sns", "PublishBatch"): "Publish",
}
DYNAMODB_READS = {"GetItem", "BatchGetItem", "Query", "Scan", "ConditionCheckItem"}
DYNAMODB_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"}
TRANSACT_ACTION = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                   "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}
#: (IAM action) -> KMS actions the service performs with the caller's permissions
KMS_USE = {
    **{f"dynamodb:{a}": ("kms:Decrypt",) for a in DYNAMODB_READS},
    **{f"dynamodb:{a}": ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")
       for a in DYNAMODB_WRITES},
    "dynamodb:GetRecords": ("kms:Decrypt",),
    "sqs:SendMessage": ("kms:GenerateDataKey", "kms:Decrypt"),
    "sqs:ReceiveMessage": ("kms:Decrypt",),
    "sns:Publish": ("kms:GenerateDataKey", "kms:Decrypt"),
    "s3:PutObject": ("kms:GenerateDataKey",),
    "s3:GetObject": ("kms:Decrypt",),
    "secretsmanager:GetSecretValue": ("kms:Decrypt",),
}
MULTIPART = {"CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"}
_LOCAL_NAME = re.compile(r"^talentloop-(?P<stage>[a-z0-9]+)-(?P<rest>.+)$")


class Unmapped(ValueError):
    """A recorded call this module cannot translate: extend it rather than skip the call."""


class Foreign(Unmapped):
    """A call on a resource that is not TalentLoop's (a test provoking an error with
    `no-such-table`): it fails locally already, so there is nothing to check on AWS."""


@dataclass(frozen=True)
class Check:
    """One IAM request a recorded call makes on AWS, with what it came from."""

    function: str
    request: Request
    call: str  # e.g. "s3.PutObject (code)"
    implied: str = ""  # "" or why KMS is asked (e.g. "via s3 for <bucket ARN>")


@dataclass
class Production:
    """The synthesized production template, readable as concrete ARNs."""

    template: dict[str, Any]
    _names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        name_properties = {"AWS::DynamoDB::Table": "TableName", "AWS::SQS::Queue": "QueueName",
                           "AWS::SNS::Topic": "TopicName", "AWS::S3::Bucket": "BucketName"}
        for logical, body in self.template["Resources"].items():
            prop = name_properties.get(body["Type"])
            if prop and prop in props(body):
                self._names[str(self.resolve(props(body)[prop]))] = logical

    # -- intrinsics --------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {k: self.resolve(v) for k, v in value.items()}
        (fn, arg), = value.items()
        if fn == "Ref":
            return PSEUDO[arg] if arg in PSEUDO else self.ref(arg)
        if fn == "Fn::GetAtt":
            logical, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return self.attribute(logical, attribute)
        if fn == "Fn::Join":
            separator, parts = arg
            return separator.join(str(self.resolve(p)) for p in parts)
        if fn == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else arg

            def substitute(match: re.Match[str]) -> str:
                name = match.group(1)
                if name in variables:
                    return str(self.resolve(variables[name]))
                if name in PSEUDO:
                    return PSEUDO[name]
                if "." in name:
                    logical, attribute = name.split(".", 1)
                    return str(self.attribute(logical, attribute))
                return str(self.ref(name))

            return re.sub(r"\$\{([^}!]+)\}", substitute, text)
        if fn == "Fn::Select":
            index, items = arg
            return self.resolve(items)[int(index)]
        if fn == "Fn::Split":
            separator, text = arg
            return str(self.resolve(text)).split(separator)
        return {fn: self.resolve(arg)}

    def _name(self, logical: str, prop: str) -> str:
        body = self.template["Resources"][logical]
        return str(self.resolve(props(body).get(prop, logical.lower())))

    def ref(self, logical: str) -> str:
        kind = self.template["Resources"][logical]["Type"]
        if kind == "AWS::DynamoDB::Table":
            return self._name(logical, "TableName")
        if kind == "AWS::SQS::Queue":
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/" \
                   f"{self._name(logical, 'QueueName')}"
        if kind == "AWS::SNS::Topic":
            return f"arn:aws:sns:{REGION}:{ACCOUNT}:{self._name(logical, 'TopicName')}"
        if kind == "AWS::S3::Bucket":
            return self._name(logical, "BucketName")
        if kind == "AWS::KMS::Key":
            return f"key-{logical}"
        if kind == "AWS::SecretsManager::Secret":
            return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:" \
                   f"{self._name(logical, 'Name')}-AbCdEf"
        if kind == "AWS::Logs::LogGroup":
            return self._name(logical, "LogGroupName")
        if kind == "AWS::SES::ConfigurationSet":
            return self._name(logical, "Name")
        return logical

    def attribute(self, logical: str, attribute: str) -> str:
        kind = self.template["Resources"][logical]["Type"]
        if kind == "AWS::DynamoDB::Table":
            arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{self.ref(logical)}"
            return f"{arn}/stream/{STREAM_LABEL}" if attribute == "StreamArn" else arn
        if kind == "AWS::SQS::Queue":
            name = self._name(logical, "QueueName")
            return name if attribute == "QueueName" else f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
        if kind == "AWS::SNS::Topic":
            return self._name(logical, "TopicName") if attribute == "TopicName" \
                else self.ref(logical)
        if kind == "AWS::S3::Bucket":
            return f"arn:aws:s3:::{self.ref(logical)}"
        if kind == "AWS::KMS::Key":
            return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{self.ref(logical)}"
        if kind == "AWS::Logs::LogGroup":
            return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{self.ref(logical)}:*"
        if kind == "AWS::IAM::Role":
            return f"arn:aws:iam::{ACCOUNT}:role/{logical}"
        return f"{logical}.{attribute}"

    # -- what a function may do ----------------------------------------------------------
    def role_statements(self, function_logical: str) -> list[dict[str, Any]]:
        """Every statement of the role the function runs with, resolved to concrete ARNs."""
        role = ref_target(props(self.template["Resources"][function_logical])["Role"])
        assert role is not None, function_logical
        found: list[dict[str, Any]] = []
        for body in of_type(self.template, "AWS::IAM::Policy").values():
            if any(ref_target(r) == role for r in props(body).get("Roles", [])):
                found += props(body)["PolicyDocument"]["Statement"]
        for inline in props(self.template["Resources"][role]).get("Policies", []):
            found += inline["PolicyDocument"]["Statement"]
        assert not props(self.template["Resources"][role]).get("ManagedPolicyArns"), role
        return [self.resolve(s) for s in found]

    def environment(self, function_logical: str) -> dict[str, Any]:
        env: dict[str, Any] = props(self.template["Resources"][function_logical]).get(
            "Environment", {}).get("Variables", {})
        return env

    # -- local names -> production resources --------------------------------------------
    def logical_for(self, local_name: str) -> str:
        match = _LOCAL_NAME.match(local_name)
        if match is None:
            raise Foreign(f"{local_name!r} is not a TalentLoop resource name")
        prod = f"talentloop-prod-{match.group('rest')}"
        for candidate in (prod, f"{prod}-{ACCOUNT}-{REGION}"):  # buckets carry account+region
            if candidate in self._names:
                return self._names[candidate]
        raise Unmapped(f"no production resource named like {local_name!r} ({prod})")

    def key_of(self, logical: str) -> str | None:
        """ARN of the customer-managed key that encrypts the resource, if any."""
        body = props(self.template["Resources"][logical])
        kind = self.template["Resources"][logical]["Type"]
        key: Any = None
        if kind == "AWS::DynamoDB::Table":
            key = body.get("SSESpecification", {}).get("KMSMasterKeyId")
        elif kind in ("AWS::SQS::Queue", "AWS::SNS::Topic"):
            key = body.get("KmsMasterKeyId")
        elif kind == "AWS::S3::Bucket":
            for rule in body.get("BucketEncryption", {}).get(
                    "ServerSideEncryptionConfiguration", []):
                key = rule.get("ServerSideEncryptionByDefault", {}).get("KMSMasterKeyID") or key
        elif kind == "AWS::SecretsManager::Secret":
            key = body.get("KmsKeyId")
        if key is None:
            return None
        resolved = str(self.resolve(key))
        return resolved if resolved.startswith("arn:") else \
            f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{resolved}"

    def arn(self, logical: str) -> str:
        kind = self.template["Resources"][logical]["Type"]
        if kind in ("AWS::SNS::Topic", "AWS::SecretsManager::Secret"):
            return self.ref(logical)
        return self.attribute(logical, "Arn")

    def only(self, resource_type: str) -> str:
        found = of_type(self.template, resource_type)
        assert len(found) == 1, (resource_type, sorted(found))
        return next(iter(found))


# ------------------------------------------------------------------------------ calls


def mapping_function(call: dict[str, Any], production: Production) -> str:
    """The function an event source mapping's own call (ReceiveMessage ...) is made for."""
    if call["service"] == "dynamodbstreams":
        return RESOURCES.stream_mapping.function
    name = _queue_name(call["request"])
    by_queue = {RESOURCES.outbox_queue: RESOURCES.outbox_mapping.function,
                RESOURCES.exports_queue: RESOURCES.exports_mapping.function,
                RESOURCES.imports_queue: RESOURCES.imports_mapping.function,
                RESOURCES.hooks_queue: RESOURCES.hooks_mapping.function,
                # the stream mapping's on-failure destination
                RESOURCES.stream_failure_queue: RESOURCES.stream_mapping.function}
    for queue, function in by_queue.items():
        if _LOCAL_NAME.sub(r"\g<rest>", name) == queue.logical_name:
            return function
    if _LOCAL_NAME.match(name) is None:  # a queue a test made for its own poller
        raise Foreign(f"{name!r} is not a TalentLoop queue")
    raise Unmapped(f"no event source mapping reads queue {name!r}")


def checks(call: dict[str, Any], production: Production, function_logical: str) -> Iterator[Check]:
    """The IAM requests one recorded call makes on AWS."""
    service, operation, request = call["service"], call["operation"], call["request"]
    label = f"{service}.{operation} ({call['source']})"
    prefix = PREFIX.get(service, service)
    context = {"aws:SecureTransport": "true", "aws:RequestedRegion": REGION}
    for action, logical, arn in _resources(service, operation, request, production,
                                           function_logical):
        iam_action = f"{prefix}:{action}"
        yield Check(call["function"], Request(iam_action, arn, context), label)
        key = production.key_of(logical) if logical else None
        implied = KMS_USE.get(iam_action, ())
        if service == "s3" and operation in MULTIPART:
            implied = ("kms:GenerateDataKey", "kms:Decrypt")
        if key is None:
            continue
        for kms_action in implied:
            via = f"{prefix}.{REGION}.amazonaws.com"
            yield Check(call["function"],
                        Request(kms_action, key, {**context, "kms:ViaService": via,
                                                  "kms:CallerAccount": ACCOUNT}),
                        label, implied=f"via {prefix} for {arn}")


def _resources(service: str, operation: str, request: dict[str, Any], production: Production,
               function_logical: str) -> Iterator[tuple[str, str, str]]:
    """(IAM action without prefix, logical id of the resource or "", resource ARN)."""
    action = ACTION_OF.get((service, operation), operation)
    if service == "dynamodb":
        if operation in ("BatchGetItem", "BatchWriteItem"):
            for table in request["tables"]:
                logical = production.logical_for(table)
                yield action, logical, production.arn(logical)
            return
        if operation in ("TransactWriteItems", "TransactGetItems"):
            for kind, table in request["items"]:
                logical = production.logical_for(table)
                yield TRANSACT_ACTION[kind], logical, production.arn(logical)
            return
        logical = production.logical_for(request["TableName"])
        arn = production.arn(logical)
        if request.get("IndexName"):
            arn = f"{arn}/index/{request['IndexName']}"
        yield action, logical, arn
        return
    if service == "dynamodbstreams":
        table = production.only("AWS::DynamoDB::Table")
        stream = production.attribute(table, "StreamArn")
        if operation == "ListStreams":
            yield action, "", f"{production.arn(table)}/stream/*"
        else:
            yield action, table, stream
        return
    if service == "sqs":
        logical = production.logical_for(_queue_name(request))
        if operation == "GetQueueUrl" and _in_environment(production, function_logical,
                                                          production.ref(logical)):
            return  # locally the env names the queue; in production it carries the URL
        yield action, logical, production.arn(logical)
        return
    if service == "sns":
        if "PhoneNumber" in request:
            yield action, "", "*"  # an SMS: a phone number has no ARN
            return
        topic = request.get("TopicArn") or request.get("TargetArn") or request.get("Name", "")
        logical = production.logical_for(topic.rsplit(":", 1)[-1])
        if operation == "CreateTopic" and _in_environment(production, function_logical,
                                                          production.arn(logical)):
            return  # locally the env names the topic; in production it carries the ARN
        yield action, logical, production.arn(logical)
        return
    if service == "s3":
        logical = production.logical_for(request["Bucket"])
        bucket = production.arn(logical)
        yield action, logical, f"{bucket}/{request['Key']}" if "Key" in request else bucket
        return
    if service in ("ses", "sesv2"):
        identity = production.only("AWS::SES::EmailIdentity")
        domain = props(production.template["Resources"][identity])["EmailIdentity"]
        ses = f"arn:aws:ses:{REGION}:{ACCOUNT}"
        yield action, "", f"{ses}:identity/{production.resolve(domain)}"
        configuration_set = request.get("ConfigurationSetName")
        env = production.environment(function_logical)
        if configuration_set or "TALENTLOOP_SES_CONFIGURATION_SET" in env:
            # production names the stage's set (the env the template gives the function)
            name = production.resolve(env.get("TALENTLOOP_SES_CONFIGURATION_SET"))
            yield action, "", f"{ses}:configuration-set/{name}"
        return
    if service == "secretsmanager":
        logical = production.only("AWS::SecretsManager::Secret")
        yield action, logical, production.arn(logical)
        return
    raise Unmapped(f"{service}.{operation}: no IAM mapping (add it to tests/infra/aws_calls.py)")


def _in_environment(production: Production, function_logical: str, value: str) -> bool:
    """Whether the function's production environment hands it `value` (a URL, an ARN)."""
    env = production.environment(function_logical)
    return value in {str(production.resolve(v)) for v in env.values()}


def _queue_name(request: dict[str, Any]) -> str:
    if "QueueUrl" in request:
        return str(request["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1]
    return str(request["QueueName"])


#: granted actions no recorded call used (filled by test_permissions, printed at the end)
UNUSED: list[str] = []


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
