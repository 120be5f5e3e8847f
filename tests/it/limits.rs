//! Input limits, each with its code: spec file size, number of roles, and `policy_file` paths
//! that escape the spec's folder through a symlink. (Nesting depth and alias bombs are RG010
//! fixtures under tests/rules; `..` escapes and module names are invalid fixtures.)

use rolegen::build::{compile, CompileOptions};
use std::fs;
use std::path::PathBuf;

fn codes(spec: &PathBuf) -> Vec<&'static str> {
    compile(std::slice::from_ref(spec), CompileOptions::VALIDATE)
        .diagnostics
        .0
        .iter()
        .map(|d| d.rule.code)
        .collect()
}

#[test]
fn a_spec_over_64_mib_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("big.yaml");
    let mut text = String::from("module: big\n");
    let line = format!("# {}\n", "x".repeat(1022));
    while text.len() <= 64 * 1024 * 1024 {
        text.push_str(&line);
    }
    fs::write(&spec, text).unwrap();
    let out = compile(std::slice::from_ref(&spec), CompileOptions::VALIDATE);
    let d = &out.diagnostics.0;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].rule.code, "RG010");
    assert!(d[0].message.contains("67108864"), "{}", d[0].message);
}

#[test]
fn more_than_100_000_roles_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("many.yaml");
    let mut text = String::from("module: many\nroles:\n");
    for i in 0..=rolegen::lower::MAX_RESOURCES {
        text.push_str(&format!("  r{i}: {{}}\n"));
    }
    fs::write(&spec, text).unwrap();
    assert!(codes(&spec).contains(&"RG010"));
}

#[cfg(unix)]
#[test]
fn a_policy_file_symlink_out_of_the_spec_folder_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("secret.json"),
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.json"),
        dir.path().join("policy.json"),
    )
    .unwrap();
    let spec = dir.path().join("spec.yaml");
    fs::write(&spec, "module: link\nroles:\n  r:\n    trust:\n      - service: [ec2.amazonaws.com]\n    inline_policies:\n      p:\n        policy_file: policy.json\n").unwrap();
    let out = compile(std::slice::from_ref(&spec), CompileOptions::VALIDATE);
    let d = out
        .diagnostics
        .0
        .iter()
        .find(|d| d.rule.code == "RG007")
        .expect("RG007");
    assert!(d.message.contains("symlink"), "{}", d.message);
    // The same file copied in (not linked) is fine.
    fs::remove_file(dir.path().join("policy.json")).unwrap();
    fs::copy(
        outside.path().join("secret.json"),
        dir.path().join("policy.json"),
    )
    .unwrap();
    assert!(!codes(&spec).contains(&"RG007"));
}

/// YAML reads at most 1024 characters as an implicit key; a longer one is a syntax error that
/// says so, rather than a type error about the value.
#[test]
fn a_key_over_1024_characters_says_why() {
    let spec = PathBuf::from("tests/fixtures/regressions/long-condition-key.yaml");
    let out = compile(std::slice::from_ref(&spec), CompileOptions::VALIDATE);
    let d = out
        .diagnostics
        .0
        .iter()
        .find(|d| d.rule.code == "RG001")
        .expect("a YAML syntax error");
    assert!(
        d.help
            .as_deref()
            .unwrap_or_default()
            .contains("1024 characters"),
        "{:?}",
        d.help
    );
}

/// Writes `n` bytes of YAML comment lines after `module: big` into `w`, stopping quietly when
/// the reader goes away (it stops at the limit).
#[cfg(unix)]
fn feed(mut w: impl std::io::Write, n: usize) {
    let line = format!("# {}\n", "x".repeat(1022));
    let _ = w.write_all(b"module: big\n");
    let mut sent = 0;
    while sent < n {
        if w.write_all(line.as_bytes()).is_err() {
            return;
        }
        sent += line.len();
    }
}

#[cfg(unix)]
fn mkfifo(p: &std::path::Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo failed");
}

