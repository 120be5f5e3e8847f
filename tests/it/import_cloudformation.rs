//! `rolegen import` of CloudFormation templates, what it reads and what it reports: escaping of
//! placeholders and policy variables, what cannot be expressed (reported at its location),
//! what is not IAM (left out with a note), OIDC providers (exactly or not at all), a hatch
//! named like a parameter, the ARNs of named resources, and a string per item of a list
//! parameter (`!Split` of `!Sub`/`!Join`). Helpers come from `import`.

use crate::import::{compile, errors_of, fixture, round_trip};
use crate::support::rolegen;
use rolegen::import::{self, cloudformation};
use rolegen::model::resolve::Bindings;
use std::fs;

#[test]
fn escaping_of_placeholders_and_policy_variables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("escaping.yaml");
    fs::write(
        &path,
        r#"Parameters:
  Bucket: {Type: String, Default: "my-bucket"}
Resources:
  Home:
    Type: AWS::IAM::Role
    Properties:
      RoleName: home
      Description: "literal ${NotAParam} and $5"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: home
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource:
                  - !Sub "arn:${AWS::Partition}:s3:::${Bucket}/home/${!aws:username}/*"
                  - !Sub "arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/*"
                  - "arn:aws:s3:::plain/${aws:userid}/${Other}/*"
                Condition:
                  StringLike:
                    s3:prefix: !Sub "${!aws:username}/${Bucket}"
"#,
    )
    .unwrap();
    let imported = round_trip(&path, &[], false);
    let s = &imported.spec;
    assert!(
        s.contains("description: literal $${NotAParam} and $5"),
        "{s}"
    );
    assert!(
        s.contains("arn:${AWS::Partition}:s3:::${Bucket}/home/${aws:username}/*"),
        "{s}"
    );
    assert!(
        s.contains("arn:${AWS::Partition}:s3:::${Bucket}/$${Literal}/*"),
        "{s}"
    );
    assert!(
        s.contains("arn:aws:s3:::plain/${aws:userid}/$${Other}/*"),
        "{s}"
    );
    assert!(s.contains("s3:prefix: ${aws:username}/${Bucket}"), "{s}");
}

