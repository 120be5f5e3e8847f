//! References to resources that are not IAM (`aws_dynamodb_table.orders.arn`,
//! `aws_s3_bucket.data.id`): a resource created with a written name has an ARN that AWS
//! builds from that name, the partition, the region and the account, so a reference to its
//! ARN or its name is spelt with those, which is exactly what Terraform resolves it to (the
//! provider deploys in the module's partition, region and account). A resource without a
//! written name (`name_prefix`, generated), a counted or `for_each` one, or any other
//! attribute stays what it was: a parameter without a default, reported.

use super::*;
use crate::import::named::{arn, arn_template};

/// A resource type whose ARN is built from its name.
struct Named {
    /// The resource type.
    ty: &'static str,
    /// The argument that holds the name.
    name_arg: &'static str,
    /// The ARN before the name, after `arn:<partition>:` (one of [`arn`]'s formats).
    arn: &'static str,
    /// Attributes that are the ARN.
    arn_attrs: &'static [&'static str],
    /// Attributes that are the name.
    name_attrs: &'static [&'static str],
}

/// The formats of the services' ARNs (each service's "Resource types" table in the Service
/// Authorization Reference) and which attributes the AWS provider gives the ARN or the name.
const NAMED: &[Named] = &[
    Named {
        ty: "aws_s3_bucket",
        name_arg: "bucket",
        arn: arn::S3_BUCKET,
        arn_attrs: &["arn"],
        name_attrs: &["id", "bucket"],
    },
    Named {
        ty: "aws_sqs_queue",
        name_arg: "name",
        arn: arn::SQS_QUEUE,
        arn_attrs: &["arn"],
        name_attrs: &["name"],
    },
    Named {
        ty: "aws_sns_topic",
        name_arg: "name",
        arn: arn::SNS_TOPIC,
        arn_attrs: &["arn", "id"],
        name_attrs: &["name"],
    },
    Named {
        ty: "aws_lambda_function",
        name_arg: "function_name",
        arn: arn::LAMBDA_FUNCTION,
        arn_attrs: &["arn"],
        name_attrs: &["function_name", "id"],
    },
    Named {
        ty: "aws_dynamodb_table",
        name_arg: "name",
        arn: arn::DYNAMODB_TABLE,
        arn_attrs: &["arn"],
        name_attrs: &["name", "id"],
    },
    Named {
        ty: "aws_cloudwatch_log_group",
        name_arg: "name",
        arn: arn::LOG_GROUP,
        arn_attrs: &["arn"],
        name_attrs: &["name", "id"],
    },
    Named {
        ty: "aws_sfn_state_machine",
        name_arg: "name",
        arn: arn::STATE_MACHINE,
        arn_attrs: &["arn", "id"],
        name_attrs: &["name"],
    },
    Named {
        ty: "aws_ecr_repository",
        name_arg: "name",
        arn: arn::ECR_REPOSITORY,
        arn_attrs: &["arn"],
        name_attrs: &["name", "id"],
    },
    Named {
        ty: "aws_cloudwatch_event_bus",
        name_arg: "name",
        arn: arn::EVENT_BUS,
        arn_attrs: &["arn"],
        name_attrs: &["name", "id"],
    },
];

impl Tf {
    /// `<type>.<name>.<attribute>` of a resource of the module that is not IAM, spelt from
    /// its written name: `None` when it cannot be (the caller makes it a parameter),
    /// `Some(None)` when the name itself cannot be expressed (reported).
    pub(super) fn derived(
        &mut self,
        ty: &str,
        steps: &[Step],
        at: &At,
    ) -> Option<Option<Template>> {
        let [Step::Attr(name), Step::Attr(attribute)] = steps else {
            return None;
        };
        let named = NAMED.iter().find(|n| n.ty == ty)?;
        let b = self.others.get(&format!("{ty}.{name}"))?.clone();
        if b.body.attr("count").is_some() || b.body.attr("for_each").is_some() {
            return None;
        }
        let is_arn = named.arn_attrs.contains(&attribute.as_str());
        if !is_arn && !named.name_attrs.contains(&attribute.as_str()) {
            return None;
        }
        let expr = b.body.attr(named.name_arg)?.expr.clone();
        let Some(n) = self.scalar(&expr, at) else {
            return Some(None);
        };
        let t = if is_arn {
            // The provider's `arn` of a log group has no `:*` (CloudFormation's has).
            arn_template(named.arn, "", &n)
        } else {
            n
        };
        self.note(
            at,
            format!(
                "`{ty}.{name}.{attribute}` is spelt from the {} written in `{}`: `{}`",
                if is_arn { "ARN of the name" } else { "name" },
                named.name_arg,
                t.display()
            ),
        );
        Some(Some(t))
    }
}