/// A pipe has no size (`metadata().len()` is 0): the limit is applied while reading, so
/// `rolegen lint <(…200 MB…)` is refused with RG010 instead of read whole.
#[cfg(unix)]
#[test]
fn a_spec_over_64_mib_through_a_pipe_is_refused_while_reading() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("spec.yaml");
    mkfifo(&fifo);
    let path = fifo.clone();
    let writer = std::thread::spawn(move || feed(fs::File::create(path).unwrap(), 80 << 20));
    let out = compile(std::slice::from_ref(&fifo), CompileOptions::VALIDATE);
    writer.join().unwrap();
    let d = &out.diagnostics.0;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].rule.code, "RG010");
    assert!(
        d[0].message.contains("more than 67108864 bytes"),
        "{}",
        d[0].message
    );

    // `fmt -` reads standard input under the same limit.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .args(["fmt", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || feed(stdin, 80 << 20));
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("standard input holds more than 67108864 bytes"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}

/// `policy_file:` naming a FIFO blocked the build forever; a folder or device is no policy
/// either. Only a regular file is read.
#[cfg(unix)]
#[test]
fn a_policy_file_that_is_not_a_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("p.json"));
    fs::create_dir(dir.path().join("d.json")).unwrap();
    let spec = dir.path().join("spec.yaml");
    for (name, what) in [("p.json", "not a regular file"), ("d.json", "a folder")] {
        fs::write(&spec, format!("module: fifo\nroles:\n  r:\n    trust:\n      - service: [ec2.amazonaws.com]\n    inline_policies:\n      p:\n        policy_file: {name}\n")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let s = spec.clone();
        std::thread::spawn(move || {
            let out = compile(std::slice::from_ref(&s), CompileOptions::VALIDATE);
            let _ = tx.send(
                out.diagnostics
                    .0
                    .iter()
                    .map(|d| (d.rule.code, d.message.clone()))
                    .collect::<Vec<_>>(),
            );
        });
        let d = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("reading the {name} policy_file blocked"));
        assert!(
            d.iter().any(|(c, m)| *c == "RG007" && m.contains(what)),
            "{name}: {d:?}"
        );
    }
}