#[test]
fn what_cannot_be_expressed_is_reported_with_its_location() {
    let path = fixture("partial/unsupported.yaml");
    let imported = cloudformation::import(&path, "unsupported").unwrap();
    let errors = errors_of(&imported);
    let has = |at: &str, what: &str| {
        assert!(
            errors.iter().any(|e| e.contains(at) && e.contains(what)),
            "no issue at `{at}` about `{what}` in\n{}",
            errors.join("\n")
        );
    };
    has(
        "unsupported.yaml:13:5: error: Parameters.Name.MaxLength",
        "MaxLength",
    );
    has("App: DeletionPolicy", "DeletionPolicy");
    // Two parameters compared: no spec condition says that.
    has(
        "App: Condition",
        "condition `EnvIsName` cannot be a `when:`",
    );
    has("App: Properties.RoleName", "`Fn::If` on this property");
    has(
        "Statement[0].Resource",
        "`Fn::GetAtt Data.Arn` (AWS::S3::Bucket)",
    );
    has("Statement[1].Resource", "\"Fn::Select\"");
    has("Statement[2]", "condition `Both` cannot be a `when:`");
    has(
        "Statement[2][1]",
        "this Allow statement is under a switch the spec cannot express; it is left out",
    );
    // A role under a condition that is not a bool switch is refused, never imported "as if
    // it were true".
    has(
        "App:",
        "the role is not imported: its Condition cannot be a `when:`",
    );
    has(
        "Shared: Properties.PolicyDocument.Statement[0].Resource",
        "`AWS::StackId`",
    );
    has("Shared: Properties.Groups", "Groups are not imported");
    assert!(
        !errors.iter().any(|e| e.contains("Data: Type")),
        "a bucket is not IAM: a note, not an error"
    );
    // Every error has a line.
    assert!(imported.issues.iter().all(|i| i.line.is_some()));
    // The unexpressible values became parameters.
    assert!(imported.spec.contains("StackId:"), "{}", imported.spec);
    assert!(!imported.spec.contains("\n  app:"), "{}", imported.spec);

    let partial = cloudformation::import(
        &fixture("partial/github-oidc-thumbprint-parameter.yaml"),
        "gh",
    )
    .unwrap();
    let text: Vec<String> = partial.issues.iter().map(ToString::to_string).collect();
    // The provider is not imported (a thumbprint from a parameter), so the branch of
    // `Federated: !If [CreateOIDCProvider, ...]` naming it is left out; the role exists only
    // under the other (`when: not CreateOIDCProvider`, a spec condition).
    assert!(
        text.iter().any(|t| t.contains("Principal.Federated")
            && t.contains("`GithubOidc`, which is not imported")),
        "{text:?}"
    );
    assert!(
        partial.spec.contains("when: not CreateOIDCProvider"),
        "{}",
        partial.spec
    );
    assert!(text
        .iter()
        .any(|t| t.contains("thumbprints are literal in a spec")));

    // The upstream sample as published: the provider under its Condition is `when:`, and the
    // trust statement one per branch of its `!If` (the created provider's ARN under the
    // condition, the parameter's ARN under its negation: neither is the other's).
    let upstream =
        cloudformation::import(&fixture("partial/github-oidc-upstream.yaml"), "gh").unwrap();
    let text: Vec<String> = upstream.issues.iter().map(ToString::to_string).collect();
    assert!(errors_of(&upstream).is_empty(), "{text:?}");
    // The same IAM as the template where the provider is created and where an ARN is given
    // (the template with the Version the spec writes: IAM reads a document without one as
    // 2008-10-17, which the import notes).
    let dir = tempfile::tempdir().unwrap();
    let versioned = dir.path().join("github-oidc-upstream.yaml");
    let source = fs::read_to_string(fixture("partial/github-oidc-upstream.yaml")).unwrap();
    let source = source.replace(
        "      AssumeRolePolicyDocument:\n",
        "      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n",
    );
    fs::write(&versioned, source).unwrap();
    for arn in [
        "",
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
    ] {
        let values = [
            ("GitHubOrg", "octo-org"),
            ("RepositoryName", "site"),
            ("OIDCProviderArn", arn),
        ];
        round_trip(&versioned, &values, false);
    }
    for want in [
        "Federated: ${oidc_providers.github-oidc.arn}",
        "Federated: ${OIDCProviderArn}",
        "when: not CreateOIDCProvider",
        "    when: CreateOIDCProvider\n",
    ] {
        assert!(upstream.spec.contains(want), "{want}: {}", upstream.spec);
    }
    assert!(text
        .iter()
        .any(|t| t.contains("note") && t.contains("no Version")));
}

