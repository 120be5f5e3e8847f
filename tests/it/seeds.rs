//! Faithfulness of the five seed systems: each vendor document's grants, written here as data,
//! against what the compiled model grants (resolved with default parameters). Every action,
//! resource and principal of the document must be granted, and nothing more, except the
//! deliberate deviations named in each test (and commented in the spec).

use rolegen::build::{compile, CompileOptions};
use rolegen::model::resolve::Bindings;
use rolegen::model::{Module, ParamValue, StatementRef};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

type Grants = BTreeSet<(String, String, String)>;

fn module(spec: &str) -> Module {
    let out = compile(&[PathBuf::from(spec)], CompileOptions::VALIDATE);
    assert!(
        !out.diagnostics.has_errors(),
        "{spec}: {:#?}",
        out.diagnostics.0
    );
    out.modules.into_iter().next().unwrap().module
}

fn list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// (role logical id, lower-case action, resource) for every Allow statement of inline policies.
fn inline_grants(resolved: &Value) -> Grants {
    let mut g = Grants::new();
    for (role, r) in resolved["roles"].as_object().unwrap() {
        for doc in r["inline"].as_object().unwrap().values() {
            for s in doc["Statement"].as_array().unwrap() {
                assert_eq!(s["Effect"], "Allow");
                for a in list(&s["Action"]) {
                    for res in list(&s["Resource"]) {
                        g.insert((role.clone(), a.to_lowercase(), res));
                    }
                }
            }
        }
    }
    g
}

fn expect(role: &str, actions: &[&str], resources: &[&str]) -> Grants {
    let mut g = Grants::new();
    for a in actions {
        for r in resources {
            g.insert((role.to_owned(), a.to_lowercase(), (*r).to_owned()));
        }
    }
    g
}

fn union(parts: Vec<Grants>) -> Grants {
    parts.into_iter().flatten().collect()
}

