//! The Terraform variable `stack_name`, which stands for CloudFormation's `${AWS::StackName}`
//! in a module that uses it: required, checked to be a stack name that the module's names
//! have room for.

use super::hcl::{quote_literal, Block};
use crate::model::{Module, Pseudo};

/// `variable "stack_name"`, when the module uses `${AWS::StackName}`: required, a stack name
/// as CloudFormation accepts it, no longer than the module's names allow
/// ([`Module::stack_name_max`]).
pub(super) fn stack_name_variable(m: &Module) -> Option<Block> {
    use crate::model::conventions::{STACK_NAME_PATTERN, STACK_NAME_VARIABLE as NAME};
    if !m.pseudos_used().contains(&Pseudo::StackName) {
        return None;
    }
    let max = m.stack_name_max();
    let mut b = Block::new("variable", &[NAME]);
    b.attr("type", "string");
    b.attr("description", quote_literal(&stack_name_description(max)));
    let mut v = Block::new("validation", &[]);
    v.attr(
        "condition",
        format!(
            "can(regex({}, var.{NAME})) && length(var.{NAME}) <= {max}",
            quote_literal(STACK_NAME_PATTERN)
        ),
    );
    v.attr(
        "error_message",
        quote_literal(&format!(
            "The value of {NAME} must be a CloudFormation stack name (a letter, then letters, digits and hyphens) of at most {max} characters."
        )),
    );
    b.block(v);
    Some(b)
}

/// The description of the `stack_name` variable (and its README row).
pub(crate) fn stack_name_description(max: usize) -> String {
    format!("The deployment's name, standing for the CloudFormation stack name (AWS::StackName) in the spec: the stack's name gives the stack's names. A letter, then letters, digits and hyphens; at most {max} characters (the module's names hold it).")
}