/// Issue 19 part 2: a template whose IAM sits beside a bucket, a queue, a function and its
/// event source mapping, with outputs of those and parameters only they use, imports with exit
/// 0; each thing left out is a note naming it and is listed in the spec's header; the
/// parameters only the left-out resources used are not in the spec; and the spec's IAM equals
/// the template's (`real_world_fixtures_round_trip` compares them under every binding).
#[test]
fn what_is_not_iam_is_left_out_with_a_note_and_the_import_succeeds() {
    let path = fixture("serverless-app.yaml");
    let imported = cloudformation::import(&path, "serverless-app").unwrap();
    assert!(
        errors_of(&imported).is_empty(),
        "{:?}",
        errors_of(&imported)
    );
    let notes: Vec<String> = imported.issues.iter().map(ToString::to_string).collect();
    let left_out = [
        (
            "UploadBucket: Type",
            "AWS::S3::Bucket is left out",
            "resource UploadBucket (AWS::S3::Bucket)",
        ),
        (
            "JobQueue: Type",
            "AWS::SQS::Queue is left out",
            "resource JobQueue (AWS::SQS::Queue)",
        ),
        (
            "Worker: Type",
            "AWS::Lambda::Function is left out",
            "resource Worker (AWS::Lambda::Function)",
        ),
        (
            "JobSource: Type",
            "AWS::Lambda::EventSourceMapping is left out",
            "resource JobSource (AWS::Lambda::EventSourceMapping)",
        ),
        (
            "Outputs.BucketName",
            "output `BucketName` is left out",
            "output BucketName",
        ),
        (
            "Outputs.QueueUrl",
            "output `QueueUrl` is left out",
            "output QueueUrl",
        ),
        (
            "Outputs.WorkerArn",
            "output `WorkerArn` is left out",
            "output WorkerArn",
        ),
        (
            "Outputs.WorkerRoleArn",
            "output `WorkerRoleArn` is left out",
            "output WorkerRoleArn",
        ),
        (
            "Parameters.RetentionDays",
            "parameter `RetentionDays` is left out",
            "parameter RetentionDays",
        ),
        (
            "Parameters.MemorySize",
            "parameter `MemorySize` is left out",
            "parameter MemorySize",
        ),
        (
            "Parameters.VisibilityTimeout",
            "parameter `VisibilityTimeout` is left out",
            "parameter VisibilityTimeout",
        ),
        (
            "Parameters.EnableVersioning",
            "parameter `EnableVersioning` is left out",
            "parameter EnableVersioning",
        ),
        (
            "Parameters.Runtime",
            "parameter `Runtime` is left out",
            "parameter Runtime",
        ),
    ];
    for (at, what, header) in left_out {
        assert!(
            notes
                .iter()
                .any(|n| n.contains(": note: ") && n.contains(at) && n.contains(what)),
            "no note at `{at}` saying `{what}` in\n{}",
            notes.join("\n")
        );
        assert!(
            imported.spec.contains(&format!("\n#   {header}\n")),
            "the header does not list `{header}`:\n{}",
            imported.spec
        );
    }
    assert_eq!(
        imported.issues.len(),
        left_out.len(),
        "{}",
        notes.join("\n")
    );
    let params = imported.tree.get("parameters").unwrap();
    assert!(params.get("AppName").is_some(), "{}", imported.spec);
    for gone in [
        "RetentionDays",
        "MemorySize",
        "VisibilityTimeout",
        "EnableVersioning",
        "Runtime",
    ] {
        assert!(
            params.get(gone).is_none(),
            "{gone} kept:\n{}",
            imported.spec
        );
    }

    // The binary: exit 0, the spec written, the notes and the count on stderr.
    let dir = tempfile::tempdir().unwrap();
    let p = path.to_str().unwrap();
    let o = rolegen(
        &["import", "--from", "cloudformation", p, "-o", "app.yaml"],
        dir.path(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("imported into app.yaml (13 notes)"), "{err}");
    assert_eq!(
        rolegen(&["lint", "app.yaml"], dir.path()).status.code(),
        Some(0)
    );

    // IAM the importer does not read, beside it, still makes the import partial: a resource
    // policy, a resource embedding a policy document, an IAM user.
    let text = fs::read_to_string(&path).unwrap();
    for (extra, what) in [
        (
            "  UploadPolicy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref UploadBucket\n      PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: '*'}]}\n",
            "AWS::S3::BucketPolicy is not imported: it is a resource policy",
        ),
        (
            "  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryPolicyText: {Statement: [{Effect: Allow, Principal: '*', Action: 'ecr:*'}]}\n",
            "AWS::ECR::Repository is not imported: its property `RepositoryPolicyText` holds a policy document",
        ),
        (
            "  Search:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      AccessPolicies: '{\"Version\": \"2012-10-17\", \"Statement\": []}'\n",
            "its property `AccessPolicies` holds a policy document",
        ),
        (
            "  Operator:\n    Type: AWS::IAM::User\n",
            "AWS::IAM::User is not imported: it is IAM the importer does not read",
        ),
    ] {
        let t = text.replace("Outputs:\n", &format!("{extra}Outputs:\n"));
        let i = cloudformation::import_text(&path, &t, "x").unwrap();
        let errors = errors_of(&i);
        assert!(
            errors.iter().any(|e| e.contains(what)),
            "no error `{what}`:\n{}",
            errors.join("\n")
        );
    }
}

/// OIDC providers a template creates come across exactly as the spec holds them: a trust in
/// the shape a helper writes becomes the helper, any other (or a policy) names the provider's
/// ARN as `${oidc_providers.<key>.arn}`; a provider the spec cannot hold is refused with the
/// roles that trust it (never imported wider or guessed); what grants nothing (Tags) is
/// reported without refusing.
#[test]
fn cloudformation_oidc_providers_come_across_exactly_or_not_at_all() {
    const BASE: &str = r#"Parameters:
  Issuer: {Type: String, Default: oidc.eks.eu-west-1.amazonaws.com/id/ABC}
Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties: {Name: c}
  Provider:
    Type: AWS::IAM::OIDCProvider
    PROVIDER_EXTRA
    Properties:
      Url: URL
      ClientIdList: [sts.amazonaws.com]
      TAGS
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !Sub '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${Provider.Arn}"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{CONDITION}}}]}'
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: iam:GetOpenIDConnectProvider, Resource: RESOURCE}
"#;
    let exact =
        r#""${Issuer}:sub":"system:serviceaccount:ns:sa","${Issuer}:aud":"sts.amazonaws.com""#;
    let case = |extra: &str, url: &str, tags: &str, condition: &str, resource: &str| {
        let text = BASE
            .replace("PROVIDER_EXTRA", extra)
            .replace("URL", url)
            .replace("TAGS", tags)
            .replace("CONDITION", condition)
            .replace("RESOURCE", resource);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.yaml");
        fs::write(&path, &text).unwrap();
        let imported = cloudformation::import(&path, "t").unwrap();
        (imported, path, dir)
    };
    // Exact: imports whole and resolves alike.
    let (ok, path, _d) = case("", "!Sub https://${Issuer}", "", exact, "'*'");
    assert!(errors_of(&ok).is_empty(), "{:?}", errors_of(&ok));
    assert!(ok.spec.contains("oidc_provider: provider"), "{}", ok.spec);
    round_trip(&path, &[], false);

    // Two namespaces, or a second key: no helper; the raw statement names the provider.
    for condition in [
        r#""${Issuer}:sub":["system:serviceaccount:a:x","system:serviceaccount:b:y"],"${Issuer}:aud":"sts.amazonaws.com""#,
        r#""${Issuer}:sub":"system:serviceaccount:ns:sa","${Issuer}:aud":"sts.amazonaws.com","${Issuer}:amr":"x""#,
    ] {
        let (i, path, _d) = case("", "!Sub https://${Issuer}", "", condition, "'*'");
        assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
        assert!(
            i.spec.contains("Federated: ${oidc_providers.provider.arn}"),
            "{}",
            i.spec
        );
        round_trip(&path, &[], false);
    }
    // A provider the spec cannot hold: switched, or a URL from another resource.
    for (extra, url, what) in [
        (
            "Condition: Create",
            "!Sub https://${Issuer}",
            "under a Condition",
        ),
        (
            "DependsOn: Cluster",
            "!GetAtt Cluster.OpenIdConnectIssuerUrl",
            "literal `https://`",
        ),
        ("", "https://example.com/", "ends with `/`"),
    ] {
        let (i, _, _d) = case(extra, url, "", exact, "'*'");
        let e = errors_of(&i);
        assert!(e.iter().any(|x| x.contains(what)), "{e:?}");
        assert!(
            e.iter()
                .any(|x| x.contains("the OIDC provider is not imported")),
            "{e:?}"
        );
        assert!(!i.spec.contains("oidc_providers:"), "{}", i.spec);
        assert!(!i.spec.contains("\n  role:"), "{}", i.spec);
    }
    // Tags grant nothing: reported, the provider and the role still come across.
    let (i, _, _d) = case(
        "",
        "!Sub https://${Issuer}",
        "Tags: [{Key: team, Value: platform}]",
        exact,
        "'*'",
    );
    let e = errors_of(&i);
    assert!(
        e.len() == 1 && e[0].contains("Tags are not carried"),
        "{e:?}"
    );
    assert!(i.spec.contains("oidc_provider: provider"), "{}", i.spec);
    // The provider's ARN in a policy: the same placeholder.
    let (i, path, _d) = case("", "!Sub https://${Issuer}", "", exact, "!Ref Provider");
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    assert!(
        i.spec.contains("Resource: ${oidc_providers.provider.arn}"),
        "{}",
        i.spec
    );
    round_trip(&path, &[], false);
}