/// Diagnostics (code and message) of a spec given as text.
fn diagnostics(text: &str) -> (Vec<(&'static str, String)>, Option<rolegen::model::Module>) {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    fs::write(&spec, text).unwrap();
    let out = compile(std::slice::from_ref(&spec), CompileOptions::VALIDATE);
    let d = out
        .diagnostics
        .0
        .iter()
        .map(|d| (d.rule.code, d.message.clone()))
        .collect();
    (d, out.modules.into_iter().next().map(|c| c.module))
}

/// A name built from `${AWS::StackName}` leaves room for a stack name of some length: the
/// module takes stack names up to the smallest room any of its names leaves (with the
/// longest region and the parameters' defaults), and a name with no room even for one
/// character is RG201.
#[test]
fn names_built_from_the_stack_name_bound_its_length() {
    let spec = |role: &str, policy: &str| {
        format!(
            "module: per-stack\nparameters:\n  Queue: {{type: string, default: orders}}\nroles:\n  worker:\n    name: {role}\n    trust: [{{service: lambda.amazonaws.com}}]\n    managed_policies: [{{policy: reader}}]\npolicies:\n  reader:\n    name: {policy}\n    document:\n      Statement:\n        - {{Effect: Allow, Action: sqs:ReceiveMessage, Resource: 'arn:${{AWS::Partition}}:sqs:*:*:${{Queue}}'}}\n"
        )
    };
    // 64 - len("-worker-orders") = 50; the policy leaves 128 - 7 = 121.
    let (d, m) = diagnostics(&spec(
        "${AWS::StackName}-worker-${Queue}",
        "${AWS::StackName}-reader",
    ));
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(m.unwrap().stack_name_max(), 50);
    // Twice in one name: each gets half the room, (64 - 1) / 2.
    let (d, m) = diagnostics(&spec("${AWS::StackName}-${AWS::StackName}", "reader"));
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(m.unwrap().stack_name_max(), 31);
    // Not in any limited value: CloudFormation's own bound.
    let (_, m) = diagnostics(&spec("worker", "reader"));
    assert_eq!(m.unwrap().stack_name_max(), 128);
    // An inline policy's name counts too (128).
    let inline = spec("worker", "reader").replace(
        "    managed_policies:",
        &format!(
            "    inline_policies:\n      ${{AWS::StackName}}-{}:\n        Statement: [{{Effect: Allow, Action: sqs:SendMessage, Resource: 'arn:${{AWS::Partition}}:sqs:*:*:x'}}]\n    managed_policies:",
            "p".repeat(100)
        ),
    );
    let (d, m) = diagnostics(&inline);
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(m.unwrap().stack_name_max(), 27);
    // No room at all.
    let long = format!("${{AWS::StackName}}-{}", "w".repeat(63));
    let (d, _) = diagnostics(&spec(&long, "reader"));
    let rg201: Vec<_> = d.iter().filter(|(c, _)| *c == "RG201").collect();
    assert_eq!(rg201.len(), 1, "{d:?}");
    assert!(
        rg201[0].1.contains("1-character stack name"),
        "{}",
        rg201[0].1
    );
}

/// In a module that uses `${AWS::StackName}`, no parameter may become the Terraform variable
/// `stack_name`, and `adopt: true` cannot name its resources.
#[test]
fn the_stack_name_variable_is_the_modules_own() {
    let (d, _) = diagnostics("module: per-stack\nparameters:\n  StackName: {type: string, default: x}\nroles:\n  worker:\n    name: ${AWS::StackName}-${StackName}\n    trust: [{service: lambda.amazonaws.com}]\n");
    assert!(
        d.iter()
            .any(|(c, msg)| *c == "RG003" && msg.contains("`stack_name`")),
        "{d:?}"
    );
    let (d, _) = diagnostics("module: per-stack\nparameters:\n  StackName: {type: string, default: x}\nroles:\n  worker:\n    name: ${StackName}-worker\n    trust: [{service: lambda.amazonaws.com}]\n");
    assert!(
        d.is_empty(),
        "a StackName parameter is fine without the pseudo parameter: {d:?}"
    );
    let (d, _) = diagnostics("module: per-stack\nadopt: true\nroles:\n  worker:\n    name: ${AWS::StackName}-worker\n    trust: [{service: lambda.amazonaws.com}]\n");
    assert!(
        d.iter()
            .any(|(c, msg)| *c == "RG405" && msg.contains("AWS::StackName")),
        "{d:?}"
    );
}

/// A KMS key's deletion window is 7 to 30 days, or one number parameter.
#[test]
fn a_key_deletion_window_is_7_to_30_days_or_a_number_parameter() {
    let spec = |window: &str| {
        format!("module: keys\nparameters:\n  Days: {{type: number, default: 14}}\n  Name: {{type: string, default: x}}\nkms_keys:\n  data:\n    deletion_window: {window}\n    policy:\n      Statement:\n        - {{Effect: Allow, Principal: {{AWS: 'arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:root'}}, Action: 'kms:*', Resource: '*', allow: [RG309]}}\n")
    };
    let rg003 = |window: &str| {
        let (d, _) = diagnostics(&spec(window));
        d.into_iter()
            .filter(|(c, m)| *c == "RG003" && m.contains("deletion_window"))
            .count()
    };
    assert_eq!(rg003("7"), 0);
    assert_eq!(rg003("30"), 0);
    assert_eq!(rg003("${Days}"), 0);
    assert_eq!(rg003("6"), 1);
    assert_eq!(rg003("31"), 1);
    assert_eq!(rg003("${Name}"), 1);
    assert_eq!(rg003("'${Days}-1'"), 1);
}

/// A role's maximum session is 3600 to 43200 seconds, or one number parameter whose declared
/// bounds, default and allowed values stay in range (RG204).
#[test]
fn a_max_session_from_a_number_parameter_stays_in_range() {
    let spec = |decl: &str, value: &str| {
        format!("module: sessions\nparameters:\n  Session: {{type: number, {decl}}}\n  Name: {{type: string, default: x}}\nroles:\n  app:\n    name: app\n    max_session_duration: {value}\n    trust:\n      - service: [ec2.amazonaws.com]\n")
    };
    let count = |decl: &str, value: &str, code: &str| {
        let (d, _) = diagnostics(&spec(decl, value));
        d.into_iter()
            .filter(|(c, m)| {
                *c == code && (m.contains("max_session_duration") || m.contains("`Session`"))
            })
            .count()
    };
    let ok = "default: 3600, min_value: 3600, max_value: 43200";
    assert_eq!(count(ok, "${Session}", "RG204"), 0);
    assert_eq!(count(ok, "${Session}", "RG003"), 0);
    assert_eq!(count("default: 7200", "${Session}", "RG204"), 0);
    assert_eq!(count("default: 60", "${Session}", "RG204"), 1);
    assert_eq!(
        count("default: 3600, max_value: 86400", "${Session}", "RG204"),
        1
    );
    assert_eq!(
        count(
            "default: 3600, allowed_values: [3600, 100]",
            "${Session}",
            "RG204"
        ),
        1
    );
    assert_eq!(count(ok, "60", "RG204"), 1);
    assert_eq!(count(ok, "${Name}", "RG003"), 1);
    assert_eq!(count(ok, "'${Session}0'", "RG003"), 1);
}

/// A role name that may be nothing (`name: ${P}`, `P` empty by default) is generated while
/// empty, so the empty default is not measured; its example is, length and characters (RG201).
#[test]
fn a_name_that_may_be_nothing_is_checked_at_its_example() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.yaml");
    let rg201 = |example: &str| {
        let spec = format!(
            "module: optional-name\nparameters:\n  InstanceName:\n    type: string\n    default: \"\"\n{example}roles:\n  runner:\n    name: ${{InstanceName}}\n    trust:\n      - service: [ec2.amazonaws.com]\n"
        );
        fs::write(&path, spec).unwrap();
        codes(&path).iter().filter(|c| **c == "RG201").count()
    };
    assert_eq!(rg201(""), 0);
    assert_eq!(rg201("    example: runner-01\n"), 0);
    assert_eq!(rg201(&format!("    example: {}\n", "r".repeat(65))), 1);
    assert_eq!(rg201("    example: runner one\n"), 1);
}

