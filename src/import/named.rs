//! CloudFormation resources that are not IAM but whose ARN AWS builds from a written name
//! (`AWS::SQS::Queue` with `QueueName`, `AWS::DynamoDB::Table` with `TableName`): `!GetAtt
//! Queue.Arn` and `!Ref Table` in a role's policy are then spelt from that name, the
//! partition, the region and the account, which is what CloudFormation resolves them to (a
//! stack's resources live in its partition, region and account). Read by the importer and by
//! the resolver the round-trip tests compare it with, so both spell the same ARN. The ARN
//! formats ([`arn`]) are also those the Terraform importer spells its resources' `arn` with.
//!
//! What each return value is: the resource type's "Return values" in the CloudFormation
//! resource reference (`Ref` of a queue is its URL, of a topic its ARN; a log group's `Arn`
//! ends in `:*`); the ARN formats are each service's "Resource types" table in the Service
//! Authorization Reference. A resource without its name property (a generated name), and any
//! other attribute, are not spelt here.

use crate::model::{Part, Pseudo, Template};

/// What a `Ref` or an attribute of a named resource gives.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Gives {
    /// The written name.
    Name,
    /// The ARN.
    Arn,
}

/// A resource type whose ARN is built from its name.
pub(crate) struct NamedType {
    /// The CloudFormation resource type.
    pub(crate) ty: &'static str,
    /// The property that holds the name.
    pub(crate) name_prop: &'static str,
    /// The ARN between `arn:<partition>:` and the name; `{region}` and `{account}` stand for
    /// the pseudo parameters.
    pub(crate) arn_before: &'static str,
    /// What follows the name in the ARN `Fn::GetAtt` gives (a log group's `:*`).
    pub(crate) arn_after: &'static str,
    /// What `Ref` gives, if it is the name or the ARN (a queue's `Ref` is its URL: `None`).
    pub(crate) reference: Option<Gives>,
    /// The attributes (`Fn::GetAtt`) that give the name or the ARN.
    pub(crate) attributes: &'static [(&'static str, Gives)],
}

/// Each service's ARN between `arn:<partition>:` and the resource's name; `{region}` and
/// `{account}` stand for the pseudo parameters. Both importers spell ARNs with these.
pub(crate) mod arn {
    /// An S3 bucket.
    pub(crate) const S3_BUCKET: &str = "s3:::";
    /// An SQS queue.
    pub(crate) const SQS_QUEUE: &str = "sqs:{region}:{account}:";
    /// An SNS topic.
    pub(crate) const SNS_TOPIC: &str = "sns:{region}:{account}:";
    /// A Lambda function.
    pub(crate) const LAMBDA_FUNCTION: &str = "lambda:{region}:{account}:function:";
    /// A DynamoDB table.
    pub(crate) const DYNAMODB_TABLE: &str = "dynamodb:{region}:{account}:table/";
    /// A CloudWatch Logs log group.
    pub(crate) const LOG_GROUP: &str = "logs:{region}:{account}:log-group:";
    /// A Step Functions state machine.
    pub(crate) const STATE_MACHINE: &str = "states:{region}:{account}:stateMachine:";
    /// An ECR repository.
    pub(crate) const ECR_REPOSITORY: &str = "ecr:{region}:{account}:repository/";
    /// A Kinesis data stream.
    pub(crate) const KINESIS_STREAM: &str = "kinesis:{region}:{account}:stream/";
    /// An EventBridge event bus.
    pub(crate) const EVENT_BUS: &str = "events:{region}:{account}:event-bus/";
}

/// The resource types spelt from their names.
pub(crate) const NAMED_TYPES: &[NamedType] = &[
    NamedType {
        ty: "AWS::S3::Bucket",
        name_prop: "BucketName",
        arn_before: arn::S3_BUCKET,
        arn_after: "",
        reference: Some(Gives::Name),
        attributes: &[("Arn", Gives::Arn)],
    },
    NamedType {
        ty: "AWS::SQS::Queue",
        name_prop: "QueueName",
        arn_before: arn::SQS_QUEUE,
        arn_after: "",
        reference: None,
        attributes: &[("Arn", Gives::Arn), ("QueueName", Gives::Name)],
    },
    NamedType {
        ty: "AWS::SNS::Topic",
        name_prop: "TopicName",
        arn_before: arn::SNS_TOPIC,
        arn_after: "",
        reference: Some(Gives::Arn),
        attributes: &[("TopicArn", Gives::Arn), ("TopicName", Gives::Name)],
    },
    NamedType {
        ty: "AWS::Lambda::Function",
        name_prop: "FunctionName",
        arn_before: arn::LAMBDA_FUNCTION,
        arn_after: "",
        reference: Some(Gives::Name),
        attributes: &[("Arn", Gives::Arn)],
    },
    NamedType {
        ty: "AWS::DynamoDB::Table",
        name_prop: "TableName",
        arn_before: arn::DYNAMODB_TABLE,
        arn_after: "",
        reference: Some(Gives::Name),
        attributes: &[("Arn", Gives::Arn)],
    },
    NamedType {
        ty: "AWS::Logs::LogGroup",
        name_prop: "LogGroupName",
        arn_before: arn::LOG_GROUP,
        arn_after: ":*",
        reference: Some(Gives::Name),
        attributes: &[("Arn", Gives::Arn)],
    },
    NamedType {
        ty: "AWS::StepFunctions::StateMachine",
        name_prop: "StateMachineName",
        arn_before: arn::STATE_MACHINE,
        arn_after: "",
        reference: Some(Gives::Arn),
        attributes: &[("Arn", Gives::Arn), ("Name", Gives::Name)],
    },
    NamedType {
        ty: "AWS::ECR::Repository",
        name_prop: "RepositoryName",
        arn_before: arn::ECR_REPOSITORY,
        arn_after: "",
        reference: Some(Gives::Name),
        attributes: &[("Arn", Gives::Arn)],
    },
    NamedType {
        ty: "AWS::Kinesis::Stream",
        name_prop: "Name",
        arn_before: arn::KINESIS_STREAM,
        arn_after: "",
        reference: Some(Gives::Name),
        attributes: &[("Arn", Gives::Arn)],
    },
];