/// A role whose escape hatch would take the name of a parameter of the source (role
/// `ConsumerRole` beside the parameter `ConsumerRoleName`; `consumer_role` beside
/// `var.consumer_role_name`) keeps the other hatches: the spec builds (it failed with RG003,
/// found by the import corpus) and resolves like the source.
#[test]
fn a_hatch_named_like_a_parameter_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("consumer.yaml");
    fs::write(
        &path,
        "Parameters:
  ConsumerRoleName: {Type: String, Default: etl}
Resources:
  ConsumerRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref ConsumerRoleName
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: glue.amazonaws.com}
            Action: sts:AssumeRole
",
    )
    .unwrap();
    let imported = round_trip(&path, &[], false);
    let keep = "    hatches:\n      - path\n      - permissions_boundary\n      - max_session_duration\n      - additional_policy_arns\n";
    assert!(imported.spec.contains(keep), "{}", imported.spec);
    let tf = tempfile::tempdir().unwrap();
    fs::write(
        tf.path().join("main.tf"),
        r#"variable "consumer_role_name" {
  type    = string
  default = "etl"
}

resource "aws_iam_role" "consumer_role" {
  name               = var.consumer_role_name
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "glue.amazonaws.com" } }] })
}
"#,
    )
    .unwrap();
    let imported = import::terraform::import(tf.path(), "consumer").unwrap();
    assert!(
        errors_of(&imported).is_empty(),
        "{:?}",
        errors_of(&imported)
    );
    assert!(imported.spec.contains(keep), "{}", imported.spec);
    let (_d, m) = compile(&imported.spec, "consumer");
    assert_eq!(
        Bindings::defaults(&m).module(&m)["roles"]["ConsumerRole"]["name"],
        "etl"
    );
}