fn assert_same(spec: &str, got: &Grants, want: &Grants) {
    let missing: Vec<_> = want.difference(got).collect();
    let extra: Vec<_> = got.difference(want).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{spec}\nmissing (document grants, module does not): {missing:#?}\nextra (module grants, document does not): {extra:#?}");
}

fn trust(resolved: &Value, role: &str) -> Vec<Value> {
    resolved["roles"][role]["trust"]["Statement"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn matillion_customer_hosted_agent_000() {
    let m = module("specs/matillion-cha-ecs.yaml");
    let b = Bindings::defaults(&m);
    let r = b.module(&m);
    let star = ["*"];
    let want = union(vec![
        expect(
            "Task",
            &[
                "s3:ListAllMyBuckets",
                "s3:ListBucket",
                "s3:GetObject",
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:GetBucketLocation",
            ],
            &star,
        ),
        expect(
            "Task",
            &[
                "sqs:DeleteMessage",
                "sqs:ListQueues",
                "sqs:ReceiveMessage",
                "sqs:SendMessage",
                "sqs:GetQueueUrl",
            ],
            &star,
        ),
        expect("Task", &["rds:DescribeDBInstances"], &star),
        expect(
            "Task",
            &[
                "ec2:CreateSnapshot",
                "ec2:CreateTags",
                "ec2:DescribeInstances",
                "ec2:DescribeVolumes",
                "ec2:DescribeRegions",
            ],
            &star,
        ),
        expect(
            "Task",
            &["sns:ListTopics", "sns:CreateTopic", "sns:Publish"],
            &star,
        ),
        expect(
            "Task",
            &["cloudwatch:PutMetricData", "cloudwatch:ListMetrics"],
            &star,
        ),
        // Deviation: arn:aws:logs:*:*:* made partition-aware (same value in the aws partition).
        expect(
            "Task",
            &[
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:DescribeLogStreams",
            ],
            &["arn:aws:logs:*:*:*"],
        ),
        expect(
            "Task",
            &["kms:ListAliases", "kms:Encrypt", "kms:Decrypt"],
            &star,
        ),
        expect(
            "Task",
            &[
                "dynamodb:ListTables",
                "dynamodb:DescribeTable",
                "dynamodb:Scan",
            ],
            &star,
        ),
    ]);
    assert_same("000", &inline_grants(&r), &want);
    let sids: Vec<String> = r["roles"]["Task"]["inline"]["matillion-agent-minimum"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        sids,
        [
            "StmtMinS3",
            "StmtMinSQS",
            "StmtMinRDS",
            "StmtMinEC2",
            "StmtMinSNS",
            "StmtMinCloudwatch",
            "StmtMinCloudwatchLogs",
            "StmtMinKMS",
            "StmtMinDynamoDB"
        ]
    );
    let managed = |b: &Bindings| list(&b.module(&m)["roles"]["Task"]["managed"]);
    assert_eq!(
        managed(&b),
        [
            "arn:aws:iam::aws:policy/CloudWatchFullAccess",
            "arn:aws:iam::aws:policy/SecretsManagerReadWrite"
        ]
    );
    let mut on = b.clone();
    on.params
        .insert("EnableBedrock".into(), ParamValue::Bool(true));
    on.params
        .insert("UseCloudWatchFullAccessV2".into(), ParamValue::Bool(true));
    assert_eq!(
        managed(&on),
        [
            "arn:aws:iam::aws:policy/CloudWatchFullAccessV2",
            "arn:aws:iam::aws:policy/SecretsManagerReadWrite",
            "arn:aws:iam::aws:policy/AmazonBedrockFullAccess"
        ]
    );
    assert_eq!(
        trust(&r, "Task")[0]["Principal"]["Service"],
        serde_json::json!(["ecs-tasks.amazonaws.com"])
    );
}

#[test]
fn matillion_streaming_agent_002() {
    let m = module("specs/matillion-streaming-ecs.yaml");
    let mut b = Bindings::defaults(&m);
    let arns = [
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:one-AbCdEf",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:two-AbCdEf",
    ];
    b.params.insert(
        "SecretArns".into(),
        ParamValue::List(arns.iter().map(|s| (*s).to_owned()).collect()),
    );
    let r = b.module(&m);
    assert_same(
        "002",
        &inline_grants(&r),
        &expect("TaskExecution", &["secretsmanager:GetSecretValue"], &arns),
    );
    assert_eq!(
        list(&r["roles"]["TaskExecution"]["managed"]),
        ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
    );
    // The document's trusted entities: ecs-tasks; ec2 only in the EC2 mode, which has the
    // instance profile EC2 needs (deviation).
    let t = trust(&r, "Task");
    assert_eq!(t.len(), 1);
    assert_eq!(
        t[0]["Principal"]["Service"],
        serde_json::json!(["ecs-tasks.amazonaws.com"])
    );
    assert_eq!(t[0]["Action"], serde_json::json!(["sts:AssumeRole"]));
    assert!(r["roles"]["Task"]["instance_profile"].is_null());
    let mut ec2 = b.clone();
    ec2.params
        .insert("TaskOnEc2".into(), ParamValue::Bool(true));
    let e = ec2.module(&m);
    let services: Vec<Value> = trust(&e, "Task")
        .iter()
        .map(|s| s["Principal"]["Service"].clone())
        .collect();
    assert_eq!(
        services,
        [
            serde_json::json!(["ecs-tasks.amazonaws.com"]),
            serde_json::json!(["ec2.amazonaws.com"])
        ]
    );
    assert!(!e["roles"]["Task"]["instance_profile"].is_null());
    // The secrets must be listed: no default, and no `*` (the document's fallback).
    let p = &m.params["SecretArns"];
    assert!(p.default.is_none());
    assert!(p
        .pattern
        .as_deref()
        .is_some_and(|pat| pat.starts_with("arn:")));
    // The task role grants nothing by itself: the caller attaches what the agent needs.
    assert!(r["roles"]["Task"]["inline"].as_object().unwrap().is_empty());
    assert!(m.roles["task"].has(rolegen::model::Hatch::AdditionalPolicyArns));
}

#[test]
fn matillion_advanced_template_003() {
    let m = module("specs/matillion-agent-cfn.yaml");
    let r = Bindings::defaults(&m).module(&m);
    let secrets = [
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-key-name-AbCdEf",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:database-password-AbCdEf",
    ];
    let want = union(vec![
        expect(
            "TaskExecution",
            &[
                "ecr-public:GetAuthorizationToken",
                "sts:GetServiceBearerToken",
                "ecr:GetAuthorizationToken",
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
            &["*"],
        ),
        expect(
            "Task",
            &["s3:ListBucket", "s3:GetBucketLocation"],
            &["arn:aws:s3:::matillion-staging-example"],
        ),
        expect(
            "Task",
            &[
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:GetObject",
                "s3:GetObjectAcl",
                "s3:DeleteObject",
            ],
            &["arn:aws:s3:::matillion-staging-example/*"],
        ),
        expect("Task", &["secretsmanager:GetSecretValue"], &secrets),
        expect("Task", &["secretsmanager:ListSecrets"], &["*"]),
    ]);
    assert_same("003", &inline_grants(&r), &want);
}

#[test]
fn stackstate_004() {
    let m = module("specs/stackstate-aws.yaml");
    let mut b = Bindings::defaults(&m);
    // Outside AWS (the default mode) the deployment names the agent's account and external id.
    for (k, v) in [
        ("AgentAccountId", "111122223333"),
        ("ExternalId", "stackstate-external-id-example"),
    ] {
        b.params.insert(k.into(), ParamValue::Str(v.into()));
    }
    let r = b.module(&m);
    let (acct, region) = ("123456789012", "us-east-1");
    let bucket = format!("arn:aws:s3:::stackstate-logs-{acct}");
    let star = ["*"];
    let integration: &[&[&str]] = &[
        &["cloudtrail:LookupEvents", "iam:ListAccountAliases"],
        &["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"],
        &[
            "ec2:DescribeInstances",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
            "ec2:DescribeVpnGateways",
            "ec2:DescribeNetworkInterfaces",
        ],
        &[
            "elasticloadbalancing:DescribeInstanceHealth",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeTags",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetHealth",
        ],
        &["autoscaling:DescribeAutoScalingGroups"],
        &["redshift:DescribeClusters"],
        &[
            "ecs:DescribeClusters",
            "ecs:DescribeContainerInstances",
            "ecs:DescribeServices",
            "ecs:DescribeTasks",
            "ecs:ListClusters",
            "ecs:ListContainerInstances",
            "ecs:ListServices",
            "ecs:ListTasks",
        ],
        &[
            "servicediscovery:GetNamespace",
            "servicediscovery:GetService",
            "servicediscovery:ListInstances",
            "servicediscovery:ListServices",
        ],
        &[
            "firehose:DescribeDeliveryStream",
            "firehose:ListDeliveryStreams",
            "firehose:ListTagsForDeliveryStream",
        ],
        &[
            "s3:GetBucketNotification",
            "s3:GetBucketTagging",
            "s3:ListAllMyBuckets",
            "s3:ListBucket",
            "s3:GetBucketVersioning",
        ],
        &["rds:DescribeDBClusters", "rds:DescribeDBInstances"],
        &[
            "route53:GetHostedZone",
            "route53:ListHostedZones",
            "route53:ListResourceRecordSets",
            "route53:ListTagsForResource",
            "route53domains:GetDomainDetail",
            "route53domains:ListDomains",
            "route53domains:ListTagsForDomain",
        ],
        &[
            "lambda:GetFunction",
            "lambda:ListAliases",
            "lambda:ListEventSourceMappings",
            "lambda:ListFunctions",
            "lambda:ListTags",
        ],
        &[
            "sns:GetTopicAttributes",
            "sns:ListSubscriptionsByTopic",
            "sns:ListTagsForResource",
            "sns:ListTopics",
        ],
        &[
            "sqs:GetQueueAttributes",
            "sqs:ListQueues",
            "sqs:ListQueueTags",
        ],
        &[
            "dynamodb:DescribeTable",
            "dynamodb:ListTables",
            "dynamodb:ListTagsOfResource",
        ],
        &[
            "kinesis:DescribeStreamSummary",
            "kinesis:ListStreams",
            "kinesis:ListTagsForStream",
        ],
        &["apigateway:GET"],
        &[
            "cloudformation:DescribeStackResources",
            "cloudformation:DescribeStacks",
        ],
        &[
            "states:DescribeStateMachine",
            "states:ListActivities",
            "states:ListStateMachines",
            "states:ListTagsForResource",
        ],
    ];
    let mut parts: Vec<Grants> = integration
        .iter()
        .map(|a| expect("Integration", a, &star))
        .collect();
    let objects = format!("{bucket}/*");
    parts.push(expect(
        "Integration",
        &[
            "s3:DeleteObject",
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:ListBucket",
        ],
        &[&bucket, &objects],
    ));
    parts.push(expect(
        "Eventbridge",
        &["firehose:PutRecord", "firehose:PutRecordBatch"],
        &[&format!(
            "arn:aws:firehose:{region}:{acct}:deliverystream/stackstate-eventbridge-stream"
        )],
    ));
    let prefix = format!("{bucket}/AWSLogs/{acct}/EventBridge/{region}/*");
    parts.push(expect(
        "Firehose",
        &[
            "s3:AbortMultipartUpload",
            "s3:GetBucketLocation",
            "s3:GetObject",
            "s3:ListBucket",
            "s3:ListBucketMultipartUploads",
            "s3:PutObject",
            "s3:PutObjectAcl",
        ],
        &[&prefix, &bucket],
    ));
    parts.push(expect(
        "Firehose",
        &["kms:Decrypt", "kms:GenerateDataKey"],
        // Deviation: the document's alias ARN, which IAM does not match for these actions.
        &[&format!("arn:aws:kms:{region}:{acct}:key/*")],
    ));
    assert_same("004", &inline_grants(&r), &union(parts));

    // The KMS conditions, as the document writes them.
    let kms =
        &r["roles"]["Firehose"]["inline"]["StackStateFirehosePolicy"]["Statement"][1]["Condition"];
    assert_eq!(
        kms["StringEquals"]["kms:ViaService"],
        serde_json::json!([format!("s3.{region}.amazonaws.com")])
    );
    assert_eq!(
        kms["ArnLike"]["kms:EncryptionContext:aws:s3:arn"],
        serde_json::json!([prefix])
    );
    // ... narrowed to the key behind the document's alias.
    assert_eq!(
        kms["ForAnyValue:StringEquals"]["kms:ResourceAliases"],
        serde_json::json!(["alias/stackstate-integration"])
    );

    // Trust: cross-account root with sts:ExternalId by default, the EC2 service when switched; 2008-10-17 kept.
    let t = trust(&r, "Integration");
    assert_eq!(r["roles"]["Integration"]["trust"]["Version"], "2008-10-17");
    assert_eq!(t.len(), 1);
    assert_eq!(
        t[0]["Principal"]["AWS"],
        serde_json::json!(["arn:aws:iam::111122223333:root"])
    );
    assert_eq!(
        t[0]["Condition"]["StringEquals"]["sts:ExternalId"],
        serde_json::json!(["stackstate-external-id-example"])
    );
    // The document lets the principal be one IAM user of that account too.
    let mut user = b.clone();
    user.params.insert(
        "AgentPrincipal".into(),
        ParamValue::Str("user/stackstate-agent".into()),
    );
    assert_eq!(
        trust(&user.module(&m), "Integration")[0]["Principal"]["AWS"],
        serde_json::json!(["arn:aws:iam::111122223333:user/stackstate-agent"])
    );
    // No instance profile outside AWS; in the EC2 mode one, and the agent's account and
    // external id may stay empty (their defaults).
    assert!(r["roles"]["Integration"]["instance_profile"].is_null());
    let mut ec2 = Bindings::defaults(&m);
    ec2.params
        .insert("AgentOnEc2".into(), ParamValue::Bool(true));
    let ec2_module = ec2.module(&m);
    assert_eq!(
        ec2_module["roles"]["Integration"]["instance_profile"],
        serde_json::json!("StackStateAwsIntegrationRole")
    );
    let t = trust(&ec2_module, "Integration");
    assert_eq!(t.len(), 1);
    assert_eq!(
        t[0]["Principal"]["Service"],
        serde_json::json!(["ec2.amazonaws.com"])
    );
    assert_eq!(
        trust(&r, "Eventbridge")[0]["Principal"]["Service"],
        serde_json::json!(["events.amazonaws.com"])
    );
    assert_eq!(
        trust(&r, "Firehose")[0]["Principal"]["Service"],
        serde_json::json!(["firehose.amazonaws.com"])
    );

    // The external id as STS constrains it (2–1224 characters of `[\w+=,.@:/-]`), or empty: the
    // characters as a pattern both regex dialects read alike, the length as min/max_length
    // (RE2, Terraform's engine, refuses counts over 1000, so `{2,1224}` cannot be the pattern).
    let ext = m
        .params
        .values()
        .find(|p| p.name.as_str() == "ExternalId")
        .unwrap();
    // Empty (its default, for the EC2 mode) or at least two characters.
    assert_eq!(
        ext.pattern.as_deref(),
        Some("([A-Za-z0-9+=,.@:/_-][A-Za-z0-9+=,.@:/_-]+)?")
    );
    assert_eq!((ext.min_length, ext.max_length), (None, Some(1224)));

    // The key policy, whole: the document's three statements as written, with one deviation
    // (recorded under `deviations:` in the spec and in the module README): AllowS3Access also
    // requires kms:CallerAccount = the stack's account, so principals of other accounts cannot
    // use the key through S3 (RG314).
    let crypto = [
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ];
    let key = &r["kms_keys"]["StackstateIntegration"];
    assert_eq!(key["Version"], "2012-10-17");
    assert_eq!(key["Id"], "default");
    assert_eq!(
        key["Statement"],
        serde_json::json!([
            {
                "Sid": "AllowKeyAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": [format!("arn:aws:iam::{acct}:root")]},
                "Action": [
                    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
                    "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
                    "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
                    "kms:CancelKeyDeletion"
                ],
                "Resource": ["*"]
            },
            {
                "Sid": "AllowS3Access",
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": crypto,
                "Resource": ["*"],
                "Condition": {"StringEquals": {
                    "kms:ViaService": [format!("s3.{region}.amazonaws.com")],
                    // Deviation: not in the document.
                    "kms:CallerAccount": [acct]
                }}
            },
            {
                "Sid": "AllowVpcFlowLogAccess",
                "Effect": "Allow",
                "Principal": {"Service": ["delivery.logs.amazonaws.com"]},
                "Action": crypto,
                "Resource": ["*"]
            }
        ])
    );
    // The example deployment (params file and examples/terraform) runs the account mode with
    // values IAM accepts: a 12-digit account and an external id of 2 to 1224 characters (the
    // defaults, empty, suit only the EC2 mode).
    let params: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(
            "modules-out/stackstate-aws/cloudformation/stackstate-aws.params.json",
        )
        .unwrap(),
    )
    .unwrap();
    let value = |k: &str| {
        params
            .iter()
            .find(|e| e["ParameterKey"] == k)
            .and_then(|e| e["ParameterValue"].as_str())
            .unwrap_or_else(|| panic!("{k} not in the params file"))
            .to_owned()
    };
    let account = value("AgentAccountId");
    assert!(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    assert!((2..=1224).contains(&value("ExternalId").len()));
    assert!(params.iter().all(|e| e["ParameterKey"] != "AgentOnEc2"));
    let example =
        std::fs::read_to_string("modules-out/stackstate-aws/examples/terraform/main.tf").unwrap();
    assert!(
        example.contains(&format!("agent_account_id = \"{account}\"")),
        "{example}"
    );
    // The deviation is recorded at the statement it concerns, and reaches the README there.
    let key = m.kms_keys.values().next().unwrap();
    let caller = key
        .policy
        .deviations
        .iter()
        .find(|d| d.what.contains("kms:CallerAccount"))
        .expect("the AllowS3Access deviation");
    assert_eq!(
        caller.statement,
        Some(StatementRef::Sid("AllowS3Access".into()))
    );
    let readme = std::fs::read_to_string("modules-out/stackstate-aws/README.md").unwrap();
    let section = &readme[readme.find("## KMS key `stackstate-integration`").unwrap()..];
    assert!(section.contains("- Statement `AllowS3Access`: The key policy statement AllowS3Access"));
    let mut all: Vec<&rolegen::model::Deviation> = m.deviations.iter().collect();
    for r in m.roles.values() {
        all.extend(&r.deviations);
        all.extend(&r.trust.deviations);
        all.extend(r.inline.iter().flat_map(|p| &p.doc.deviations));
    }
    all.extend(&key.policy.deviations);
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|d| d.source.contains("seed 004")));
}

#[test]
fn poolside_001() {
    let m = module("specs/poolside-eks.yaml");
    let b = Bindings::defaults(&m);
    let r = b.module(&m);
    let got = inline_grants(&r);
    let actions = |role: &str| -> BTreeSet<String> {
        got.iter()
            .filter(|(r, _, _)| r == role)
            .map(|(_, a, _)| a.clone())
            .collect()
    };
    // Every action the document names, on the role it names.
    let pod_doc = [
        "s3:ListBucket",
        "s3:GetObject",
        "s3:PutObject",
        "aws-marketplace:MeterUsage",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "bedrock:GetFoundationModel",
        "bedrock:ListFoundationModels",
        "bedrock:ListCustomModels",
        "bedrock:InvokeModel",
        "bedrock:InvokeModelWithResponseStream",
        "bedrock:CreateModelCustomizationJob",
        "bedrock:GetModelCustomizationJob",
        "bedrock:StopModelCustomizationJob",
        "iam:PassRole",
    ];
    let bastion_doc = [
        "ecr:PutImageTagMutability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:ListTagsForResource",
        "ecr:UploadLayerPart",
        "ecr:ListImages",
        "ecr:PutImage",
        "ecr:UntagResource",
        "ecr:BatchGetImage",
        "ecr:CompleteLayerUpload",
        "ecr:DescribeImages",
        "ecr:TagResource",
        "ecr:DescribeRepositories",
        "ecr:InitiateLayerUpload",
        "ecr:DescribeRegistry",
        "ecr:GetAuthorizationToken",
        "ssm:PutParameter",
        "ssm:DeleteParameter",
        "ssm:GetParametersByPath",
        "ssm:GetParameters",
        "ssm:GetParameter",
        "ssm:DeleteParameters",
        "acm:DescribeCertificate",
        "acm:GetCertificate",
        "acm:ListCertificates",
        "acm:ListTagsForCertificate",
        "dynamodb:PutItem",
        "dynamodb:GetItem",
        "dynamodb:DeleteItem",
    ];
    let pod: BTreeSet<String> = pod_doc.iter().map(|a| a.to_lowercase()).collect();
    assert_eq!(
        actions("EksPod"),
        pod,
        "the pod role grants exactly the document's actions"
    );
    let bastion = actions("BastionHost");
    for a in bastion_doc {
        assert!(bastion.contains(&a.to_lowercase()), "bastion lacks {a}");
    }
    // Vague parts written as concrete statements: Cognito user-pool administration, and the
    // "default" policy as read-only describes plus the deployment's own bucket and key.
    for extra in &bastion {
        let documented = bastion_doc.iter().any(|a| a.eq_ignore_ascii_case(extra));
        let cognito = extra.starts_with("cognito-idp:");
        let default_policy = extra.starts_with("ec2:describe")
            || extra.starts_with("eks:")
            || [
                "iam:getrole",
                "iam:getrolepolicy",
                "iam:listrolepolicies",
                "iam:listattachedrolepolicies",
                "s3:listbucket",
                "s3:getbucketlocation",
                "s3:getobject",
                "s3:putobject",
                "s3:deleteobject",
                "kms:decrypt",
                "kms:encrypt",
                "kms:generatedatakey",
                "kms:describekey",
            ]
            .contains(&extra.as_str());
        assert!(
            documented || cognito || default_policy,
            "bastion grants {extra}, which no part of the document covers"
        );
    }
    // Scoping as the document scopes it.
    let bucket = "arn:aws:s3:::poolside-deployment-123456789012";
    assert!(got.contains(&("EksPod".into(), "s3:listbucket".into(), bucket.into())));
    assert!(got.contains(&(
        "EksPod".into(),
        "s3:getobject".into(),
        format!("{bucket}/*")
    )));
    assert!(got
        .iter()
        .filter(|(r, a, _)| r == "EksPod" && a.starts_with("kms:"))
        .all(|(_, _, res)| res.starts_with("arn:aws:kms:")));
    assert!(got
        .iter()
        .filter(|(r, a, _)| r == "BastionHost" && a.starts_with("ssm:"))
        .all(|(_, _, res)| res.ends_with(":parameter/poolside/deployment/*")));
    assert!(got
        .iter()
        .filter(|(r, a, _)| r == "BastionHost"
            && a.starts_with("ecr:")
            && a != "ecr:getauthorizationtoken"
            && a != "ecr:describeregistry")
        .all(|(_, _, res)| res.ends_with(":repository/poolside-*")));
    // Invocation: foundation models, and the account's custom-model routes and inference
    // profiles (deviation D3), in the Bedrock region.
    let invoke: BTreeSet<String> = got
        .iter()
        .filter(|(r, a, _)| r == "EksPod" && a == "bedrock:invokemodel")
        .map(|(_, _, res)| res.clone())
        .collect();
    let acct = "123456789012";
    let want: BTreeSet<String> =
        std::iter::once("arn:aws:bedrock:*::foundation-model/*".to_owned())
            .chain(
                [
                    "provisioned-model",
                    "custom-model-deployment",
                    "imported-model",
                    "inference-profile",
                    "application-inference-profile",
                ]
                .iter()
                .map(|t| format!("arn:aws:bedrock:*:{acct}:{t}/*")),
            )
            .collect();
    assert_eq!(invoke, want);
    // ECR on the deployment's own prefix: another prefix, other repositories.
    let mut other = b.clone();
    other
        .params
        .insert("DeploymentPrefix".into(), ParamValue::Str("acme".into()));
    let other_grants = inline_grants(&other.module(&m));
    assert!(other_grants
        .iter()
        .filter(|(r, a, _)| r == "BastionHost" && a == "ecr:putimage")
        .all(|(_, _, res)| res.ends_with(":repository/acme-*")));
    // The bastion's "extensive permissions" are the caller's to attach (D11).
    assert!(m.roles["bastion-host"].has(rolegen::model::Hatch::AdditionalPolicyArns));
    // PassRole only on the customization job role, only to Bedrock.
    let pass = r["roles"]["EksPod"]["inline"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|d| d["Statement"].as_array().unwrap().clone())
        .find(|s| list(&s["Action"]).contains(&"iam:PassRole".to_owned()))
        .unwrap();
    assert_eq!(
        list(&pass["Resource"]),
        ["arn:aws:iam::123456789012:role/poolside-customization-job"]
    );
    assert_eq!(
        pass["Condition"]["StringEquals"]["iam:PassedToService"],
        serde_json::json!(["bedrock.amazonaws.com"])
    );
    // Both trust modes.
    let irsa = trust(&r, "EksPod");
    assert_eq!(irsa.len(), 1);
    assert_eq!(list(&irsa[0]["Action"]), ["sts:AssumeRoleWithWebIdentity"]);
    let mut pi = b.clone();
    pi.params
        .insert("UsePodIdentity".into(), ParamValue::Bool(true));
    let pod_identity = trust(&pi.module(&m), "EksPod");
    assert_eq!(
        pod_identity[0]["Principal"]["Service"],
        serde_json::json!(["pods.eks.amazonaws.com"])
    );
    assert_eq!(
        list(&pod_identity[0]["Action"]),
        ["sts:AssumeRole", "sts:TagSession"]
    );
    // The bastion has an instance profile; the controller role carries the module's LBC policy.
    assert!(!r["roles"]["BastionHost"]["instance_profile"].is_null());
    let lbc = list(&r["roles"]["LoadBalancerController"]["managed"]);
    assert_eq!(lbc.len(), 1);
    assert!(lbc[0].starts_with("arn:aws:iam::123456789012:policy/"));
    let doc = &r["policies"].as_object().unwrap().values().next().unwrap()["document"];
    let lbc_actions: BTreeSet<String> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| list(&s["Action"]))
        .collect();
    for a in [
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:CreateTargetGroup",
        "ec2:AuthorizeSecurityGroupIngress",
        "iam:CreateServiceLinkedRole",
        "wafv2:AssociateWebACL",
        "shield:CreateProtection",
        "acm:DescribeCertificate",
        "elasticloadbalancing:ModifyIpPools",
    ] {
        assert!(lbc_actions.contains(a), "LBC policy lacks {a}");
    }
}