/// The named type `ty`, if it is one.
pub(crate) fn named_type(ty: &str) -> Option<&'static NamedType> {
    NAMED_TYPES.iter().find(|n| n.ty == ty)
}

/// A piece of a named resource's ARN.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ArnPiece<'a> {
    /// Literal text.
    Text(&'a str),
    /// The partition.
    Partition,
    /// The region.
    Region,
    /// The account.
    Account,
    /// The resource's name.
    Name,
}

impl NamedType {
    /// What `Ref` (`attribute` `None`) or `Fn::GetAtt` of `attribute` gives, if this module
    /// spells it.
    pub(crate) fn gives(&self, attribute: Option<&str>) -> Option<Gives> {
        match attribute {
            None => self.reference,
            Some(a) => self
                .attributes
                .iter()
                .find(|(name, _)| *name == a)
                .map(|(_, g)| *g),
        }
    }

    /// The resource's ARN, piece by piece.
    pub(crate) fn arn(&self) -> Vec<ArnPiece<'static>> {
        arn_pieces(self.arn_before, self.arn_after)
    }
}

/// An ARN `arn:<partition>:<before><name><after>` piece by piece, `before` one of the formats
/// of [`arn`].
pub(crate) fn arn_pieces(before: &'static str, after: &'static str) -> Vec<ArnPiece<'static>> {
    let mut v = vec![
        ArnPiece::Text("arn:"),
        ArnPiece::Partition,
        ArnPiece::Text(":"),
    ];
    let mut rest = before;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("{region}") {
            v.push(ArnPiece::Region);
            rest = r;
        } else if let Some(r) = rest.strip_prefix("{account}") {
            v.push(ArnPiece::Account);
            rest = r;
        } else {
            let end = rest.find('{').unwrap_or(rest.len());
            v.push(ArnPiece::Text(&rest[..end]));
            rest = &rest[end..];
        }
    }
    v.push(ArnPiece::Name);
    if !after.is_empty() {
        v.push(ArnPiece::Text(after));
    }
    v
}

/// The ARN `arn:<partition>:<before><name><after>` as a spec template: the pseudo parameters
/// for partition, region and account, `name` as written.
pub(crate) fn arn_template(before: &'static str, after: &'static str, name: &Template) -> Template {
    let mut t = Template::default();
    for piece in arn_pieces(before, after) {
        match piece {
            ArnPiece::Text(s) => t.push(Part::Lit(s.to_owned())),
            ArnPiece::Partition => t.push(Part::Pseudo(Pseudo::Partition)),
            ArnPiece::Region => t.push(Part::Pseudo(Pseudo::Region)),
            ArnPiece::Account => t.push(Part::Pseudo(Pseudo::AccountId)),
            ArnPiece::Name => t.extend(name),
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every ARN starts `arn:<partition>:<service>:` and puts the name once; every type is
    /// listed once.
    #[test]
    fn arns_are_well_formed() {
        for n in NAMED_TYPES {
            let arn = n.arn();
            assert_eq!(
                arn[..3],
                [
                    ArnPiece::Text("arn:"),
                    ArnPiece::Partition,
                    ArnPiece::Text(":")
                ]
            );
            assert_eq!(
                arn.iter().filter(|p| **p == ArnPiece::Name).count(),
                1,
                "{}",
                n.ty
            );
            assert_eq!(NAMED_TYPES.iter().filter(|m| m.ty == n.ty).count(), 1);
            assert!(n.gives(Some("Arn")).is_some() || n.gives(Some("TopicArn")).is_some());
        }
        let log = named_type("AWS::Logs::LogGroup").unwrap().arn();
        assert_eq!(log.last(), Some(&ArnPiece::Text(":*")));
        assert_eq!(named_type("AWS::SQS::Queue").unwrap().gives(None), None);
    }
}