/// `Ref` and `Fn::GetAtt` of named resources that are not IAM, in a role's policy, are spelt
/// from the written name: each ARN here is written out as CloudFormation's return values and
/// the services' ARN formats give it (a log group's `Arn` ends in `:*`); a queue's `Ref` (its
/// URL) and a resource without a written name stay parameters, reported.
#[test]
fn cloudformation_arns_of_named_resources() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("named.yaml");
    fs::write(
        &template,
        r#"
Parameters:
  App: {Type: String, Default: shop}
Resources:
  Data: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub "${App}-data"}}
  Jobs: {Type: AWS::SQS::Queue, Properties: {QueueName: jobs.fifo, FifoQueue: true}}
  Alerts: {Type: AWS::SNS::Topic, Properties: {TopicName: alerts}}
  Fn: {Type: AWS::Lambda::Function, Properties: {FunctionName: !Sub "${App}-fn", Role: !GetAtt Role.Arn, Runtime: python3.12, Handler: a.h, Code: {ZipFile: x}}}
  Orders: {Type: AWS::DynamoDB::Table, Properties: {TableName: orders, KeySchema: [{AttributeName: pk, KeyType: HASH}], AttributeDefinitions: [{AttributeName: pk, AttributeType: S}], BillingMode: PAY_PER_REQUEST}}
  Logs: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: /aws/lambda/shop-fn}}
  Flow: {Type: AWS::StepFunctions::StateMachine, Properties: {StateMachineName: flow, RoleArn: !GetAtt Role.Arn, DefinitionString: "{}"}}
  Img: {Type: AWS::ECR::Repository, Properties: {RepositoryName: shop/api}}
  Events: {Type: AWS::Kinesis::Stream, Properties: {Name: events, ShardCount: 1}}
  Unnamed: {Type: AWS::SQS::Queue}
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: app
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [s3:GetObject, sqs:SendMessage, sns:Publish, lambda:InvokeFunction, dynamodb:GetItem, logs:PutLogEvents, states:StartExecution, ecr:BatchGetImage, kinesis:PutRecord]
                Resource:
                  - !Sub "${Data.Arn}/*"
                  - !GetAtt Jobs.Arn
                  - !Ref Alerts
                  - !GetAtt Fn.Arn
                  - !GetAtt Orders.Arn
                  - !GetAtt Logs.Arn
                  - !Ref Flow
                  - !GetAtt Img.Arn
                  - !GetAtt Events.Arn
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: [!GetAtt Unnamed.Arn, !Sub "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Jobs.QueueName}-x", !Sub "${Orders}-index"]
"#,
    )
    .unwrap();
    let imported = cloudformation::import(&template, "named").unwrap();
    for arn in [
        "arn:${AWS::Partition}:s3:::${App}-data/*",
        "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs.fifo",
        "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:alerts",
        "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${App}-fn",
        "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders",
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/shop-fn:*",
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:flow",
        "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/shop/api",
        "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/events",
        "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs.fifo-x",
        "orders-index",
    ] {
        assert!(imported.spec.contains(arn), "{arn} not in\n{}", imported.spec);
    }
    // The queue without a name: a parameter without a default, an error; the import is
    // partial and says so.
    let errors = errors_of(&imported);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("`Fn::GetAtt Unnamed.Arn` (AWS::SQS::Queue)"),
        "{errors:?}"
    );
    assert!(imported.issues.iter().any(|i| i
        .to_string()
        .contains("`!GetAtt Logs.Arn` (AWS::Logs::LogGroup, not imported) is spelt as its ARN")));
}