/// A managed policy's description may hold placeholders: it is measured (1,000, RG203) with the
/// parameters at their defaults, and `${AWS::StackName}` in it bounds the stack name as a
/// role description does.
#[test]
fn a_managed_policy_description_is_measured_at_its_values() {
    let spec = |default: &str, description: &str| {
        format!(
            "module: described\nparameters:\n  Team: {{type: string, default: {default}}}\nroles:\n  app:\n    trust: [{{service: lambda.amazonaws.com}}]\n    managed_policies: [{{policy: reader}}]\npolicies:\n  reader:\n    name: reader\n    description: {description}\n    document:\n      Statement:\n        - {{Effect: Allow, Action: sqs:ReceiveMessage, Resource: 'arn:${{AWS::Partition}}:sqs:*:*:q'}}\n"
        )
    };
    let (d, m) = diagnostics(&spec("search", "Boundary of the ${Team} team"));
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(m.unwrap().stack_name_max(), 128);
    // 980 characters of text and a 21-character default: 1,001.
    let text = format!("{} ${{Team}}", "d".repeat(979));
    let (d, _) = diagnostics(&spec(&"t".repeat(21), &text));
    let rg203: Vec<_> = d.iter().filter(|(c, _)| *c == "RG203").collect();
    assert_eq!(rg203.len(), 1, "{d:?}");
    assert!(rg203[0].1.contains("1001 characters"), "{rg203:?}");
    let (d, _) = diagnostics(&spec(&"t".repeat(20), &text));
    assert!(d.is_empty(), "{d:?}");
    // 1,000 - len("-search") - 900 = 93.
    let description = format!("${{AWS::StackName}}-${{Team}}{}", "d".repeat(900));
    let (d, m) = diagnostics(&spec("search", &description));
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(m.unwrap().stack_name_max(), 93);
}
