variable "create" {
  type        = bool
  default     = true
  description = "Whether to create the module's resources; false creates nothing."
}

variable "deployment_prefix" {
  type        = string
  default     = "poolside"
  description = "Prefix of every role and policy name (the document's [deployment-prefix])."

  validation {
    condition     = can(regex("^(?:[A-Za-z0-9+=,.@_-]{1,35})$", var.deployment_prefix))
    error_message = "The value of deployment_prefix must match the pattern [A-Za-z0-9+=,.@_-]{1,35}."
  }
}

variable "use_pod_identity" {
  type        = bool
  default     = false
  description = "Trust the EKS pod role through EKS Pod Identity (pods.eks.amazonaws.com) instead of IRSA."
}

variable "oidc_provider" {
  type        = string
  description = "OIDC issuer of the EKS cluster without https:// (oidc.eks.<region>.amazonaws.com/id/<id>), for IRSA."

  validation {
    condition     = can(regex("^(?:oidc\\.eks\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/id/[A-Za-z0-9]+)$", var.oidc_provider))
    error_message = "The value of oidc_provider must match the pattern oidc\\.eks\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/id/[A-Za-z0-9]+."
  }
}

variable "pod_namespace" {
  type        = string
  default     = "poolside"
  description = "Kubernetes namespace of the Poolside pods (IRSA trust of the EKS pod role)."

  validation {
    condition     = can(regex("^(?:[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)$", var.pod_namespace))
    error_message = "The value of pod_namespace must match the pattern [a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?."
  }
}

variable "pod_service_account" {
  type        = string
  default     = "poolside"
  description = "Kubernetes service account of the Poolside pods (IRSA trust of the EKS pod role)."

  validation {
    condition     = can(regex("^(?:[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$", var.pod_service_account))
    error_message = "The value of pod_service_account must match the pattern [a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?."
  }
}

variable "bucket_name" {
  type        = string
  description = "Name of the Poolside S3 bucket (user data and application assets)."

  validation {
    condition     = can(regex("^(?:[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$", var.bucket_name))
    error_message = "The value of bucket_name must match the pattern [a-z0-9][a-z0-9.-]{1,61}[a-z0-9]."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the KMS key the deployment encrypts its data with."

  validation {
    condition     = can(regex("^(?:arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+)$", var.kms_key_arn))
    error_message = "The value of kms_key_arn must match the pattern arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+."
  }
}

variable "customization_job_role_name" {
  type        = string
  default     = "poolside-customization-job"
  description = "Name (with its path, if any) of the IAM role of this account that Bedrock model customization jobs run as; the pod role may pass only this role, only to Bedrock."

  validation {
    condition     = can(regex("^(?:[A-Za-z0-9+=,.@_-]+(/[A-Za-z0-9+=,.@_-]+)*)$", var.customization_job_role_name))
    error_message = "The value of customization_job_role_name must match the pattern [A-Za-z0-9+=,.@_-]+(/[A-Za-z0-9+=,.@_-]+)*."
  }
}

variable "bedrock_region" {
  type        = string
  default     = "*"
  description = "Region of the Bedrock models and jobs the pods use (`*` for any region)."

  validation {
    condition     = can(regex("^(?:\\*|[a-z]{2}(-[a-z]+)+-[0-9])$", var.bedrock_region))
    error_message = "The value of bedrock_region must match the pattern \\*|[a-z]{2}(-[a-z]+)+-[0-9]."
  }
}

variable "terraform_state_bucket_name" {
  type        = string
  description = "Name of the S3 bucket holding the deployment's Terraform state (bastion host)."

  validation {
    condition     = can(regex("^(?:[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$", var.terraform_state_bucket_name))
    error_message = "The value of terraform_state_bucket_name must match the pattern [a-z0-9][a-z0-9.-]{1,61}[a-z0-9]."
  }
}

variable "terraform_lock_table_name" {
  type        = string
  default     = "*"
  description = "Name of the DynamoDB table Terraform locks its state with (`*` for any table of this account)."

  validation {
    condition     = can(regex("^(?:\\*|[A-Za-z0-9_.-]{3,255})$", var.terraform_lock_table_name))
    error_message = "The value of terraform_lock_table_name must match the pattern \\*|[A-Za-z0-9_.-]{3,255}."
  }
}

variable "eks_pod_name" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Name of the eks-pod role instead of the spec's; empty: the spec's."
}