/// SAM (decision: rolegen does not re-implement the transform): the `Transform` and each
/// `AWS::Serverless::*` resource are errors that say how to get the expanded template; another
/// macro is reported without that advice.
#[test]
fn a_sam_template_is_imported_after_the_transform() {
    let hint = "--template-stage Processed";
    let sam = cloudformation::import_text(
        std::path::Path::new("sam.yaml"),
        &fs::read_to_string("tests/import_corpus/cfn-sam-api.yaml").unwrap(),
        "sam",
    )
    .unwrap();
    let errors = errors_of(&sam);
    for needle in [
        "uses a Transform (AWS::Serverless-2016-10-31)",
        "`Globals` is a section of SAM templates",
        "AWS::Serverless::Function is not imported",
    ] {
        assert!(
            errors
                .iter()
                .any(|e| e.contains(needle) && e.contains(hint)),
            "{needle}: {errors:?}"
        );
    }
    let include =
        "Transform: [AWS::LanguageExtensions]\nResources:\n  Topic: {Type: AWS::SNS::Topic}\n";
    let other = cloudformation::import_text(std::path::Path::new("t.yaml"), include, "t").unwrap();
    let errors = errors_of(&other);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("uses a Transform (AWS::LanguageExtensions)")),
        "{errors:?}"
    );
    assert!(!errors.iter().any(|e| e.contains(hint)), "{errors:?}");
}

/// A string per item of a list parameter, as templates build it: `!Split [",", !Sub
/// ["pre${Items}suf", {Items: !Join ["suf,pre", !Ref List]}]]` (or the same with `!Join ["",
/// [pre, !Join […], suf]]`) is the spec's `pre${List}suf`, and resolves as the template does.
/// Text around the list that holds a placeholder is not read that way: the `Fn::Join`
/// delimiter is literal, so such text is not what every item gets (RG401).
#[test]
fn cloudformation_string_per_item_of_a_list() {
    let dir = tempfile::tempdir().unwrap();
    let template = |resource: &str| {
        format!(
            r#"
Parameters:
  Buckets: {{Type: CommaDelimitedList, Default: "raw,curated"}}
Resources:
  Reader:
    Type: AWS::IAM::Role
    Properties:
      RoleName: reader
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {{Effect: Allow, Principal: {{Service: ec2.amazonaws.com}}, Action: sts:AssumeRole}}
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: {resource}
"#
        )
    };
    for (i, resource) in [
        r#"!Split [",", !Sub ["arn:aws:s3:::data-${Items}/*", {Items: !Join ["/*,arn:aws:s3:::data-", !Ref Buckets]}]]"#,
        r#"!Split [",", !Join ["", ["arn:aws:s3:::data-", !Join ["/*,arn:aws:s3:::data-", !Ref Buckets], "/*"]]]"#,
    ]
    .into_iter()
    .enumerate()
    {
        let path = dir.path().join(format!("per-item-{i}.yaml"));
        fs::write(&path, template(resource)).unwrap();
        let imported = round_trip(&path, &[], false);
        assert!(
            imported.spec.contains("- arn:aws:s3:::data-${Buckets}/*"),
            "{}",
            imported.spec
        );
    }
    // The partition in the text around the list: not every item's (the delimiter says
    // `${AWS::Partition}` literally), so not `${Buckets}` per item.
    let path = dir.path().join("per-item-dynamic.yaml");
    fs::write(
        &path,
        template(r#"!Split [",", !Sub ["arn:${AWS::Partition}:s3:::${Items}/*", {Items: !Join ["/*,arn:${AWS::Partition}:s3:::", !Ref Buckets]}]]"#),
    )
    .unwrap();
    let imported = cloudformation::import(&path, "per-item-dynamic").unwrap();
    assert!(!imported.spec.contains("${Buckets}/*"), "{}", imported.spec);
}