variable "eks_pod_path" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): IAM path of the eks-pod role instead of the spec's; empty: the spec's."
}

variable "eks_pod_permissions_boundary" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Permissions boundary ARN of the eks-pod role instead of the spec's; empty: the spec's."
}

variable "eks_pod_max_session_duration" {
  type        = number
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Maximum session duration of the eks-pod role in seconds (3600-43200) instead of the spec's; empty: the spec's."

  validation {
    condition     = var.eks_pod_max_session_duration == null ? true : var.eks_pod_max_session_duration >= 3600 && var.eks_pod_max_session_duration <= 43200
    error_message = "The value of eks_pod_max_session_duration must be null or 3600 to 43200 seconds."
  }
}

variable "eks_pod_additional_policy_arns" {
  type        = list(string)
  default     = []
  description = "Escape hatch (the caller's choice, not the spec's): ARNs of more managed policies to attach to the eks-pod role, beyond what the spec grants; empty: none."
}

variable "bastion_host_name" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Name of the bastion-host role instead of the spec's; empty: the spec's."
}

variable "bastion_host_path" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): IAM path of the bastion-host role instead of the spec's; empty: the spec's."
}

variable "bastion_host_permissions_boundary" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Permissions boundary ARN of the bastion-host role instead of the spec's; empty: the spec's."
}

variable "bastion_host_max_session_duration" {
  type        = number
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Maximum session duration of the bastion-host role in seconds (3600-43200) instead of the spec's; empty: the spec's."

  validation {
    condition     = var.bastion_host_max_session_duration == null ? true : var.bastion_host_max_session_duration >= 3600 && var.bastion_host_max_session_duration <= 43200
    error_message = "The value of bastion_host_max_session_duration must be null or 3600 to 43200 seconds."
  }
}

variable "bastion_host_additional_policy_arns" {
  type        = list(string)
  default     = []
  description = "Escape hatch (the caller's choice, not the spec's): ARNs of more managed policies to attach to the bastion-host role, beyond what the spec grants; empty: none."
}

variable "load_balancer_controller_name" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Name of the load-balancer-controller role instead of the spec's; empty: the spec's."
}

variable "load_balancer_controller_path" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): IAM path of the load-balancer-controller role instead of the spec's; empty: the spec's."
}

variable "load_balancer_controller_permissions_boundary" {
  type        = string
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Permissions boundary ARN of the load-balancer-controller role instead of the spec's; empty: the spec's."
}

variable "load_balancer_controller_max_session_duration" {
  type        = number
  default     = null
  description = "Escape hatch (the caller's choice, not the spec's): Maximum session duration of the load-balancer-controller role in seconds (3600-43200) instead of the spec's; empty: the spec's."

  validation {
    condition     = var.load_balancer_controller_max_session_duration == null ? true : var.load_balancer_controller_max_session_duration >= 3600 && var.load_balancer_controller_max_session_duration <= 43200
    error_message = "The value of load_balancer_controller_max_session_duration must be null or 3600 to 43200 seconds."
  }
}

variable "load_balancer_controller_additional_policy_arns" {
  type        = list(string)
  default     = []
  description = "Escape hatch (the caller's choice, not the spec's): ARNs of more managed policies to attach to the load-balancer-controller role, beyond what the spec grants; empty: none."
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags added to every taggable resource (roles, managed policies, instance profiles, KMS keys); a role's own tags win."
}
